"""Put one parsed data set into the catalog, in the caller's transaction, set by set.

Every table the run touches is read once up front; rows are then created, updated or deleted
in batches through the catalog's write helpers (`service.catalog.upsert`), which record each
change. Nothing here commits: the command does, once, so a run is all-or-nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from service.catalog.changes import ChangeLog
from service.catalog.seed_schema import parse_release
from service.catalog.upsert import sync_children_many, upsert, upsert_many
from service.db import session_factory
from service.importers.identity import (
    model_key,
    model_slug,
    org_display_name,
    org_slug,
    slugify,
)
from service.importers.provenance import CURATED, PRECEDENCE, rank
from service.importers.records import ModelRecord, Parsed, PriceClaim, Skipped
from service.models import (
    Capability,
    FactClaim,
    FactConflict,
    License,
    Model,
    ModelAlias,
    ModelCitation,
    Organization,
    Price,
    Source,
    Task,
)
from service.models.base import (
    Category,
    CitedField,
    CommercialUse,
    DatePrecision,
    Disclosure,
    FactState,
    LicenseKind,
    ModelStatus,
    Origin,
    Support,
)

F = CitedField
# Fields where two sources can disagree in a way a reader must know about. Names, families and
# modality lists are spelled or derived differently by each source, so they are not compared.
CONFLICT_FIELDS = (
    F.ORGANIZATION,
    F.OPEN_WEIGHTS,
    F.RELEASE_DATE,
    F.CONTEXT_WINDOW,
    F.PARAMETERS,
    F.LICENSE,
    F.PRICING,
)
OPEN_LICENSES = {"mit": "MIT", "apache-2.0": "Apache-2.0", "bsd-3-clause": "BSD-3-Clause"}
ORDER_TEXT = " > ".join([CURATED, *PRECEDENCE])


@dataclass
class ImportReport:
    source: str
    version: str
    entries: int
    records: int
    skipped: list[Skipped]
    log: ChangeLog
    models_matched: int = 0  # records that found a model already in the catalog
    curated_kept: int = 0  # of those, curated models whose facts the import left alone
    conflicts: list[str] = field(default_factory=list)  # standing conflicts of this source


@dataclass
class _Target:
    """A catalog model and what this run's records say of it."""

    slug: str
    model: Model | None
    records: list[ModelRecord]

    @property
    def curated(self) -> bool:
        return self.model is not None and self.model.origin == Origin.CURATED


def import_file(
    engine: Engine,
    parse: Callable[[Path, Callable[[int], None]], Parsed],
    path: Path,
    *,
    advance: Callable[[int], None] = lambda n: None,
    step: Callable[[str], None] = lambda s: None,
    dry_run: bool = False,
) -> ImportReport:
    """Read a data set, then write all of it in one transaction: every row, or none."""
    parsed = parse(path, advance)
    with session_factory(engine)() as session:
        report = import_parsed(session, parsed, step)  # closing uncommitted rolls back
        if not dry_run:
            session.commit()
    return report


