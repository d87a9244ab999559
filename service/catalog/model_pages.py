"""Pages of one organization's, license's, task's or collection's models, batched across parents.

These are the `models` listing filtered by one parent and ordered by name, so their cursors are
the listing's name cursors. One statement reads a page for any number of parents (a lateral
join over the requested pages), one more counts their models.
"""

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    cast,
    column,
    func,
    or_,
    select,
    true,
    values,
)
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalog.pages import PageRequest, check_request, fits, not_a_cursor
from service.catalog.reads import rows_as
from service.catalog.search import Page, _decode_cursor, _encode_cursor
from service.models import Capability, CollectionMember, Model

Parent = Literal["organization", "license", "task", "collection"]


class PageKey(NamedTuple):
    """One requested page: whose models, how many, past which cursor, in which direction
    (forward: `first` after a cursor; backward: `last` before one)."""

    parent_id: int
    size: int
    cursor: str | None
    backward: bool = False


def page_key(parent_id: int, request: PageRequest) -> PageKey:
    """The page a client asked for, checked (size, cursors) before any read."""
    request = check_request(request)
    if request.cursor is not None:
        _, model_id = _decode_cursor(request.cursor, "name", request.cursor_argument)
        if not fits(Model.__table__.c.id, model_id):
            raise not_a_cursor(request.cursor_argument)
    return PageKey(parent_id, request.size, request.cursor, request.backward)


def _belongs(parent: Parent, parent_id: ColumnElement[int]) -> ColumnElement[bool]:
    if parent == "organization":
        return Model.organization_id == parent_id
    if parent == "license":
        return Model.license_id == parent_id
    # Correlated to the model and to the requested page's parent, never a second scan of them.
    if parent == "task":
        linked = select(Capability.model_id).where(
            Capability.model_id == Model.id, Capability.task_id == parent_id
        )
        return linked.correlate_except(Capability).exists()
    linked = select(CollectionMember.model_id).where(
        CollectionMember.model_id == Model.id, CollectionMember.collection_id == parent_id
    )
    return linked.correlate_except(CollectionMember).exists()


async def model_pages(session: AsyncSession, parent: Parent, keys: Sequence[PageKey]) -> list[Page]:
    """Each requested page (keys made by `page_key`): one statement for the forward pages,
    one for the backward ones."""
    pages: dict[int, Page] = {}
    for backward in (False, True):
        wanted = [(i, key) for i, key in enumerate(keys) if key.backward == backward]
        if wanted:
            found = await _pages(session, parent, [key for _, key in wanted], backward)
            pages.update((i, page) for (i, _), page in zip(wanted, found, strict=True))
    return [pages[i] for i in range(len(keys))]


async def _pages(
    session: AsyncSession, parent: Parent, keys: Sequence[PageKey], backward: bool
) -> list[Page]:
    rows_of_keys = []
    for index, key in enumerate(keys):
        name, cursor_id = (
            _decode_cursor(key.cursor, "name", "before" if backward else "after")
            if key.cursor
            else (None, None)
        )
        rows_of_keys.append((index, key.parent_id, name, cursor_id, key.size + 1))
    wanted = values(
        column("k", Integer),
        column("parent_id", Integer),
        column("after_name", Text),
        column("after_id", Integer),
        column("size", Integer),
        name="wanted",
    ).data(rows_of_keys)
    sort_key = func.lower(Model.name)
    # A VALUES list types a column by its first row, where NULL says nothing: cast.
    after_name, after_id = cast(wanted.c.after_name, Text), cast(wanted.c.after_id, Integer)
    if backward:  # the rows before the cursor, nearest first
        past = or_(sort_key < after_name, and_(sort_key == after_name, Model.id < after_id))
        ordering = (sort_key.desc(), Model.id.desc())
    else:
        past = or_(sort_key > after_name, and_(sort_key == after_name, Model.id > after_id))
        ordering = (sort_key.asc(), Model.id.asc())
    page = (
        select(Model.__table__, sort_key.label("sort_key"))
        .where(_belongs(parent, wanted.c.parent_id), or_(after_name.is_(None), past))
        .order_by(*ordering)
        .limit(wanted.c.size)
        .lateral("page")
    )
    query = select(wanted.c.k, page).select_from(wanted).join(page, true())
    found: list[list[Any]] = [[] for _ in keys]
    for row in (
        await session.execute(query.order_by(wanted.c.k, page.c.sort_key, page.c.id))
    ).all():
        found[row.k].append(row)
    pages = []
    for key, rows in zip(keys, found, strict=True):
        more = len(rows) > key.size
        # Backward, the statement's extra row is the one furthest from the cursor: the first.
        shown = rows[-key.size :] if backward else rows[: key.size]
        pages.append(
            Page(
                models=rows_as(Model, shown),
                cursors=[_encode_cursor(r.sort_key, r.id) for r in shown],
                has_next_page=key.cursor is not None if backward else more,
                has_previous_page=more if backward else key.cursor is not None,
            )
        )
    return pages


async def model_counts(session: AsyncSession, parent: Parent, ids: Sequence[int]) -> list[int]:
    """How many models each parent has, in one statement."""
    if parent in ("organization", "license"):
        owner = Model.organization_id if parent == "organization" else Model.license_id
        query = select(owner, func.count()).where(owner.in_(ids)).group_by(owner)
    elif parent == "task":
        query = (
            select(Capability.task_id, func.count(func.distinct(Capability.model_id)))
            .where(Capability.task_id.in_(ids))
            .group_by(Capability.task_id)
        )
    else:
        query = (
            select(CollectionMember.collection_id, func.count())
            .where(CollectionMember.collection_id.in_(ids))
            .group_by(CollectionMember.collection_id)
        )
    counts = {parent_id: count for parent_id, count in (await session.execute(query)).all()}
    return [counts.get(i, 0) for i in ids]
