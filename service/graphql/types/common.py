"""Scalars, enums and the small types every other type uses."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, NewType

import strawberry

from service.catalog.errors import UserInputError
from service.graphql.types.relay import Node
from service.models import Source
from service.models import base as vocab

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,19}")
# NUMERIC(18, 6) holds less than 10^12; longer text is refused before Decimal parses it.
MAX_DECIMAL_TEXT = 40
MAX_DECIMAL_ADJUSTED_EXPONENT = 11
MIN_DECIMAL_EXPONENT = -12


def parse_big_int(value: Any) -> int:
    """An int64 from a JSON number or its decimal text; anything else is the client's mistake."""
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise UserInputError(f"BigInt takes an integer (or its digits as text), not {value!r:.40}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise UserInputError(f"BigInt must lie between {INT64_MIN} and {INT64_MAX}")
    return value


def parse_decimal(value: Any) -> Decimal:
    """An exact, finite decimal of a size the catalog can store (as text or a JSON number)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise UserInputError(f"Decimal takes a number or its text, not {value!r:.40}")
    text = str(value).strip()
    if len(text) > MAX_DECIMAL_TEXT:
        raise UserInputError(f"Decimal text is longer than {MAX_DECIMAL_TEXT} characters")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise UserInputError(f"{text!r} is not a decimal number, e.g. '1.75'") from None
    if not number.is_finite():
        raise UserInputError(f"{text!r} is not a finite decimal number")
    exponent = number.as_tuple().exponent  # an int: the number is finite
    if number and (
        number.adjusted() > MAX_DECIMAL_ADJUSTED_EXPONENT
        or (isinstance(exponent, int) and exponent < MIN_DECIMAL_EXPONENT)
    ):
        raise UserInputError(
            f"{text!r} is out of range: at most 12 digits before the point and 12 after"
        )
    return number


BigInt = NewType("BigInt", int)
BIG_INT_SCALAR = strawberry.scalar(
    name="BigInt",
    description="An integer that may exceed 32 bits (parameter counts): a 64-bit signed "
    "integer, sent as a number or as its digits in a string.",
    serialize=int,
    parse_value=parse_big_int,
)
DECIMAL_SCALAR = strawberry.scalar(
    name="Decimal",
    description="Decimal (fixed-point)",
    serialize=str,
    parse_value=parse_decimal,
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
class SourceType(Node):
    row: strawberry.Private[Source]

    @strawberry.field(description="Lowercase unique slug; lookups by slug take any case.")
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field(description="What the source is called.")
    def title(self) -> str:
        return self.row.title

    @strawberry.field(description="Where it is published, when online.")
    def url(self) -> str | None:
        return self.row.url

    @strawberry.field(
        description="The copy kept with the catalog (a path under shared/), when one is."
    )
    def document(self) -> str | None:
        return self.row.document

    @strawberry.field(description="Commit, release or edition of the source.")
    def version(self) -> str | None:
        return self.row.version

    @strawberry.field(description="When the catalog read it.")
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
