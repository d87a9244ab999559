"""`models(first:, after:, last:, before:)` on an organization, license, task or collection: a
ModelConnection.

The type graph is cyclic (a model's organization lists its models), the module graph is not:
the parents' modules do not import the model's. The connection class is found by name when a
page is built, as Strawberry finds a lazy annotation's type when it builds the schema.
"""

import importlib
from typing import TYPE_CHECKING, Annotated

import strawberry

from service.catalog import search
from service.catalog.model_pages import Parent, page_key
from service.catalog.pages import PageRequest
from service.graphql.context import Context
from service.graphql.types.relay import PageInfo

if TYPE_CHECKING:
    from service.graphql.types.model_connection import ModelConnection

_MODULE = "service.graphql.types.model_connection"
Connection = Annotated["ModelConnection", strawberry.lazy(_MODULE)]
DESCRIPTION = (
    "Its models by name, a page at a time: `first` (default 20, at most 100) after a cursor, "
    "or `last` before one."
)


async def models_of(
    context: Context, parent: Parent, parent_id: int, request: PageRequest
) -> "ModelConnection":
    """One page of a parent's models, read with the other parents' pages in one statement."""
    key = page_key(parent_id, request)
    page = await context.loaders.model_pages[parent].load(key)
    for model in page.models:
        context.loaders.model.prime(model.id, model)
    connection_class: type[ModelConnection] = importlib.import_module(_MODULE).ModelConnection
    return connection_class.of_page(
        page.models,
        page.cursors,
        PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        search.ModelFilter(),
        parent=(parent, parent_id),
    )