def import_parsed(
    session: Session, parsed: Parsed, step: Callable[[str], None] = lambda s: None
) -> ImportReport:
    """Make the catalog hold what `parsed` says, as its source's claims; return what changed."""
    log = ChangeLog()
    info = parsed.source
    source = upsert(
        session,
        Source,
        {"slug": info.slug},
        {"title": info.title, "url": info.url, "version": info.version, "note": info.note},
        log,
        "source",
        info.slug,
    )
    report = ImportReport(
        info.slug, info.version, parsed.entries, len(parsed.records), parsed.skipped, log
    )
    step("reading the catalog")
    catalog = _Catalog.load(session)
    step("matching organizations and licenses")
    orgs = _organizations(session, parsed.records, catalog, source.id, log)
    licenses = _licenses(session, parsed.records, catalog, source.id, log)
    step("matching models")
    targets = _match(parsed.records, catalog)
    report.models_matched = sum(1 for t in targets if t.model is not None)
    report.curated_kept = sum(1 for t in targets if t.curated)
    claims = {t.slug: _claims(t.records, orgs, licenses) for t in targets}
    external = {t.slug: t.records[0].external_id for t in targets}

    step("writing models")
    models = _write_models(session, targets, claims, catalog, source.id, log)
    ids = {slug: model.id for slug, model in models.items()}
    catalog.by_id.update({model.id: model for model in models.values()})
    touched = set(ids.values()) | catalog.claimed_by(source.id)

    step("writing claims")
    desired_claims: dict[int, list[dict[str, Any]]] = {mid: [] for mid in touched}
    for slug, fields in claims.items():
        desired_claims[ids[slug]] = [
            {"field": name, "source_id": source.id, "value": value, "external_id": external[slug]}
            for name, value in fields.items()
        ]
    sync_children_many(
        session,
        FactClaim,
        "model_id",
        desired_claims,
        ["field"],
        log,
        "claim",
        lambda mid, item: f"{catalog.slug_of(mid)}.{item['field']}",
        where=[FactClaim.source_id == source.id],
    )
    all_claims = catalog.claims_with(source.id, desired_claims)

    step("writing aliases")
    _write_aliases(session, targets, ids, catalog, source.id, log)
    step("writing prices and tasks")
    imported = [mid for mid in sorted(touched) if not catalog.is_curated(mid)]
    _write_prices(session, imported, all_claims, catalog, log)
    _write_tasks(session, targets, ids, catalog, source.id, log)
    step("recording conflicts")
    _write_conflicts(session, sorted(touched), all_claims, catalog, log)
    report.conflicts = _describe_conflicts(session, source.id)
    return report


class _Catalog:
    """Every row the run compares against, read once."""

    def __init__(self, session: Session) -> None:
        self.sources = {s.id: s.slug for s in session.scalars(select(Source))}
        self.orgs = {o.slug: o for o in session.scalars(select(Organization))}
        self.org_slugs = {o.id: o.slug for o in self.orgs.values()}
        self.licenses = {lic.slug: lic for lic in session.scalars(select(License))}
        self.license_slugs = {lic.id: lic.slug for lic in self.licenses.values()}
        self.tasks = {t.slug: t.id for t in session.scalars(select(Task))}
        self.models = {m.slug: m for m in session.scalars(select(Model))}
        self.by_id = {m.id: m for m in self.models.values()}
        self.aliases: dict[str, tuple[int, int | None]] = {
            alias.lower(): (model_id, source_id)
            for model_id, alias, source_id in session.execute(
                select(ModelAlias.model_id, ModelAlias.alias, ModelAlias.source_id)
            )
        }
        self.claims: dict[int, dict[tuple[str, int], tuple[str, str]]] = {}
        for claim in session.execute(
            select(FactClaim.model_id, FactClaim.field, FactClaim.source_id, FactClaim.value)
        ):
            self.claims.setdefault(claim.model_id, {})[(claim.field, claim.source_id)] = (
                claim.value,
                self.sources[claim.source_id],
            )
        self.citations = {
            (c.model_id, c.field): c.source_id
            for c in session.execute(
                select(ModelCitation.model_id, ModelCitation.field, ModelCitation.source_id)
            )
        }
        self.curated_prices = {
            p.model_id: p
            for p in session.scalars(
                select(Price).where(Price.variant_id.is_(None), Price.effective_to.is_(None))
            )
        }

    @classmethod
    def load(cls, session: Session) -> "_Catalog":
        return cls(session)

    def claimed_by(self, source_id: int) -> set[int]:
        return {
            mid for mid, claims in self.claims.items() if any(s == source_id for _, s in claims)
        }

    def claims_with(
        self, source_id: int, desired: dict[int, list[dict[str, Any]]]
    ) -> dict[int, dict[tuple[str, int], tuple[str, str]]]:
        """Every model's claims, with this source's replaced by what this run wrote."""
        slug = self.sources[source_id]
        merged: dict[int, dict[tuple[str, int], tuple[str, str]]] = {}
        for mid, items in desired.items():
            kept = {k: v for k, v in self.claims.get(mid, {}).items() if k[1] != source_id}
            for item in items:
                kept[(item["field"], source_id)] = (item["value"], slug)
            merged[mid] = kept
        return merged

    def slug_of(self, model_id: int) -> str:
        return self.by_id[model_id].slug

    def is_curated(self, model_id: int) -> bool:
        return self.by_id[model_id].origin == Origin.CURATED


