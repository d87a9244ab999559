"""Put one parsed data set into the catalog, in the caller's transaction, set by set.

The import's adapter over the catalog's one write path (`service.catalog.model_writer`): it
decides what each model and its children should be (identity, the precedence of the sources'
claims, curated models kept), and the `ModelWriter` writes it in batches, recording each
change. Every table the run compares against is read once up front
(`service.catalog.import_view`). Nothing here commits: the command does, once, so a run is
all-or-nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.catalog import audit
from service.catalog.changes import ChangeLog
from service.catalog.errors import CatalogError, Problem
from service.catalog.fill import best_claims, fill_unknowns
from service.catalog.identity import (
    known_org,
    org_display_name,
    org_slug,
    slugify,
)
from service.catalog.import_view import CatalogView, Claims
from service.catalog.imports import (
    IMPORT_LOCK,
    LOCK_WAIT_SECONDS,
    lock_imports,
    mark_research_only,
    models_claimed_by,
)
from service.catalog.model_writer import (
    ALIASES,
    CAPABILITIES,
    CITATIONS,
    CLAIMS,
    PRICES,
    ModelWriter,
    Policy,
)
from service.catalog.organizations import merge_organizations, sync_organization_aliases
from service.catalog.seed_schema import parse_release
from service.db import session_factory
from service.importers.claims import chosen, claims_of, cloud_fields
from service.importers.conflicts import agrees, describe_conflicts, write_conflicts
from service.importers.matching import UNDATED_REASON, Identity, Target, match
from service.importers.records import ModelRecord, OfferClaim, Parsed, PriceClaim, Skipped
from service.models import License, Model, Organization, Source
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

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

__all__ = [
    "IMPORT_LOCK",
    "LOCK_WAIT_SECONDS",
    "UNDATED_REASON",
    "import_file",
    "import_parsed",
    "write_parsed",
]
OPEN_LICENSES = {"mit": "MIT", "apache-2.0": "Apache-2.0", "bsd-3-clause": "BSD-3-Clause"}
SHRINK_LIMIT = 0.5  # a file stating under half the models of the last import is refused


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
    identity: Identity = field(default_factory=Identity)
    offers: int = 0  # offers this source states, after folding a provider's routes
    # (model id, alias, source id): aliases left out only because a model's slug is that name
    # (a repair adds them once it has removed that model as a leftover)
    blocked_aliases: list[tuple[int, str, int]] = field(default_factory=list)


def import_file(
    engine: "Engine",
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
    engine: "Engine",
    parsed: Parsed,
    *,
    step: Callable[[str], None] = lambda s: None,
    dry_run: bool = False,
    actor: str = audit.CLI_ACTOR,
    allow_shrink: bool = False,
    waiting: Callable[[str], None] = lambda s: None,
) -> ImportReport:
    """Write a data set already read, in one audited transaction: every row, or none."""
    policy = import_policy(parsed, actor=actor, dry_run=dry_run)
    with session_factory(engine)() as session:
        lock_imports(session, waiting)
        report = import_parsed(session, parsed, step, allow_shrink=allow_shrink, policy=policy)
        if not dry_run:
            step("recording the audit trail")
            ModelWriter(session, policy, report.log).finish()
            session.commit()
    return report


def import_policy(parsed: Parsed, *, actor: str = audit.CLI_ACTOR, dry_run: bool = False) -> Policy:
    """An import's policy: audited as `import <source>`; curated models' values are kept."""
    return Policy(
        actor=actor,
        operation=f"import {parsed.source.slug}",
        keep_curated=True,
        dry_run=dry_run,
    )


def import_parsed(
    session: "Session",
    parsed: Parsed,
    step: Callable[[str], None] = lambda s: None,
    *,
    allow_shrink: bool = False,
    policy: Policy | None = None,
) -> ImportReport:
    """Make the catalog hold what `parsed` says, as its source's claims; return what changed
    (audited by the caller, under `policy`)."""
    writer = ModelWriter(session, policy or import_policy(parsed))
    log = writer.log
    info = parsed.source
    source = writer.upsert(
        Source,
        {"slug": info.slug},
        {"title": info.title, "url": info.url, "version": info.version, "note": info.note},
        "source",
        info.slug,
    )
    report = ImportReport(
        info.slug, info.version, parsed.entries, len(parsed.records), parsed.skipped, log
    )
    step("reading the catalog")
    _refuse_shrink(session, parsed, source.id, allow_shrink)
    merge_organizations(session, log)
    catalog = CatalogView.load(session)
    step("matching organizations and licenses")
    orgs = _organizations(writer, parsed.records, catalog, source.id)
    licenses = _licenses(writer, parsed.records, catalog, source.id)
    step("matching models")
    targets = match(parsed.records, catalog, report.identity)
    report.skipped = [
        *parsed.skipped,
        *(Skipped(line, UNDATED_REASON) for line in report.identity.releases),
    ]
    report.models_matched = sum(
        1 for t in targets if t.model is not None and not all(r.shared for r in t.records)
    )
    report.curated_kept = sum(1 for t in targets if t.curated)
    # Models this source stated before but no longer does: their claims, aliases, prices and
    # tasks from it go, and their shown values fall back to the other sources.
    matched = {t.model.id for t in targets if t.model is not None}
    gone = sorted(catalog.claimed_by(source.id) - matched)
    targets += [Target(catalog.by_id[mid].slug, catalog.by_id[mid], []) for mid in gone]
    claims = {t.slug: claims_of(t.records, orgs, licenses) for t in targets}
    clouds = {t.slug: cloud_fields(t.records, orgs, licenses) for t in targets}
    external = {t.slug: t.records[0].external_id for t in targets if t.records}

    step("writing models")
    models = _write_models(writer, targets, claims, catalog, source.id, clouds)
    ids = {slug: model.id for slug, model in models.items()}
    catalog.by_id.update({model.id: model for model in models.values()})
    touched = set(ids.values())

    step("writing claims")
    desired_claims: dict[int, list[dict[str, Any]]] = {mid: [] for mid in touched}
    for slug, fields in claims.items():
        desired_claims[ids[slug]] = [
            {
                "field": name,
                "source_id": source.id,
                "value": value,
                "external_id": external[slug],
                "cloud_only": name in clouds[slug],
            }
            for name, value in fields.items()
        ]
    writer.children(
        CLAIMS,
        desired_claims,
        lambda mid, item: f"{catalog.slug_of(mid)}.{item['field']}",
        source=source.id,
    )
    all_claims = catalog.claims_with(source.id, desired_claims)
    _fill_curated(writer, sorted(touched), all_claims, catalog)

    step("writing aliases")
    report.blocked_aliases = _write_aliases(writer, targets, ids, catalog, source.id)
    step("writing prices")
    imported = [
        mid
        for mid in sorted(touched)
        if not catalog.is_curated(mid) and mid not in catalog.api_priced
    ]
    _write_prices(writer, imported, all_claims, catalog)
    step("writing offers")
    report.offers = _write_offers(writer, targets, ids, orgs, catalog, source.id)
    step("writing tasks")
    _write_tasks(writer, targets, ids, catalog, source.id)
    step("recording conflicts")
    disputes = {
        ids[t.slug]: {k: v for r in reversed(t.records) for k, v in r.disputed.items()}
        for t in targets
    }
    cloud = catalog.cloud_with(source.id, desired_claims)
    write_conflicts(writer, sorted(touched), all_claims, catalog, source.id, disputes, cloud)
    step("marking research-only models")
    mark_research_only(session)
    sync_organization_aliases(session, log)
    report.conflicts = describe_conflicts(session, source.id)
    return report


_UNKNOWN: dict[F, dict[str, Any]] = {
    F.ORGANIZATION: {"organization_id": None},
    F.OPEN_WEIGHTS: {"open_weights": None},
    F.INPUT_MODALITIES: {"input_modalities": None},
    F.OUTPUT_MODALITIES: {"output_modalities": None},
    F.RELEASE_DATE: {"release_date": None, "release_date_precision": None},
    F.CONTEXT_WINDOW: {"context_window": None, "context_window_state": FactState.UNKNOWN.value},
    F.PARAMETERS: {"parameter_count": None, "parameters_state": Disclosure.UNKNOWN.value},
    F.LICENSE: {"license_id": None},
}


def _fill_curated(
    writer: ModelWriter,
    model_ids: list[int],
    claims: dict[int, Claims],
    catalog: CatalogView,
) -> None:
    """The curated models' unknown facts, filled from the best claim (service.catalog.fill):
    the same rule `modelcat seed` applies, so the two commands agree on the shown value."""
    orgs = {slug: org.id for slug, org in catalog.orgs.items()}
    licenses = {slug: lic.id for slug, lic in catalog.licenses.items()}
    desired: dict[int, list[dict[str, Any]]] = {}
    for model_id in model_ids:
        if not catalog.is_curated(model_id):
            continue
        row = catalog.by_id[model_id]
        values = {
            column: getattr(row, column) for columns in _UNKNOWN.values() for column in columns
        }
        values["category"] = row.category
        for name, unknown in _UNKNOWN.items():  # what an import filled before is refilled
            if (model_id, name.value) in catalog.cited_by_import:
                values.update(unknown)
                if name == F.OPEN_WEIGHTS and (model_id, "category") not in catalog.cited_by_seed:
                    values["category"] = None
        filled = fill_unknowns(values, best_claims(claims.get(model_id, {})), orgs, licenses)
        writer.update(row, values, "model", row.slug)
        catalog.filled[model_id] = filled
        desired[model_id] = [
            {"field": name, "source_id": source_id, "quote": None}
            for name, (_, source_id) in sorted(filled.items())
        ]
    writer.children(
        CITATIONS,
        desired,
        lambda mid, item: f"{catalog.slug_of(mid)}.{item['field']}",
        sources=catalog.sources_ranked,
    )


def _refuse_shrink(session: "Session", parsed: Parsed, source_id: int, allow: bool) -> None:
    """A file stating under half the models of this source's last import is refused: it is
    more likely cut short than a catalog that lost half its models (nothing is deleted)."""
    before = models_claimed_by(session, source_id)
    stated = len(parsed.records)
    if allow or not before or stated >= before * SHRINK_LIMIT:
        return
    raise CatalogError(
        [
            Problem(
                str(parsed.path),
                "",
                f"states {stated:,} models, the last import of {parsed.source.slug} stated "
                f"{before:,}: under half, so it looks cut short and importing it would delete "
                f"the others; pass --allow-shrink if the source really dropped them",
            )
        ]
    )


def _organizations(
    writer: ModelWriter,
    records: list[ModelRecord],
    catalog: CatalogView,
    source_id: int,
) -> dict[str, str]:
    """Stated organization or provider name -> catalog slug, creating those the catalog lacks."""
    known = {org_slug(org.name) or slug: slug for slug, org in catalog.orgs.items()}
    known.update({slug: slug for slug in catalog.orgs})
    stated: dict[str, str] = {r.organization: r.organization for r in records if r.organization}
    for record in records:
        for offer in record.offers:
            stated.setdefault(offer.provider, offer.provider_name)
    wanted: dict[str, str] = {}  # stated -> slug
    new: dict[str, str] = {}  # slug -> display name
    for spelling, display in sorted(stated.items()):
        # a provider id the synonyms do not list may have a display name they do list
        # ("alibaba-cn" is "Alibaba (China)": Alibaba)
        slug = known_org(spelling) or known_org(display) or org_slug(spelling)
        if not slug:
            continue
        slug = known.get(slug, slug)
        wanted[spelling] = slug
        if slug not in catalog.orgs:
            new.setdefault(slug, org_display_name(slug, display))
    rows = writer.rows(
        Organization,
        ["slug"],
        [{"slug": s, "name": n, "source_id": source_id} for s, n in sorted(new.items())],
        {},
        "organization",
        lambda item: item["slug"],
    )
    writer.log.same("organization", len(set(wanted.values()) - set(new)))
    for (slug,), row in rows.items():
        catalog.orgs[slug] = row
        catalog.org_slugs[row.id] = slug
    return wanted


def _licenses(
    writer: ModelWriter,
    records: list[ModelRecord],
    catalog: CatalogView,
    source_id: int,
) -> dict[str, str]:
    """Stated license name -> slug; a license the catalog lacks is created, never changed."""
    wanted = {name: slugify(name) for name in {r.license for r in records if r.license}}
    new = sorted({slug for slug in wanted.values() if slug and slug not in catalog.licenses})
    rows = writer.rows(
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
        "license",
        lambda item: item["slug"],
    )
    for (slug,), row in rows.items():
        catalog.licenses[slug] = row
        catalog.license_slugs[row.id] = slug
    return {name: slug for name, slug in wanted.items() if slug}


def _write_models(
    writer: ModelWriter,
    targets: list[Target],
    claims: dict[str, dict[str, str]],
    catalog: CatalogView,
    source_id: int,
    clouds: dict[str, set[str]],
) -> dict[str, Model]:
    """Create or update every imported model from its chosen claims; curated ones are kept
    (the policy's `keep_curated`)."""
    source_slug = catalog.sources[source_id]
    desired = []
    for target in targets:
        if target.curated:
            continue  # kept as curated: its claims are recorded, its values not derived
        known = catalog.claims.get(target.model.id, {}) if target.model else {}
        merged = {k: v for k, v in known.items() if k[1] != source_id}
        for name, value in claims[target.slug].items():
            merged[(name, source_id)] = (value, source_slug)
        mid = target.model.id if target.model else None
        cloud = {k for k in catalog.cloud.get(mid or 0, set()) if k[1] != source_id}
        cloud |= {(name, source_id) for name in clouds[target.slug]}
        shown = chosen(merged, cloud, agrees)
        values = _model_values(target.slug, {k: v for k, (v, _) in shown.items()}, catalog)
        desired.append({"slug": target.slug, **values})
    rows = writer.models(desired, catalog.models)
    writer.log.same("model (curated, kept)", sum(1 for t in targets if t.curated))
    models = {t.slug: t.model for t in targets if t.curated and t.model}
    models.update(rows)
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
    writer: ModelWriter,
    targets: list[Target],
    ids: dict[str, int],
    catalog: CatalogView,
    source_id: int,
) -> list[tuple[int, str, int]]:
    """Every name a source uses for a model becomes an alias, unless another model owns it.
    Returns those left out only because another model's slug is that name."""
    slugs = {s.lower() for s in catalog.models} | {s.lower() for s in ids}
    claimed: set[str] = set()
    blocked: list[tuple[int, str, int]] = []
    desired: dict[int, list[dict[str, Any]]] = {
        mid: [] for mid, aliases in _aliases_by_model(catalog, source_id).items() if aliases
    }
    # A route's last segment is the provider's own id for the model ("qwen2.5-72b-instruct",
    # "claude-3-5-sonnet-20241022"): an alias too, when only one model of the run uses it.
    bare: dict[str, set[str]] = {}
    for target in targets:
        for record in target.records:
            for name in [record.external_id, *record.names] if record.routes else []:
                bare.setdefault(name.rsplit("/", 1)[-1].lower(), set()).add(target.slug)
    for target in sorted(targets, key=lambda t: t.slug):
        model_id = ids[target.slug]
        items = desired.setdefault(model_id, [])
        names = {
            n
            for r in target.records
            if not (r.shared or r.placed)
            for n in [r.external_id, *r.names]
        }
        names |= {
            n.rsplit("/", 1)[-1]
            for r in target.records
            if r.routes
            for n in [r.external_id, *r.names]
            if bare[n.rsplit("/", 1)[-1].lower()] == {target.slug}
        }
        for name in sorted(names):
            lower = name.lower()
            owner = catalog.aliases.get(lower)
            if not name.strip() or len(name) > 200:
                continue
            if lower in slugs:
                if lower != target.slug.lower():
                    blocked.append((model_id, name, source_id))
                continue
            if lower in claimed or (owner is not None and owner != (model_id, source_id)):
                continue
            claimed.add(lower)
            items.append({"alias": name, "source_id": source_id})
    writer.children(ALIASES, desired, lambda mid, item: item["alias"], source=source_id)
    return blocked


