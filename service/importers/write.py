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

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.catalog import audit
from service.catalog.changes import ChangeLog
from service.catalog.seed_schema import parse_release
from service.catalog.upsert import sync_children_many, upsert, upsert_many
from service.db import session_factory
from service.importers.catalog_view import CatalogView, Claims
from service.importers.claims import chosen, claims_of
from service.importers.conflicts import describe_conflicts, write_conflicts
from service.importers.identity import model_key, model_slug, org_display_name, org_slug, slugify
from service.importers.records import ModelRecord, Parsed, PriceClaim, Skipped
from service.models import (
    Capability,
    FactClaim,
    License,
    Model,
    ModelAlias,
    Organization,
    Price,
    Source,
)
from service.models.base import (
    Category,
    CommercialUse,
    Disclosure,
    FactState,
    LicenseKind,
    ModelStatus,
    Origin,
    Support,
)
from service.models.base import CitedField as F

OPEN_LICENSES = {"mit": "MIT", "apache-2.0": "Apache-2.0", "bsd-3-clause": "BSD-3-Clause"}


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
    return write_parsed(engine, parse(path, advance), step=step, dry_run=dry_run)


def write_parsed(
    engine: Engine,
    parsed: Parsed,
    *,
    step: Callable[[str], None] = lambda s: None,
    dry_run: bool = False,
    actor: str = audit.CLI_ACTOR,
) -> ImportReport:
    """Write a data set already read, in one audited transaction: every row, or none."""
    with session_factory(engine)() as session:
        report = import_parsed(session, parsed, step)  # closing uncommitted rolls back
        if not dry_run:
            step("recording the audit trail")
            audit.record(
                session, actor=actor, operation=f"import {parsed.source.slug}", log=report.log
            )
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
    catalog = CatalogView.load(session)
    step("matching organizations and licenses")
    orgs = _organizations(session, parsed.records, catalog, source.id, log)
    licenses = _licenses(session, parsed.records, catalog, source.id, log)
    step("matching models")
    targets = _match(parsed.records, catalog)
    report.models_matched = sum(1 for t in targets if t.model is not None)
    report.curated_kept = sum(1 for t in targets if t.curated)
    # Models this source stated before but no longer does: their claims, aliases, prices and
    # tasks from it go, and their shown values fall back to the other sources.
    matched = {t.model.id for t in targets if t.model is not None}
    gone = sorted(catalog.claimed_by(source.id) - matched)
    targets += [_Target(catalog.by_id[mid].slug, catalog.by_id[mid], []) for mid in gone]
    claims = {t.slug: claims_of(t.records, orgs, licenses) for t in targets}
    external = {t.slug: t.records[0].external_id for t in targets if t.records}

    step("writing models")
    models = _write_models(session, targets, claims, catalog, source.id, log)
    ids = {slug: model.id for slug, model in models.items()}
    catalog.by_id.update({model.id: model for model in models.values()})
    touched = set(ids.values())

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
    write_conflicts(session, sorted(touched), all_claims, catalog, log)
    report.conflicts = describe_conflicts(session, source.id)
    return report


def _organizations(
    session: Session,
    records: list[ModelRecord],
    catalog: CatalogView,
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
    catalog: CatalogView,
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


def _match(records: list[ModelRecord], catalog: CatalogView) -> list[_Target]:
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
    # Records whose id and display name agree go first, so that a model's slug comes from its
    # plain id ("gpt-oss-120b") rather than a reseller's ("databricks-gpt-oss-120b").
    for record in sorted(records, key=_plain_first):
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


def _plain_first(record: ModelRecord) -> bool:
    return model_key(record.external_id, route=record.routes) != model_key(record.name, route=False)


def _free_slug(key: str, taken: set[str]) -> str:
    slug, n = key or "model", 2
    while slug in taken:
        slug, n = f"{key}-{n}", n + 1
    return slug


def _write_models(
    session: Session,
    targets: list[_Target],
    claims: dict[str, dict[str, str]],
    catalog: CatalogView,
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
        values = _model_values(target.slug, {k: v for k, (v, _) in chosen(merged).items()}, catalog)
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


def _model_values(slug: str, chosen: dict[str, str], catalog: CatalogView) -> dict[str, Any]:
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
    catalog: CatalogView,
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


def _aliases_by_model(catalog: CatalogView, source_id: int) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for alias, (model_id, alias_source) in catalog.aliases.items():
        if alias_source == source_id:
            result.setdefault(model_id, []).append(alias)
    return result


def _write_prices(
    session: Session,
    model_ids: Iterable[int],
    claims: dict[int, Claims],
    catalog: CatalogView,
    log: ChangeLog,
) -> None:
    """An imported model's price is its chosen pricing claim, in force from an unstated date."""
    desired: dict[int, list[dict[str, Any]]] = {}
    for model_id in model_ids:
        pricing = chosen(claims.get(model_id, {})).get(F.PRICING)
        items = []
        if pricing:
            price = PriceClaim.parse(pricing[0])
            items.append(
                {
                    "variant_id": None,
                    "effective_from": None,
                    "effective_to": None,
                    "currency": "USD",
                    "input_per_mtok": _money(price.input),
                    "output_per_mtok": _money(price.output),
                    "cached_input_per_mtok": _money(price.cached_input),
                    "source_id": pricing[1],
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
    catalog: CatalogView,
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
