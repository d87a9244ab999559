"""The Model type and what hangs off it: variants, prices, capabilities, lineage."""

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from service import display
from service.catalog.pages import DEFAULT_PAGE, PageRequest, check_request, list_page
from service.catalog.reads import (
    OFFER_KEY_KINDS,
    CapabilityRow,
    LineageRow,
    OfferRow,
    ProviderRow,
    offer_key,
    price_in_force,
)
from service.graphql.context import Context
from service.graphql.types import model_pages
from service.graphql.types.common import (
    Citation,
    CommercialUse,
    LicenseKind,
    ModelStatus,
    Relation,
    SourceType,
    Support,
)
from service.graphql.types.facts import (
    BoolFact,
    DateFact,
    IntFact,
    ModalitiesFact,
    ParametersFact,
    TextFact,
    citation,
)
from service.graphql.types.relay import (
    AfterArgument,
    BeforeArgument,
    Connection,
    FirstArgument,
    LastArgument,
    Node,
    connection,
)
from service.models import FactConflict, License, Model, ModelVariant, Price
from service.models import base as vocab

if TYPE_CHECKING:
    from service.graphql.types.catalog import CollectionType, OrganizationType, TaskType

CtxInfo = Info[Context, None]
OrganizationRef = Annotated["OrganizationType", strawberry.lazy("service.graphql.types.catalog")]
LicenseRef = Annotated["LicenseType", strawberry.lazy("service.graphql.types.model")]
TaskRef = Annotated["TaskType", strawberry.lazy("service.graphql.types.catalog")]
CollectionRef = Annotated["CollectionType", strawberry.lazy("service.graphql.types.catalog")]


async def _source(info: CtxInfo, source_id: int | None) -> SourceType | None:
    if source_id is None:
        return None
    row = await info.context.loaders.source.load(source_id)
    return SourceType(row=row) if row else None


@strawberry.type(name="License", description="The terms a model is released under.")
class LicenseType(Node):
    row: strawberry.Private[License]

    @strawberry.field(description="Lowercase unique slug; lookups by slug take any case.")
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field(description="Display name.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="Open source, custom (its own terms) or proprietary.")
    def kind(self) -> LicenseKind:
        return vocab.LicenseKind(self.row.kind)

    @strawberry.field(description="SPDX identifier, when the license has one.")
    def spdx_id(self) -> str | None:
        return self.row.spdx_id

    @strawberry.field(description="Whether the license allows commercial use.")
    def commercial_use(self) -> CommercialUse:
        return vocab.CommercialUse(self.row.commercial_use)

    @strawberry.field(description="The conditions on commercial use, when there are any.")
    def commercial_terms(self) -> str | None:
        return self.row.commercial_terms

    @strawberry.field(description="The license text.")
    def url(self) -> str | None:
        return self.row.url

    @strawberry.field(description="Where the license's facts come from.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.source_id)

    @strawberry.field(description=model_pages.DESCRIPTION)
    async def models(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> model_pages.Connection:
        request = PageRequest(first, after, last, before)
        return await model_pages.models_of(info.context, "license", self.row.id, request)


@strawberry.type(name="Variant", description="A released form of a model and what differs in it.")
class VariantType:
    row: strawberry.Private[ModelVariant]

    @strawberry.field
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="What the variants of the model differ in (mode, resolution…).")
    def axis(self) -> str:
        return self.row.axis

    @strawberry.field
    def differs(self) -> str | None:
        return self.row.differs

    @strawberry.field
    def input_resolution_px(self) -> int | None:
        return self.row.input_resolution_px

    @strawberry.field
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.source_id)


@strawberry.type(name="Price", description="Prices per 1M tokens over a period.")
class PriceType:
    row: strawberry.Private[Price]
    variant: str | None = strawberry.field(description="Variant slug, when not model-wide.")
    currency: str = strawberry.field(default="")
    input_per_mtok: Decimal | None = strawberry.field(default=None)
    output_per_mtok: Decimal | None = strawberry.field(default=None)
    cached_input_per_mtok: Decimal | None = strawberry.field(default=None)
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

    @strawberry.field
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.source_id)


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

    @strawberry.field(description="The organization that makes the offer.")
    async def provider(self, info: CtxInfo) -> OrganizationRef:
        from service.graphql.types.catalog import OrganizationType

        org = await info.context.loaders.organization.load(self.row.offer.provider_id)
        return OrganizationType(row=org)

    @strawberry.field(description="The data set the offer comes from.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.offer.source_id)


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

    @strawberry.field(description="The organization behind the provider (its own global id).")
    def organization(self) -> OrganizationRef:
        from service.graphql.types.catalog import OrganizationType

        return OrganizationType(row=self.row.organization)


@strawberry.type(name="Capability", description="What a model can do on a task.")
class CapabilityType:
    row: strawberry.Private[CapabilityRow]

    @strawberry.field
    def task(self) -> TaskRef:
        from service.graphql.types.catalog import TaskType

        return TaskType(row=self.row.task)

    @strawberry.field
    def support(self) -> Support:
        return vocab.Support(self.row.capability.support)

    @strawberry.field
    def has_demo(self) -> bool:
        return self.row.capability.has_demo

    @strawberry.field
    def demo_url(self) -> str | None:
        return self.row.capability.demo_url

    @strawberry.field
    def note(self) -> str | None:
        return self.row.capability.note

    @strawberry.field
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.capability.source_id)