def _organizations(
    session: Session,
    records: list[ModelRecord],
    catalog: _Catalog,
    source_id: int,
    log: ChangeLog,
) -> dict[str, str]:
    """Stated organization name -> catalog slug, creating the organizations the catalog lacks."""
    known = {org_slug(org.name) or slug: slug for slug, org in catalog.orgs.items()}
    known.update({slug: slug for slug in catalog.orgs})
    wanted: dict[str, str] = {}  # stated -> slug
    new: dict[str, str] = {}  # slug -> display name
    for stated in sorted({r.organization for r in records if r.organization}):
        slug = org_slug(stated)
        if not slug:
            continue
        slug = known.get(slug, slug)
        wanted[stated] = slug
        if slug not in catalog.orgs:
            new.setdefault(slug, org_display_name(slug, stated))
    rows = upsert_many(
        session,
        Organization,
        ["slug"],
        [{"slug": s, "name": n, "source_id": source_id} for s, n in sorted(new.items())],
        {},
        log,
        "organization",
        lambda item: item["slug"],
    )
    log.same("organization", len(set(wanted.values()) - set(new)))
    for (slug,), row in rows.items():
        catalog.orgs[slug] = row
        catalog.org_slugs[row.id] = slug
    return wanted


def _licenses(
    session: Session,
    records: list[ModelRecord],
    catalog: _Catalog,
    source_id: int,
    log: ChangeLog,
) -> dict[str, str]:
    """Stated license name -> slug; a license the catalog lacks is created, never changed."""
    wanted = {name: slugify(name) for name in {r.license for r in records if r.license}}
    new = sorted({slug for slug in wanted.values() if slug and slug not in catalog.licenses})
    rows = upsert_many(
        session,
        License,
        ["slug"],
        [
            {
                "slug": slug,
                "name": OPEN_LICENSES.get(slug, slug),
                "kind": LicenseKind.OPEN_SOURCE if slug in OPEN_LICENSES else LicenseKind.CUSTOM,
                "spdx_id": OPEN_LICENSES.get(slug),
                "commercial_use": (
                    CommercialUse.ALLOWED if slug in OPEN_LICENSES else CommercialUse.UNKNOWN
                ),
                "source_id": source_id,
            }
            for slug in new
        ],
        {},
        log,
        "license",
        lambda item: item["slug"],
    )
    for (slug,), row in rows.items():
        catalog.licenses[slug] = row
        catalog.license_slugs[row.id] = slug
    return {name: slug for name, slug in wanted.items() if slug}


def _match(records: list[ModelRecord], catalog: _Catalog) -> list[_Target]:
    """Each record's model: by identity key on slugs, names and aliases; else a new model."""
    index: dict[str, str] = {}  # identity key -> model slug
    ranked = sorted(catalog.models.values(), key=lambda m: (m.origin != Origin.CURATED, m.id))
    for model in ranked:
        for name in (model.slug, model.name):
            index.setdefault(model_key(name), model.slug)
    for alias, (model_id, _) in sorted(catalog.aliases.items()):
        index.setdefault(model_key(alias), catalog.by_id[model_id].slug)
    taken = set(catalog.models) | set(catalog.aliases)
    targets: dict[str, _Target] = {}
    for record in records:
        keys = record.keys
        slug = next((index[k] for k in keys if k in index), None)
        if slug is None:
            first = model_slug(record.external_id, route=record.routes)
            slug = _free_slug(first or slugify(record.name), taken)
            taken.add(slug)
        for key in keys:
            index.setdefault(key, slug)  # later records with any of these keys join it
        target = targets.setdefault(slug, _Target(slug, catalog.models.get(slug), []))
        target.records.append(record)
    return list(targets.values())


def _free_slug(key: str, taken: set[str]) -> str:
    slug, n = key or "model", 2
    while slug in taken:
        slug, n = f"{key}-{n}", n + 1
    return slug


