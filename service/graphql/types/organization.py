"""Organizations: the makers and providers of models, each with its models."""

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
from service.graphql.types.source import SourceType, source_of
from service.models import Organization


@strawberry.type(name="Organization", description="A maker or provider of models.")
class OrganizationType(Node):
    row: strawberry.Private[Organization]
    slug: str = strawberry.field(
        default="", description="Lowercase unique slug; lookups by slug take any case."
    )
    name: str = strawberry.field(default="", description="Display name.")
    website: str | None = strawberry.field(default=None, description="Home page, when known.")

    def __post_init__(self) -> None:
        self.slug = self.row.slug
        self.name = self.row.name
        self.website = self.row.website

    @field(description="Where the organization's facts come from.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.source_id)

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
        return await model_pages.models_of(info.context, "organization", self.row.id, request)
