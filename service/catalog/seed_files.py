"""Read and validate the seed directory: every problem is reported with its file and field."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from service.catalog.errors import CatalogError, Problem, suggest
from service.catalog.seed_schema import (
    CollectionEntry,
    LicenseEntry,
    ModelFile,
    OrganizationEntry,
    PriceEntry,
    SourceEntry,
    TaskEntry,
    TaxonomyEntry,
)

E = TypeVar("E", bound=BaseModel)
T = TypeVar("T", bound=TaxonomyEntry)

TAXONOMY: dict[str, type[TaxonomyEntry]] = {
    "sources": SourceEntry,
    "organizations": OrganizationEntry,
    "licenses": LicenseEntry,
    "tasks": TaskEntry,
    "collections": CollectionEntry,
}


@dataclass
class SeedBundle:
    sources: list[SourceEntry] = field(default_factory=list)
    organizations: list[OrganizationEntry] = field(default_factory=list)
    licenses: list[LicenseEntry] = field(default_factory=list)
    tasks: list[TaskEntry] = field(default_factory=list)
    collections: list[CollectionEntry] = field(default_factory=list)
    models: list[ModelFile] = field(default_factory=list)
    model_files: dict[str, str] = field(default_factory=dict)  # slug -> file, for messages
    # Kinds with a file that could not be read in full: references to them are not checked,
    # so one broken file does not bury the others' problems under false "unknown" ones.
    incomplete: set[str] = field(default_factory=set)


class _Unreadable:
    """The file has problems already listed; there is nothing to validate."""


UNREADABLE = _Unreadable()
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def load_seed(seed_dir: Path) -> SeedBundle:
    """Validate every seed file; raise CatalogError listing every problem found."""
    problems: list[Problem] = []
    bundle = SeedBundle()
    if not seed_dir.is_dir():
        raise CatalogError([Problem(str(seed_dir), "", "seed directory not found")])
    for name, entry_cls in TAXONOMY.items():
        path = seed_dir / "taxonomy" / f"{name}.yaml"
        before = len(problems)
        entries = _load_list(path, entry_cls, _where(path, seed_dir), problems)
        setattr(bundle, name, entries)
        if len(problems) > before:
            bundle.incomplete.add(name.removesuffix("s"))
    for path in sorted((seed_dir / "models").glob("*.y*ml")):
        where = _where(path, seed_dir)
        data = _read_yaml(path, where, problems)
        model = None if data is UNREADABLE else _validate(ModelFile, data, where, "", problems)
        if model is None:
            bundle.incomplete.add("model")
            continue
        if model.slug in bundle.model_files:
            problems.append(
                Problem(
                    where,
                    "slug",
                    f"duplicate slug {model.slug!r}, "
                    f"already used by {bundle.model_files[model.slug]}",
                )
            )
            continue
        bundle.models.append(model)
        bundle.model_files[model.slug] = where
    problems.extend(_cross_check(bundle, seed_dir))
    if problems:
        raise CatalogError(problems)
    return bundle


def _where(path: Path, seed_dir: Path) -> str:
    try:
        return str(path.relative_to(seed_dir.parent))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, where: str, problems: list[Problem]) -> Any:
    """The file's data, or UNREADABLE with its problems listed (empty, binary, not YAML)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(where, "", "file not found"))
        return UNREADABLE
    except OSError as exc:
        problems.append(Problem(where, "", f"cannot be read: {exc.strerror or exc}"))
        return UNREADABLE
    if b"\x00" in raw:
        problems.append(Problem(where, "", "holds NUL bytes: binary content, not YAML text"))
        return UNREADABLE
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(where, "", f"is not UTF-8 text (bad byte at offset {exc.start})"))
        return UNREADABLE
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        problems.append(Problem(where, "", f"not valid YAML{line}: {getattr(exc, 'problem', exc)}"))
        return UNREADABLE
    except RecursionError:
        problems.append(Problem(where, "", "not valid YAML: nested too deeply"))
        return UNREADABLE
    if data is None:
        problems.append(Problem(where, "", "the file is empty; delete it or give its entries"))
        return UNREADABLE
    found = _bad_values(data)
    problems.extend(Problem(where, at, message) for at, message in found)
    return UNREADABLE if found else data


def _bad_values(data: Any) -> list[tuple[str, str]]:
    """Values no column can hold: NUL or lone surrogates in text, integers beyond 64 bits."""
    found = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, at = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, f"{at}.{k}" if at else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(value))
        elif isinstance(value, str) and "\x00" in value:
            found.append((at, "holds a NUL character"))
        elif isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value):
            found.append((at, "holds a lone surrogate (not Unicode text)"))
        elif isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            found.append((at, f"{value} is beyond the 64-bit integer range"))
    return sorted(found)


def _validate(
    cls: type[E], data: Any, where: str, prefix: str, problems: list[Problem]
) -> E | None:
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(Problem(where, prefix + _location(error["loc"]), _message(error)))
        return None


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).startswith(("function-", "constrained-")) or "[" in str(part):
            continue  # pydantic's internal validator names say nothing to a user
        else:
            text += f".{part}" if text else str(part)
    return text


def _message(error: ErrorDetails) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return "unknown field (check its spelling)"
    if (
        "input" in error
        and error["type"] not in ("missing",)
        and not isinstance(error["input"], dict | list)
    ):
        return f"{message} (got {error['input']!r})"
    return message


