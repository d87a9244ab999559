"""Tasks: what models can do, each with the models that do it."""

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
from service.models import Task


@strawberry.type(name="Task", description="Something a model can do (OCR, captioning…).")
class TaskType(Node):
    row: strawberry.Private[Task]

    @field(description="Lowercase unique slug; lookups by slug take any case.")
    def slug(self) -> str:
        return self.row.slug

    @field(description="Display name.")
    def name(self) -> str:
        return self.row.name

    @field(description='Such as "Vision Tasks" or "Vision Language".')
    def group(self) -> str:
        return self.row.task_group

    @field(description="What the task is, when written.")
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
        return await model_pages.models_of(info.context, "task", self.row.id, request)
