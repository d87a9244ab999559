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
from service.catalog.identity import (
    apart_by_tuning,
    join_tuning_variants,
    maker_by_name,
    maker_in_route,
    model_key,
    not_a_model,
    org_slug,
)
from service.catalog.seed_schema import ReleaseDateFact
from service.importers.makers import (
    Entry,
    agreed_rank,
    clouds,
    company_of,
    dispute_text,
    first_ranked,
    ranked,
    same,
    same_date,
    same_tokens,
)
from service.importers.provenance import source_info
from service.importers.records import (
    ModelRecord,
    OfferClaim,
    Parsed,
    PriceClaim,
    Skipped,
    per_mtok,
    says_free,
    stated_price,
    token_count,
)
from service.models.base import CitedField as F

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
    cloud = _clouds(groups)
    apart = apart_by_tuning(_listings(groups, cloud))
    groups = join_tuning_variants(groups, apart)
    cloud = _clouds(groups)
    for key in sorted(groups):
        try:
            record = _record(groups[key], _maker(groups[key]), cloud, parsed.skipped)
        except (ValueError, ArithmeticError) as exc:
            parsed.skipped.extend(Skipped(e.where, str(exc)) for e in groups[key])
            continue
        record.foldable = key not in apart
        parsed.records.append(record)
    return parsed


def _clouds(groups: dict[str, list["_Entry"]]) -> frozenset[str]:
    """Providers serving more than one maker's models (service.importers.makers.clouds)."""
    serving: dict[str, set[str]] = {}
    for group in groups.values():
        maker = _maker(group)
        for entry in group:
            if entry.provider is not None and maker is not None:
                serving.setdefault(entry.provider, set()).add(maker)
    return clouds(serving)


def _listings(groups: dict[str, list["_Entry"]], cloud: frozenset[str]) -> list[list[str]]:
    """The keys each listing names: each provider's files, each lab's folder, and the maker's
    own entries (its lab folder and its own providers) together."""
    listings: dict[str, list[str]] = {}
    for key, group in groups.items():
        maker = _maker(group)
        for entry in group:
            listings.setdefault(f"provider {entry.provider or f'models/{entry.lab}'}", []).append(
                key
            )
        for ranked_entry in _order(group, maker, cloud):
            if ranked_entry.rank == 0:
                listings.setdefault(f"maker {maker}", []).append(key)
    return list(listings.values())


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


def _order(group: list[_Entry], maker: str | None, cloud: frozenset[str]) -> list[Entry]:
    """The maker's entries, ranked (service.importers.makers): its own provider under the
    maker's id and the lab's models/ file (rank 0), then a cloud of the maker's company that
    also serves others' models (rank 1: Azure for Microsoft, Vertex AI for Google)."""
    if maker is None:
        return []
    ranked_entries = []
    for entry in sorted(group, key=lambda e: (e.provider is None, e.route)):
        if entry.provider is None:
            if entry.lab is not None and org_slug(entry.lab) == maker:
                ranked_entries.append(Entry(f"models/{entry.route}", 0, entry))
            continue
        org = org_slug(entry.provider)
        if org == maker and entry.provider not in cloud:
            ranked_entries.append(Entry(entry.route, 0, entry))
        elif company_of(org) == company_of(maker):
            ranked_entries.append(Entry(entry.route, 1, entry))

    def rank(entry: Entry) -> tuple[int, int, str]:
        own_id = entry.data.provider == maker
        return (entry.rank, 0 if own_id else (1 if entry.data.provider is None else 2), entry.route)

    return sorted(ranked_entries, key=rank)


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


# Facts whose disagreement among the maker's entries leaves them unknown (names, families and
# modality lists are spelled differently by each entry, so the best-ranked one is taken).
_AGREED: dict[str, tuple[Callable[[dict[str, Any]], Any], Callable[[Any, Any], bool]]] = {
    F.CONTEXT_WINDOW: (
        lambda d: token_count((d.get("limit") or {}).get("context"), "limit.context"),
        same_tokens,
    ),
    F.RELEASE_DATE: (lambda d: d.get("release_date"), same_date),
    F.OPEN_WEIGHTS: (lambda d: _bool(d.get("open_weights")), same),
    F.LICENSE: (lambda d: d.get("license"), same),
}