@strawberry.enum
class LinkDirection(Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


@strawberry.type(
    name="LineageLink",
    description="OUTGOING: this model <relation> model (GPT-5.2 SUCCEEDS GPT-5.1). "
    "INCOMING: model <relation> this model (PaliGemma 2 SUCCEEDS PaliGemma).",
)
class LineageLinkType:
    row: strawberry.Private[LineageRow]

    @strawberry.field
    def relation(self) -> Relation:
        return vocab.Relation(self.row.link.relation)

    @strawberry.field
    def direction(self) -> LinkDirection:
        return LinkDirection.INCOMING if self.row.incoming else LinkDirection.OUTGOING

    @strawberry.field
    def model(self) -> "ModelType":
        return ModelType(row=self.row.other)

    @strawberry.field(description="For BUILT_FROM: the part's role (vision encoder…).")
    def role(self) -> str | None:
        return self.row.link.role

    @strawberry.field
    def note(self) -> str | None:
        return self.row.link.note

    @strawberry.field
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.link.source_id)


@strawberry.type(description="A data set whose value differs from the one shown.")
class FactConflictType:
    row: strawberry.Private[FactConflict]

    @strawberry.field
    def field(self) -> str:
        return self.row.field

    @strawberry.field(description="What that data set states.")
    def value(self) -> str:
        return self.row.value

    @strawberry.field
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.source_id)

    @strawberry.field(description="The value the catalog shows.")
    def chosen_value(self) -> str:
        return self.row.chosen_value

    @strawberry.field
    async def chosen_source(self, info: CtxInfo) -> SourceType | None:
        return await _source(info, self.row.chosen_source_id)

    @strawberry.field(description="The precedence rule that chose the shown value.")
    def chosen_by(self) -> str:
        return self.row.chosen_by


