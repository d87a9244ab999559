"""What a client sends to create or change a model, its variants and capabilities."""

import strawberry
from strawberry import UNSET

from service.graphql.types.common import BigInt, Category, Modality, ModelStatus, Support
from service.models import base as vocab

_NAME = 'Display name ("GPT-5.2").'
_FAMILY = 'The line of models it belongs to ("GPT-5").'
_ORGANIZATION = "Slug of the organization that makes it."
_CATEGORY = "OPEN (weights published) or CLOSED."
_OPEN_WEIGHTS = "Whether the weights can be downloaded."
_INPUT = "The kinds of data it reads."
_OUTPUT = "The kinds of data it writes."
_RELEASE_DATE = "YYYY, YYYY-MM or YYYY-MM-DD: give only as much as the source states."
_CONTEXT_WINDOW = "Context window in tokens."
_CONTEXT_WINDOW_STATE = (
    "known, undisclosed, unknown or not_applicable; null: known when contextWindow is given, "
    "else unknown."
)
_PARAMETER_COUNT = "Number of parameters."
_PARAMETERS_STATE = (
    "disclosed, estimated, undisclosed or unknown; null: disclosed when parameterCount is "
    "given, else unknown."
)
_LICENSE = "Slug of the license it is released under."
_OVERVIEW = "A short description of the model."
_STATUS = "Where the model is in its life."


@strawberry.input(description="A model's fields. Cite `source` (a source slug) and `quote`.")
class ModelInput:
    slug: str = strawberry.field(description="Lowercase unique slug ('gpt-5.2').")
    name: str = strawberry.field(description=_NAME)
    family: str | None = strawberry.field(default=None, description=_FAMILY)
    organization: str | None = strawberry.field(default=None, description=_ORGANIZATION)
    category: Category | None = strawberry.field(default=None, description=_CATEGORY)
    open_weights: bool | None = strawberry.field(default=None, description=_OPEN_WEIGHTS)
    input_modalities: list[Modality] | None = strawberry.field(default=None, description=_INPUT)
    output_modalities: list[Modality] | None = strawberry.field(default=None, description=_OUTPUT)
    release_date: str | None = strawberry.field(default=None, description=_RELEASE_DATE)
    context_window: int | None = strawberry.field(default=None, description=_CONTEXT_WINDOW)
    context_window_state: str | None = strawberry.field(
        default=None, description=_CONTEXT_WINDOW_STATE
    )
    parameter_count: BigInt | None = strawberry.field(default=None, description=_PARAMETER_COUNT)
    parameters_state: str | None = strawberry.field(default=None, description=_PARAMETERS_STATE)
    license: str | None = strawberry.field(default=None, description=_LICENSE)
    overview: str | None = strawberry.field(default=None, description=_OVERVIEW)
    status: ModelStatus = strawberry.field(
        default=vocab.ModelStatus.ACTIVE, description=_STATUS + " Default: ACTIVE."
    )


@strawberry.input(description="Only the fields sent change; null clears a field.")
class ModelPatch:
    name: str | None = strawberry.field(default=UNSET, description=_NAME)
    family: str | None = strawberry.field(default=UNSET, description=_FAMILY)
    organization: str | None = strawberry.field(default=UNSET, description=_ORGANIZATION)
    category: Category | None = strawberry.field(default=UNSET, description=_CATEGORY)
    open_weights: bool | None = strawberry.field(default=UNSET, description=_OPEN_WEIGHTS)
    input_modalities: list[Modality] | None = strawberry.field(default=UNSET, description=_INPUT)
    output_modalities: list[Modality] | None = strawberry.field(default=UNSET, description=_OUTPUT)
    release_date: str | None = strawberry.field(default=UNSET, description=_RELEASE_DATE)
    context_window: int | None = strawberry.field(default=UNSET, description=_CONTEXT_WINDOW)
    context_window_state: str | None = strawberry.field(
        default=UNSET, description=_CONTEXT_WINDOW_STATE
    )
    parameter_count: BigInt | None = strawberry.field(default=UNSET, description=_PARAMETER_COUNT)
    parameters_state: str | None = strawberry.field(default=UNSET, description=_PARAMETERS_STATE)
    license: str | None = strawberry.field(default=UNSET, description=_LICENSE)
    overview: str | None = strawberry.field(default=UNSET, description=_OVERVIEW)
    status: ModelStatus | None = strawberry.field(default=UNSET, description=_STATUS)


@strawberry.input(description="A released form of a model, created or replaced by its slug.")
class VariantInput:
    slug: str = strawberry.field(description="Lowercase unique slug ('paligemma-mix').")
    name: str = strawberry.field(description="Display name.")
    axis: str = strawberry.field(
        description="What the model's variants differ in ('checkpoint', 'resolution'…)."
    )
    differs: str | None = strawberry.field(
        default=None, description="How this variant differs along `axis`, in words."
    )
    input_resolution_px: int | None = strawberry.field(
        default=None, description="The input image size in pixels (one side), for vision."
    )
    source: str | None = strawberry.field(
        default=None, description="Slug of the source that states it."
    )


@strawberry.input(description="How a model handles a task; every field has a default.")
class CapabilityInput:
    support: Support = strawberry.field(
        default=vocab.Support.UNKNOWN, description="How it handles the task. Default: UNKNOWN."
    )
    has_demo: bool = strawberry.field(
        default=False, description="Whether a live demo of it exists. Default: false."
    )
    demo_url: str | None = strawberry.field(default=None, description="Where the demo is.")
    note: str | None = strawberry.field(default=None, description="A remark worth making.")
    source: str | None = strawberry.field(
        default=None, description="Slug of the source that states it."
    )