def _record(
    group: list[_Entry], maker: str | None, cloud: frozenset[str], skipped: list[Skipped]
) -> ModelRecord:
    entries = _order(group, maker, cloud)  # the maker's entries: the only ones stating facts
    ordered: list[_Entry] = [e.data for e in entries]
    tiers = ranked(entries)
    facts: dict[str, Any] = {}
    disputed: dict[str, str] = {}
    cloud_only: set[str] = set()  # facts only a cloud of the maker's company states (rank 1)
    for name, (get, agree) in _AGREED.items():
        facts[name], stated, rank = agreed_rank(tiers, _of_data(get), agree)
        if stated:
            disputed[name] = dispute_text(stated)
        if rank == 1:
            cloud_only.add(name)
    status, status_rank = first_ranked(entries, lambda e: _STATUS.get(str(e.data.get("status"))))
    inputs, inputs_rank = first_ranked(entries, lambda e: _modalities(e.data, "input"))
    outputs, outputs_rank = first_ranked(entries, lambda e: _modalities(e.data, "output"))
    for name, rank in (
        (F.STATUS, status_rank),
        (F.INPUT_MODALITIES, inputs_rank),
        (F.OUTPUT_MODALITIES, outputs_rank),
    ):
        if rank == 1:
            cloud_only.add(name)
    everyone = sorted(group, key=lambda e: (e.provider is not None, e.route))
    # the model's own id: the maker's own provider's, else the lab file's, else another of the
    # maker's providers (a slug does not move with the ranking of facts)
    named = sorted(
        (e for e in ordered if org_slug(e.provider or e.lab or "") == maker),
        key=lambda e: (0 if e.provider == maker else (1 if e.provider is None else 2), e.route),
    )
    primary = named[0] if named else everyone[0]
    own = [e for e in ordered if e.provider is not None and org_slug(e.provider) == maker]
    release = facts[F.RELEASE_DATE]
    license_name = facts[F.LICENSE]
    bases = sorted({e.base for e in group if e.base} | {e.route for e in group if e.lab})
    return ModelRecord(
        external_id=primary.route,
        name=str(primary.data["name"]).strip(),
        names=sorted({e.route for e in group}),
        organization=maker,
        family=_first(ordered, lambda d: d.get("family")),
        open_weights=facts[F.OPEN_WEIGHTS],
        input_modalities=inputs,
        output_modalities=outputs,
        release_date=str(release) if release is not None else None,
        context_window=facts[F.CONTEXT_WINDOW],
        license=str(license_name) if license_name else None,
        status=status,
        price=next((p for e in own if (p := _price(e.data, e.route)) is not None), None),
        offers=_offers(everyone, skipped),
        links=bases,
        first_party=any(org_slug(e.data.provider or e.data.lab or "") == maker for e in entries),
        disputed=disputed,
        cloud_only=cloud_only,
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
        price=_price(entry.data, entry.route),
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


def _of_data(get: Callable[[dict[str, Any]], Any]) -> Callable[[Any], Any]:
    """A reader of an entry's data, bound now (not to the loop's last `get`)."""
    return lambda entry: get(entry.data)


def _price(data: dict[str, Any], route: str) -> PriceClaim | None:
    cost = data.get("cost")
    if not isinstance(cost, dict):
        return None
    amounts: dict[str, Decimal | None] = {}
    for ours, theirs in (("input", "input"), ("output", "output"), ("cached_input", "cache_read")):
        value = cost.get(theirs)
        if value is None:
            amounts[ours] = None
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            amounts[ours] = per_mtok(Decimal(value), 1_000_000)  # already per 1M tokens
        else:
            raise ValueError(f"cost.{theirs} {value!r} is not a number")
    return stated_price(amounts, free=says_free(route, str(data.get("name") or "")))
