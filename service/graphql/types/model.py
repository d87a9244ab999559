"""The Model type, and its links to other models (lineage)."""

from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from service import display
from service.catalog.pages import DEFAULT_PAGE, PageRequest, check_request, list_page
from service.catalog.reads import OFFER_KEY_KINDS, LineageRow, offer_key, price_in_force
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types.capability import CapabilityType
from service.graphql.types.collection import CollectionType
from service.graphql.types.common import BigInt, ModelStatus, Relation
from service.graphql.types.conflict import FactConflictType
from service.graphql.types.facts import (
    BoolFact,
    DateFact,
    IntFact,
    ModalitiesFact,
    ParametersFact,
    TextFact,
    citation,
)
from service.graphql.types.license import LicenseType
from service.graphql.types.offer import OfferType
from service.graphql.types.organization import OrganizationType
from service.graphql.types.price import PriceType
from service.graphql.types.relay import (
    AfterArgument,
    BeforeArgument,
    Connection,
    FirstArgument,
    LastArgument,
    Node,
    connection,
)
from service.graphql.types.source import Citation, SourceType, source_of
from service.graphql.types.variant import VariantType
from service.models import Model
from service.models import base as vocab

AsOf = Annotated[
    date | None,
    strawberry.argument(
        description="The date the price must be in force on (default: the server's today); a price "
        "is in force from its effectiveFrom until the next one starts."
    ),
]


@strawberry.enum(description="Which end of a lineage link the model is at.")
class LinkDirection(Enum):
    OUTGOING = strawberry.enum_value(
        "outgoing", description="This model <relation> the other (GPT-5.2 SUCCEEDS GPT-5.1)."
    )
    INCOMING = strawberry.enum_value(
        "incoming", description="The other <relation> this model (PaliGemma 2 SUCCEEDS PaliGemma)."
    )


