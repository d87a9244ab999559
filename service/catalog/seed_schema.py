"""The shape of the seed files, validated with pydantic before anything is written."""

import re
from calendar import monthrange
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from service.models.base import (
    Category,
    CommercialUse,
    DatePrecision,
    Disclosure,
    FactState,
    LicenseKind,
    Modality,
    ModelStatus,
    Relation,
    Support,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._+-]*$", max_length=200)]
T = TypeVar("T")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Strict):
    source: Slug | None = Field(default=None, description="defaults to the file's source")
    quote: str | None = None


class Fact(Cited, Generic[T]):
    value: T


class StatedFact(Cited, Generic[T]):
    """A value that may be missing; `state` says why (unknown, undisclosed, not applicable)."""

    value: T | None = None
    state: str = "known"

    @model_validator(mode="after")
    def _value_matches_state(self) -> "StatedFact[T]":
        if self.value is None and self.state in ("known", "disclosed", "estimated"):
            raise ValueError(f"state {self.state!r} needs a value")
        if self.value is not None and self.state not in ("known", "disclosed", "estimated"):
            raise ValueError(f"state {self.state!r} must not have a value")
        return self


class ContextWindowFact(StatedFact[Annotated[int, Field(ge=0)]]):
    state: Literal["known", "undisclosed", "unknown", "not_applicable"] = FactState.KNOWN.value


class ParametersFact(StatedFact[Annotated[int, Field(gt=0)]]):
    state: Literal["disclosed", "estimated", "undisclosed", "unknown"] = Disclosure.DISCLOSED.value


_RELEASE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class ReleaseDateFact(Cited):
    """ "2024", "2024-05" or "2024-05-14": the precision is what the source states."""

    value: str

    @field_validator("value", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else str(value)

    @field_validator("value")
    @classmethod
    def _format(cls, value: str) -> str:
        if not _RELEASE.match(value):
            raise ValueError("use YYYY, YYYY-MM or YYYY-MM-DD")
        parse_release(value)
        return value


def parse_release(value: str) -> tuple[date, DatePrecision]:
    match = _RELEASE.match(value)
    assert match
    year, month, day = match.groups()
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    try:
        return date(int(year), int(month or 1), int(day or 1)), precision
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date") from exc


def release_period(value: str) -> tuple[date, date]:
    """The first and last day a release date known to the year, month or day can be."""
    if not _RELEASE.match(value):
        raise ValueError(f"{value!r} is not a date like 2024, 2024-05 or 2024-05-13")
    first, precision = parse_release(value)
    if precision is DatePrecision.DAY:
        return first, first
    if precision is DatePrecision.MONTH:
        return first, first.replace(day=monthrange(first.year, first.month)[1])
    return first, first.replace(month=12, day=31)


Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]


class PriceEntry(Cited):
    variant: Slug | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    input_per_mtok: Money | None = None
    output_per_mtok: Money | None = None
    cached_input_per_mtok: Money | None = None
    effective_from: date | None = None
    effective_to: date | None = None

    @field_validator("input_per_mtok", "output_per_mtok", "cached_input_per_mtok", mode="before")
    @classmethod
    def _no_binary_floats(cls, value: Any) -> Any:
        # YAML reads 1.75 as a float; go through its shortest text so 1.75 stays exactly 1.75.
        return repr(value) if isinstance(value, float) else value

    @model_validator(mode="after")
    def _sane(self) -> "PriceEntry":
        if (
            self.input_per_mtok is None
            and self.output_per_mtok is None
            and self.cached_input_per_mtok is None
        ):
            raise ValueError(
                "a price needs input_per_mtok, output_per_mtok or cached_input_per_mtok"
            )
        if self.effective_from and self.effective_to and self.effective_from >= self.effective_to:
            raise ValueError("effective_from must be before effective_to")
        return self


class VariantEntry(Cited):
    slug: Slug
    name: str
    axis: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    differs: str | None = None
    input_resolution_px: Annotated[int, Field(gt=0)] | None = None


class LineageEntry(Cited):
    relation: Relation | Literal["succeeded_by"]
    model: Slug
    role: str | None = None
    note: str | None = None


class CapabilityEntry(Cited):
    task: Slug
    support: Support = Support.UNKNOWN
    demo: bool = False
    demo_url: str | None = None
    note: str | None = None


class MembershipEntry(Cited):
    collection: Slug
    note: str | None = None


class ModelFile(Strict):
    slug: Slug
    name: Annotated[str, StringConstraints(min_length=1)]
    family: str | None = None
    aliases: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = []
    source: Slug | None = None
    status: ModelStatus = ModelStatus.ACTIVE
    organization: Fact[Slug] | None = None
    category: Fact[Category] | None = None
    open_weights: Fact[bool] | None = None
    input_modalities: Fact[list[Modality]] | None = None
    output_modalities: Fact[list[Modality]] | None = None
    release_date: ReleaseDateFact | None = None
    context_window: ContextWindowFact | None = None
    parameters: ParametersFact | None = None
    license: Fact[Slug] | None = None
    overview: Fact[str] | None = None
    prices: list[PriceEntry] = []
    variants: list[VariantEntry] = []
    lineage: list[LineageEntry] = []
    capabilities: list[CapabilityEntry] = []
    collections: list[MembershipEntry] = []


class TaxonomyEntry(Strict):
    """An entry of a taxonomy file: each has a slug, unique within its file."""

    slug: Slug


class SourceEntry(TaxonomyEntry):
    title: str
    url: str | None = None
    document: str | None = None
    version: str | None = None
    retrieved_on: date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _locatable(self) -> "SourceEntry":
        if not (self.url or self.document):
            raise ValueError("a source needs a url or a document")
        return self


class OrganizationEntry(TaxonomyEntry):
    name: str
    website: str | None = None
    source: Slug | None = None


class LicenseEntry(TaxonomyEntry):
    name: str
    kind: LicenseKind
    spdx_id: str | None = None
    commercial_use: CommercialUse = CommercialUse.UNKNOWN
    commercial_terms: str | None = None
    url: str | None = None
    source: Slug | None = None


class TaskEntry(TaxonomyEntry):
    name: str
    group: str
    description: str | None = None


class CollectionEntry(TaxonomyEntry):
    name: str
    description: str | None = None
