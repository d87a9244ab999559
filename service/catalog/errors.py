"""Errors a user can fix: each says where (file, field, slug) and what to do."""

import difflib
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        field = f": {self.field}" if self.field else ""
        return f"{self.where}{field}: {self.message}"


class CatalogError(Exception):
    """One or more problems a user can fix; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def closest(name: str, known: Iterable[str]) -> list[str]:
    """Up to three known names close to `name`, closest first."""
    return difflib.get_close_matches(name.lower(), list(known), n=3, cutoff=0.6)


def closest_per_owner(name: str, owners: Mapping[str, Hashable]) -> list[str]:
    """Up to three known names close to `name`, closest first, at most one per owner (a
    model's slug and its aliases name one model: only the closest of them is suggested).
    An undated id naming several dated releases ("claude-3.5-sonnet") suggests those."""
    from service.catalog.identity import dated_releases  # the import's identity rules

    ranked = dated_releases(name, owners) or difflib.get_close_matches(
        name.lower(), list(owners), n=12, cutoff=0.6
    )
    picked: dict[Hashable, str] = {}
    for known in ranked:
        picked.setdefault(owners[known], known)
    return list(picked.values())[:3]


def did_you_mean(close: list[str]) -> str:
    """'; did you mean X?' for names already found close, or '' when there are none."""
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def suggest(name: str, known: Iterable[str]) -> str:
    """'; did you mean X?' for the closest known names, or '' when none is close."""
    return did_you_mean(closest(name, known))


class UserInputError(Exception):
    """A request a user can fix, answered plainly (not masked) with the argument at fault."""

    def __init__(self, message: str, argument: str | None = None, code: str = "BAD_USER_INPUT"):
        super().__init__(message)
        self.argument = argument
        self.code = code
        # GraphQL copies an exception's `extensions` onto the error it reports.
        self.extensions: dict[str, object] = {
            "code": code,
            **({"argument": argument} if argument else {}),
        }


class NotFoundError(UserInputError):
    """`known`: the names to suggest from; or each name with its owner (a model's slug and
    aliases), so one owner is suggested once, by its closest name."""

    def __init__(
        self,
        kind: str,
        name: str,
        known: Iterable[str] | Mapping[str, Hashable],
        argument: str | None = None,
    ):
        names = list(known)
        close = (
            closest_per_owner(name, known) if isinstance(known, Mapping) else closest(name, names)
        )
        if kind == "model":  # an undated id naming several releases suggests the releases
            from service.catalog.identity import dated_releases

            close = dated_releases(name, names)[:3] or close
        super().__init__(f"unknown {kind} {name!r}{did_you_mean(close)}", argument, "NOT_FOUND")
        self.kind = kind
        self.name = name
        self.extensions["suggestions"] = close


class ConflictError(UserInputError):
    """Someone else changed the row since the caller read it."""

    def __init__(self, message: str, current_version: int):
        super().__init__(message, "expectedVersion", "CONFLICT")
        self.current_version = current_version
        self.extensions["currentVersion"] = current_version


class InvalidInputError(UserInputError):
    """Input that breaks the catalog's rules, with every problem by field."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems), None, "INVALID")
        self.problems = problems
