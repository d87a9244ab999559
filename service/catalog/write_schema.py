"""Validation of write inputs that the seed files do not already describe."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from service.catalog.seed_schema import Slug, Strict, parse_release
from service.models.base import Category, Modality, ModelStatus

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class ModelFields(Strict):
    """The writable fields of a model; every one optional so patches validate too."""

    slug: Slug | None = None
    name: Name | None = None
    family: str | None = None
    organization: Slug | None = None
    category: Category | None = None
    open_weights: bool | None = None
    input_modalities: list[Modality] | None = None
    output_modalities: list[Modality] | None = None
    release_date: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    context_window: Annotated[int, Field(ge=0)] | None = None
    context_window_state: Literal["known", "undisclosed", "unknown", "not_applicable"] | None = None
    parameter_count: Annotated[int, Field(gt=0)] | None = None
    parameters_state: Literal["disclosed", "estimated", "undisclosed", "unknown"] | None = None
    license: Slug | None = None
    overview: str | None = None
    status: ModelStatus | None = None

    @field_validator("release_date")
    @classmethod
    def _release(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_release(value)
            except (AssertionError, ValueError):
                raise ValueError("use YYYY, YYYY-MM or YYYY-MM-DD, a real date") from None
        return value

    @model_validator(mode="after")
    def _states(self) -> "ModelFields":
        fields = self.model_fields_set
        if "context_window_state" in fields and self.context_window_state:
            has = self.context_window is not None
            if has != (self.context_window_state == "known"):
                raise ValueError("contextWindow must be given exactly when its state is known")
        if "parameters_state" in fields and self.parameters_state:
            has = self.parameter_count is not None
            if has != (self.parameters_state in ("disclosed", "estimated")):
                raise ValueError(
                    "parameterCount must be given exactly when its state is disclosed or estimated"
                )
        return self
