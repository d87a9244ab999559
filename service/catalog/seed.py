"""Write a validated seed bundle: upsert everything in the caller's transaction."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalog.changes import ChangeLog
from service.catalog.fill import Chosen, fill_unknowns, load_best_claims, lookups
from service.catalog.seed_files import SeedBundle
from service.catalog.seed_schema import ModelFile, parse_release
from service.catalog.upsert import sync_children, upsert
from service.models import (
    Capability,
    Collection,
    CollectionMember,
    License,
    Model,
    ModelAlias,
    ModelCitation,
    ModelLineage,
    ModelVariant,
    Organization,
    Price,
    Source,
    Task,
)
from service.models.base import CitedField, Disclosure, FactState, Origin, Relation


class _Ids:
    """slug -> id for each kind, filled as rows are written."""

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, int]] = {}

    def put(self, kind: str, slug: str, row_id: int) -> None:
        self.by_kind.setdefault(kind, {})[slug] = row_id

    def get(self, kind: str, slug: str | None) -> int | None:
        return None if slug is None else self.by_kind[kind][slug]

    def of(self, kind: str, slug: str) -> int:
        return self.by_kind[kind][slug]

    def slug(self, kind: str, row_id: int | None) -> str:
        return next((s for s, i in self.by_kind.get(kind, {}).items() if i == row_id), "?")


def apply_seed(session: Session, bundle: SeedBundle) -> ChangeLog:
    """Make the database hold exactly what the bundle says; return what changed."""
    log = ChangeLog()
    ids = _Ids()
    for source in bundle.sources:
        row = upsert(
            session,
            Source,
            {"slug": source.slug},
            source.model_dump(exclude={"slug"}),
            log,
            "source",
            source.slug,
        )
        ids.put("source", source.slug, row.id)
    for org in bundle.organizations:
        values = {
            "name": org.name,
            "website": org.website,
            "source_id": ids.get("source", org.source),
        }
        org_row = upsert(
            session, Organization, {"slug": org.slug}, values, log, "organization", org.slug
        )
        ids.put("organization", org.slug, org_row.id)
    for lic in bundle.licenses:
        values = lic.model_dump(exclude={"slug", "source"}, mode="json")
        values["source_id"] = ids.get("source", lic.source)
        lic_row = upsert(session, License, {"slug": lic.slug}, values, log, "license", lic.slug)
        ids.put("license", lic.slug, lic_row.id)
    for order, task in enumerate(bundle.tasks):
        values = {
            "name": task.name,
            "task_group": task.group,
            "description": task.description,
            "sort_order": order,
        }
        task_row = upsert(session, Task, {"slug": task.slug}, values, log, "task", task.slug)
        ids.put("task", task.slug, task_row.id)
    for order, coll in enumerate(bundle.collections):
        values = {"name": coll.name, "description": coll.description, "sort_order": order}
        coll_row = upsert(
            session, Collection, {"slug": coll.slug}, values, log, "collection", coll.slug
        )
        ids.put("collection", coll.slug, coll_row.id)
    # What the curated files leave unknown, an imported data set may state (service.catalog.fill)
    best = load_best_claims(session, [model.slug for model in bundle.models])
    orgs, licenses = lookups(session)
    filled: dict[str, Chosen] = {}
    for model in bundle.models:
        values = _model_values(model, ids)
        filled[model.slug] = fill_unknowns(values, best.get(model.slug, {}), orgs, licenses)
        model_row = upsert(session, Model, {"slug": model.slug}, values, log, "model", model.slug)
        ids.put("model", model.slug, model_row.id)
    lineage = _lineage_rows(bundle.models, ids)
    for model in bundle.models:
        _sync_model_children(
            session,
            model,
            ids,
            lineage.get(ids.of("model", model.slug), []),
            log,
            filled[model.slug],
        )
    return log


def _source_id(model: ModelFile, fact: Any, ids: _Ids) -> int | None:
    return ids.get("source", fact.source or model.source)


def _model_values(model: ModelFile, ids: _Ids) -> dict[str, Any]:
    release_date, precision = (
        parse_release(model.release_date.value) if model.release_date else (None, None)
    )
    context = model.context_window
    params = model.parameters
    return {
        "name": model.name,
        "family": model.family,
        "status": model.status.value,
        "organization_id": ids.get("organization", _value(model.organization)),
        "category": _value(model.category),
        "open_weights": _value(model.open_weights),
        "input_modalities": _value(model.input_modalities),
        "output_modalities": _value(model.output_modalities),
        "release_date": release_date,
        "release_date_precision": precision.value if precision else None,
        "context_window": context.value if context else None,
        "context_window_state": context.state if context else FactState.UNKNOWN.value,
        "parameter_count": params.value if params else None,
        "parameters_state": params.state if params else Disclosure.UNKNOWN.value,
        "license_id": ids.get("license", _value(model.license)),
        "overview": _value(model.overview),
        "origin": Origin.CURATED.value,
    }


def _value(fact: Any) -> Any:
    if fact is None:
        return None
    value = fact.value
    if isinstance(value, list):
        return [getattr(v, "value", v) for v in value]
    return getattr(value, "value", value)


def _lineage_rows(models: list[ModelFile], ids: _Ids) -> dict[int, list[dict[str, Any]]]:
    """Every lineage row, stored one way round: 'A succeeded_by B' is kept as 'B succeeds A'."""
    rows: dict[int, list[dict[str, Any]]] = {}
    for model in models:
        for link in model.lineage:
            subject, related = model.slug, link.model
            relation = link.relation
            if relation == "succeeded_by":
                subject, related, relation = related, subject, Relation.SUCCEEDS
            rows.setdefault(ids.of("model", subject), []).append(
                {
                    "related_model_id": ids.get("model", related),
                    "relation": getattr(relation, "value", relation),
                    "role": link.role,
                    "note": link.note,
                    "source_id": _source_id(model, link, ids),
                }
            )
    return rows


def _sync_model_children(
    session: Session,
    model: ModelFile,
    ids: _Ids,
    lineage: list[dict[str, Any]],
    log: ChangeLog,
    filled: Chosen,
) -> None:
    model_id = ids.get("model", model.slug)
    scope = {"model_id": model_id}
    slug = model.slug
    file_source = ids.get("source", model.source)

    # Scoped to the seed's own source, so aliases that imports added are left alone.
    aliases = [{"alias": a} for a in model.aliases]
    sync_children(
        session,
        ModelAlias,
        {**scope, "source_id": file_source},
        ["alias"],
        aliases,
        log,
        "alias",
        lambda k: f"{slug}/{k['alias']}",
    )

    variants = [
        {
            "slug": v.slug,
            "name": v.name,
            "axis": v.axis,
            "differs": v.differs,
            "input_resolution_px": v.input_resolution_px,
            "sort_order": order,
            "source_id": _source_id(model, v, ids),
        }
        for order, v in enumerate(model.variants)
    ]
    sync_children(
        session, ModelVariant, scope, ["slug"], variants, log, "variant", lambda k: k["slug"]
    )
    for variant in session.scalars(select(ModelVariant).filter_by(model_id=model_id)):
        ids.put("variant", variant.slug, variant.id)

    prices = [
        {
            "variant_id": ids.get("variant", p.variant),
            "effective_from": p.effective_from,
            "effective_to": p.effective_to,
            "currency": p.currency,
            "input_per_mtok": p.input_per_mtok,
            "output_per_mtok": p.output_per_mtok,
            "cached_input_per_mtok": p.cached_input_per_mtok,
            "source_id": _source_id(model, p, ids),
        }
        for p in model.prices
    ]
    sync_children(
        session,
        Price,
        scope,
        ["variant_id", "effective_from"],
        prices,
        log,
        "price",
        lambda k: (
            f"{ids.slug('variant', k['variant_id']) if k['variant_id'] else slug}"
            f" from {k['effective_from'] or 'the start'}"
        ),
    )

    sync_children(
        session,
        ModelLineage,
        scope,
        ["related_model_id", "relation"],
        lineage,
        log,
        "lineage",
        lambda k: f"{slug} {k['relation']} {ids.slug('model', k['related_model_id'])}",
    )

    capabilities = [
        {
            "task_id": ids.get("task", c.task),
            "support": c.support.value,
            "has_demo": c.demo,
            "demo_url": c.demo_url,
            "note": c.note,
            "source_id": _source_id(model, c, ids),
        }
        for c in model.capabilities
    ]
    sync_children(
        session,
        Capability,
        scope,
        ["task_id"],
        capabilities,
        log,
        "capability",
        lambda k: f"{slug}/{ids.slug('task', k['task_id'])}",
    )

    members = [
        {
            "collection_id": ids.get("collection", m.collection),
            "note": m.note,
            "source_id": _source_id(model, m, ids),
        }
        for m in model.collections
    ]
    sync_children(
        session,
        CollectionMember,
        scope,
        ["collection_id"],
        members,
        log,
        "collection member",
        lambda k: f"{slug} in {ids.slug('collection', k['collection_id'])}",
    )

    citations = [
        {"field": field.value, "source_id": _source_id(model, fact, ids), "quote": fact.quote}
        for field in CitedField
        if (fact := getattr(model, field.value, None)) is not None and hasattr(fact, "quote")
    ]
    citations += [
        {"field": name, "source_id": source_id, "quote": None}
        for name, (_, source_id) in filled.items()
        if not any(c["field"] == name and c["source_id"] == source_id for c in citations)
    ]
    sync_children(
        session,
        ModelCitation,
        scope,
        ["field", "source_id"],
        citations,
        log,
        "citation",
        lambda k: f"{slug}.{k['field']}",
    )
