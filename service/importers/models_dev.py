"""models.dev: a tree of TOML files, one per model a provider serves, plus base-model files.

Every file is one record; records with the same identity key are one model. The model's facts
come first from its maker's own provider file (provider openai for an OpenAI model), then the
lab's base-model file, then other providers in name order; its price only from the maker's own
provider, because resellers set their own prices.
"""

import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from service.catalog.errors import CatalogError, Problem
from service.catalog.seed_schema import ReleaseDateFact
from service.importers.identity import (
    known_org,
    maker_by_name,
    maker_in_route,
    model_key,
    org_slug,
)
from service.importers.provenance import source_info
from service.importers.records import (
    ModelRecord,
    Parsed,
    PriceClaim,
    Skipped,
    per_mtok,
    token_count,
)

SLUG = "models-dev"
COMMIT = "f3fc692299671838c7c65fd8126bf84d81a2e817"
_MODALITY = {"text": "text", "image": "image", "audio": "audio", "video": "video", "pdf": "file"}
_STATUS = {"deprecated": "deprecated", "alpha": "preview", "beta": "preview"}


class _Entry:
    """One TOML file, read and merged with its base model."""

    def __init__(
        self, route: str, where: str, provider: str | None, lab: str | None, data: dict[str, Any]
    ):
        self.route = route  # "openrouter/openai/gpt-4o", or "openai/gpt-4o" for a base file
        self.where = where  # the file, for messages
        self.provider = provider
        self.lab = lab
        self.data = data


def parse(path: Path, advance: Callable[[int], None] = lambda n: None) -> Parsed:
    """Read a models.dev tree (the folder holding `providers/` and `models/`)."""
    providers, bases = path / "providers", path / "models"
    if not path.is_dir() or not (providers.is_dir() or bases.is_dir()):
        raise CatalogError(
            [
                Problem(
                    str(path),
                    "",
                    "not a models.dev tree: expected a folder holding providers/<id>/models/"
                    "*.toml or models/<lab>/*.toml",
                )
            ]
        )
    parsed = Parsed(
        source_info(
            path,
            SLUG,
            "models.dev (provider and model catalog)",
            "https://github.com/anomalyco/models.dev",
            COMMIT,
            "MIT licence. Prices in USD per 1M tokens; one TOML file per served model.",
        ),
        path,
    )
    base_data: dict[str, dict[str, Any]] = {}
    entries: list[_Entry] = []
    for file in sorted(bases.glob("*/**/*.toml")) if bases.is_dir() else []:
        route = file.relative_to(bases).with_suffix("").as_posix()
        data = _read(file, path, parsed)
        advance(1)
        if data is not None:
            base_data[route] = data
            entries.append(_Entry(route, _where(file, path), None, route.split("/", 1)[0], data))
    for file in sorted(providers.glob("*/models/**/*.toml")) if providers.is_dir() else []:
        provider = file.relative_to(providers).parts[0]
        model_id = file.relative_to(providers / provider / "models").with_suffix("").as_posix()
        data = _read(file, path, parsed)
        advance(1)
        if data is None:
            continue
        if base := data.get("base_model"):
            if base not in base_data:
                parsed.skipped.append(
                    Skipped(_where(file, path), f"base_model {base!r} has no models/ file")
                )
                continue
            data = _inherit(base_data[base], data)
        entries.append(_Entry(f"{provider}/{model_id}", _where(file, path), provider, None, data))
    parsed.entries = len(entries) + len(parsed.skipped)
    groups: dict[str, list[_Entry]] = {}
    for entry in entries:
        problem = _problem(entry.data)
        if problem:
            parsed.skipped.append(Skipped(entry.where, problem))
            continue
        groups.setdefault(model_key(entry.route), []).append(entry)
    for key in sorted(groups):
        try:
            parsed.records.append(_record(groups[key]))
        except (ValueError, ArithmeticError) as exc:
            parsed.skipped.extend(Skipped(e.where, str(exc)) for e in groups[key])
    return parsed


def _where(file: Path, root: Path) -> str:
    return file.relative_to(root).as_posix()


def _read(file: Path, root: Path, parsed: Parsed) -> dict[str, Any] | None:
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)  # exact prices, no binary floats
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        parsed.skipped.append(Skipped(_where(file, root), f"not valid TOML: {exc}"))
    except OSError as exc:
        parsed.skipped.append(Skipped(_where(file, root), f"unreadable: {exc.strerror}"))
    return None