def _claims(
    records: list[ModelRecord], orgs: dict[str, str], licenses: dict[str, str]
) -> dict[str, str]:
    """field -> canonical text, for everything the records state (the first record wins)."""
    claims: dict[str, str] = {}
    for record in records:
        stated: dict[str, Any] = {
            F.NAME: record.name,
            F.FAMILY: record.family,
            F.ORGANIZATION: orgs.get(record.organization or ""),
            F.OPEN_WEIGHTS: _bool_text(record.open_weights),
            F.INPUT_MODALITIES: _list_text(record.input_modalities),
            F.OUTPUT_MODALITIES: _list_text(record.output_modalities),
            F.RELEASE_DATE: record.release_date,
            F.CONTEXT_WINDOW: _int_text(record.context_window),
            F.PARAMETERS: _int_text(record.parameters),
            F.LICENSE: licenses.get(record.license or ""),
            F.STATUS: record.status,
            F.PRICING: record.price.text() if record.price else None,
        }
        for name, value in stated.items():
            if value is not None:
                claims.setdefault(name.value, value)
    return claims


def _bool_text(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


def _list_text(values: list[str] | None) -> str | None:
    return None if values is None else ",".join(sorted(values))


def _int_text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _chosen(claims: dict[tuple[str, int], tuple[str, str]]) -> dict[str, tuple[str, int]]:
    """field -> (value, source id) of the highest-ranked source that states it."""
    best: dict[str, tuple[str, int]] = {}
    for (name, source_id), (value, _) in sorted(
        claims.items(), key=lambda item: (rank(item[1][1]), item[0][1])
    ):
        best.setdefault(name, (value, source_id))
    return best


def _write_models(
    session: Session,
    targets: list[_Target],
    claims: dict[str, dict[str, str]],
    catalog: _Catalog,
    source_id: int,
    log: ChangeLog,
) -> dict[str, Model]:
    """Create or update every imported model from its chosen claims; curated ones are kept."""
    source_slug = catalog.sources[source_id]
    desired = []
    for target in targets:
        if target.curated:
            continue
        known = catalog.claims.get(target.model.id, {}) if target.model else {}
        merged = {k: v for k, v in known.items() if k[1] != source_id}
        for name, value in claims[target.slug].items():
            merged[(name, source_id)] = (value, source_slug)
        values = _model_values(
            target.slug, {k: v for k, (v, _) in _chosen(merged).items()}, catalog
        )
        desired.append({"slug": target.slug, **values})
    rows = upsert_many(
        session,
        Model,
        ["slug"],
        desired,
        {(s,): m for s, m in catalog.models.items()},
        log,
        "model",
        lambda item: item["slug"],
    )
    log.same("model (curated, kept)", sum(1 for t in targets if t.curated))
    models = {t.slug: t.model for t in targets if t.curated and t.model}
    models.update({s: row for (s,), row in rows.items()})
    return models


def _model_values(slug: str, chosen: dict[str, str], catalog: _Catalog) -> dict[str, Any]:
    release = chosen.get(F.RELEASE_DATE)
    release_date, precision = parse_release(release) if release else (None, None)
    window = chosen.get(F.CONTEXT_WINDOW)
    params = chosen.get(F.PARAMETERS)
    open_weights = chosen.get(F.OPEN_WEIGHTS)
    org = chosen.get(F.ORGANIZATION)
    licence = chosen.get(F.LICENSE)
    return {
        "name": chosen.get(F.NAME) or slug,
        "family": chosen.get(F.FAMILY),
        "organization_id": catalog.orgs[org].id if org in catalog.orgs else None,
        "open_weights": None if open_weights is None else open_weights == "true",
        "category": (
            None
            if open_weights is None
            else (Category.OPEN if open_weights == "true" else Category.CLOSED).value
        ),
        "input_modalities": _split(chosen.get(F.INPUT_MODALITIES)),
        "output_modalities": _split(chosen.get(F.OUTPUT_MODALITIES)),
        "release_date": release_date,
        "release_date_precision": precision.value if precision else None,
        "context_window": int(window) if window else None,
        "context_window_state": (FactState.KNOWN if window else FactState.UNKNOWN).value,
        "parameter_count": int(params) if params else None,
        "parameters_state": (Disclosure.DISCLOSED if params else Disclosure.UNKNOWN).value,
        "license_id": catalog.licenses[licence].id if licence in catalog.licenses else None,
        "status": chosen.get(F.STATUS) or ModelStatus.ACTIVE.value,
        "origin": Origin.IMPORTED.value,
    }


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part for part in text.split(",") if part]


