"""Collections: curated groups of models by feature."""

import strawberry

from service.catalog.pages import DEFAULT_PAGE, PageRequest
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types import model_pages
from service.graphql.types.relay import (
    AfterArgument,
    BeforeArgument,
    FirstArgument,
    LastArgument,
    Node,
)
from service.models import Collection


@strawberry.type(name="Collection", description='A feature collection ("Multimodal Vision").')
class CollectionType(Node):
    row: strawberry.Private[Collection]

    @field(description="Lowercase unique slug; lookups by slug take any case.")
    def slug(self) -> str:
        return self.row.slug

    @field(description="Display name.")
    def name(self) -> str:
        return self.row.name

    @field(description="What the collection gathers, when written.")
    def description(self) -> str | None:
        return self.row.description

    @field(description=model_pages.DESCRIPTION)
    async def models(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> model_pages.Connection:
        request = PageRequest(first, after, last, before)
        return await model_pages.models_of(info.context, "collection", self.row.id, request)
