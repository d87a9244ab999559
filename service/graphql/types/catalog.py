"""Organizations, tasks and collections, each with its models."""

import strawberry

from service.graphql.types import model_pages
from service.graphql.types.common import SourceType
from service.graphql.types.model import CtxInfo, _source
from service.models import Collection, Organization, Task


@strawberry.type(name="Organization")
class OrganizationType:
    row: strawberry.Private[Organization]
    slug: str = strawberry.field(default="")
    name: str = strawberry.field(default="")
    website: str | None = strawberry.field(default=None)

    def __post_init__(self) -> None:
        self.slug = self.row.slug
        self.name = self.row.name
        self.website = self.row.website

    @strawberry.field
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.source_id)

    @strawberry.field(description=model_pages.DESCRIPTION)
    async def models(
        self, info: CtxInfo, first: int = 20, after: str | None = None
    ) -> model_pages.Connection:
        return await model_pages.models_of(info.context, "organization", self.row.id, first, after)


@strawberry.type(name="Task")
class TaskType:
    row: strawberry.Private[Task]

    @strawberry.field
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description='Such as "Vision Tasks" or "Vision Language".')
    def group(self) -> str:
        return self.row.task_group

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field(description=model_pages.DESCRIPTION)
    async def models(
        self, info: CtxInfo, first: int = 20, after: str | None = None
    ) -> model_pages.Connection:
        return await model_pages.models_of(info.context, "task", self.row.id, first, after)


@strawberry.type(name="Collection", description='A feature collection ("Multimodal Vision").')
class CollectionType:
    row: strawberry.Private[Collection]

    @strawberry.field
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field(description=model_pages.DESCRIPTION)
    async def models(
        self, info: CtxInfo, first: int = 20, after: str | None = None
    ) -> model_pages.Connection:
        return await model_pages.models_of(info.context, "collection", self.row.id, first, after)
