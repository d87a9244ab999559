"""models.dev: a tree of TOML files, one per model a provider serves, plus base-model files.

A provider file that names a `base_model` is that model (the link the data states); other
files with the same identity key are one model. The model's facts come only from its maker's
own entries: the lab's file under `models/<lab>/` and the maker's own provider (provider openai
for an OpenAI model). A reseller's file makes an offer (its route, price and limits), never a
fact of the model; a model whose maker has no entry keeps those facts unknown.
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
    maker_by_name,
    maker_in_route,
    model_key,
    not_a_model,
    org_slug,
)
from service.importers.provenance import source_info
from service.importers.records import (
    ModelRecord,
    OfferClaim,
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
        self.base: str | None = None  # the models/ file it names as its base_model
        self.provider_name = provider or ""


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
    names = _provider_names(providers)
    for file in sorted(providers.glob("*/models/**/*.toml")) if providers.is_dir() else []:
        provider = file.relative_to(providers).parts[0]
        model_id = file.relative_to(providers / provider / "models").with_suffix("").as_posix()
        data = _read(file, path, parsed)
        advance(1)
        if data is None:
            continue
        base = data.get("base_model")
        if base:
            if base not in base_data:
                parsed.skipped.append(
                    Skipped(_where(file, path), f"base_model {base!r} has no models/ file")
                )
                continue
            data = _inherit(base_data[base], data)
        entry = _Entry(f"{provider}/{model_id}", _where(file, path), provider, None, data)
        entry.base = str(base) if base else None
        entry.provider_name = names.get(provider, provider)
        entries.append(entry)
    parsed.entries = len(entries) + len(parsed.skipped)
    groups: dict[str, list[_Entry]] = {}
    for entry in entries:
        problem = _problem(entry.data) or not_a_model(entry.route)
        if problem:
            parsed.skipped.append(Skipped(entry.where, problem))
            continue
        # the base_model a file names is the link the data states; else its own id's key
        groups.setdefault(model_key(entry.base or entry.route), []).append(entry)
    for key in sorted(groups):
        try:
            parsed.records.append(_record(groups[key], parsed.skipped))
        except (ValueError, ArithmeticError) as exc:
            parsed.skipped.extend(Skipped(e.where, str(exc)) for e in groups[key])
    return parsed


def _provider_names(providers: Path) -> dict[str, str]:
    """Provider id -> its display name ("amazon-bedrock" -> "Amazon Bedrock")."""
    names = {}
    for file in sorted(providers.glob("*/provider.toml")) if providers.is_dir() else []:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            continue
        if isinstance(data.get("name"), str) and data["name"].strip():
            names[file.parent.name] = data["name"].strip()
    return names


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
    """The maker's own entries, most telling first: its own provider under the maker's id,
    the lab's models/ file, then its other first-party providers (a cloud of the same company)."""

    def rank(entry: _Entry) -> tuple[int, str]:
        if entry.provider is None:
            return (1, entry.route)
        return (0 if entry.provider == maker else 2, entry.route)

    return sorted((e for e in group if _is_makers(e, maker)), key=rank)


def _is_makers(entry: _Entry, maker: str | None) -> bool:
    if maker is None:
        return False
    if entry.provider is None:
        return entry.lab is not None and org_slug(entry.lab) == maker
    return org_slug(entry.provider) == maker


def _maker(group: list[_Entry]) -> str | None:
    """The lab that made it: its models/<lab>/ file, a lab named in a route, its family name.
    The host serving it is never the maker unless it names no other (nvidia/<lab>/...)."""
    for entry in sorted(group, key=lambda e: e.route):
        if entry.lab:
            return org_slug(entry.lab)
        if entry.base:
            return org_slug(entry.base.split("/", 1)[0])
    for entry in sorted(group, key=lambda e: e.route):
        if org := maker_in_route(entry.route, host=False):
            return org
    if org := maker_by_name(group[0].route):
        return org
    for entry in sorted(group, key=lambda e: e.route):
        if org := maker_in_route(entry.route):
            return org
    return None


def _first(entries: list[_Entry], getter: Callable[[dict[str, Any]], Any]) -> Any:
    for entry in entries:
        value = getter(entry.data)
        if value is not None:
            return value
    return None


def _record(group: list[_Entry], skipped: list[Skipped]) -> ModelRecord:
    maker = _maker(group)
    ordered = _order(group, maker)  # the maker's own entries: the only ones stating facts
    everyone = sorted(group, key=lambda e: (e.provider is not None, e.route))
    primary = ordered[0] if ordered else everyone[0]
    first_party = [e for e in ordered if e.provider is not None]
    release = _first(ordered, lambda d: d.get("release_date"))
    context = token_count(
        _first(ordered, lambda d: (d.get("limit") or {}).get("context")), "limit.context"
    )
    status = _first(ordered, lambda d: d.get("status"))
    license_name = _first(ordered, lambda d: d.get("license"))
    bases = sorted({e.base for e in group if e.base} | {e.route for e in group if e.lab})
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
        offers=_offers(everyone, skipped),
        links=bases,
        first_party=bool(ordered),
    )


def _offers(entries: list[_Entry], skipped: list[Skipped]) -> list[OfferClaim]:
    """Each provider file's offer; one whose price cannot be read is skipped on its own."""
    offers = []
    for entry in entries:
        if entry.provider is None:
            continue
        try:
            offers.append(_offer(entry))
        except (ValueError, ArithmeticError) as exc:
            skipped.append(Skipped(entry.where, f"offer not imported: {exc}"))
    return offers


def _offer(entry: _Entry) -> OfferClaim:
    limit = entry.data.get("limit") or {}
    status = entry.data.get("status")
    return OfferClaim(
        provider=str(entry.provider),
        provider_name=entry.provider_name,
        route=entry.route,
        price=_price(entry.data),
        context_window=token_count(limit.get("context"), "limit.context"),
        max_output_tokens=token_count(limit.get("output"), "limit.output"),
        status=_STATUS.get(str(status)) if status else None,
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
