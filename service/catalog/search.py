"""The catalog listing: filters, ordering and keyset pagination in one statement per page."""

import base64
import binascii
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    Numeric,
    Select,
    and_,
    any_,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalog.errors import UserInputError
from service.catalog.offers import cheapest_offer_subquery, offered_by
from service.catalog.reads import (
    MODEL_WIDTH,
    ORGANIZATION_WIDTH,
    PRICE_ORDER,
    PRICE_WIDTH,
    check_organization_slugs,
    current_price_subquery,
    model_record,
    model_records,
    organization_record,
    price_record,
    rows_as,
)
from service.db import Prepared, fetch, prepare
from service.models import (
    Capability,
    Collection,
    CollectionMember,
    License,
    Model,
    ModelAlias,
    Organization,
    Price,
    Task,
)

OrderField = Literal[
    "name", "release_date", "context_window", "input_price", "output_price", "cheapest_offer"
]
MAX_PAGE = 100
_HIGH = Decimal("1e30")
# Missing release dates sort last either way. Written into the SQL as constants, not bound:
# the indexes on these very expressions (ix_models_newest, ix_models_oldest) then serve a
# prepared statement's generic plan too, so a first page reads 21 index entries, not every model.
_LATEST = literal_column("DATE '9999-12-31'", Date)
_EARLIEST = literal_column("DATE '0001-01-01'", Date)
_PRICE_ORDERS = ("input_price", "output_price")


@dataclass(frozen=True)
class ModelFilter:
    organizations: list[str] | None = None
    category: str | None = None
    open_weights: bool | None = None
    input_modality: str | None = None
    output_modality: str | None = None
    task: str | None = None
    has_demo_for: str | None = None
    collection: str | None = None
    license_kind: str | None = None
    commercial_use: bool | None = None
    min_input_price: Decimal | None = None
    max_input_price: Decimal | None = None
    min_output_price: Decimal | None = None
    max_output_price: Decimal | None = None
    min_context_window: int | None = None
    released_after: date | None = None
    released_before: date | None = None
    status: list[str] | None = None
    search: str | None = None
    provider: list[str] | None = None
    research_only: bool | None = None


