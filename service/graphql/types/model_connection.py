"""A page of models: the answer of `models` on the root and on every parent of models."""

from collections.abc import Sequence

import strawberry

from service.catalog import search
from service.catalog.model_pages import Parent
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types.model import ModelType
from service.graphql.types.relay import PageInfo
from service.models import Model


@strawberry.type(description="A model of a page and its cursor.")
class ModelEdge:
    cursor: str = strawberry.field(description="This model's position, for `after` or `before`.")
    node: ModelType = strawberry.field(description="The model at this place in the list.")


@strawberry.type(description="A page of models (Relay's connection), with how many match.")
class ModelConnection:
    edges: list[ModelEdge] = strawberry.field(
        description="The page's models with their cursors, in the list's order."
    )
    page_info: PageInfo = strawberry.field(
        description="Whether more models follow or precede, and the cursors to get them."
    )
    filter: strawberry.Private[search.ModelFilter]
    # A parent's models (organization, license, task or collection), counted by its loader.
    parent: strawberry.Private[tuple[Parent, int] | None] = None

    @classmethod
    def of_page(
        cls,
        models: Sequence[Model],
        cursors: Sequence[str],
        page_info: PageInfo,
        filter: search.ModelFilter,
        parent: tuple[Parent, int] | None = None,
    ) -> "ModelConnection":
        """The connection of a page of model rows, each with its cursor."""
        edges = [
            ModelEdge(cursor=c, node=ModelType(row=m)) for m, c in zip(models, cursors, strict=True)
        ]
        return cls(edges=edges, page_info=page_info, filter=filter, parent=parent)

    @field(description="The page's models (the edges' nodes), without cursors.")
    def nodes(self) -> list[ModelType]:
        return [edge.node for edge in self.edges]

    @field(description="How many models match the filter, over all pages.")
    async def total_count(self, info: CtxInfo) -> int:
        ctx = info.context
        if self.parent is not None:
            kind, parent_id = self.parent
            return await ctx.loaders.model_counts[kind].load(parent_id)
        return await ctx.run(search.count_models, self.filter, on=ctx.today)
