"""How `models` filters and orders the catalog."""

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry

from service.graphql.types.common import (
    Category,
    LicenseKind,
    Modality,
    ModelStatus,
    SortDirection,
)


@strawberry.enum(description="What `models` orders by.")
class ModelOrderField(Enum):
    NAME = strawberry.enum_value("name", description="The model's display name.")
    RELEASE_DATE = strawberry.enum_value(
        "release_date", description="The release date; unknown dates come last either way."
    )
    CONTEXT_WINDOW = strawberry.enum_value(
        "context_window", description="The context window in tokens; unknown ones come last."
    )
    INPUT_PRICE = strawberry.enum_value(
        "input_price",
        description="The maker's list price per 1M input tokens in force today; unpriced "
        "models come last.",
    )
    OUTPUT_PRICE = strawberry.enum_value(
        "output_price",
        description="The maker's list price per 1M output tokens in force today; unpriced "
        "models come last.",
    )
    CHEAPEST_OFFER = strawberry.enum_value(
        "cheapest_offer",
        description="The lowest input price per 1M tokens among the model's offers in force "
        "today; models without a priced offer come last either way.",
    )


@strawberry.input(description="The order of `models`: a field and a direction.")
class ModelOrder:
    field: ModelOrderField = strawberry.field(
        default=ModelOrderField.NAME, description="What to order by (default: NAME)."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="ASC (default) or DESC."
    )


NEWEST_FIRST = ModelOrder(field=ModelOrderField.RELEASE_DATE, direction=SortDirection.DESC)


@strawberry.input(description="Every given condition must hold. Prices are per 1M tokens, today.")
class ModelFilter:
    organizations: list[str] | None = strawberry.field(
        default=None, description="Made by any of these organizations (slugs)."
    )
    category: Category | None = strawberry.field(default=None, description="OPEN or CLOSED.")
    open_weights: bool | None = strawberry.field(
        default=None, description="True: weights downloadable; false: not. Unknown never matches."
    )
    input_modality: Modality | None = strawberry.field(
        default=None, description="Reads this kind of data."
    )
    output_modality: Modality | None = strawberry.field(
        default=None, description="Writes this kind of data."
    )
    task: str | None = strawberry.field(default=None, description="Handles this task (slug).")
    has_demo_for: str | None = strawberry.field(
        default=None, description="Has a live demo for this task (slug)."
    )
    collection: str | None = strawberry.field(
        default=None, description="Belongs to this collection (slug)."
    )
    license_kind: LicenseKind | None = strawberry.field(
        default=None, description="Released under a license of this kind."
    )
    commercial_use: bool | None = strawberry.field(
        default=None, description="True: allowed (with or without conditions); false: not allowed."
    )
    min_input_price: Decimal | None = strawberry.field(
        default=None,
        description="List price per 1M input tokens today at least this; unpriced never matches.",
    )
    max_input_price: Decimal | None = strawberry.field(
        default=None,
        description="List price per 1M input tokens today at most this; unpriced never matches.",
    )
    min_output_price: Decimal | None = strawberry.field(
        default=None,
        description="List price per 1M output tokens today at least this; unpriced never matches.",
    )
    max_output_price: Decimal | None = strawberry.field(
        default=None,
        description="List price per 1M output tokens today at most this; unpriced never matches.",
    )
    min_context_window: int | None = strawberry.field(
        default=None, description="A known context window of at least this many tokens."
    )
    released_after: date | None = strawberry.field(
        default=None, description="Released on or after this date (a known release date)."
    )
    released_before: date | None = strawberry.field(
        default=None, description="Released on or before this date (a known release date)."
    )
    status: list[ModelStatus] | None = strawberry.field(
        default=None, description="In any of these statuses."
    )
    search: str | None = strawberry.field(
        default=None, description="Case-insensitive text within names, slugs and aliases."
    )
    provider: list[str] | None = strawberry.field(
        default=None,
        description="Provider slugs (see `providers`): offered today by any of them.",
    )
    research_only: bool | None = strawberry.field(
        default=None,
        description="False hides research results with neither an API nor weights (Epoch AI); "
        "true shows only them. Default: both (the web catalog hides them by default).",
    )