def _aliases_by_model(catalog: CatalogView, source_id: int) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for alias, (model_id, alias_source) in catalog.aliases.items():
        if alias_source == source_id:
            result.setdefault(model_id, []).append(alias)
    return result


def _write_prices(
    writer: ModelWriter,
    model_ids: Iterable[int],
    claims: dict[int, Claims],
    catalog: CatalogView,
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
    writer.children(PRICES, desired, lambda mid, item: catalog.slug_of(mid))


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001"))


def _write_offers(
    writer: ModelWriter,
    targets: list[Target],
    ids: dict[str, int],
    orgs: dict[str, str],
    catalog: CatalogView,
    source_id: int,
) -> int:
    """Every provider serving each model, as this source states it: one offer per provider.

    A provider's several routes for one model (Bedrock's us./eu./global. regions, a ':free'
    tier) fold into its main route: the plainest, then the shortest; the others stay aliases.
    """
    desired: dict[int, list[dict[str, Any]]] = {}
    for target in targets:
        by_provider: dict[int, OfferClaim] = {}
        for offer in sorted(
            (o for r in target.records for o in r.offers), key=lambda o: _route_rank(o.route)
        ):
            org = catalog.orgs.get(orgs.get(offer.provider, ""))
            if org is not None:
                by_provider.setdefault(org.id, offer)
        desired[ids[target.slug]] = [
            {
                "provider_id": provider_id,
                "route": offer.route[:500],
                "currency": "USD",
                "input_per_mtok": _money(offer.price.input if offer.price else None),
                "output_per_mtok": _money(offer.price.output if offer.price else None),
                "cached_input_per_mtok": _money(offer.price.cached_input if offer.price else None),
                "context_window": offer.context_window,
                "max_output_tokens": offer.max_output_tokens,
                "status": offer.status,
                "effective_from": None,
                "effective_to": None,
                "source_id": source_id,
            }
            for provider_id, offer in sorted(by_provider.items())
        ]

    def label(model_id: int, provider_id: int) -> str:
        return f"{catalog.slug_of(model_id)} at {catalog.org_slugs.get(provider_id)}"

    writer.offers(desired, source_id, label)
    return sum(len(items) for items in desired.values())


def _route_rank(route: str) -> tuple[int, int, str]:
    last = route.rsplit("/", 1)[-1]
    tiered = ":" in last or last.split(".", 1)[0] in {"us", "eu", "apac", "global", "au", "jp"}
    return (int(tiered), len(route), route)


def _write_tasks(
    writer: ModelWriter,
    targets: list[Target],
    ids: dict[str, int],
    catalog: CatalogView,
    source_id: int,
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
    writer.children(CAPABILITIES, desired, lambda mid, item: catalog.slug_of(mid), source=source_id)