@strawberry.type(
    name="LineageLink",
    description="OUTGOING: this model <relation> model (GPT-5.2 SUCCEEDS GPT-5.1). "
    "INCOMING: model <relation> this model (PaliGemma 2 SUCCEEDS PaliGemma).",
)
class LineageLinkType:
    row: strawberry.Private[LineageRow]

    @field(description="How the two models relate, read in the link's `direction`.")
    def relation(self) -> Relation:
        return vocab.Relation(self.row.link.relation)

    @field(
        description="OUTGOING: this model <relation> `model`; INCOMING: `model` <relation> this "
        "model."
    )
    def direction(self) -> LinkDirection:
        return LinkDirection.INCOMING if self.row.incoming else LinkDirection.OUTGOING

    @field(description="The other model of the link.")
    def model(self) -> "ModelType":
        return ModelType(row=self.row.other)

    @field(description="For BUILT_FROM: the part's role (vision encoder…).")
    def role(self) -> str | None:
        return self.row.link.role

    @field(description="A remark on the link, when one is worth making.")
    def note(self) -> str | None:
        return self.row.link.note

    @field(description="Where the link is stated.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.link.source_id)


@strawberry.type(name="Model", description="An AI model and its facts, each with its state.")
class ModelType(Node):
    row: strawberry.Private[Model]
    # Plain values are copied from the row once: a field without a resolver is served by
    # attribute lookup, far cheaper than a resolver call per field per node.
    slug: str = strawberry.field(
        default="", description="Canonical slug; lookups also accept any alias, in any case."
    )
    name: str = strawberry.field(default="", description='Display name ("GPT-5.2").')
    family: str | None = strawberry.field(
        default=None, description='The line of models it belongs to ("GPT-5"), when named.'
    )
    version: int = strawberry.field(
        default=0, description="Bumped by every change; send it back as expectedVersion."
    )
    status: ModelStatus = strawberry.field(
        default=vocab.ModelStatus.ACTIVE,
        description="Where the model is in its life: a retired model stays in the catalog.",
    )

    def __post_init__(self) -> None:
        row = self.row
        self.slug = row.slug
        self.name = row.name
        self.family = row.family
        self.version = row.version
        self.status = vocab.ModelStatus(row.status)

    @field(
        description="Other names the model is known by (old slugs, dated snapshot ids); "
        "`model(slug:)` and `compare` accept each, in any case."
    )
    async def aliases(self, info: CtxInfo) -> list[str]:
        return await info.context.loaders.aliases.load(self.row.id)

    @field(description="Null when the organization is unknown.")
    async def organization(self, info: CtxInfo) -> OrganizationType | None:
        if self.row.organization_id is None:
            return None
        org = await info.context.loaders.organization.load(self.row.organization_id)
        assert org is not None  # a foreign key: the organization exists
        return OrganizationType(row=org)

    @field(description="Null when the license is unknown.")
    async def license(self, info: CtxInfo) -> LicenseType | None:
        if self.row.license_id is None:
            return None
        row = await info.context.loaders.license.load(self.row.license_id)
        assert row is not None  # a foreign key: the license exists
        return LicenseType(row=row)

    @field(description="OPEN or CLOSED.")
    def category(self) -> TextFact:
        shown = display.text_fact(self.row.category)
        return TextFact(
            value=self.row.category,
            state=vocab.FACT_STATES[shown.state],
            display=shown.display,
            model_id=self.row.id,
            field_name="category",
        )

    @field(description="Whether the weights can be downloaded.")
    def open_weights(self) -> BoolFact:
        shown = display.yes_no_fact(self.row.open_weights)
        return BoolFact(
            value=self.row.open_weights,
            state=vocab.FACT_STATES[shown.state],
            display=shown.display,
            model_id=self.row.id,
            field_name="open_weights",
        )

    @field(description="The kinds of data the model reads.")
    def input_modalities(self) -> ModalitiesFact:
        return self._modalities("input_modalities", self.row.input_modalities)

    @field(description="The kinds of data the model writes.")
    def output_modalities(self) -> ModalitiesFact:
        return self._modalities("output_modalities", self.row.output_modalities)

    def _modalities(self, field: str, values: Sequence[str] | None) -> ModalitiesFact:
        shown = display.modalities_fact(values)
        return ModalitiesFact(
            value=[vocab.Modality(v) for v in values] if values is not None else None,
            state=vocab.FACT_STATES[shown.state],
            display=shown.display,
            model_id=self.row.id,
            field_name=field,
        )

    @field(description="'multimodal' when the model handles more than one modality.")
    def modality(self) -> str | None:
        kinds = set(self.row.input_modalities or []) | set(self.row.output_modalities or [])
        if not kinds:
            return None
        return "multimodal" if len(kinds) > 1 else kinds.pop()

    @field(description="When the model was released, to the day, month or year the source gives.")
    def release_date(self) -> DateFact:
        value, precision = self.row.release_date, self.row.release_date_precision
        shown = display.release_fact(value, precision)
        return DateFact(
            value=value,
            precision=vocab.DATE_PRECISIONS[precision] if precision else None,
            state=vocab.FACT_STATES[shown.state],
            display=shown.display,
            model_id=self.row.id,
            field_name="release_date",
        )

    @field(description="Context window in tokens.")
    def context_window(self) -> IntFact:
        value = self.row.context_window
        shown = display.context_window_fact(value, self.row.context_window_state)
        return IntFact(
            value=value,
            state=vocab.FACT_STATES[shown.state],
            display=shown.display,
            model_id=self.row.id,
            field_name="context_window",
        )

    @field(
        description="How many parameters the model has, and whether the maker stated or others "
        "estimated it."
    )
    def parameters(self) -> ParametersFact:
        value = self.row.parameter_count
        shown = display.parameters_fact(value, self.row.parameters_state)
        return ParametersFact(
            value=BigInt(value) if value is not None else None,
            disclosure=vocab.Disclosure(self.row.parameters_state),
            state=vocab.FACT_STATES[shown.state],
            display=shown.display,
            model_id=self.row.id,
            field_name="parameters",
        )

    @field(description="A short description of the model, from its sources.")
    def overview(self) -> TextFact:
        shown = display.text_fact(self.row.overview)
        return TextFact(
            value=self.row.overview,
            state=vocab.FACT_STATES[shown.state],
            display=shown.display,
            model_id=self.row.id,
            field_name="overview",
        )

    @field(description="The model's released forms (checkpoints, sizes, resolutions), by slug.")
    async def variants(self, info: CtxInfo) -> list[VariantType]:
        return [VariantType(row=v) for v in await info.context.loaders.variants.load(self.row.id)]

    @field(description="The model-wide price in force on a date (default: today).")
    async def price(self, info: CtxInfo, as_of: AsOf = None) -> PriceType | None:
        prices = await info.context.loaders.prices.load(self.row.id)
        price = price_in_force(prices, as_of or info.context.today)
        return PriceType(row=price, variant=None) if price else None

    @field(description="Every price ever recorded, oldest first, variants included.")
    async def price_history(self, info: CtxInfo) -> list[PriceType]:
        prices = await info.context.loaders.prices.load(self.row.id)
        rows = await info.context.loaders.variants.load(self.row.id)
        variants: dict[int | None, str] = {v.id: v.slug for v in rows}  # None: model-wide
        return [PriceType(row=p, variant=variants.get(p.variant_id)) for p in prices]

    @field(
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

    @field(
        description="The priced offer in force on a date (default: today) with the lowest input "
        "price per 1M tokens: a provider's price, never the maker's list price (that is `price`). "
        "Null when no offer is priced. Read with `offers`: no statement of its own."
    )
    async def cheapest_offer(self, info: CtxInfo, as_of: AsOf = None) -> OfferType | None:
        rows = await info.context.loaders.offers.load((self.row.id, as_of or info.context.today))
        priced = [
            r
            for r in rows
            if r.offer.input_per_mtok is not None or r.offer.output_per_mtok is not None
        ]
        return OfferType(row=priced[0]) if priced else None

    @field(description="Neither an API nor open weights: a research result (Epoch AI's data set).")
    def research_only(self) -> bool:
        return bool(self.row.research_only)

    @field(
        description="The tasks the model handles and how (out of the box, after fine-tuning…), "
        "with live demos."
    )
    async def capabilities(self, info: CtxInfo) -> list[CapabilityType]:
        rows = await info.context.loaders.capabilities.load(self.row.id)
        return [CapabilityType(row=r) for r in rows]

    @field(description="The curated collections the model belongs to.")
    async def collections(self, info: CtxInfo) -> list[CollectionType]:
        rows = await info.context.loaders.collections.load(self.row.id)
        return [CollectionType(row=c) for c in rows]

    @field(
        description="The model's links to other models, both ways: what it succeeds or is built "
        "from, and what succeeds or builds on it."
    )
    async def lineage(self, info: CtxInfo) -> list[LineageLinkType]:
        rows = await info.context.loaders.lineage.load(self.row.id)
        return [LineageLinkType(row=r) for r in rows]

    @field(description="Sources of the model's facts; `field` narrows to one fact.")
    async def citations(
        self,
        info: CtxInfo,
        field: Annotated[
            str | None,
            strawberry.argument(
                description="Only this fact's citations, snake_case ('context_window')."
            ),
        ] = None,
    ) -> list[Citation]:
        rows = await info.context.loaders.citations.load(self.row.id)
        return [citation(r) for r in rows if field is None or r.field == field]

    @field(description="Where imported data sets disagree with the value shown.")
    async def conflicts(self, info: CtxInfo) -> list[FactConflictType]:
        rows = await info.context.loaders.conflicts.load(self.row.id)
        return [FactConflictType(row=r) for r in rows]
