"""Put one parsed data set into the catalog, in the caller's transaction, set by set.

Every table the run touches is read once up front; rows are then created, updated or deleted
in batches through the catalog's write helpers (`service.catalog.upsert`), which record each
change. Nothing here commits: the command does, once, so a run is all-or-nothing.
"""

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from service.catalog import audit
from service.catalog.changes import Change, ChangeLog
from service.catalog.errors import CatalogError, Problem
from service.catalog.fill import best_claims, fill_unknowns
from service.catalog.identity import (
    fold_family,
    known_org,
    model_key,
    model_slug,
    name_key,
    org_display_name,
    org_slug,
    slugify,
    undated,
)
from service.catalog.seed_schema import parse_release
from service.catalog.upsert import apply_changes, sync_children_many, upsert, upsert_many
from service.db import session_factory
from service.importers.catalog_view import CatalogView, Claims
from service.importers.claims import chosen, claims_of, cloud_fields
from service.importers.conflicts import agrees, describe_conflicts, write_conflicts
from service.importers.organizations import merge_organizations, sync_organization_aliases
from service.importers.records import ModelRecord, OfferClaim, Parsed, PriceClaim, Skipped
from service.models import (
    Capability,
    FactClaim,
    License,
    Model,
    ModelAlias,
    ModelCitation,
    Offer,
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
IMPORT_LOCK = int.from_bytes(b"mc-import", "big") & 0x7FFF_FFFF_FFFF_FFFF
LOCK_WAIT_SECONDS = 600  # a second import waits this long for the first, then is refused
SHRINK_LIMIT = 0.5  # a file stating under half the models of the last import is refused
UNDATED_REASON = (
    "an undated id naming several dated releases: joined none and made no model of its own "
    "(looking it up suggests the releases)"
)


@dataclass
class Identity:
    """How each record found its model: the identity summary of a run."""

    by_id: int = 0  # an id the data states: a base_model, the maker's id in a route, a slug
    by_name: int = 0  # no id matched; the name key did, and only one model has it
    new: int = 0  # nothing matched: a new model
    ambiguous: list[str] = field(default_factory=list)  # could join two models: joined neither
    # an undated id naming several dated releases ("claude-3.5-sonnet"): not a model of its own
    releases: list[str] = field(default_factory=list)


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
    allow_shrink: bool = False,
    waiting: Callable[[str], None] = lambda s: None,
) -> ImportReport:
    """Write a data set already read, in one audited transaction: every row, or none."""
    with session_factory(engine)() as session:
        _lock(session, waiting)
        report = import_parsed(session, parsed, step, allow_shrink=allow_shrink)
        if not dry_run:
            step("recording the audit trail")
            audit.record(
                session, actor=actor, operation=f"import {parsed.source.slug}", log=report.log
            )
            session.commit()
    return report


def _lock(session: Session, waiting: Callable[[str], None]) -> None:
    """One import at a time: a second one waits for the first (saying so), then goes on."""
    acquire = text("SELECT pg_try_advisory_xact_lock(:key)")
    if session.execute(acquire, {"key": IMPORT_LOCK}).scalar_one():
        return
    waiting("another import is writing to this catalog; waiting for it to finish")
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.25)
        if session.execute(acquire, {"key": IMPORT_LOCK}).scalar_one():
            return
    raise CatalogError(
        [
            Problem(
                "import",
                "",
                f"another import held the catalog for over {LOCK_WAIT_SECONDS} s; try again",
            )
        ]
    )