def _write_aliases(
    session: Session,
    targets: list[_Target],
    ids: dict[str, int],
    catalog: _Catalog,
    source_id: int,
    log: ChangeLog,
) -> None:
    """Every name a source uses for a model becomes an alias, unless another model owns it."""
    slugs = {s.lower() for s in catalog.models} | {s.lower() for s in ids}
    claimed: set[str] = set()
    desired: dict[int, list[dict[str, Any]]] = {
        mid: [] for mid, aliases in _aliases_by_model(catalog, source_id).items() if aliases
    }
    for target in sorted(targets, key=lambda t: t.slug):
        model_id = ids[target.slug]
        items = desired.setdefault(model_id, [])
        names = sorted({n for r in target.records for n in [r.external_id, *r.names]})
        for name in names:
            lower = name.lower()
            owner = catalog.aliases.get(lower)
            if (
                not name.strip()
                or len(name) > 200
                or lower in slugs
                or lower in claimed
                or (owner is not None and owner != (model_id, source_id))
            ):
                continue
            claimed.add(lower)
            items.append({"alias": name, "source_id": source_id})
    sync_children_many(
        session,
        ModelAlias,
        "model_id",
        desired,
        ["alias"],
        log,
        "alias",
        lambda mid, item: item["alias"],
        where=[ModelAlias.source_id == source_id],
    )


def _aliases_by_model(catalog: _Catalog, source_id: int) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for alias, (model_id, alias_source) in catalog.aliases.items():
        if alias_source == source_id:
            result.setdefault(model_id, []).append(alias)
    return result


def _write_prices(
    session: Session,
    model_ids: Iterable[int],
    claims: dict[int, dict[tuple[str, int], tuple[str, str]]],
    catalog: _Catalog,
    log: ChangeLog,
) -> None:
    """An imported model's price is its chosen pricing claim, in force from an unstated date."""
    desired: dict[int, list[dict[str, Any]]] = {}
    for model_id in model_ids:
        chosen = _chosen(claims.get(model_id, {})).get(F.PRICING)
        items = []
        if chosen:
            price = PriceClaim.parse(chosen[0])
            items.append(
                {
                    "variant_id": None,
                    "effective_from": None,
                    "effective_to": None,
                    "currency": "USD",
                    "input_per_mtok": _money(price.input),
                    "output_per_mtok": _money(price.output),
                    "cached_input_per_mtok": _money(price.cached_input),
                    "source_id": chosen[1],
                }
            )
        desired[model_id] = items
    sync_children_many(
        session,
        Price,
        "model_id",
        desired,
        ["variant_id", "effective_from"],
        log,
        "price",
        lambda mid, item: catalog.slug_of(mid),
    )


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001"))


def _write_tasks(
    session: Session,
    targets: list[_Target],
    ids: dict[str, int],
    catalog: _Catalog,
    source_id: int,
    log: ChangeLog,
) -> None:
    """Tasks the data states (LiteLLM's `mode: ocr`), for imported models only."""
    desired: dict[int, list[dict[str, Any]]] = {}
    for target in targets:
        if target.curated:
            continue
        tasks = sorted({t for r in target.records for t in r.tasks if t in catalog.tasks})
        desired[ids[target.slug]] = [
            {
                "task_id": catalog.tasks[task],
                "support": Support.OUT_OF_THE_BOX.value,
                "has_demo": False,
                "source_id": source_id,
            }
            for task in tasks
        ]
    sync_children_many(
        session,
        Capability,
        "model_id",
        desired,
        ["task_id"],
        log,
        "capability",
        lambda mid, item: catalog.slug_of(mid),
        where=[Capability.source_id == source_id],
    )


