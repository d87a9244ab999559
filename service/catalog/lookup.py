"""Finding rows by the names people use: one set of statements, for sync and async callers.

A model answers to its slug and to its aliases, in any case; a taxonomy row (organization,
license, source, task, collection, variant) to its slug. The write path (mutations, CLI) runs
these statements on a `Session`, the read path (GraphQL loaders, pages) on an `AsyncSession`,
so both doors agree on what a name means and on the suggestions an unknown one gets.
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import BindParameter, CompoundSelect, Select, bindparam, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from service.catalog.errors import NotFoundError
from service.models import (
    Collection,
    License,
    Model,
    ModelAlias,
    ModelVariant,
    Organization,
    Source,
    Task,
)

# The rows found by slug: each kind has `id` and `slug` columns.
R = TypeVar("R", Collection, License, Model, ModelVariant, Organization, Source, Task)

_NAMES: BindParameter[list[str]] = bindparam("names", expanding=True)
# Lower-cased slug or alias -> model id, for the names given (one statement for any number).
NAMES_TO_IDS = union_all(
    # Slugs are lowercase by constraint, so the unique index on slug serves this directly.
    select(Model.slug.label("name"), Model.id.label("model_id")).where(Model.slug.in_(_NAMES)),
    select(func.lower(ModelAlias.alias).label("name"), ModelAlias.model_id.label("model_id")).where(
        func.lower(ModelAlias.alias).in_(_NAMES)
    ),
)
# Every slug and alias with its model's id: the names an unknown one is compared with.
ALL_NAMES = union_all(select(Model.slug, Model.id), select(ModelAlias.alias, ModelAlias.model_id))


def lowered(names: Sequence[str]) -> list[str]:
    return sorted({name.lower() for name in names})


def model_named(name: str) -> Select[Model]:
    """The model whose slug or alias is `name`, any case."""
    lower = name.lower()
    alias_owner = select(ModelAlias.model_id).where(func.lower(ModelAlias.alias) == lower)
    return select(Model).where((Model.slug == lower) | Model.id.in_(alias_owner))


def slug_owner(name: str) -> CompoundSelect[str]:
    """The slug of the model already using `name` as its slug or one of its aliases."""
    lower = name.lower()
    by_alias = (
        select(Model.slug)
        .join(ModelAlias, ModelAlias.model_id == Model.id)
        .where(func.lower(ModelAlias.alias) == lower)
    )
    return by_alias.union(select(Model.slug).where(Model.slug == lower))


def row_with_slug(cls: type[R], slug: str) -> Select[R]:
    return select(cls).where(cls.slug == slug.lower())


# ---- sync: the write path ----------------------------------------------------------------


def find_model(
    session: Session, name: str, *, argument: str = "model", lock: bool = False
) -> Model:
    """A model by slug or alias, any case; locked FOR UPDATE when about to change it."""
    query = model_named(name)
    if lock:
        query = query.with_for_update(of=Model)
    model = session.scalar(query)
    if model is None:
        # Each name with its model: a model is suggested once, not also by its alias.
        owners = {known.lower(): model_id for known, model_id in session.execute(ALL_NAMES)}
        raise NotFoundError("model", name, owners, argument)
    return model


def locked_model(session: Session, model_id: int) -> Model:
    """The model a child row belongs to, locked FOR UPDATE before the child changes."""
    return session.scalars(select(Model).where(Model.id == model_id).with_for_update()).one()


def name_owner(session: Session, name: str) -> str | None:
    """The slug of the model whose slug or alias `name` is, if any."""
    return session.scalars(slug_owner(name)).first()


def names_to_ids(session: Session, names: Sequence[str]) -> dict[str, int]:
    """Lower-cased slug or alias -> model id, for the names that exist."""
    rows = session.execute(NAMES_TO_IDS, {"names": lowered(names)})
    return {name: model_id for name, model_id in rows}


def by_slug(session: Session, cls: type[R], slug: str, kind: str, argument: str) -> R:
    """A taxonomy row by slug; unknown, a NotFoundError naming the closest slugs."""
    row = session.scalar(row_with_slug(cls, slug))
    if row is None:
        known = session.scalars(select(cls.slug))
        raise NotFoundError(kind, slug, list(known), argument)
    return row


def id_or_none(
    session: Session, cls: type[R], slug: str | None, kind: str, argument: str
) -> int | None:
    """The id of the row with this slug; None for no slug (unknown: NotFoundError)."""
    if slug is None:
        return None
    return by_slug(session, cls, slug, kind, argument).id


# ---- async: the read path ----------------------------------------------------------------


async def names_to_ids_async(session: AsyncSession, names: Sequence[str]) -> dict[str, int]:
    """Lower-cased slug or alias -> model id, for the names that exist."""
    rows = await session.execute(NAMES_TO_IDS, {"names": lowered(names)})
    return {name: model_id for name, model_id in rows}


async def all_names_async(session: AsyncSession) -> list[tuple[str, int]]:
    """Every slug and alias with its model's id, for suggestions when a name is unknown."""
    rows = await session.execute(ALL_NAMES)
    return [(name, model_id) for name, model_id in rows]


async def row_by_slug_async(session: AsyncSession, cls: type[Any], slug: str) -> Any:
    """A taxonomy row by slug, or None."""
    return await session.scalar(select(cls).where(cls.slug == slug.lower()))