def import_parsed(
    session: Session,
    parsed: Parsed,
    step: Callable[[str], None] = lambda s: None,
    *,
    allow_shrink: bool = False,
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
    _refuse_shrink(session, parsed, source.id, allow_shrink)
    merge_organizations(session, log)
    catalog = CatalogView.load(session)
    step("matching organizations and licenses")
    orgs = _organizations(session, parsed.records, catalog, source.id, log)
    licenses = _licenses(session, parsed.records, catalog, source.id, log)
    step("matching models")
    targets = _match(parsed.records, catalog, report.identity)
    report.skipped = [
        *parsed.skipped,
        *(Skipped(line, UNDATED_REASON) for line in report.identity.releases),
    ]
    report.models_matched = sum(1 for t in targets if t.model is not None)
    report.curated_kept = sum(1 for t in targets if t.curated)
    # Models this source stated before but no longer does: their claims, aliases, prices and
    # tasks from it go, and their shown values fall back to the other sources.
    matched = {t.model.id for t in targets if t.model is not None}
    gone = sorted(catalog.claimed_by(source.id) - matched)
    targets += [_Target(catalog.by_id[mid].slug, catalog.by_id[mid], []) for mid in gone]
    claims = {t.slug: claims_of(t.records, orgs, licenses) for t in targets}
    clouds = {t.slug: cloud_fields(t.records, orgs, licenses) for t in targets}
    external = {t.slug: t.records[0].external_id for t in targets if t.records}

    step("writing models")
    models = _write_models(session, targets, claims, catalog, source.id, log, clouds)
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
    _fill_curated(session, sorted(touched), all_claims, catalog, log)

    step("writing aliases")
    report.blocked_aliases = _write_aliases(session, targets, ids, catalog, source.id, log)
    step("writing prices")
    imported = [
        mid
        for mid in sorted(touched)
        if not catalog.is_curated(mid) and mid not in catalog.api_priced
    ]
    _write_prices(session, imported, all_claims, catalog, log)
    step("writing offers")
    report.offers = _write_offers(session, targets, ids, orgs, catalog, source.id, log)
    step("writing tasks")
    _write_tasks(session, targets, ids, catalog, source.id, log)
    step("recording conflicts")
    disputes = {
        ids[t.slug]: {k: v for r in reversed(t.records) for k, v in r.disputed.items()}
        for t in targets
    }
    cloud = catalog.cloud_with(source.id, desired_claims)
    write_conflicts(session, sorted(touched), all_claims, catalog, log, source.id, disputes, cloud)
    step("marking research-only models")
    mark_research_only(session)
    sync_organization_aliases(session, log)
    report.conflicts = describe_conflicts(session, source.id)
    return report


_UNKNOWN = {
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
    session: Session,
    model_ids: list[int],
    claims: dict[int, Claims],
    catalog: CatalogView,
    log: ChangeLog,
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
        apply_changes(session, row, values, log, "model", row.slug)
        catalog.filled[model_id] = filled
        desired[model_id] = [
            {"field": name, "source_id": source_id, "quote": None}
            for name, (_, source_id) in sorted(filled.items())
        ]
    sync_children_many(
        session,
        ModelCitation,
        "model_id",
        desired,
        ["field", "source_id"],
        log,
        "citation",
        lambda mid, item: f"{catalog.slug_of(mid)}.{item['field']}",
        where=[ModelCitation.source_id.in_(catalog.sources_ranked or {0})],
    )


def _refuse_shrink(session: Session, parsed: Parsed, source_id: int, allow: bool) -> None:
    """A file stating under half the models of this source's last import is refused: it is
    more likely cut short than a catalog that lost half its models (nothing is deleted)."""
    before = session.execute(
        select(func.count(func.distinct(FactClaim.model_id))).where(
            FactClaim.source_id == source_id
        )
    ).scalar_one()
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


def mark_research_only(session: Session) -> None:
    """Imported models with neither an API (an offer, a price, a stated API or hosted access)
    nor open weights are research results: marked, so a listing can leave them out."""
    offered = select(Offer.id).where(Offer.model_id == Model.id).exists()
    priced = select(Price.id).where(Price.model_id == Model.id).exists()
    usable = (
        select(FactClaim.model_id)
        .where(
            FactClaim.model_id == Model.id,
            FactClaim.field == F.ACCESS.value,
            FactClaim.value.in_(["api", "hosted", "open_weights"]),
        )
        .exists()
    )
    research = (
        (Model.origin == Origin.IMPORTED.value)
        & Model.open_weights.is_not(True)
        & ~offered
        & ~priced
        & ~usable
    )
    session.execute(
        update(Model)
        .where(Model.research_only.is_distinct_from(research))
        .values(research_only=research)
        .execution_options(synchronize_session=False)
    )


def _organizations(
    session: Session,
    records: list[ModelRecord],
    catalog: CatalogView,
    source_id: int,
    log: ChangeLog,
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


class _Index:
    """Identity keys -> the models that answer to them, in three tiers."""

    def __init__(self) -> None:
        self.slugs: dict[str, str] = {}  # a model's own slug: the strongest identity
        self.ids: dict[str, set[str]] = {}  # a slug, an alias, a route or a base_model id
        self.dated: dict[str, set[str]] = {}  # an id without its date -> the dated models
        self.dated_names: dict[str, set[str]] = {}  # the same, by the id's words in any order
        self.names: dict[str, set[str]] = {}  # a display name's words
        self.folded: dict[str, set[str]] = {}  # a key without its tuning suffix -> the models

    def add_ids(self, keys: Iterable[str], slug: str) -> None:
        for key in keys:
            self.ids.setdefault(key, set()).add(slug)
            self.folded.setdefault(fold_family(key), set()).add(slug)
            if base := undated(key):
                self.dated.setdefault(base, set()).add(slug)
                self.dated_names.setdefault(name_key(base), set()).add(slug)

    def add_names(self, keys: Iterable[str], slug: str) -> None:
        for key in keys:
            self.names.setdefault(key, set()).add(slug)

    def by_id(self, record: ModelRecord) -> set[str]:
        """The models the record's ids name: its own id decides when it names one. A maker's
        own entry is joined by its own ids only, never by a reseller's route grouped with it
        (the maker lists "gemini-3.1-pro-preview-customtools" apart from the preview itself)."""
        keys, own = record.id_keys, record.own_keys
        for key in own:
            if key in self.slugs:
                return {self.slugs[key]}
            if len(hits := self.ids.get(key, set())) == 1:
                return hits
        return set().union(
            *(self.ids.get(key, set()) for key in (own if record.first_party else keys))
        )

    def by_fold(self, record: ModelRecord) -> set[str]:
        """The models a tuning variant of the record's ids names: "qwen2.5-72b-instruct" is
        Epoch's "Qwen2.5 72B" when no listing named both (ModelRecord.foldable)."""
        keys = record.own_keys if record.first_party else record.id_keys
        return set().union(*(self.folded.get(fold_family(key), set()) for key in keys))

    def releases(self, record: ModelRecord) -> set[str]:
        """The dated releases an undated id names ("claude-3-5-sonnet": its -20240620 and
        -20241022 snapshots), by its ids' keys and their words in any order."""
        hits: set[str] = set()
        for key in record.id_keys:
            hits |= self.dated.get(key, set()) | self.dated_names.get(name_key(key), set())
        return hits

    def by_name(self, record: ModelRecord, *, names: bool) -> set[str]:
        """Dated releases of an undated id ("claude-3-5-sonnet"), and models of the same name."""
        hits: set[str] = set()
        for key in record.id_keys:
            hits |= self.dated.get(key, set()) | self.dated_names.get(name_key(key), set())
        if names:
            # a name joins a model only if its id says no more than the name does: "Whisper"
            # is not "whisper-1", "Command R+" is not "command-r-plus-08-2024"
            # and its own id states no number its name and the model lack: "abacus/grok-4-0709"
            # (named "Grok 4") is xAI's dated snapshot, not "grok-4"; "gemini-2.0-flash-001"
            words = {word for key in record.name_keys for word in key.split("-")}
            said = _numbers(model_key(record.name, route=False))
            own = _numbers(model_key(record.external_id, route=record.routes))
            for key in record.name_keys:
                hits |= {
                    slug
                    for slug in self.names.get(key, set())
                    if set(fold_family(model_key(slug)).split("-")) <= words
                    and own <= said | _numbers(model_key(slug))
                }
        return hits


def _numbers(key: str) -> set[str]:
    """The numbers of an identity key: versions, sizes, dates ("grok-4-0709" -> 4, 0709)."""
    return set(re.findall(r"\d+", key))


def _match(records: list[ModelRecord], catalog: CatalogView, identity: Identity) -> list[_Target]:
    """Each record's model: by the ids the data states, then by name; else a new model.

    A record that could join two models joins neither: it becomes its own model, under its
    own id, and is reported as ambiguous.
    """
    index = _Index()
    # Only models some source states (or the curated seed) answer to ids and names: an imported
    # model no source claims any more (one `modelcat import repair` cleared) is a leftover of
    # older matching; a record whose own slug it holds takes its row over.
    indexed = {
        slug: model
        for slug, model in catalog.models.items()
        if model.origin == Origin.CURATED or model.id in catalog.claims
    }
    for model in indexed.values():
        index.slugs.setdefault(model_key(model.slug), model.slug)
        index.add_ids([model_key(model.slug)], model.slug)
        index.add_names([name_key(model_key(model.name, route=False))], model.slug)
    aliases = {
        alias
        for alias, (model_id, _) in catalog.aliases.items()
        if catalog.by_id[model_id].slug in indexed
    }
    for alias in aliases:
        index.add_ids([model_key(alias)], catalog.by_id[catalog.aliases[alias][0]].slug)
    taken = set(indexed) | aliases
    targets: dict[str, _Target] = {}
    # The maker's records go first, then those whose id and display name agree, so that a
    # model's slug comes from the maker's id ("gpt-oss-120b"), not a reseller's.
    for record in sorted(records, key=_plain_first):
        hits = index.by_id(record)
        if not hits and record.foldable:
            hits = index.by_fold(record)
        if len(hits) == 1:
            identity.by_id += 1
        elif not hits and len(releases := index.releases(record)) > 1:
            # "claude-3.5-sonnet" names the June and the October 2024 releases: joining either
            # is a guess, and a model of its own is a phantom (its route's offer is not kept)
            identity.releases.append(
                f"{record.external_id} (could be {' or '.join(sorted(releases))})"
            )
            continue
        elif not hits:
            # A maker's own id that names no model is a new model, even when another of the
            # maker's models shares its display name ("command-r" vs "command-r-08-2024").
            hits = index.by_name(record, names=not (record.first_party and record.routes))
            if len(hits) == 1:
                identity.by_name += 1
        if len(hits) == 1:
            slug = next(iter(hits))
        else:
            if hits:
                identity.ambiguous.append(
                    f"{record.external_id}: could be {' or '.join(sorted(hits))}; joined neither"
                )
            else:
                identity.new += 1
            first = model_slug(record.external_id, route=record.routes)
            slug = _free_slug(first or slugify(record.name), taken)
            taken.add(slug)
            index.slugs.setdefault(model_key(slug), slug)
        index.add_ids(record.id_keys, slug)
        index.add_names(record.name_keys, slug)
        target = targets.setdefault(slug, _Target(slug, catalog.models.get(slug), []))
        target.records.append(record)
    return list(targets.values())


def _plain_first(record: ModelRecord) -> tuple[bool, bool, str]:
    """The maker's records first (their ids name the model), then plain ids, then the rest."""
    plain = model_key(record.external_id, route=record.routes) == model_key(
        record.name, route=False
    )
    return (not record.first_party, not plain, record.external_id)


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
    clouds: dict[str, set[str]],
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
        mid = target.model.id if target.model else None
        cloud = {k for k in catalog.cloud.get(mid or 0, set()) if k[1] != source_id}
        cloud |= {(name, source_id) for name in clouds[target.slug]}
        shown = chosen(merged, cloud, agrees)
        values = _model_values(target.slug, {k: v for k, (v, _) in shown.items()}, catalog)
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
        names = {n for r in target.records for n in [r.external_id, *r.names]}
        names |= {
            n.rsplit("/", 1)[-1]
            for r in target.records
            if r.routes
            for n in [r.external_id, *r.names]
            if bare[n.rsplit("/", 1)[-1].lower()] == {target.slug}
        }
        names = sorted(names)
        for name in names:
            lower = name.lower()
            owner = catalog.aliases.get(lower)
            if (
                lower in slugs
                and lower != target.slug.lower()
                and name.strip()
                and len(name) <= 200
            ):
                blocked.append((model_id, name, source_id))
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
    return blocked


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


def _write_offers(
    session: Session,
    targets: list[_Target],
    ids: dict[str, int],
    orgs: dict[str, str],
    catalog: CatalogView,
    source_id: int,
    log: ChangeLog,
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
    _sync_offers(session, desired, source_id, catalog, log)
    return sum(len(items) for items in desired.values())


_OFFER_VALUES = (
    "route",
    "currency",
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "context_window",
    "max_output_tokens",
    "status",
    "effective_from",
    "effective_to",
)


def _sync_offers(
    session: Session,
    desired: dict[int, list[dict[str, Any]]],
    source_id: int,
    catalog: CatalogView,
    log: ChangeLog,
) -> None:
    """This source's offers of these models become exactly `desired`: rows compared as tuples
    and written in three batched statements (thousands of offers; no ORM object per row)."""
    columns = [getattr(Offer, name) for name in _OFFER_VALUES]
    existing = {
        (row.model_id, row.provider_id): row
        for row in session.execute(
            select(Offer.id, Offer.model_id, Offer.provider_id, *columns).where(
                Offer.source_id == source_id
            )
        )
    }

    def label(model_id: int, provider_id: int) -> str:
        return f"{catalog.slug_of(model_id)} at {catalog.org_slugs.get(provider_id)}"

    deletes, updates, inserts = [], [], []
    for model_id, items in desired.items():
        wanted = {item["provider_id"]: item for item in items}
        for provider_id, item in wanted.items():
            row = existing.get((model_id, provider_id))
            if row is None:
                inserts.append({"model_id": model_id, **item})
                log.add(Change("create", "offer", label(model_id, provider_id), after=item))
                continue
            diffs = {
                name: (getattr(row, name), item[name])
                for name in _OFFER_VALUES
                if getattr(row, name) != item[name]
            }
            if diffs:
                updates.append({"id": row.id, **{k: new for k, (_, new) in diffs.items()}})
                log.add(Change("update", "offer", label(model_id, provider_id), diffs))
            else:
                log.same("offer")
    for (model_id, provider_id), row in existing.items():
        if model_id in desired and provider_id not in {
            item["provider_id"] for item in desired[model_id]
        }:
            deletes.append(row.id)
            log.add(
                Change("delete", "offer", label(model_id, provider_id), before=dict(row._mapping))
            )
    if deletes:
        session.execute(delete(Offer).where(Offer.id.in_(deletes)))
    for row in updates:  # few: an offer whose price or limits changed
        session.execute(update(Offer).where(Offer.id == row.pop("id")).values(**row))
    if inserts:
        session.execute(insert(Offer.__table__), inserts)  # Core: no ORM work per row


def _route_rank(route: str) -> tuple[int, int, str]:
    last = route.rsplit("/", 1)[-1]
    tiered = ":" in last or last.split(".", 1)[0] in {"us", "eu", "apac", "global", "au", "jp"}
    return (int(tiered), len(route), route)


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
