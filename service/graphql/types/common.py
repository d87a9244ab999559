"""Scalars, enums and the small types every other type uses."""

from datetime import date
from enum import Enum
from typing import NewType

import strawberry

from service.models import Source
from service.models import base as vocab

BigInt = NewType("BigInt", int)
BIG_INT_SCALAR = strawberry.scalar(
    name="BigInt",
    description="An integer that may exceed 32 bits (parameter counts).",
    serialize=int,
    parse_value=int,
)

Category = strawberry.enum(vocab.Category, description="Open or closed model.")
Modality = strawberry.enum(vocab.Modality)
FactState = strawberry.enum(
    vocab.FactState, description="Whether a value is known and, if not, why."
)
Disclosure = strawberry.enum(vocab.Disclosure, description="How a parameter count is known.")
DatePrecision = strawberry.enum(vocab.DatePrecision)
LicenseKind = strawberry.enum(vocab.LicenseKind)
CommercialUse = strawberry.enum(vocab.CommercialUse)
ModelStatus = strawberry.enum(vocab.ModelStatus)
Support = strawberry.enum(vocab.Support, description="How a model handles a task.")
Relation = strawberry.enum(vocab.Relation)


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.type(name="Source", description="Where facts come from.")
class SourceType:
    row: strawberry.Private[Source]

    @strawberry.field
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def url(self) -> str | None:
        return self.row.url

    @strawberry.field
    def document(self) -> str | None:
        return self.row.document

    @strawberry.field(description="Commit, release or edition of the source.")
    def version(self) -> str | None:
        return self.row.version

    @strawberry.field
    def retrieved_on(self) -> date | None:
        return self.row.retrieved_on


@strawberry.type(description="A fact's source: a curated quote, or an imported data set's value.")
class Citation:
    field: str
    quote: str | None = strawberry.field(description="The words that state it (curated).")
    source: SourceType
    value: str | None = strawberry.field(
        default=None, description="What an imported data set states, as text."
    )
    external_id: str | None = strawberry.field(
        default=None, description="The data set's own name for the model."
    )
