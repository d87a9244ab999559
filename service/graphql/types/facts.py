"""Values that can be missing carry their state, a display text and, on request, sources."""

from datetime import date

import strawberry

from service.graphql.types.common import (
    BigInt,
    Citation,
    DatePrecision,
    Disclosure,
    FactState,
    Modality,
)


@strawberry.interface(description="A value with its state, display text and sources.")
class Fact:
    state: FactState
    display: str = strawberry.field(description="The value as a comparison page prints it.")
    sources: list[Citation] = strawberry.field(description="Where the value comes from.")


@strawberry.type
class IntFact(Fact):
    value: int | None


@strawberry.type
class ParametersFact(Fact):
    value: BigInt | None  # type: ignore[valid-type]
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