def _write_conflicts(
    session: Session,
    model_ids: Iterable[int],
    claims: dict[int, dict[tuple[str, int], tuple[str, str]]],
    catalog: _Catalog,
    log: ChangeLog,
) -> None:
    """For each model, every claim that differs from the value the catalog shows."""
    desired: dict[int, list[dict[str, Any]]] = {}
    for model_id in model_ids:
        model_claims = claims.get(model_id, {})
        if catalog.is_curated(model_id):
            model = catalog.by_id[model_id]
            shown = {
                name: (value, catalog.citations.get((model_id, name)))
                for name in CONFLICT_FIELDS
                if (value := _curated_text(model, name, catalog)) is not None
            }
        else:
            shown = {k: (v, s) for k, (v, s) in _chosen(model_claims).items()}
        items = []
        for (name, source_id), (value, source_slug) in sorted(model_claims.items()):
            if name not in CONFLICT_FIELDS or name not in shown:
                continue
            chosen_value, chosen_source = shown[name]
            if chosen_source == source_id or _agrees(name, value, chosen_value):
                continue
            items.append(
                {
                    "field": name,
                    "source_id": source_id,
                    "value": value,
                    "chosen_value": chosen_value,
                    "chosen_source_id": chosen_source,
                    "chosen_by": _why(catalog, model_id, chosen_source, source_slug),
                }
            )
        desired[model_id] = items
    sync_children_many(
        session,
        FactConflict,
        "model_id",
        desired,
        ["field", "source_id"],
        log,
        "conflict",
        lambda mid, item: f"{catalog.slug_of(mid)}.{item['field']}",
    )


def _why(
    catalog: _Catalog,
    model_id: int,
    chosen_source: int | None,
    loser: str,
) -> str:
    if catalog.is_curated(model_id):
        return f"the curated seed is never overwritten by an import (precedence: {ORDER_TEXT})"
    winner = catalog.sources.get(chosen_source or 0, "?")
    return f"{winner} ranks above {loser} (precedence: {ORDER_TEXT})"


def _curated_text(model: Model, name: str, catalog: _Catalog) -> str | None:
    """A curated model's shown value, in the claims' canonical text; None when not known."""
    if name == F.ORGANIZATION:
        return catalog.org_slugs.get(model.organization_id or 0)
    if name == F.OPEN_WEIGHTS:
        return _bool_text(model.open_weights)
    if name == F.RELEASE_DATE:
        if model.release_date is None:
            return None
        text = model.release_date.isoformat()
        return {DatePrecision.YEAR: text[:4], DatePrecision.MONTH: text[:7]}.get(
            DatePrecision(model.release_date_precision), text
        )
    if name == F.CONTEXT_WINDOW:
        return _int_text(model.context_window)
    if name == F.PARAMETERS:
        return _int_text(model.parameter_count)
    if name == F.LICENSE:
        return catalog.license_slugs.get(model.license_id or 0)
    if name == F.PRICING:
        price = catalog.curated_prices.get(model.id)
        if price is None:
            return None
        return PriceClaim(
            price.input_per_mtok, price.output_per_mtok, price.cached_input_per_mtok
        ).text()
    return None


def _agrees(name: str, a: str, b: str) -> bool:
    if name == F.RELEASE_DATE:  # "2024-05" and "2024-05-13" say the same at month precision
        return a.startswith(b) or b.startswith(a)
    if name == F.PRICING:  # a price one source leaves out (cached input) is a gap, not a clash
        left, right = PriceClaim.parse(a), PriceClaim.parse(b)
        pairs = [
            (left.input, right.input),
            (left.output, right.output),
            (left.cached_input, right.cached_input),
        ]
        return all(x == y for x, y in pairs if x is not None and y is not None)
    return a == b


def _describe_conflicts(session: Session, source_id: int) -> list[str]:
    """The standing conflicts of this source, one line each, for the run's summary."""
    rows = session.execute(
        select(Model.slug, FactConflict.field, FactConflict.value, FactConflict.chosen_value)
        .join(Model, Model.id == FactConflict.model_id)
        .where(FactConflict.source_id == source_id)
        .order_by(Model.slug, FactConflict.field)
    )
    return [
        f"{slug}.{name}: source says {value}, the catalog shows {chosen}"
        for slug, name, value, chosen in rows
    ]