def _inherit(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """models.dev's rule: provider fields win, nested tables are replaced whole, omits delete."""
    merged = {**base, **own}
    for dotted in own.get("base_model_omit", []):
        *parents, leaf = str(dotted).split(".")
        table: Any = merged
        for name in parents:
            table = table.get(name) if isinstance(table, dict) else None
        if isinstance(table, dict):
            if parents:  # copy before deleting, so the base file's table is left as it was
                parent = merged
                for name in parents[:-1]:
                    parent = parent[name]
                parent[parents[-1]] = table = dict(table)
            table.pop(leaf, None)
    return merged


def _problem(data: dict[str, Any]) -> str | None:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        return "no name"
    for table in ("limit", "modalities", "cost"):
        if table in data and not isinstance(data[table], dict):
            return f"[{table}] is not a table"
    if (release := data.get("release_date")) is not None:
        try:
            ReleaseDateFact(value=release)
        except ValidationError:
            return f"release_date {str(release)!r} is not a YYYY, YYYY-MM or YYYY-MM-DD date"
    return None


def _order(group: list[_Entry], maker: str | None) -> list[_Entry]:
    """Maker's own provider first, then the lab's base file, then the others by route."""

    def rank(entry: _Entry) -> tuple[int, str]:
        if entry.provider is not None and maker and org_slug(entry.provider) == maker:
            return (0 if entry.provider == maker else 1, entry.route)
        return (2 if entry.provider is None else 3, entry.route)

    return sorted(group, key=rank)


def _maker(group: list[_Entry]) -> str | None:
    for entry in sorted(group, key=lambda e: e.route):
        if entry.lab:
            return org_slug(entry.lab)
    for entry in sorted(group, key=lambda e: e.route):
        if org := maker_in_route(entry.route.split("/", 1)[1]):
            return org
    if org := maker_by_name(group[0].route):
        return org
    for entry in sorted(group, key=lambda e: e.route):
        if entry.provider and (org := known_org(entry.provider)):
            return org
    return None


def _first(entries: list[_Entry], getter: Callable[[dict[str, Any]], Any]) -> Any:
    for entry in entries:
        value = getter(entry.data)
        if value is not None:
            return value
    return None


def _record(group: list[_Entry]) -> ModelRecord:
    maker = _maker(group)
    ordered = _order(group, maker)
    primary = ordered[0]
    first_party = [
        e for e in ordered if e.provider is not None and maker and org_slug(e.provider) == maker
    ]
    release = _first(ordered, lambda d: d.get("release_date"))
    context = token_count(
        _first(ordered, lambda d: (d.get("limit") or {}).get("context")), "limit.context"
    )
    status = _first(ordered, lambda d: d.get("status"))
    license_name = _first(ordered, lambda d: d.get("license"))
    return ModelRecord(
        external_id=primary.route,
        name=str(primary.data["name"]).strip(),
        names=sorted({e.route for e in group}),
        organization=maker,
        family=_first(ordered, lambda d: d.get("family")),
        open_weights=_first(ordered, lambda d: _bool(d.get("open_weights"))),
        input_modalities=_first(ordered, lambda d: _modalities(d, "input")),
        output_modalities=_first(ordered, lambda d: _modalities(d, "output")),
        release_date=str(release) if release is not None else None,
        context_window=context,
        license=str(license_name) if license_name else None,
        status=_STATUS.get(str(status)) if status else None,
        price=_first(first_party, _price),
    )


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _modalities(data: dict[str, Any], direction: str) -> list[str] | None:
    values = (data.get("modalities") or {}).get(direction)
    if not isinstance(values, list):
        return None
    unknown = [v for v in values if v not in _MODALITY]
    if unknown:
        raise ValueError(f"modalities.{direction}: unknown {unknown!r}")
    return sorted({_MODALITY[v] for v in values})


def _price(data: dict[str, Any]) -> PriceClaim | None:
    cost = data.get("cost")
    if not isinstance(cost, dict):
        return None
    amounts = {}
    for ours, theirs in (("input", "input"), ("output", "output"), ("cached_input", "cache_read")):
        value = cost.get(theirs)
        if value is None:
            amounts[ours] = None
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            amounts[ours] = per_mtok(Decimal(value), 1_000_000)  # already per 1M tokens
        else:
            raise ValueError(f"cost.{theirs} {value!r} is not a number")
    if all(v is None for v in amounts.values()):
        return None
    return PriceClaim(**amounts)
