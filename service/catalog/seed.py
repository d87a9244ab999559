"""Write a validated seed bundle: upsert everything in the caller's transaction.

The seed's adapter over the catalog's one write path (`service.catalog.model_writer`): the
curated files say what each model and its children are, exactly (a child the files no longer
list goes); the `ModelWriter` writes them under the caller's policy (audited as `seed`).
"""

from collections import defaultdict
from typing import Any

from service.catalog.changes import ChangeLog
from service.catalog.fill import Chosen, fill_unknowns, load_best_claims, lookups
from service.catalog.model_writer import (
    ALIASES,
    CAPABILITIES,
    CITATIONS,
    COLLECTIONS,
    LINEAGE,
    PRICES,
    VARIANTS,
    ModelWriter,
)
from service.catalog.seed_files import SeedBundle
from service.catalog.seed_schema import ModelFile, parse_release
from service.models import Collection, License, Model, Organization, Source, Task
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


def apply_seed(writer: ModelWriter, bundle: SeedBundle) -> ChangeLog:
    """Make the database hold exactly what the bundle says; return what changed (audited by
    the caller: `writer.finish()`)."""
    session = writer.session
    ids = _Ids()
    for source in bundle.sources:
        row = writer.upsert(
            Source,
            {"slug": source.slug},
            source.model_dump(exclude={"slug"}),
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
        org_row = writer.upsert(Organization, {"slug": org.slug}, values, "organization", org.slug)
        ids.put("organization", org.slug, org_row.id)
    for lic in bundle.licenses:
        values = lic.model_dump(exclude={"slug", "source"}, mode="json")
        values["source_id"] = ids.get("source", lic.source)
        lic_row = writer.upsert(License, {"slug": lic.slug}, values, "license", lic.slug)
        ids.put("license", lic.slug, lic_row.id)
    for order, task in enumerate(bundle.tasks):
        values = {
            "name": task.name,
            "task_group": task.group,
            "description": task.description,
            "sort_order": order,
        }
        task_row = writer.upsert(Task, {"slug": task.slug}, values, "task", task.slug)
        ids.put("task", task.slug, task_row.id)
    for order, coll in enumerate(bundle.collections):
        values = {"name": coll.name, "description": coll.description, "sort_order": order}
        coll_row = writer.upsert(Collection, {"slug": coll.slug}, values, "collection", coll.slug)
        ids.put("collection", coll.slug, coll_row.id)
    # What the curated files leave unknown, an imported data set may state (service.catalog.fill)
    best = load_best_claims(session, [model.slug for model in bundle.models])
    orgs, licenses = lookups(session)
    filled: dict[str, Chosen] = {}
    for model in bundle.models:
        values = _model_values(model, ids)
        filled[model.slug] = fill_unknowns(values, best.get(model.slug, {}), orgs, licenses)
        model_row = writer.upsert(Model, {"slug": model.slug}, values, "model", model.slug)
        ids.put("model", model.slug, model_row.id)
    _write_children(writer, bundle.models, ids, _lineage_rows(bundle.models, ids), filled)
    return writer.log


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


def _write_children(
    writer: ModelWriter,
    models: list[ModelFile],
    ids: _Ids,
    lineage: dict[int, list[dict[str, Any]]],
    filled: dict[str, Chosen],
) -> None:
    """Every model's children, kind by kind: each becomes exactly what its file lists."""
    slugs = {ids.of("model", model.slug): model.slug for model in models}

    def by_model(rows: Any) -> dict[int, list[dict[str, Any]]]:
        return {ids.of("model", model.slug): list(rows(model)) for model in models}

    # Scoped to the file's own source, so aliases that imports added are left alone.
    by_source: dict[int | None, dict[int, list[dict[str, Any]]]] = defaultdict(dict)
    for model in models:
        file_source = ids.get("source", model.source)
        by_source[file_source][ids.of("model", model.slug)] = [
            {"alias": alias, "source_id": file_source} for alias in model.aliases
        ]
    for file_source, aliases in by_source.items():
        writer.children(
            ALIASES, aliases, lambda mid, k: f"{slugs[mid]}/{k['alias']}", source=file_source
        )

    writer.children(
        VARIANTS,
        by_model(
            lambda model: (
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
            )
        ),
        lambda mid, k: str(k["slug"]),
    )
    for slug, variant_id in writer.row_ids(VARIANTS, slugs).items():
        ids.put("variant", slug, variant_id)

    writer.children(
        PRICES,
        by_model(
            lambda model: (
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
            )
        ),
        lambda mid, k: (
            f"{ids.slug('variant', k['variant_id']) if k['variant_id'] else slugs[mid]}"
            f" from {k['effective_from'] or 'the start'}"
        ),
    )

    writer.children(
        LINEAGE,
        {model_id: lineage.get(model_id, []) for model_id in slugs},
        lambda mid, k: f"{slugs[mid]} {k['relation']} {ids.slug('model', k['related_model_id'])}",
    )

    writer.children(
        CAPABILITIES,
        by_model(
            lambda model: (
                {
                    "task_id": ids.get("task", c.task),
                    "support": c.support.value,
                    "has_demo": c.demo,
                    "demo_url": c.demo_url,
                    "note": c.note,
                    "source_id": _source_id(model, c, ids),
                }
                for c in model.capabilities
            )
        ),
        lambda mid, k: f"{slugs[mid]}/{ids.slug('task', k['task_id'])}",
    )

    writer.children(
        COLLECTIONS,
        by_model(
            lambda model: (
                {
                    "collection_id": ids.get("collection", m.collection),
                    "note": m.note,
                    "source_id": _source_id(model, m, ids),
                }
                for m in model.collections
            )
        ),
        lambda mid, k: f"{slugs[mid]} in {ids.slug('collection', k['collection_id'])}",
    )

    writer.children(
        CITATIONS,
        by_model(lambda model: _citations(model, ids, filled[model.slug])),
        lambda mid, k: f"{slugs[mid]}.{k['field']}",
    )


def _citations(model: ModelFile, ids: _Ids, filled: Chosen) -> list[dict[str, Any]]:
    """The file's quoted sources per fact, and the data set that filled each unknown."""
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
    return citations
