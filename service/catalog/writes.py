"""The mutations' adapter over the one write path (`service.catalog.model_writer`): validate,
change, audit, one transaction.

Each function is one edit a person makes (create a model, add an alias, set a price): it
checks what the edit may do (names in use, the version the caller read, price history) and
writes through the `Writer`, a `ModelWriter` audited under the caller's actor. Every function
takes the caller's session (the caller commits), and raises a UserInputError subclass for
anything a user can fix. Names are looked up by `service.catalog.lookup`.
"""

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.catalog.changes import Change
from service.catalog.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    Problem,
    UserInputError,
)
from service.catalog.lookup import R, by_slug, find_model, id_or_none, locked_model, name_owner
from service.catalog.model_writer import (
    CAPABILITIES,
    CITATIONS,
    COLLECTIONS,
    LINEAGE,
    VARIANTS,
    ModelWriter,
    Policy,
    integrity_message,
)
from service.catalog.seed_schema import parse_release
from service.catalog.upsert import row_values
from service.models import (
    Collection,
    License,
    Model,
    ModelAlias,
    ModelVariant,
    Organization,
    Price,
    Source,
    Task,
)
from service.models.base import CitedField, ModelStatus

P = TypeVar("P", bound=BaseModel)
__all__ = ["Writer", "find_model", "integrity_message", "validate"]


class Writer(ModelWriter):
    """Who is writing, through which door; collects the changes of one transaction (audited
    by `finish`)."""

    def __init__(self, session: Session, *, actor: str, operation: str):
        super().__init__(session, Policy(actor=actor, operation=operation))
        self.actor = actor
        self.operation = operation


