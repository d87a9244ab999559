"""Organizations, tasks and collections, each with its models."""

import strawberry

from service.catalog.pages import DEFAULT_PAGE, PageRequest
from service.graphql.types import model_pages
from service.graphql.types.common import SourceType
from service.graphql.types.model import CtxInfo, _source
from service.graphql.types.relay import (
    AfterArgument,
    BeforeArgument,
    FirstArgument,
    LastArgument,
    Node,
)
from service.models import Collection, Organization, Task


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

    @strawberry.field(description="Where the organization's facts come from.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.source_id)

    @strawberry.field(description=model_pages.DESCRIPTION)
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


@strawberry.type(name="Task", description="Something a model can do (OCR, captioning…).")
class TaskType(Node):
    row: strawberry.Private[Task]

    @strawberry.field(description="Lowercase unique slug; lookups by slug take any case.")
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field(description="Display name.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description='Such as "Vision Tasks" or "Vision Language".')
    def group(self) -> str:
        return self.row.task_group

    @strawberry.field(description="What the task is, when written.")
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field(description=model_pages.DESCRIPTION)
    async def models(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> model_pages.Connection:
        request = PageRequest(first, after, last, before)
        return await model_pages.models_of(info.context, "task", self.row.id, request)


@strawberry.type(name="Collection", description='A feature collection ("Multimodal Vision").')
class CollectionType(Node):
    row: strawberry.Private[Collection]

    @strawberry.field(description="Lowercase unique slug; lookups by slug take any case.")
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field(description="Display name.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="What the collection gathers, when written.")
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field(description=model_pages.DESCRIPTION)
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
