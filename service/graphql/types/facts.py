"""Values that can be missing carry their state, a display text and, on request, sources."""

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from service.catalog.reads import CitationRow
from service.graphql.types.common import (
    BigInt,
    Citation,
    DatePrecision,
    Disclosure,
    FactState,
    Modality,
    SourceType,
)


def citation(row: CitationRow) -> Citation:
    return Citation(
        field=row.field,
        quote=row.quote,
        source=SourceType(row=row.source),
        value=row.value,
        external_id=row.external_id,
    )


@strawberry.interface(description="A value with its state, display text and sources.")
class Fact:
    state: FactState
    display: str = strawberry.field(description="The value as a comparison page prints it.")
    # Sources are read only when asked for: a listing that shows values needs no citations.
    model_id: strawberry.Private[int]
    field_name: strawberry.Private[str]

    @strawberry.field(description="Where the value comes from.")
    async def sources(self, info: Info[Any, None]) -> list[Citation]:
        rows = await info.context.loaders.citations.load(self.model_id)
        return [citation(r) for r in rows if r.field == self.field_name]


@strawberry.type
class IntFact(Fact):
    value: int | None


@strawberry.type
class ParametersFact(Fact):
    value: BigInt | None
    disclosure: Disclosure


@strawberry.type
class DateFact(Fact):
    value: date | None = strawberry.field(description="First day of the period when imprecise.")
    precision: DatePrecision | None


@strawberry.type
class TextFact(Fact):
    value: str | None


@strawberry.type
class BoolFact(Fact):
    value: bool | None


@strawberry.type
class ModalitiesFact(Fact):
    value: list[Modality] | None
