"""Keyset pages of any listing: `first` after a cursor or `last` before one, in one statement.

A listing names its sort key as columns that all ascend and end in a unique column (a
descending order is an ascending one over a negated column), so the cursor is the key's values
of a row and a page is the rows whose key lies past it: stable while rows come and go, with no
OFFSET scan.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Integer, Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalog.errors import UserInputError

DEFAULT_PAGE = 20
MAX_PAGE = 100
MAX_CURSOR_LENGTH = 500


@dataclass(frozen=True)
class PageRequest:
    """Which page a client asked for: forward (`first`, `after`) or backward (`last`,
    `before`)."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @property
    def backward(self) -> bool:
        return self.last is not None

    @property
    def size(self) -> int:
        if self.last is not None:
            return self.last
        return DEFAULT_PAGE if self.first is None else self.first

    @property
    def cursor(self) -> str | None:
        return self.before if self.backward else self.after

    @property
    def cursor_argument(self) -> str:
        return "before" if self.backward else "after"


def check_request(request: PageRequest, default: int = DEFAULT_PAGE) -> PageRequest:
    """The request with its page size filled in, or a user error saying which argument is off.

    `last` pages backward and wins over `first` (which has a default) when both are given.
    """
    if request.after is not None and request.before is not None:
        raise UserInputError("give after or before, not both", "before")
    if request.before is not None and request.last is None:
        raise UserInputError("before pages backward: give last with it", "last")
    if request.after is not None and request.last is not None:
        raise UserInputError("after pages forward: give first with it", "first")
    argument = "last" if request.backward else "first"
    size = request.last if request.backward else request.first
    if size is None:
        return PageRequest(first=default, after=request.after)
    if request.backward:
        request = PageRequest(last=request.last, before=request.before)
    if not 1 <= size <= MAX_PAGE:
        raise UserInputError(f"{argument} must be between 1 and {MAX_PAGE} (got {size})", argument)
    return request


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(listing: str, values: Sequence[Any]) -> str:
    """A row's position in a listing: the listing's name and the row's key values."""
    shown = (
        v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v
        for v in values
    )
    raw = json.dumps([listing, *shown])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def not_a_cursor(argument: str) -> UserInputError:
    return UserInputError(
        f"{argument} is not a cursor of this list; pass a cursor (endCursor, startCursor or an "
        "edge's cursor) returned by the same field with the same arguments",
        argument,
    )


def fits(column: ColumnElement[Any], value: Any) -> bool:
    """Whether a cursor's value can be compared with the column (an INTEGER holds 32 bits, a
    BIGINT 64): PostgreSQL refuses a larger one as out of range."""
    if not isinstance(value, int):
        return True
    bits = 63 if isinstance(column.type, BigInteger) else 31
    return bool(-(2**bits) <= value < 2**bits)


def decode_cursor(listing: str, cursor: str, kinds: Sequence[type], argument: str) -> list[Any]:
    """A cursor's key values, each of its column's kind (int, str or Decimal, the last sent as
    text), or a user error (a cursor of another listing included)."""
    problem = not_a_cursor(argument)
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise problem
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        raise problem from None
    if not isinstance(values, list) or values[:1] != [listing] or len(values) != len(kinds) + 1:
        raise problem
    decoded = []
    for value, kind in zip(values[1:], kinds, strict=True):
        if kind is Decimal and isinstance(value, str) and len(value) <= 40:
            try:
                value = Decimal(value)
            except InvalidOperation:
                raise problem from None
            if not value.is_finite():
                raise problem
        elif not isinstance(value, kind) or isinstance(value, bool):
            raise problem
        decoded.append(value)
    return decoded


def _kind(column: ColumnElement[Any]) -> type:
    return int if isinstance(column.type, Integer) else str


async def keyset_page(
    session: AsyncSession,
    listing_name: str,
    query: Select[Any],
    key: Sequence[ColumnElement[Any]],
    request: PageRequest,
) -> KeysetPage:
    """One page of `query` ordered by `key` (ascending columns, the last one unique).

    `request` is checked (`check_request`). The rows carry the key as `k0`, `k1`… besides
    the query's own columns.
    """
    labels = [column.label(f"k{i}") for i, column in enumerate(key)]
    listing = query.add_columns(*labels)
    if request.cursor is not None:
        values = decode_cursor(
            listing_name, request.cursor, [_kind(c) for c in key], request.cursor_argument
        )
        if not all(fits(c, v) for c, v in zip(key, values, strict=True)):
            raise not_a_cursor(request.cursor_argument)
        position = tuple_(*key)
        bound = tuple_(*(literal(v, c.type) for v, c in zip(values, key, strict=True)))
        listing = listing.where(position < bound if request.backward else position > bound)
    ordering = [c.desc() if request.backward else c.asc() for c in key]
    size = request.size
    rows = list((await session.execute(listing.order_by(*ordering).limit(size + 1))).all())
    more = len(rows) > size
    shown = rows[:size]
    if request.backward:
        shown.reverse()
    return KeysetPage(
        rows=shown,
        cursors=[
            encode_cursor(listing_name, [getattr(r, f"k{i}") for i in range(len(key))])
            for r in shown
        ],
        has_next_page=request.before is not None if request.backward else more,
        has_previous_page=more if request.backward else request.after is not None,
    )


async def count_rows(session: AsyncSession, query: Select[Any]) -> int:
    """How many rows `query` answers, over all pages."""
    return await session.scalar(select(func.count()).select_from(query.subquery())) or 0


T = TypeVar("T")


def list_page(
    listing: str,
    items: Sequence[T],
    key: Callable[[T], tuple[Any, ...]],
    kinds: Sequence[type],
    request: PageRequest,
) -> KeysetPage:
    """A keyset page of a list already in memory (one bounded by its parent, such as a model's
    offers): the items ordered by `key` (whose last value is unique), past the cursor's key."""
    ordered = sorted(items, key=key)
    if request.cursor is not None:
        bound = tuple(decode_cursor(listing, request.cursor, kinds, request.cursor_argument))
        if request.backward:
            ordered = [item for item in ordered if key(item) < bound]
        else:
            ordered = [item for item in ordered if key(item) > bound]
    size = request.size
    more = len(ordered) > size
    shown = ordered[-size:] if request.backward else ordered[:size]
    return KeysetPage(
        rows=list(shown),
        cursors=[encode_cursor(listing, key(item)) for item in shown],
        has_next_page=request.before is not None if request.backward else more,
        has_previous_page=more if request.backward else request.after is not None,
    )