@dataclass(frozen=True)
class Page:
    models: list[Model]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    # Read with the page when asked (`with_organizations`, `with_prices`) and the page could
    # bring them (a first page): the page's models' organizations, as
    # `reads.organizations_by_id` answers for their ids (None where the model has none), and
    # their prices, as `reads.prices_by_model` answers for them; None when not read.
    organizations: list[Organization | None] | None = None
    prices: list[list[Price]] | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(f: ModelFilter, prices: Any, on: date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.provider:
        where.append(Model.id.in_(offered_by(f.provider, on)))
    if f.research_only is not None:
        where.append(Model.research_only.is_(f.research_only))
    if f.organizations:
        slugs = [s.lower() for s in f.organizations]
        where.append(
            Model.organization_id.in_(select(Organization.id).where(Organization.slug.in_(slugs)))
        )
    if f.category:
        where.append(Model.category == f.category)
    if f.open_weights is not None:
        where.append(Model.open_weights.is_(f.open_weights))
    if f.input_modality:
        where.append(literal(f.input_modality) == any_(Model.input_modalities))
    if f.output_modality:
        where.append(literal(f.output_modality) == any_(Model.output_modalities))
    for slug, demo in ((f.task, False), (f.has_demo_for, True)):
        if slug:
            cond = and_(
                Capability.model_id == Model.id,
                Task.slug == slug.lower(),
                Capability.task_id == Task.id,
            )
            if demo:
                cond = and_(cond, Capability.has_demo.is_(True))
            where.append(exists().where(cond))
    if f.collection:
        where.append(
            exists().where(
                CollectionMember.model_id == Model.id,
                CollectionMember.collection_id == Collection.id,
                Collection.slug == f.collection.lower(),
            )
        )
    if f.license_kind or f.commercial_use is not None:
        lic = select(License.id)
        if f.license_kind:
            lic = lic.where(License.kind == f.license_kind)
        if f.commercial_use is True:
            lic = lic.where(License.commercial_use.in_(["allowed", "conditional"]))
        elif f.commercial_use is False:
            lic = lic.where(License.commercial_use == "not_allowed")
        where.append(Model.license_id.in_(lic))
    for bound, column, op in (
        (f.min_input_price, prices.c.input_per_mtok, "ge"),
        (f.max_input_price, prices.c.input_per_mtok, "le"),
        (f.min_output_price, prices.c.output_per_mtok, "ge"),
        (f.max_output_price, prices.c.output_per_mtok, "le"),
    ):
        if bound is not None:
            where.append(column >= bound if op == "ge" else column <= bound)
    if f.min_context_window is not None:
        where.append(Model.context_window >= f.min_context_window)
    if f.released_after:
        where.append(Model.release_date >= f.released_after)
    if f.released_before:
        where.append(Model.release_date <= f.released_before)
    if f.status:
        where.append(Model.status.in_(f.status))
    if f.search and f.search.strip():
        pattern = f"%{_escape_like(f.search.strip())}%"
        where.append(
            or_(
                Model.name.ilike(pattern, escape="\\"),
                Model.slug.ilike(pattern, escape="\\"),
                exists().where(
                    ModelAlias.model_id == Model.id, ModelAlias.alias.ilike(pattern, escape="\\")
                ),
            )
        )
    return where


def _sort_key(
    field: OrderField, descending: bool, prices: Any, cheapest: Any
) -> ColumnElement[Any]:
    """A never-NULL sort expression with missing values last in either direction."""
    if field == "name":
        return func.lower(Model.name)
    if field == "release_date":
        return func.coalesce(Model.release_date, _EARLIEST if descending else _LATEST)
    column = {
        "context_window": cast(Model.context_window, Numeric),
        "input_price": prices.c.input_per_mtok,
        "output_price": prices.c.output_per_mtok,
        "cheapest_offer": cheapest.c.input_per_mtok if cheapest is not None else None,
    }[field]
    return func.coalesce(column, literal(-_HIGH if descending else _HIGH, Numeric))


def _filtered(f: ModelFilter, on: date, order: OrderField | None = None) -> tuple[Select[Any], Any]:
    """The models the filter keeps, joined to their price in force only when a price filter or
    ordering reads it (the join would keep the planner from walking an ordering's index)."""
    prices = current_price_subquery(on).subquery("current_price")
    query = select(Model.__table__)
    price_bounds = (f.min_input_price, f.max_input_price, f.min_output_price, f.max_output_price)
    if order in _PRICE_ORDERS or any(bound is not None for bound in price_bounds):
        query = query.outerjoin(prices, prices.c.model_id == Model.id)
    return query.where(*_conditions(f, prices, on)), prices


def _with_cheapest(query: Select[Any], on: date) -> tuple[Select[Any], Any]:
    """The listing joined to each model's cheapest offer in force (for that ordering only)."""
    cheapest = cheapest_offer_subquery(on).subquery("cheapest_offer")
    return query.outerjoin(cheapest, cheapest.c.model_id == Model.id), cheapest


async def search_models(
    session: AsyncSession,
    f: ModelFilter,
    *,
    order: OrderField = "name",
    descending: bool = False,
    first: int = 20,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    on: date,
    with_organizations: bool = False,
    with_prices: bool = False,
) -> Page:
    """One page forward (`first` after a cursor) or backward (`last` before a cursor).

    A first page (no cursor) asked `with_organizations` / `with_prices` reads its models'
    organizations / prices in the same round trip as the page (`Page.organizations`,
    `Page.prices`); other pages leave them to the caller."""
    backward = last is not None
    size = last if backward else first
    argument = "last" if backward else "first"
    if size is None or not 1 <= size <= MAX_PAGE:
        raise UserInputError(f"{argument} must be between 1 and {MAX_PAGE} (got {size})", argument)
    if after and before:
        raise UserInputError("give after or before, not both", "before")
    if before and not backward:
        raise UserInputError("before pages backward: give last with it", "last")
    # Walking backward is walking forward over the reversed order, then flipping the page.
    reverse = descending != backward
    cursor = before if backward else after
    organizations: list[Organization | None] | None = None
    prices: list[list[Price]] | None = None
    if cursor:
        position = _decode_cursor(cursor, order, "before" if backward else "after")
        statement = _page_statement(f, on, order, descending, reverse, size, position)
        rows: list[Any] = list((await session.execute(statement)).all())
        models = rows_as(Model, rows)
        keys = [row.sort_key for row in rows]
    else:
        first_page = _first_page_statement(f, on, order, descending, reverse, size)
        if isinstance(first_page.page, Prepared) and (with_organizations or with_prices):
            joined = first_page.joined(with_organizations, with_prices)
            read = _JoinedRows.read(
                await fetch(session, joined, {}), with_organizations, with_prices
            )
            models, keys = read.models, read.keys
            if with_organizations:
                organizations = read.organizations[:size]
            if with_prices:
                prices = read.prices[:size]
        elif isinstance(first_page.page, Prepared):
            rows = await fetch(session, first_page.page, {})
            models = model_records(rows)
            keys = [row[-1] for row in rows]
        else:
            rows = list((await session.execute(first_page.page)).all())
            models = rows_as(Model, rows)
            keys = [row.sort_key for row in rows]
    more = len(models) > size
    page = [(model, key) for model, key in zip(models[:size], keys, strict=False)]
    if backward:
        page.reverse()
        for related in (organizations, prices):
            if related is not None:
                related.reverse()
    return Page(
        models=[model for model, _ in page],
        cursors=[_encode_cursor(key, model.id) for model, key in page],
        has_next_page=(before is not None) if backward else more,
        has_previous_page=more if backward else (after is not None),
        organizations=organizations,
        prices=prices,
    )


async def count_models(session: AsyncSession, f: ModelFilter, *, on: date) -> int:
    query, _ = _filtered(f, on)
    return await session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _page_statement(
    f: ModelFilter,
    on: date,
    order: OrderField,
    descending: bool,
    reverse: bool,
    size: int,
    position: tuple[Any, int] | None,
) -> Select[Any]:
    query, prices = _filtered(f, on, order)
    cheapest = None
    if order == "cheapest_offer":
        query, cheapest = _with_cheapest(query, on)
    key = _sort_key(order, descending, prices, cheapest)
    query = query.add_columns(key.label("sort_key"))
    if position is not None:
        value, last_id = position
        bound = tuple_(literal(value, key.type), literal(last_id))
        at = tuple_(key, Model.id)
        query = query.where(at < bound if reverse else at > bound)
    ordering = (key.desc(), Model.id.desc()) if reverse else (key.asc(), Model.id.asc())
    return query.order_by(*ordering).limit(size + 1)


@dataclass
class _FirstPage:
    """A first page's built statement, compiled once into a prepared read when it can be,
    and, prepared when first asked, the page joined to its models' organizations and/or
    prices: one statement, so one round trip and one answer to decode."""

    built: Select[Any]
    page: Prepared | Select[Any]
    reverse: bool
    _joined: dict[tuple[bool, bool], Prepared] = field(default_factory=dict)

    def joined(self, with_organizations: bool, with_prices: bool) -> Prepared:
        """The page's rows (in its order, numbered), each with its model's organization's
        columns (NULLs when it has none), and once per price of its model, oldest first
        (`PRICE_ORDER`; once with NULLs when it has none): `_JoinedRows` reads them."""
        key = (with_organizations, with_prices)
        found = self._joined.get(key)
        if found is not None:
            return found
        page = self.built.subquery("page")
        order = (page.c.sort_key, page.c.id)  # the page's own order, numbered
        ordinal = func.row_number().over(
            order_by=[c.desc() for c in order] if self.reverse else [c.asc() for c in order]
        )
        numbered = select(page, ordinal.label("ordinal")).subquery("numbered")
        query = select(numbered)
        organizations, prices = Organization.__table__, Price.__table__
        if with_organizations:
            query = query.add_columns(*organizations.c).outerjoin(
                organizations, organizations.c.id == numbered.c.organization_id
            )
        if with_prices:
            query = query.add_columns(*prices.c).outerjoin(
                prices, prices.c.model_id == numbered.c.id
            )
        query = query.order_by(numbered.c.ordinal, *(PRICE_ORDER if with_prices else ()))
        found = self._joined[key] = prepare(query)
        return found


@dataclass
class _JoinedRows:
    """A joined first page's rows (`_FirstPage.joined`) read back: each model with its sort
    key, its organization and its prices, as their own reads would answer them."""

    models: list[Model]
    keys: list[Any]
    organizations: list[Organization | None]
    prices: list[list[Price]]

    @classmethod
    def read(
        cls, rows: list[tuple[Any, ...]], with_organizations: bool, with_prices: bool
    ) -> "_JoinedRows":
        width = MODEL_WIDTH
        at_ordinal = width + 1  # after the model's columns and its sort key
        at_organization = width + 2
        at_price = at_organization + (ORGANIZATION_WIDTH if with_organizations else 0)
        answer = cls([], [], [], [])
        last = None
        for row in rows:
            if row[at_ordinal] != last:  # the first row of the next model
                last = row[at_ordinal]
                answer.models.append(model_record(row[:width]))
                answer.keys.append(row[width])
                if with_organizations:
                    answer.organizations.append(
                        organization_record(row[at_organization:at_price])
                        if row[at_organization] is not None
                        else None
                    )
                answer.prices.append([])
            if with_prices and row[at_price] is not None:
                answer.prices[-1].append(price_record(row[at_price : at_price + PRICE_WIDTH]))
        return answer


# A page without a cursor (the first page of a listing, the common request) reuses its built
# statement, compiled once into a prepared read when it can be (a filter on a list of slugs
# expands per call: that one stays a statement): building one costs more Python time than
# running it. Bounded, oldest out.
_FIRST_PAGES: OrderedDict[tuple[Any, ...], _FirstPage] = OrderedDict()
MAX_CACHED_FIRST_PAGES = 256


def _first_page_statement(
    f: ModelFilter, on: date, order: OrderField, descending: bool, reverse: bool, size: int
) -> _FirstPage:
    key = (repr(f), on, order, descending, reverse, size)
    statement = _FIRST_PAGES.get(key)
    if statement is None:
        built = _page_statement(f, on, order, descending, reverse, size, None)
        try:
            statement = _FirstPage(built, prepare(built), reverse)
        except ValueError:
            statement = _FirstPage(built, built, reverse)
        _FIRST_PAGES[key] = statement
        if len(_FIRST_PAGES) > MAX_CACHED_FIRST_PAGES:
            _FIRST_PAGES.popitem(last=False)
    return statement


def _encode_cursor(value: Any, model_id: int) -> str:
    """base64 of the JSON pair [sort key as text, model id]. A date or a number is written as
    json.dumps writes it (no character of theirs needs escaping), skipping the encoder: a page
    encodes a cursor per model whether the client reads them or not."""
    if isinstance(value, date):
        raw = f'["{value.isoformat()}", {int(model_id)}]'
    elif isinstance(value, Decimal | int):
        raw = f'["{value}", {int(model_id)}]'
    else:
        raw = json.dumps([str(value), model_id])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str, order: OrderField, argument: str) -> tuple[Any, int]:
    try:
        text, model_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(model_id, int) or not -(2**31) <= model_id < 2**31:
            raise ValueError("a model id is an INTEGER")
        if order == "name":
            return str(text), int(model_id)
        if order == "release_date":
            return date.fromisoformat(text), int(model_id)
        value = Decimal(str(text)[:40])
        if not value.is_finite() or abs(value.adjusted()) > 40:
            raise ValueError("a sort value is a modest finite number")
        return value, int(model_id)
    except (ValueError, TypeError, ArithmeticError, binascii.Error, json.JSONDecodeError):
        raise UserInputError(
            f"{argument} is not a cursor from this listing and ordering; pass a cursor "
            "returned by the same query",
            argument,
        ) from None


async def check_organizations(session: AsyncSession, slugs: Sequence[str]) -> None:
    """The organizations filter's names, suggested from every organization."""
    await check_organization_slugs(
        session,
        slugs,
        argument="filter.organizations",
        kind="organization",
        candidates=select(Organization.slug),
    )
