"""Organizations, tasks and collections, each with its models."""

import strawberry

from service.graphql.types.common import SourceType
from service.graphql.types.model import CtxInfo, ModelType, _source
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

    @strawberry.field
    async def models(self, info: CtxInfo) -> list[ModelType]:
        rows = await info.context.loaders.models_of_organization.load(self.row.id)
        return [ModelType(row=m) for m in rows]


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

    @strawberry.field
    async def models(self, info: CtxInfo) -> list[ModelType]:
        rows = await info.context.loaders.models_of_task.load(self.row.id)
        return [ModelType(row=m) for m in rows]


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

    @strawberry.field
    async def models(self, info: CtxInfo) -> list[ModelType]:
        rows = await info.context.loaders.models_of_collection.load(self.row.id)
        return [ModelType(row=m) for m in rows]