@strawberry.type(name="Model", description="An AI model and its facts, each with its state.")
class ModelType(Node):
    row: strawberry.Private[Model]
    # Plain values are copied from the row once: a field without a resolver is served by
    # attribute lookup, far cheaper than a resolver call per field per node.
    slug: str = strawberry.field(
        default="", description="Canonical slug; lookups also accept any alias, in any case."
    )
    name: str = strawberry.field(default="")
    family: str | None = strawberry.field(default=None)
    version: int = strawberry.field(
        default=0, description="Bumped by every change; send it back as expectedVersion."
    )
    status: ModelStatus = strawberry.field(default=vocab.ModelStatus.ACTIVE)

    def __post_init__(self) -> None:
        row = self.row
        self.slug = row.slug
        self.name = row.name
        self.family = row.family
        self.version = row.version
        self.status = vocab.ModelStatus(row.status)

    @strawberry.field
    async def aliases(self, info: CtxInfo) -> list[str]:
        return await info.context.loaders.aliases.load(self.row.id)

    @strawberry.field(description="Null when the organization is unknown.")
    async def organization(self, info: CtxInfo) -> OrganizationRef | None:
        from service.graphql.types.catalog import OrganizationType

        if self.row.organization_id is None:
            return None
        org = await info.context.loaders.organization.load(self.row.organization_id)
        return OrganizationType(row=org)

    @strawberry.field(description="Null when the license is unknown.")
    async def license(self, info: CtxInfo) -> LicenseType | None:
        if self.row.license_id is None:
            return None
        return LicenseType(row=await info.context.loaders.license.load(self.row.license_id))

    @strawberry.field(description="OPEN or CLOSED.")
    def category(self) -> TextFact:
        shown = display.text_fact(self.row.category)
        return TextFact(
            value=self.row.category,
            state=vocab.FactState(shown.state),
            display=shown.display,
            model_id=self.row.id,
            field_name="category",
        )

    @strawberry.field
    def open_weights(self) -> BoolFact:
        shown = display.yes_no_fact(self.row.open_weights)
        return BoolFact(
            value=self.row.open_weights,
            state=vocab.FactState(shown.state),
            display=shown.display,
            model_id=self.row.id,
            field_name="open_weights",
        )

    @strawberry.field
    def input_modalities(self) -> ModalitiesFact:
        return self._modalities("input_modalities", self.row.input_modalities)

    @strawberry.field
    def output_modalities(self) -> ModalitiesFact:
        return self._modalities("output_modalities", self.row.output_modalities)

    def _modalities(self, field: str, values: list[str] | None) -> ModalitiesFact:
        shown = display.modalities_fact(values)
        return ModalitiesFact(
            value=[vocab.Modality(v) for v in values] if values is not None else None,
            state=vocab.FactState(shown.state),
            display=shown.display,
            model_id=self.row.id,
            field_name=field,
        )

    @strawberry.field(description="'multimodal' when the model handles more than one modality.")
    def modality(self) -> str | None:
        kinds = set(self.row.input_modalities or []) | set(self.row.output_modalities or [])
        if not kinds:
            return None
        return "multimodal" if len(kinds) > 1 else kinds.pop()

    @strawberry.field
    def release_date(self) -> DateFact:
        value, precision = self.row.release_date, self.row.release_date_precision
        shown = display.release_fact(value, precision)
        return DateFact(
            value=value,
            precision=vocab.DatePrecision(precision) if precision else None,
            state=vocab.FactState(shown.state),
            display=shown.display,
            model_id=self.row.id,
            field_name="release_date",
        )

    @strawberry.field(description="Context window in tokens.")
    def context_window(self) -> IntFact:
        value = self.row.context_window
        shown = display.context_window_fact(value, self.row.context_window_state)
        return IntFact(
            value=value,
            state=vocab.FactState(shown.state),
            display=shown.display,
            model_id=self.row.id,
            field_name="context_window",
        )

    @strawberry.field
    def parameters(self) -> ParametersFact:
        value = self.row.parameter_count
        shown = display.parameters_fact(value, self.row.parameters_state)
        return ParametersFact(
            value=value,
            disclosure=vocab.Disclosure(self.row.parameters_state),
            state=vocab.FactState(shown.state),
            display=shown.display,
            model_id=self.row.id,
            field_name="parameters",
        )

    @strawberry.field
    def overview(self) -> TextFact:
        shown = display.text_fact(self.row.overview)
        return TextFact(
            value=self.row.overview,
            state=vocab.FactState(shown.state),
            display=shown.display,
            model_id=self.row.id,
            field_name="overview",
        )

    @strawberry.field
    async def variants(self, info: CtxInfo) -> list[VariantType]:
        return [VariantType(row=v) for v in await info.context.loaders.variants.load(self.row.id)]

    @strawberry.field(description="The model-wide price in force on a date (default: today).")
    async def price(self, info: CtxInfo, as_of: date | None = None) -> PriceType | None:
        prices = await info.context.loaders.prices.load(self.row.id)
        price = price_in_force(prices, as_of or info.context.today)
        return PriceType(row=price, variant=None) if price else None

    @strawberry.field(description="Every price ever recorded, oldest first, variants included.")
    async def price_history(self, info: CtxInfo) -> list[PriceType]:
        prices = await info.context.loaders.prices.load(self.row.id)
        variants = {v.id: v.slug for v in await info.context.loaders.variants.load(self.row.id)}
        return [PriceType(row=p, variant=variants.get(p.variant_id)) for p in prices]

    @strawberry.field(
        description="Where the model runs: each provider's offer in force on a date (default: "
        "today), cheapest input price first (unpriced last), a page at a time. One statement "
        "for a page of models."
    )
    async def offers(
        self,
        info: CtxInfo,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="Offers in force on this date (default: today)."),
        ] = None,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> Connection[OfferType]:
        request = check_request(PageRequest(first, after, last, before))
        rows = await info.context.loaders.offers.load((self.row.id, as_of or info.context.today))
        page = list_page("offers", rows, offer_key, OFFER_KEY_KINDS, request)

        async def count() -> int:
            return len(rows)

        return connection(page, [OfferType(row=r) for r in page.rows], count)

    @strawberry.field(
        description="The priced offer in force on a date (default: today) with the lowest input "
        "price per 1M tokens: a provider's price, never the maker's list price (that is `price`). "
        "Null when no offer is priced. Read with `offers`: no statement of its own."
    )
    async def cheapest_offer(self, info: CtxInfo, as_of: date | None = None) -> OfferType | None:
        rows = await info.context.loaders.offers.load((self.row.id, as_of or info.context.today))
        priced = [
            r
            for r in rows
            if r.offer.input_per_mtok is not None or r.offer.output_per_mtok is not None
        ]
        return OfferType(row=priced[0]) if priced else None

    @strawberry.field(
        description="Neither an API nor open weights: a research result (Epoch AI's data set)."
    )
    def research_only(self) -> bool:
        return bool(self.row.research_only)

    @strawberry.field
    async def capabilities(self, info: CtxInfo) -> list[CapabilityType]:
        rows = await info.context.loaders.capabilities.load(self.row.id)
        return [CapabilityType(row=r) for r in rows]

    @strawberry.field
    async def collections(self, info: CtxInfo) -> list[CollectionRef]:
        from service.graphql.types.catalog import CollectionType

        rows = await info.context.loaders.collections.load(self.row.id)
        return [CollectionType(row=c) for c in rows]

    @strawberry.field
    async def lineage(self, info: CtxInfo) -> list[LineageLinkType]:
        rows = await info.context.loaders.lineage.load(self.row.id)
        return [LineageLinkType(row=r) for r in rows]

    @strawberry.field(description="Sources of the model's facts; `field` narrows to one fact.")
    async def citations(self, info: CtxInfo, field: str | None = None) -> list[Citation]:
        rows = await info.context.loaders.citations.load(self.row.id)
        return [citation(r) for r in rows if field is None or r.field == field]

    @strawberry.field(description="Where imported data sets disagree with the value shown.")
    async def conflicts(self, info: CtxInfo) -> list[FactConflictType]:
        rows = await info.context.loaders.conflicts.load(self.row.id)
        return [FactConflictType(row=r) for r in rows]