def _load_list(path: Path, cls: type[T], where: str, problems: list[Problem]) -> list[T]:
    data = _read_yaml(path, where, problems)
    if data is UNREADABLE:
        return []
    if not isinstance(data, list):
        problems.append(Problem(where, "", "expected a list of entries"))
        return []
    entries = [_validate(cls, item, where, f"[{i}].", problems) for i, item in enumerate(data)]
    valid = [entry for entry in entries if entry is not None]
    for slug, count in Counter(e.slug for e in valid).items():
        if count > 1:
            problems.append(Problem(where, "slug", f"duplicate slug {slug!r} ({count} entries)"))
    return valid


def _cross_check(bundle: SeedBundle, seed_dir: Path) -> list[Problem]:
    """References between files must resolve; names must lead to one model."""
    problems: list[Problem] = []
    known = {
        "source": {s.slug for s in bundle.sources},
        "organization": {o.slug for o in bundle.organizations},
        "license": {lic.slug for lic in bundle.licenses},
        "task": {t.slug for t in bundle.tasks},
        "collection": {c.slug for c in bundle.collections},
        "model": {m.slug for m in bundle.models},
    }

    def check(where: str, field_name: str, kind: str, slug: str | None) -> None:
        if slug is not None and slug not in known[kind] and kind not in bundle.incomplete:
            problems.append(
                Problem(where, field_name, f"unknown {kind} {slug!r}{suggest(slug, known[kind])}")
            )

    sourced: list[OrganizationEntry | LicenseEntry] = [*bundle.organizations, *bundle.licenses]
    for entry in sourced:
        where = _where(
            seed_dir
            / "taxonomy"
            / ("organizations.yaml" if isinstance(entry, OrganizationEntry) else "licenses.yaml"),
            seed_dir,
        )
        check(where, f"{entry.slug}.source", "source", entry.source)

    names = {model.slug: model.slug for model in bundle.models}
    for model in bundle.models:
        where = bundle.model_files[model.slug]
        for alias in model.aliases:
            owner = names.setdefault(alias.lower(), model.slug)
            if owner != model.slug or alias.lower() == model.slug:
                problems.append(
                    Problem(where, "aliases", f"name {alias!r} is already used by model {owner!r}")
                )
        check(where, "source", "source", model.source)
        for fact_name in ("organization", "license"):
            fact = getattr(model, fact_name)
            if fact is not None:
                check(where, f"{fact_name}.value", fact_name, fact.value)
        if "source" not in bundle.incomplete:
            problems.extend(_check_sources(model, where, known["source"]))
        variants = {v.slug for v in model.variants}
        for i, price in enumerate(model.prices):
            if price.variant is not None and price.variant not in variants:
                problems.append(
                    Problem(
                        where,
                        f"prices[{i}].variant",
                        f"unknown variant {price.variant!r} of {model.slug!r}"
                        f"{suggest(price.variant, variants)}",
                    )
                )
        problems.extend(_overlapping_prices(model.prices, where))
        for i, link in enumerate(model.lineage):
            check(where, f"lineage[{i}].model", "model", link.model)
        for i, capability in enumerate(model.capabilities):
            check(where, f"capabilities[{i}].task", "task", capability.task)
        for i, member in enumerate(model.collections):
            check(where, f"collections[{i}].collection", "collection", member.collection)
    all_variants = Counter(v.slug for m in bundle.models for v in m.variants)
    for slug, count in all_variants.items():
        if count > 1:
            problems.append(Problem("seed/models", "variants", f"duplicate variant slug {slug!r}"))
    return problems


def _check_sources(model: ModelFile, where: str, sources: set[str]) -> list[Problem]:
    """Every fact must cite a known source: its own, or the file's."""
    facts = [
        (name, getattr(model, name))
        for name in ModelFile.model_fields
        if hasattr(getattr(model, name), "quote")
    ]
    for list_name in ("prices", "variants", "lineage", "capabilities", "collections"):
        facts += [(f"{list_name}[{i}]", e) for i, e in enumerate(getattr(model, list_name))]
    problems = []
    for name, fact in facts:
        slug = fact.source or model.source
        if slug is None:
            problems.append(
                Problem(
                    where,
                    f"{name}.source",
                    "no source: cite one here or set the file's top-level `source`",
                )
            )
        elif fact.source is not None and slug not in sources:
            problems.append(
                Problem(where, f"{name}.source", f"unknown source {slug!r}{suggest(slug, sources)}")
            )
    return problems


def _overlapping_prices(prices: list[PriceEntry], where: str) -> list[Problem]:
    problems = []
    for i, a in enumerate(prices):
        for j in range(i + 1, len(prices)):
            b = prices[j]
            if a.variant != b.variant:
                continue
            starts_before_b_ends = (
                b.effective_to is None
                or a.effective_from is None
                or (a.effective_from < b.effective_to)
            )
            b_starts_before_a_ends = (
                a.effective_to is None
                or b.effective_from is None
                or (b.effective_from < a.effective_to)
            )
            if starts_before_b_ends and b_starts_before_a_ends:
                problems.append(
                    Problem(
                        where,
                        f"prices[{j}]",
                        f"overlaps prices[{i}] for {a.variant or 'the model'} "
                        f"({_span(a)} and {_span(b)}); close the earlier one with effective_to",
                    )
                )
    return problems


def _span(price: PriceEntry) -> str:
    return f"{price.effective_from or 'the start'} to {price.effective_to or 'now'}"
