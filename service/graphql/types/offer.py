"""Offers: a provider serving a model at its prices; providers: the organizations that do."""

from datetime import date
from decimal import Decimal

import strawberry

from service import display
from service.catalog.reads import OfferRow, ProviderRow
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types.common import ModelStatus
from service.graphql.types.organization import OrganizationType
from service.graphql.types.relay import Node
from service.graphql.types.source import SourceType, source_of
from service.models import base as vocab


@strawberry.type(
    name="Offer",
    description="A provider serving the model under a route, at its prices per 1M tokens and "
    "with its own limits (a reseller's limits and prices live here, never on the model).",
)
class OfferType(Node):
    row: strawberry.Private[OfferRow]
    route: str = strawberry.field(default="", description="The provider's id for the model.")
    currency: str = strawberry.field(default="", description="ISO 4217 code of the prices.")
    input_per_mtok: Decimal | None = strawberry.field(
        default=None, description="Price per 1M input tokens (null: not stated)."
    )
    output_per_mtok: Decimal | None = strawberry.field(
        default=None, description="Price per 1M output tokens (null: not stated)."
    )
    cached_input_per_mtok: Decimal | None = strawberry.field(
        default=None, description="Price per 1M cached input tokens (null: not stated)."
    )
    context_window: int | None = strawberry.field(
        default=None, description="The provider's context window in tokens (null: not stated)."
    )
    max_output_tokens: int | None = strawberry.field(
        default=None, description="The provider's output limit in tokens (null: not stated)."
    )
    status: ModelStatus | None = strawberry.field(
        default=None, description="The provider's status for the route, when it states one."
    )
    effective_from: date | None = strawberry.field(
        default=None, description="Null: since a date the source does not give."
    )
    effective_to: date | None = strawberry.field(default=None, description="Null: still in force.")

    def __post_init__(self) -> None:
        offer = self.row.offer
        self.route = offer.route
        self.currency = offer.currency
        self.input_per_mtok = display.plain(offer.input_per_mtok)
        self.output_per_mtok = display.plain(offer.output_per_mtok)
        self.cached_input_per_mtok = display.plain(offer.cached_input_per_mtok)
        self.context_window = offer.context_window
        self.max_output_tokens = offer.max_output_tokens
        self.status = vocab.ModelStatus(offer.status) if offer.status else None
        self.effective_from = offer.effective_from
        self.effective_to = offer.effective_to

    def node_key(self) -> int:
        return int(self.row.offer.id)

    @field(description="The organization that makes the offer.")
    async def provider(self, info: CtxInfo) -> OrganizationType:
        org = await info.context.loaders.organization.load(self.row.offer.provider_id)
        assert org is not None  # a foreign key: the provider exists
        return OrganizationType(row=org)

    @field(description="The data set the offer comes from.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.offer.source_id)


@strawberry.type(name="Provider", description="An organization that offers models.")
class ProviderType(Node):
    row: strawberry.Private[ProviderRow]
    slug: str = strawberry.field(default="", description="Pass to `models(filter: {provider})`.")
    name: str = strawberry.field(default="", description="The organization's display name.")
    model_count: int = strawberry.field(default=0, description="Models it offers today.")

    def __post_init__(self) -> None:
        self.slug = self.row.organization.slug
        self.name = self.row.organization.name
        self.model_count = self.row.model_count

    def node_key(self) -> int:
        return int(self.row.organization.id)

    @field(description="The organization behind the provider (its own global id).")
    def organization(self) -> OrganizationType:
        return OrganizationType(row=self.row.organization)
