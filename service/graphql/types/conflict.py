"""Conflicts: where an imported data set states another value than the one shown."""

import strawberry

from service.graphql import fields
from service.graphql.info import CtxInfo
from service.graphql.types.source import SourceType, source_of
from service.models import FactConflict


@strawberry.type(description="A data set whose value differs from the one shown.")
class FactConflictType:
    row: strawberry.Private[FactConflict]

    @fields.field(
        description="The fact in dispute, as the catalog names it (snake_case: 'context_window')."
    )
    def field(self) -> str:
        return self.row.field

    @fields.field(description="What that data set states.")
    def value(self) -> str:
        return self.row.value

    @fields.field(description="The data set that states the other value.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.source_id)

    @fields.field(description="The value the catalog shows.")
    def chosen_value(self) -> str:
        return self.row.chosen_value

    @fields.field(description="The source of the value the catalog shows.")
    async def chosen_source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.chosen_source_id)

    @fields.field(description="The precedence rule that chose the shown value.")
    def chosen_by(self) -> str:
        return self.row.chosen_by
