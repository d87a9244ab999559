"""`models(first:, after:, last:, before:)` on an organization, license, task or collection: a
ModelConnection."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from service.catalog import search
from service.catalog.model_pages import Parent, page_key
from service.catalog.pages import PageRequest
from service.graphql.context import Context

if TYPE_CHECKING:
    from service.graphql.queries import ModelConnection

Connection = Annotated["ModelConnection", strawberry.lazy("service.graphql.queries")]
DESCRIPTION = (
    "Its models by name, a page at a time: `first` (default 20, at most 100) after a cursor, "
    "or `last` before one."
)


async def models_of(
    context: Context, parent: Parent, parent_id: int, request: PageRequest
) -> "ModelConnection":
    """One page of a parent's models, read with the other parents' pages in one statement."""
    from service.graphql.queries import ModelConnection, ModelEdge
    from service.graphql.types.model import ModelType
    from service.graphql.types.relay import PageInfo

    key = page_key(parent_id, request)
    page = await context.loaders.model_pages[parent].load(key)
    for model in page.models:
        context.loaders.model.prime(model.id, model)
    return ModelConnection(
        edges=[
            ModelEdge(cursor=c, node=ModelType(row=m))
            for m, c in zip(page.models, page.cursors, strict=True)
        ],
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        filter=search.ModelFilter(),
        parent=(parent, parent_id),
    )
