"""What a client sends to record a price."""

from datetime import date
from decimal import Decimal

import strawberry


@strawberry.input(description="Prices per 1M tokens from a date; the previous price closes then.")
class PriceInput:
    effective_from: date = strawberry.field(
        description="The day the price takes effect; the price in force before closes then."
    )
    variant: str | None = strawberry.field(
        default=None, description="Slug of the variant priced; null: the whole model."
    )
    currency: str = strawberry.field(default="USD", description="ISO 4217 code. Default: USD.")
    input_per_mtok: Decimal | None = strawberry.field(
        default=None, description="Price per 1M input tokens (null: not stated)."
    )
    output_per_mtok: Decimal | None = strawberry.field(
        default=None, description="Price per 1M output tokens (null: not stated)."
    )
    cached_input_per_mtok: Decimal | None = strawberry.field(
        default=None, description="Price per 1M cached input tokens (null: not stated)."
    )
    source: str | None = strawberry.field(
        default=None, description="Slug of the source that publishes the price."
    )
