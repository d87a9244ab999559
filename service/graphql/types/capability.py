"""Capabilities: how a model handles a task, and whether a live demo shows it."""

import strawberry

from service.catalog.reads import CapabilityRow
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types.common import Support
from service.graphql.types.source import SourceType, source_of
from service.graphql.types.task import TaskType
from service.models import base as vocab


@strawberry.type(name="Capability", description="What a model can do on a task.")
class CapabilityType:
    row: strawberry.Private[CapabilityRow]

    @field(description="The task the model handles.")
    def task(self) -> TaskType:
        return TaskType(row=self.row.task)

    @field(
        description="How the model handles it: out of the box, after fine-tuning, with its mix "
        "checkpoint, or unknown."
    )
    def support(self) -> Support:
        return vocab.Support(self.row.capability.support)

    @field(description="Whether a live demo of the model doing the task exists.")
    def has_demo(self) -> bool:
        return self.row.capability.has_demo

    @field(description="Where the live demo is, when there is one.")
    def demo_url(self) -> str | None:
        return self.row.capability.demo_url

    @field(description="A remark on the capability, when one is worth making.")
    def note(self) -> str | None:
        return self.row.capability.note

    @field(description="Where the capability is stated.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.capability.source_id)
