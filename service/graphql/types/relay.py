"""Relay's conventions: the `Node` interface with opaque global ids, and connections.

A global id is the URL-safe base64 of "Type:key", the key being the row's primary key: it
never changes while the row exists (a slug may be renamed, an id is not), and a client treats
it as opaque.
"""

import base64
import binascii
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from service.catalog.errors import UserInputError
from service.catalog.pages import DEFAULT_PAGE, MAX_PAGE, KeysetPage
from service.graphql.fields import field

NODE_TYPES = (
    "Model",
    "Organization",
    "License",
    "Task",
    "Collection",
    "Provider",
    "Offer",
    "Source",
)
MAX_GLOBAL_ID_LENGTH = 100
_KEY = re.compile(r"[1-9][0-9]{0,18}")


def global_id(type_name: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode()


def parse_global_id(value: str, argument: str) -> tuple[str, int]:
    """(type name, key) of a global id, or a user error naming the argument and what is wrong."""
    shown = value[:40] + ("…" if len(value) > 40 else "")
    if len(value) > MAX_GLOBAL_ID_LENGTH:
        raise UserInputError(
            f"{argument} is {len(value)} characters long; a global id is at most "
            f"{MAX_GLOBAL_ID_LENGTH}",
            argument,
        )
    try:
        text = base64.urlsafe_b64decode(value.encode("ascii")).decode("ascii")
    except (ValueError, binascii.Error, UnicodeError):
        text = ""
    type_name, _, key = text.partition(":")
    if not _KEY.fullmatch(key):
        raise UserInputError(
            f"{argument} {shown!r} is not a global id: pass the `id` of a Node this API "
            "answered, unchanged",
            argument,
        )
    if type_name not in NODE_TYPES:
        raise UserInputError(
            f"{argument} {shown!r} names the type {type_name[:40]!r}, which has no global "
            f"ids; the types with global ids are {', '.join(NODE_TYPES)}",
            argument,
        )
    return type_name, int(key)


@strawberry.interface(
    name="Node",
    description="An object with a global id: fetch it again with `node(id:)` or `nodes(ids:)`.",
)
class Node:
    @field(
        description="Opaque, stable global id (unique across types). Do not parse it; "
        "use `slug` for a readable name."
    )
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id(self.node_type_name(), self.node_key()))

    def node_type_name(self) -> str:
        definition = getattr(type(self), "__strawberry_definition__", None)
        return str(definition.name) if definition else type(self).__name__

    def node_key(self) -> int:
        """The row's primary key; a type whose key lies elsewhere overrides this."""
        # Every Node type keeps its row as a Private `row`, each of its own class, so the
        # interface cannot declare it.
        return int(self.row.id)  # type: ignore[attr-defined]


@strawberry.type(description="Where a page lies in its list (Relay's PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="More items precede this page.")
    start_cursor: str | None = strawberry.field(
        description="The first item's cursor: pass as `before` (with `last`) to page back."
    )
    end_cursor: str | None = strawberry.field(
        description="The last item's cursor: pass as `after` (with `first`) to page on."
    )


def page_info(page: KeysetPage | Any) -> PageInfo:
    """Where a page (a keyset page, or any object with its cursors and flags) lies."""
    cursors = page.cursors
    return PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


T = TypeVar("T")


@strawberry.type(description="An item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="This item's position, for `after` or `before`.")
    node: T = strawberry.field(description="The item at this place in the list.")


@strawberry.type(description="A page of a list (Relay's connection), with the list's size.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(
        description="The page's items with their cursors, in the list's order."
    )
    page_info: PageInfo = strawberry.field(
        description="Whether more items follow or precede, and the cursors to get them."
    )
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @field(description="The page's items (the edges' nodes), without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @field(description="How many items the list holds over all pages.")
    async def total_count(self) -> int:
        return await self.count()


def connection(
    page: KeysetPage, nodes: Sequence[T], count: Callable[[], Awaitable[int]]
) -> Connection[T]:
    """A connection of a page whose rows became `nodes` (one per row, in order)."""
    edges = [Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)]
    return Connection(edges=edges, page_info=page_info(page), count=count)


FirstArgument = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page forward: this many items (default {DEFAULT_PAGE}, at most {MAX_PAGE})."
    ),
]
AfterArgument = Annotated[
    str | None,
    strawberry.argument(description="Page forward: the items after this cursor."),
]
LastArgument = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page backward: the last this many items (at most {MAX_PAGE}) before "
        "`before`; wins over `first`."
    ),
]
BeforeArgument = Annotated[
    str | None,
    strawberry.argument(description="Page backward (with `last`): the items before this cursor."),
]
