"""The scalars and enums every other type uses."""

import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, NewType

import strawberry

from service.catalog.errors import UserInputError
from service.graphql.fields import described_enum
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
    description="An exact decimal number, sent and answered as text ('1.75'), never a float: "
    "prices are per 1M tokens, at most 12 digits before the point and 12 after.",
    serialize=str,
    parse_value=parse_decimal,
)

described_enum(
    vocab.Category,
    "Whether the model's weights can be had: open (downloadable) or closed (API only).",
    {
        vocab.Category.OPEN: "The weights are published for download.",
        vocab.Category.CLOSED: "The model is reached only through its maker's or a "
        "provider's service.",
    },
)
described_enum(
    vocab.Modality,
    "A kind of data a model reads or writes.",
    {
        vocab.Modality.TEXT: "Text, code included.",
        vocab.Modality.IMAGE: "Still images.",
        vocab.Modality.AUDIO: "Sound: speech or music.",
        vocab.Modality.VIDEO: "Moving images.",
        vocab.Modality.FILE: "Documents taken whole, such as PDF files.",
    },
)
described_enum(
    vocab.FactState,
    "Whether a value is known and, if not, why: a missing value is never made up.",
    {
        vocab.FactState.KNOWN: "The value is known: `value` holds it.",
        vocab.FactState.UNDISCLOSED: "The maker has chosen not to publish it: `value` is null.",
        vocab.FactState.UNKNOWN: "The catalog has no source for it yet: `value` is null.",
        vocab.FactState.NOT_APPLICABLE: "The fact does not apply to this kind of model: "
        "`value` is null.",
    },
)
described_enum(
    vocab.Disclosure,
    "How a parameter count is known.",
    {
        vocab.Disclosure.DISCLOSED: "Stated by the maker.",
        vocab.Disclosure.ESTIMATED: "Estimated by a third party (shown with a ~ and "
        "'estimated'); the maker has not stated it.",
        vocab.Disclosure.UNDISCLOSED: "The maker declines to state it.",
        vocab.Disclosure.UNKNOWN: "No source states it.",
    },
)
described_enum(
    vocab.DatePrecision,
    "How much of a date is known: a date known to the month is stored as the month's first "
    "day with precision MONTH, never as a made-up day.",
    {
        vocab.DatePrecision.DAY: "Known to the day.",
        vocab.DatePrecision.MONTH: "Known to the month; the day given is the 1st.",
        vocab.DatePrecision.YEAR: "Known to the year; the day given is January 1st.",
    },
)
described_enum(
    vocab.LicenseKind,
    "The kind of terms a license sets.",
    {
        vocab.LicenseKind.PROPRIETARY: "The maker's closed terms of service; no weights.",
        vocab.LicenseKind.OPEN_SOURCE: "An OSI-style open license (Apache-2.0, MIT…).",
        vocab.LicenseKind.CUSTOM: "The maker's own terms for published weights (Gemma "
        "Terms, Llama Community License…): read `commercialTerms`.",
    },
)
described_enum(
    vocab.CommercialUse,
    "Whether a license allows commercial use.",
    {
        vocab.CommercialUse.ALLOWED: "Allowed without conditions.",
        vocab.CommercialUse.CONDITIONAL: "Allowed under conditions (user caps, acceptable-use "
        "rules): see `commercialTerms`.",
        vocab.CommercialUse.NOT_ALLOWED: "Not allowed (research or personal use only).",
        vocab.CommercialUse.UNKNOWN: "The catalog has not established it.",
    },
)
described_enum(
    vocab.ModelStatus,
    "Where a model (or a provider's route to it) is in its life.",
    {
        vocab.ModelStatus.ACTIVE: "Generally available.",
        vocab.ModelStatus.PREVIEW: "Available as a preview or beta; may change without notice.",
        vocab.ModelStatus.DEPRECATED: "Still available, with a shutdown announced.",
        vocab.ModelStatus.RETIRED: "No longer served; kept in the catalog, and comparable, "
        "for the record.",
    },
)
described_enum(
    vocab.Support,
    "How a model handles a task.",
    {
        vocab.Support.OUT_OF_THE_BOX: "Works as released, with no training.",
        vocab.Support.AFTER_FINE_TUNING: "Works after fine-tuning on the task.",
        vocab.Support.VIA_MIX_CHECKPOINT: "Works with the model's 'mix' checkpoint (fine-tuned "
        "on a mixture of tasks), not its base weights.",
        vocab.Support.UNKNOWN: "Listed for the task, but how well is not established.",
    },
)
described_enum(
    vocab.Relation,
    "How one model relates to another (read as: model RELATION related).",
    {
        vocab.Relation.SUCCEEDS: "The newer generation of the related model (GPT-5.2 "
        "SUCCEEDS GPT-5.1).",
        vocab.Relation.BUILT_FROM: "Built from the related model as a part (its `role` says "
        "which: vision encoder, language model…).",
        vocab.Relation.INSPIRED_BY: "Follows the related model's design without reusing it.",
        vocab.Relation.VARIANT_OF: "A variant (size, tuning) of the related model.",
    },
)
# The domain's enums are the GraphQL enums (strawberry.enum registers the class itself): the
# names below are what the other modules annotate with.
Category = vocab.Category
Modality = vocab.Modality
FactState = vocab.FactState
Disclosure = vocab.Disclosure
DatePrecision = vocab.DatePrecision
LicenseKind = vocab.LicenseKind
CommercialUse = vocab.CommercialUse
ModelStatus = vocab.ModelStatus
Support = vocab.Support
Relation = vocab.Relation


@strawberry.enum(description="Which way to order a list.")
class SortDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Smallest (or earliest, or A) first.")
    DESC = strawberry.enum_value("desc", description="Largest (or latest, or Z) first.")
