"""Values that can be missing carry their state, a display text and, on request, sources."""

from datetime import date

import strawberry

from service.catalog.reads import CitationRow
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types.common import (
    BigInt,
    DatePrecision,
    Disclosure,
    FactState,
    Modality,
)
from service.graphql.types.source import Citation, SourceType


def citation(row: CitationRow) -> Citation:
    return Citation(
        field=row.field,
        quote=row.quote,
        source=SourceType(row=row.source),
        value=row.value,
        external_id=row.external_id,
    )


@strawberry.interface(
    description="A value with its state, display text and sources. `value` is null unless "
    "`state` is KNOWN; the state then says why (UNDISCLOSED, UNKNOWN or NOT_APPLICABLE)."
)
class Fact:
    state: FactState = strawberry.field(
        description="Whether the value is known and, if not, why (the three are different "
        "statements: undisclosed by the maker, unknown to the catalog, not applicable)."
    )
    display: str = strawberry.field(description="The value as a comparison page prints it.")
    # Sources are read only when asked for: a listing that shows values needs no citations.
    model_id: strawberry.Private[int]
    field_name: strawberry.Private[str]

    @field(description="Where the value comes from: one citation per source stating it.")
    async def sources(self, info: CtxInfo) -> list[Citation]:
        rows = await info.context.loaders.citations.load(self.model_id)
        return [citation(r) for r in rows if r.field == self.field_name]


@strawberry.type(description="A whole number that may be missing (a context window in tokens).")
class IntFact(Fact):
    value: int | None = strawberry.field(description="The number; null unless KNOWN.")


@strawberry.type(description="A parameter count, with how it is known.")
class ParametersFact(Fact):
    value: BigInt | None = strawberry.field(
        description="Number of parameters (may exceed 32 bits); null unless KNOWN."
    )
    disclosure: Disclosure = strawberry.field(
        description="Stated by the maker, estimated by others, undisclosed or unknown."
    )


@strawberry.type(description="A date that may be known only to the month or year.")
class DateFact(Fact):
    value: date | None = strawberry.field(
        description="The date; the first day of the period when imprecise. Null unless KNOWN."
    )
    precision: DatePrecision | None = strawberry.field(
        description="How much of `value` is known (DAY, MONTH or YEAR); null with no value."
    )


@strawberry.type(description="A text that may be missing.")
class TextFact(Fact):
    value: str | None = strawberry.field(description="The text; null unless KNOWN.")


@strawberry.type(description="A yes or no that may be missing.")
class BoolFact(Fact):
    value: bool | None = strawberry.field(description="True or false; null unless KNOWN.")


@strawberry.type(description="The kinds of data a model reads or writes.")
class ModalitiesFact(Fact):
    value: list[Modality] | None = strawberry.field(
        description="The modalities; null unless KNOWN."
    )
