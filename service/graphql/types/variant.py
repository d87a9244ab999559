"""Variants: the released forms of a model."""

import strawberry

from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types.source import SourceType, source_of
from service.models import ModelVariant


@strawberry.type(name="Variant", description="A released form of a model and what differs in it.")
class VariantType:
    row: strawberry.Private[ModelVariant]

    @field(description="Lowercase unique slug of the variant (e.g. 'paligemma-mix').")
    def slug(self) -> str:
        return self.row.slug

    @field(description="Display name.")
    def name(self) -> str:
        return self.row.name

    @field(description="What the variants of the model differ in (mode, resolution…).")
    def axis(self) -> str:
        return self.row.axis

    @field(description="How this variant differs from the others along `axis`, in words.")
    def differs(self) -> str | None:
        return self.row.differs

    @field(description="The input image size in pixels (one side), for vision variants.")
    def input_resolution_px(self) -> int | None:
        return self.row.input_resolution_px

    @field(description="Where the variant's facts come from.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.source_id)