def validate(schema: type[P], data: dict[str, Any]) -> P:
    """Pydantic validation with problems named by field, as GraphQL clients see them."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                "input",
                _camel(".".join(str(p) for p in err["loc"] if not str(p).startswith("function"))),
                str(err["msg"]).removeprefix("Value error, "),
            )
            for err in exc.errors()
        ]
        raise InvalidInputError(problems) from None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _touch(writer: Writer, model: Model, expected_version: int | None) -> None:
    """Check the caller saw the newest version, then bump it: edits never cross silently."""
    if expected_version is not None and model.version != expected_version:
        raise ConflictError(
            f"model {model.slug!r} changed since you read it (version {expected_version}, now "
            f"{model.version}); read it again and reapply your change",
            model.version,
        )
    model.version += 1


# ---- taxonomy: organizations, licenses, sources, tasks, collections ----------------------


def create_simple(writer: Writer, cls: type[R], entity: str, values: dict[str, Any]) -> R:
    values = _resolve_source(writer.session, dict(values))
    slug = values["slug"]
    if writer.session.scalar(select(cls).where(cls.slug == slug)) is not None:
        raise UserInputError(
            f"{entity} {slug!r} already exists; update it instead", "slug", "CONFLICT"
        )
    row = cls(**values)
    writer.session.add(row)
    writer.flush()  # the row's defaults, for the audit trail
    writer.log.add(Change("create", entity, slug, after=row_values(row)))
    return row


def update_simple(writer: Writer, cls: type[R], entity: str, slug: str, patch: dict[str, Any]) -> R:
    row = by_slug(writer.session, cls, slug, entity, "slug")
    writer.update(row, _resolve_source(writer.session, dict(patch)), entity, row.slug)
    writer.flush()
    return row


def _resolve_source(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    if "source" in values:
        values["source_id"] = id_or_none(session, Source, values.pop("source"), "source", "source")
    return values


# ---- models ------------------------------------------------------------------------------

MODEL_FACTS = {
    "organization",
    "category",
    "open_weights",
    "input_modalities",
    "output_modalities",
    "release_date",
    "context_window",
    "parameters",
    "license",
    "overview",
    "family",
    "name",
    "status",
}


def model_columns(session: Session, fields: dict[str, Any]) -> dict[str, Any]:
    """Turn validated model fields (slugs, release text, value+state) into column values."""
    values: dict[str, Any] = {}
    for name in (
        "name",
        "family",
        "category",
        "open_weights",
        "overview",
        "status",
        "input_modalities",
        "output_modalities",
    ):
        if name in fields:
            value = fields[name]
            values[name] = (
                [getattr(v, "value", v) for v in value]
                if isinstance(value, list)
                else getattr(value, "value", value)
            )
    if "organization" in fields:
        values["organization_id"] = id_or_none(
            session, Organization, fields["organization"], "organization", "organization"
        )
    if "license" in fields:
        values["license_id"] = id_or_none(session, License, fields["license"], "license", "license")
    if "release_date" in fields:
        text = fields["release_date"]
        day, precision = parse_release(text) if text else (None, None)
        values["release_date"] = day
        values["release_date_precision"] = precision.value if precision else None
    if "context_window" in fields or "context_window_state" in fields:
        value = fields.get("context_window")
        values["context_window"] = value
        values["context_window_state"] = fields.get("context_window_state") or (
            "known" if value is not None else "unknown"
        )
    if "parameter_count" in fields or "parameters_state" in fields:
        value = fields.get("parameter_count")
        values["parameter_count"] = value
        values["parameters_state"] = fields.get("parameters_state") or (
            "disclosed" if value is not None else "unknown"
        )
    return values


def _cite(
    writer: Writer, model: Model, fields: set[str], source: str | None, quote: str | None
) -> None:
    if source is None:
        return
    source_id = id_or_none(writer.session, Source, source, "source", "source")
    cited = {f for f in fields if f in {c.value for c in CitedField}}
    for field in sorted(cited):
        writer.put(
            CITATIONS,
            model.id,
            {"field": field, "source_id": source_id},
            {"quote": quote},
            f"{model.slug}.{field}",
            after={"source_id": source_id, "quote": quote},
        )


def _fact_names(fields: dict[str, Any]) -> set[str]:
    names = set(fields) & MODEL_FACTS
    if {"context_window", "context_window_state"} & set(fields):
        names.add("context_window")
    if {"parameter_count", "parameters_state"} & set(fields):
        names.add("parameters")
    return names


def create_model(
    writer: Writer, fields: dict[str, Any], *, source: str | None = None, quote: str | None = None
) -> Model:
    slug = fields["slug"]
    session = writer.session
    if name_owner(session, slug):
        raise UserInputError(f"the name {slug!r} is already used by a model", "slug", "CONFLICT")
    columns = model_columns(session, fields)
    columns.setdefault("context_window_state", "unknown")
    columns.setdefault("parameters_state", "unknown")
    model = Model(slug=slug, **columns)
    session.add(model)
    writer.flush()
    writer.log.add(Change("create", "model", slug, after=row_values(model)))
    _cite(writer, model, _fact_names(fields), source, quote)
    writer.flush()
    return model


def update_model(
    writer: Writer,
    name: str,
    fields: dict[str, Any],
    *,
    expected_version: int | None,
    source: str | None = None,
    quote: str | None = None,
) -> Model:
    model = find_model(writer.session, name, lock=True)
    columns = model_columns(writer.session, fields)
    before = len(writer.log)
    writer.update(model, columns, "model", model.slug)
    if len(writer.log) > before:
        _touch(writer, model, expected_version)
    elif expected_version is not None and model.version != expected_version:
        _touch(writer, model, expected_version)  # raises: the caller's view is stale
    _cite(writer, model, _fact_names(fields), source, quote)
    writer.flush()
    return model


def retire_model(writer: Writer, name: str, *, expected_version: int | None) -> Model:
    return update_model(
        writer, name, {"status": ModelStatus.RETIRED}, expected_version=expected_version
    )


# ---- what hangs off a model --------------------------------------------------------------


def _child_change(writer: Writer, model: Model, expected_version: int | None) -> None:
    _touch(writer, model, expected_version)
    writer.flush()


def add_alias(
    writer: Writer,
    name: str,
    alias: str,
    *,
    expected_version: int | None = None,
    source: str | None = None,
) -> Model:
    model = find_model(writer.session, name, lock=True)
    alias = alias.strip()
    if not alias:
        raise UserInputError("an alias cannot be empty", "alias")
    owner = name_owner(writer.session, alias)
    if owner:
        raise UserInputError(
            f"the name {alias!r} is already used by model {owner!r}", "alias", "CONFLICT"
        )
    source_id = id_or_none(writer.session, Source, source, "source", "source")
    writer.create(
        ModelAlias(model_id=model.id, alias=alias, source_id=source_id),
        "alias",
        f"{model.slug}/{alias}",
        {"alias": alias},
    )
    _child_change(writer, model, expected_version)
    return model


def remove_alias(writer: Writer, alias: str, *, expected_version: int | None = None) -> Model:
    row = writer.session.scalar(
        select(ModelAlias).where(func.lower(ModelAlias.alias) == alias.lower())
    )
    if row is None:
        names = writer.session.scalars(select(ModelAlias.alias))
        raise NotFoundError("alias", alias, [n.lower() for n in names], "alias")
    model = locked_model(writer.session, row.model_id)
    writer.delete(row, "alias", f"{model.slug}/{row.alias}", before={"alias": row.alias})
    _child_change(writer, model, expected_version)
    return model


def put_variant(
    writer: Writer, name: str, fields: dict[str, Any], *, expected_version: int | None = None
) -> Model:
    model = find_model(writer.session, name, lock=True)
    values = _resolve_source(writer.session, {k: v for k, v in fields.items() if k != "slug"})
    slug = fields["slug"]
    row = writer.session.scalar(select(ModelVariant).where(ModelVariant.slug == slug))
    if row is not None and row.model_id != model.id:
        raise UserInputError(f"variant {slug!r} belongs to another model", "slug", "CONFLICT")
    writer.put(VARIANTS, model.id, {"slug": slug}, values, slug)
    _child_change(writer, model, expected_version)
    return model


def remove_variant(writer: Writer, slug: str, *, expected_version: int | None = None) -> Model:
    row = by_slug(writer.session, ModelVariant, slug, "variant", "variant")
    model = locked_model(writer.session, row.model_id)
    writer.delete(row, "variant", slug)
    _child_change(writer, model, expected_version)
    return model


def set_capability(
    writer: Writer,
    name: str,
    task: str,
    fields: dict[str, Any],
    *,
    expected_version: int | None = None,
) -> Model:
    model = find_model(writer.session, name, lock=True)
    task_row = by_slug(writer.session, Task, task, "task", "task")
    values = _resolve_source(writer.session, dict(fields))
    label = f"{model.slug}/{task_row.slug}"
    writer.put(CAPABILITIES, model.id, {"task_id": task_row.id}, values, label, after=values)
    _child_change(writer, model, expected_version)
    return model


def remove_capability(
    writer: Writer, name: str, task: str, *, expected_version: int | None = None
) -> Model:
    model = find_model(writer.session, name, lock=True)
    task_row = by_slug(writer.session, Task, task, "task", "task")
    row = writer.child(CAPABILITIES, model.id, {"task_id": task_row.id})
    if row is None:
        raise UserInputError(
            f"model {model.slug!r} has no capability on {task_row.slug!r}", "task", "NOT_FOUND"
        )
    writer.delete(row, "capability", f"{model.slug}/{task_row.slug}")
    _child_change(writer, model, expected_version)
    return model


def set_membership(
    writer: Writer,
    name: str,
    collection: str,
    member: bool,
    *,
    expected_version: int | None = None,
    source: str | None = None,
) -> Model:
    model = find_model(writer.session, name, lock=True)
    coll = by_slug(writer.session, Collection, collection, "collection", "collection")
    row = writer.child(COLLECTIONS, model.id, {"collection_id": coll.id})
    label = f"{model.slug} in {coll.slug}"
    if member and row is None:
        source_id = id_or_none(writer.session, Source, source, "source", "source")
        values = {"source_id": source_id}
        writer.put(COLLECTIONS, model.id, {"collection_id": coll.id}, values, label, after=values)
    elif not member and row is not None:
        writer.delete(row, "collection member", label)
    else:
        return model
    _child_change(writer, model, expected_version)
    return model


def set_lineage(
    writer: Writer,
    name: str,
    relation: str,
    related: str,
    present: bool,
    *,
    role: str | None = None,
    note: str | None = None,
    source: str | None = None,
    expected_version: int | None = None,
) -> Model:
    model = find_model(writer.session, name, lock=True)
    other = find_model(writer.session, related, argument="related")
    if other.id == model.id:
        raise UserInputError("a model cannot be related to itself", "related")
    key = {"related_model_id": other.id, "relation": relation}
    label = f"{model.slug} {relation} {other.slug}"
    if present:
        values = _resolve_source(writer.session, {"role": role, "note": note, "source": source})
        if not writer.put(LINEAGE, model.id, key, values, label, after=values):
            return model
    elif (row := writer.child(LINEAGE, model.id, key)) is None:
        raise UserInputError(f"there is no link {label!r}", "related", "NOT_FOUND")
    else:
        writer.delete(row, "lineage", label)
    _child_change(writer, model, expected_version)
    return model


# ---- prices ------------------------------------------------------------------------------


def set_price(
    writer: Writer,
    name: str,
    *,
    effective_from: date,
    variant: str | None,
    currency: str,
    input_per_mtok: Decimal | None,
    output_per_mtok: Decimal | None,
    cached_input_per_mtok: Decimal | None,
    source: str | None,
    expected_version: int | None = None,
) -> Price:
    """Record a price from a date, closing the one in force before it; history is kept."""
    session = writer.session
    model = find_model(session, name, lock=True)
    variant_id = None
    if variant is not None:
        variant_row = by_slug(session, ModelVariant, variant, "variant", "variant")
        if variant_row.model_id != model.id:
            raise UserInputError(
                f"variant {variant!r} is not a variant of {model.slug!r}", "variant"
            )
        variant_id = variant_row.id
    prices = list(
        session.scalars(
            select(Price)
            .where(
                Price.model_id == model.id,
                Price.variant_id.is_(None)
                if variant_id is None
                else Price.variant_id == variant_id,
            )
            .order_by(Price.effective_from.asc().nullsfirst())
        )
    )
    later = [
        p for p in prices if p.effective_from is not None and p.effective_from > effective_from
    ]
    if later:
        raise UserInputError(
            f"a price from {later[0].effective_from} is already recorded; setPrice appends to "
            "the history, so give a date after the newest price",
            "effectiveFrom",
            "CONFLICT",
        )
    same_day = next((p for p in prices if p.effective_from == effective_from), None)
    values = {
        "currency": currency,
        "input_per_mtok": input_per_mtok,
        "output_per_mtok": output_per_mtok,
        "cached_input_per_mtok": cached_input_per_mtok,
        "source_id": id_or_none(session, Source, source, "source", "source"),
    }
    label = f"{variant or model.slug} from {effective_from}"
    if same_day is not None:
        writer.update(same_day, values, "price", label)
        price = same_day
    else:
        open_price = next((p for p in prices if p.effective_to is None), None)
        if open_price is not None:
            writer.update(
                open_price,
                {"effective_to": effective_from},
                "price",
                f"{variant or model.slug} from {open_price.effective_from or 'the start'}",
            )
        price = writer.create(
            Price(
                model_id=model.id, variant_id=variant_id, effective_from=effective_from, **values
            ),
            "price",
            label,
            {"effective_from": effective_from, **values},
        )
    _child_change(writer, model, expected_version)
    return price
