"""A maker's list price over a period."""

from datetime import date
from decimal import Decimal

import strawberry

from service import display
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types.source import SourceType, source_of
from service.models import Price


@strawberry.type(
    name="Price",
    description="The maker's list price per 1M tokens over a period (from `effectiveFrom` "
    "until the next price starts). A reseller's price is an Offer, never a Price.",
)
class PriceType:
    row: strawberry.Private[Price]
    variant: str | None = strawberry.field(description="Variant slug, when not model-wide.")
    currency: str = strawberry.field(default="", description="ISO 4217 code of the prices.")
    input_per_mtok: Decimal | None = strawberry.field(
        default=None, description="Price per 1M input tokens (null: not stated)."
    )
    output_per_mtok: Decimal | None = strawberry.field(
        default=None, description="Price per 1M output tokens (null: not stated)."
    )
    cached_input_per_mtok: Decimal | None = strawberry.field(
        default=None,
        description="Price per 1M input tokens read from the prompt cache (null: not stated).",
    )
    effective_from: date | None = strawberry.field(
        default=None, description="Null: since a date the source does not give."
    )
    effective_to: date | None = strawberry.field(default=None, description="Null: still in force.")

    def __post_init__(self) -> None:
        row = self.row
        self.currency = row.currency
        self.input_per_mtok = display.plain(row.input_per_mtok)
        self.output_per_mtok = display.plain(row.output_per_mtok)
        self.cached_input_per_mtok = display.plain(row.cached_input_per_mtok)
        self.effective_from = row.effective_from
        self.effective_to = row.effective_to

    @field(description="Where the price is published.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.source_id)
