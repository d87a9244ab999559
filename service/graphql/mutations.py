"""The Mutation root: authenticated writes, each one audited transaction with a typed result."""

import asyncio
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import strawberry
from pydantic import BaseModel
from strawberry import UNSET

from service.catalog import tokens, writes
from service.catalog.errors import InvalidInputError, Problem, UserInputError
from service.catalog.seed_schema import (
    CollectionEntry,
    LicenseEntry,
    OrganizationEntry,
    PriceEntry,
    SourceEntry,
    TaskEntry,
    VariantEntry,
)
from service.catalog.version import written_version
from service.catalog.write_schema import ModelFields
from service.catalog.writes import Writer, validate
from service.db import unit_of_work
from service.graphql.auth import admin_actor
from service.graphql.info import CtxInfo
from service.graphql.inputs import sent
from service.graphql.types.collection import CollectionType
from service.graphql.types.common import (
    BigInt,
    Category,
    CommercialUse,
    LicenseKind,
    Modality,
    ModelStatus,
    Relation,
    Support,
)
from service.graphql.types.license import LicenseType
from service.graphql.types.model import ModelType
from service.graphql.types.organization import OrganizationType
from service.graphql.types.price import PriceType
from service.graphql.types.results import Conflict, InvalidInput, NotFound, error_result
from service.graphql.types.source import SourceType
from service.graphql.types.task import TaskType
from service.models import Collection, License, Model, Organization, Source, Task
from service.models import base as vocab
from service.replicas import NoDatabaseAvailable

T = TypeVar("T")


# A null state is derived by the write path from its value (known when a value is given).
_DERIVED_WHEN_NULL = frozenset({"context_window_state", "parameters_state"})


def _patch(input: Any, table: Any) -> dict[str, Any]:
    """The fields a patch sends; null for a field the row cannot lack is InvalidInput."""
    data = sent(input)
    columns = table.__table__.columns
    problems = []
    for field, value in data.items():
        if field in _DERIVED_WHEN_NULL:
            continue
        names = (field, f"{field}_id", f"task_{field}")
        column = next((columns[n] for n in names if n in columns), None)
        if value is None and column is not None and not column.nullable:
            head, *rest = field.split("_")
            problems.append(
                Problem(
                    "input",
                    head + "".join(p.capitalize() for p in rest),
                    "cannot be null: every record has one; leave the field out to keep it",
                )
            )
    if problems:
        raise InvalidInputError(problems)
    return data


def _checked(schema: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    return validate(schema, data).model_dump(include=set(data))


class PrimaryUnavailable(NoDatabaseAvailable):
    """The primary cannot take the write now (known down, or no answer within the write
    timeout): answered SERVICE_UNAVAILABLE, masked."""


async def _write(
    info: CtxInfo, operation: str, action: Callable[[Writer], T], wrap: Callable[[T], Any]
) -> Any:
    ctx = info.context
    replica_set = ctx.replica_set
    if replica_set is not None and replica_set.primary_down:
        # The checks found the primary down (stopped, or not answering): say so at once
        # rather than make every writer wait for a connection that will not come.
        raise PrimaryUnavailable("the primary is down: " + (replica_set.primary.problem or ""))
    timeout = ctx.settings.write_timeout_ms / 1000
    given_up = threading.Event()

    def work() -> tuple[T, int]:
        with unit_of_work(ctx.engine) as session:
            writer = Writer(session, actor=actor, operation=operation)
            result = action(writer)
            writer.finish()
            if actor.startswith("token:"):
                tokens.mark_used(session, actor.removeprefix("token:"))
            version = written_version(session)
            if given_up.is_set():
                # The client was told the write failed: it must not commit after all.
                raise PrimaryUnavailable("the write outlived its timeout; rolled back")
            return result, version

    try:
        async with asyncio.timeout(timeout):
            # Outside the typed results: a refused token is an error, not a result.
            actor = await admin_actor(
                ctx.engine, ctx.settings, ctx.request.headers.get("authorization"), write=True
            )
            try:
                result, version = await asyncio.to_thread(work)
            except UserInputError as error:
                return error_result(error)
    except TimeoutError:
        # The thread may still wait on the primary; it rolls back if it ever gets an answer
        # before its COMMIT (a COMMIT already sent can still land: the audit log tells).
        given_up.set()
        raise PrimaryUnavailable(
            f"the primary did not answer the write within {timeout:g} s (WRITE_TIMEOUT_MS)"
        ) from None
    answer = wrap(result)
    answer.catalog_version = version
    ctx.written_versions.append(version)
    return answer


# ---- results ---------------------------------------------------------------------------


@strawberry.type
class ModelResult:
    model: ModelType
    catalog_version: BigInt = strawberry.field(
        default=0,
        description="The catalog version this write produced: send it back as the "
        "X-Catalog-Version header to read the write from any replica (read your writes).",
    )


@strawberry.type
class OrganizationResult:
    organization: OrganizationType
    catalog_version: BigInt = strawberry.field(
        default=0,
        description="The catalog version this write produced: send it back as the "
        "X-Catalog-Version header to read the write from any replica (read your writes).",
    )


@strawberry.type
class LicenseResult:
    license: LicenseType
    catalog_version: BigInt = strawberry.field(
        default=0,
        description="The catalog version this write produced: send it back as the "
        "X-Catalog-Version header to read the write from any replica (read your writes).",
    )


@strawberry.type
class SourceResult:
    source: SourceType
    catalog_version: BigInt = strawberry.field(
        default=0,
        description="The catalog version this write produced: send it back as the "
        "X-Catalog-Version header to read the write from any replica (read your writes).",
    )


@strawberry.type
class TaskResult:
    task: TaskType
    catalog_version: BigInt = strawberry.field(
        default=0,
        description="The catalog version this write produced: send it back as the "
        "X-Catalog-Version header to read the write from any replica (read your writes).",
    )


@strawberry.type
class CollectionResult:
    collection: CollectionType
    catalog_version: BigInt = strawberry.field(
        default=0,
        description="The catalog version this write produced: send it back as the "
        "X-Catalog-Version header to read the write from any replica (read your writes).",
    )


@strawberry.type
class PriceResult:
    model: ModelType
    price: PriceType
    catalog_version: BigInt = strawberry.field(
        default=0,
        description="The catalog version this write produced: send it back as the "
        "X-Catalog-Version header to read the write from any replica (read your writes).",
    )


ModelMutationResult = Annotated[
    ModelResult | InvalidInput | NotFound | Conflict, strawberry.union("ModelMutationResult")
]
OrganizationMutationResult = Annotated[
    OrganizationResult | InvalidInput | NotFound | Conflict,
    strawberry.union("OrganizationMutationResult"),
]
LicenseMutationResult = Annotated[
    LicenseResult | InvalidInput | NotFound | Conflict, strawberry.union("LicenseMutationResult")
]
SourceMutationResult = Annotated[
    SourceResult | InvalidInput | NotFound | Conflict, strawberry.union("SourceMutationResult")
]
TaskMutationResult = Annotated[
    TaskResult | InvalidInput | NotFound | Conflict, strawberry.union("TaskMutationResult")
]
CollectionMutationResult = Annotated[
    CollectionResult | InvalidInput | NotFound | Conflict,
    strawberry.union("CollectionMutationResult"),
]
PriceMutationResult = Annotated[
    PriceResult | InvalidInput | NotFound | Conflict, strawberry.union("PriceMutationResult")
]


def _model(row: Any) -> ModelResult:
    return ModelResult(model=ModelType(row=row))


# ---- inputs ----------------------------------------------------------------------------


@strawberry.input
class OrganizationInput:
    slug: str
    name: str
    website: str | None = None
    source: str | None = strawberry.field(default=None, description="Source slug.")


@strawberry.input(description="Only the fields sent change; null clears a field.")
class OrganizationPatch:
    name: str | None = UNSET
    website: str | None = UNSET
    source: str | None = UNSET


@strawberry.input
class LicenseInput:
    slug: str
    name: str
    kind: LicenseKind
    spdx_id: str | None = None
    commercial_use: CommercialUse = vocab.CommercialUse.UNKNOWN
    commercial_terms: str | None = None
    url: str | None = None
    source: str | None = None


@strawberry.input
class LicensePatch:
    name: str | None = UNSET
    kind: LicenseKind | None = UNSET
    spdx_id: str | None = UNSET
    commercial_use: CommercialUse | None = UNSET
    commercial_terms: str | None = UNSET
    url: str | None = UNSET
    source: str | None = UNSET


@strawberry.input
class SourceInput:
    slug: str
    title: str
    url: str | None = None
    document: str | None = None
    version: str | None = None
    retrieved_on: date | None = None
    note: str | None = None


@strawberry.input
class SourcePatch:
    title: str | None = UNSET
    url: str | None = UNSET
    document: str | None = UNSET
    version: str | None = UNSET
    retrieved_on: date | None = UNSET
    note: str | None = UNSET


@strawberry.input
class TaskInput:
    slug: str
    name: str
    group: str
    description: str | None = None


@strawberry.input
class TaskPatch:
    name: str | None = UNSET
    group: str | None = UNSET
    description: str | None = UNSET


@strawberry.input
class CollectionInput:
    slug: str
    name: str
    description: str | None = None


@strawberry.input
class CollectionPatch:
    name: str | None = UNSET
    description: str | None = UNSET


@strawberry.input(description="A model's fields. Cite `source` (a source slug) and `quote`.")
class ModelInput:
    slug: str
    name: str
    family: str | None = None
    organization: str | None = None
    category: Category | None = None
    open_weights: bool | None = None
    input_modalities: list[Modality] | None = None
    output_modalities: list[Modality] | None = None
    release_date: str | None = strawberry.field(default=None, description="YYYY[-MM[-DD]]")
    context_window: int | None = None
    context_window_state: str | None = strawberry.field(
        default=None, description="known, undisclosed, unknown or not_applicable"
    )
    parameter_count: BigInt | None = None  # type: ignore[valid-type]
    parameters_state: str | None = strawberry.field(
        default=None, description="disclosed, estimated, undisclosed or unknown"
    )
    license: str | None = None
    overview: str | None = None
    status: ModelStatus = vocab.ModelStatus.ACTIVE


@strawberry.input(description="Only the fields sent change; null clears a field.")
class ModelPatch:
    name: str | None = UNSET
    family: str | None = UNSET
    organization: str | None = UNSET
    category: Category | None = UNSET
    open_weights: bool | None = UNSET
    input_modalities: list[Modality] | None = UNSET
    output_modalities: list[Modality] | None = UNSET
    release_date: str | None = UNSET
    context_window: int | None = UNSET
    context_window_state: str | None = UNSET
    parameter_count: BigInt | None = UNSET  # type: ignore[valid-type]
    parameters_state: str | None = UNSET
    license: str | None = UNSET
    overview: str | None = UNSET
    status: ModelStatus | None = UNSET


@strawberry.input
class VariantInput:
    slug: str
    name: str
    axis: str
    differs: str | None = None
    input_resolution_px: int | None = None
    source: str | None = None


@strawberry.input
class CapabilityInput:
    support: Support = vocab.Support.UNKNOWN
    has_demo: bool = False
    demo_url: str | None = None
    note: str | None = None
    source: str | None = None


@strawberry.input(description="Prices per 1M tokens from a date; the previous price closes then.")
class PriceInput:
    effective_from: date
    variant: str | None = None
    currency: str = "USD"
    input_per_mtok: Decimal | None = None
    output_per_mtok: Decimal | None = None
    cached_input_per_mtok: Decimal | None = None
    source: str | None = None


Version = Annotated[
    int | None,
    strawberry.argument(description="The model version you read; a newer one is a Conflict."),
]


def _task(input: "TaskInput") -> dict[str, Any]:
    data = _checked(TaskEntry, sent(input))
    data["task_group"] = data.pop("group")
    return data


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_organization(
        self, info: CtxInfo, input: OrganizationInput
    ) -> OrganizationMutationResult:
        return await _write(
            info,
            "createOrganization",
            lambda w: writes.create_simple(
                w, Organization, "organization", _checked(OrganizationEntry, sent(input))
            ),
            lambda r: OrganizationResult(organization=OrganizationType(row=r)),
        )

    @strawberry.mutation
    async def update_organization(
        self, info: CtxInfo, slug: str, input: OrganizationPatch
    ) -> OrganizationMutationResult:
        return await _write(
            info,
            "updateOrganization",
            lambda w: writes.update_simple(
                w, Organization, "organization", slug, _patch(input, Organization)
            ),
            lambda r: OrganizationResult(organization=OrganizationType(row=r)),
        )

    @strawberry.mutation
    async def create_license(self, info: CtxInfo, input: LicenseInput) -> LicenseMutationResult:
        return await _write(
            info,
            "createLicense",
            lambda w: writes.create_simple(
                w, License, "license", _checked(LicenseEntry, sent(input))
            ),
            lambda r: LicenseResult(license=LicenseType(row=r)),
        )

    @strawberry.mutation
    async def update_license(
        self, info: CtxInfo, slug: str, input: LicensePatch
    ) -> LicenseMutationResult:
        return await _write(
            info,
            "updateLicense",
            lambda w: writes.update_simple(w, License, "license", slug, _patch(input, License)),
            lambda r: LicenseResult(license=LicenseType(row=r)),
        )

    @strawberry.mutation
    async def create_source(self, info: CtxInfo, input: SourceInput) -> SourceMutationResult:
        return await _write(
            info,
            "createSource",
            lambda w: writes.create_simple(w, Source, "source", _checked(SourceEntry, sent(input))),
            lambda r: SourceResult(source=SourceType(row=r)),
        )

    @strawberry.mutation
    async def update_source(
        self, info: CtxInfo, slug: str, input: SourcePatch
    ) -> SourceMutationResult:
        return await _write(
            info,
            "updateSource",
            lambda w: writes.update_simple(w, Source, "source", slug, _patch(input, Source)),
            lambda r: SourceResult(source=SourceType(row=r)),
        )

    @strawberry.mutation
    async def create_task(self, info: CtxInfo, input: TaskInput) -> TaskMutationResult:
        return await _write(
            info,
            "createTask",
            lambda w: writes.create_simple(w, Task, "task", _task(input)),
            lambda r: TaskResult(task=TaskType(row=r)),
        )

    @strawberry.mutation
    async def update_task(self, info: CtxInfo, slug: str, input: TaskPatch) -> TaskMutationResult:
        def patch() -> dict[str, Any]:
            data = _patch(input, Task)
            if "group" in data:
                data["task_group"] = data.pop("group")
            return data

        return await _write(
            info,
            "updateTask",
            lambda w: writes.update_simple(w, Task, "task", slug, patch()),
            lambda r: TaskResult(task=TaskType(row=r)),
        )

    @strawberry.mutation
    async def create_collection(
        self, info: CtxInfo, input: CollectionInput
    ) -> CollectionMutationResult:
        return await _write(
            info,
            "createCollection",
            lambda w: writes.create_simple(
                w, Collection, "collection", _checked(CollectionEntry, sent(input))
            ),
            lambda r: CollectionResult(collection=CollectionType(row=r)),
        )

    @strawberry.mutation
    async def update_collection(
        self, info: CtxInfo, slug: str, input: CollectionPatch
    ) -> CollectionMutationResult:
        return await _write(
            info,
            "updateCollection",
            lambda w: writes.update_simple(
                w, Collection, "collection", slug, _patch(input, Collection)
            ),
            lambda r: CollectionResult(collection=CollectionType(row=r)),
        )

    @strawberry.mutation(description="Create a model; `source` and `quote` cite every fact given.")
    async def create_model(
        self, info: CtxInfo, input: ModelInput, source: str | None = None, quote: str | None = None
    ) -> ModelMutationResult:
        return await _write(
            info,
            "createModel",
            lambda w: writes.create_model(
                w, _checked(ModelFields, sent(input)), source=source, quote=quote
            ),
            _model,
        )

    @strawberry.mutation(description="Change a model's fields; send expectedVersion to guard.")
    async def update_model(
        self,
        info: CtxInfo,
        slug: str,
        input: ModelPatch,
        expected_version: Version = None,
        source: str | None = None,
        quote: str | None = None,
    ) -> ModelMutationResult:
        return await _write(
            info,
            "updateModel",
            lambda w: writes.update_model(
                w,
                slug,
                _checked(ModelFields, _patch(input, Model)),
                expected_version=expected_version,
                source=source,
                quote=quote,
            ),
            _model,
        )

    @strawberry.mutation(description="Retire a model: it stays comparable and says so.")
    async def retire_model(
        self, info: CtxInfo, slug: str, expected_version: Version = None
    ) -> ModelMutationResult:
        return await _write(
            info,
            "retireModel",
            lambda w: writes.retire_model(w, slug, expected_version=expected_version),
            _model,
        )

    @strawberry.mutation
    async def add_alias(
        self,
        info: CtxInfo,
        model: str,
        alias: str,
        expected_version: Version = None,
        source: str | None = None,
    ) -> ModelMutationResult:
        return await _write(
            info,
            "addAlias",
            lambda w: writes.add_alias(
                w, model, alias, expected_version=expected_version, source=source
            ),
            _model,
        )

    @strawberry.mutation
    async def remove_alias(
        self, info: CtxInfo, alias: str, expected_version: Version = None
    ) -> ModelMutationResult:
        return await _write(
            info,
            "removeAlias",
            lambda w: writes.remove_alias(w, alias, expected_version=expected_version),
            _model,
        )

    @strawberry.mutation(description="Create or update a variant of a model.")
    async def put_variant(
        self, info: CtxInfo, model: str, input: VariantInput, expected_version: Version = None
    ) -> ModelMutationResult:
        return await _write(
            info,
            "putVariant",
            lambda w: writes.put_variant(
                w, model, _checked(VariantEntry, sent(input)), expected_version=expected_version
            ),
            _model,
        )

    @strawberry.mutation
    async def remove_variant(
        self, info: CtxInfo, slug: str, expected_version: Version = None
    ) -> ModelMutationResult:
        return await _write(
            info,
            "removeVariant",
            lambda w: writes.remove_variant(w, slug, expected_version=expected_version),
            _model,
        )

    @strawberry.mutation(description="Set how a model handles a task and whether a demo exists.")
    async def set_capability(
        self,
        info: CtxInfo,
        model: str,
        task: str,
        input: CapabilityInput,
        expected_version: Version = None,
    ) -> ModelMutationResult:
        data = sent(input)
        return await _write(
            info,
            "setCapability",
            lambda w: writes.set_capability(
                w, model, task, data, expected_version=expected_version
            ),
            _model,
        )

    @strawberry.mutation
    async def remove_capability(
        self, info: CtxInfo, model: str, task: str, expected_version: Version = None
    ) -> ModelMutationResult:
        return await _write(
            info,
            "removeCapability",
            lambda w: writes.remove_capability(w, model, task, expected_version=expected_version),
            _model,
        )

    @strawberry.mutation
    async def add_to_collection(
        self,
        info: CtxInfo,
        model: str,
        collection: str,
        source: str | None = None,
        expected_version: Version = None,
    ) -> ModelMutationResult:
        return await _write(
            info,
            "addToCollection",
            lambda w: writes.set_membership(
                w, model, collection, True, source=source, expected_version=expected_version
            ),
            _model,
        )

    @strawberry.mutation
    async def remove_from_collection(
        self, info: CtxInfo, model: str, collection: str, expected_version: Version = None
    ) -> ModelMutationResult:
        return await _write(
            info,
            "removeFromCollection",
            lambda w: writes.set_membership(
                w, model, collection, False, expected_version=expected_version
            ),
            _model,
        )

    @strawberry.mutation(description="model <relation> related, e.g. gpt-5.2 SUCCEEDS gpt-5.1.")
    async def add_lineage(
        self,
        info: CtxInfo,
        model: str,
        relation: Relation,
        related: str,
        role: str | None = None,
        note: str | None = None,
        source: str | None = None,
        expected_version: Version = None,
    ) -> ModelMutationResult:
        return await _write(
            info,
            "addLineage",
            lambda w: writes.set_lineage(
                w,
                model,
                relation.value,
                related,
                True,
                role=role,
                note=note,
                source=source,
                expected_version=expected_version,
            ),
            _model,
        )

    @strawberry.mutation
    async def remove_lineage(
        self,
        info: CtxInfo,
        model: str,
        relation: Relation,
        related: str,
        expected_version: Version = None,
    ) -> ModelMutationResult:
        return await _write(
            info,
            "removeLineage",
            lambda w: writes.set_lineage(
                w, model, relation.value, related, False, expected_version=expected_version
            ),
            _model,
        )

    @strawberry.mutation(description="Record a price from a date; the one before it closes then.")
    async def set_price(
        self, info: CtxInfo, model: str, input: PriceInput, expected_version: Version = None
    ) -> PriceMutationResult:
        def action(w: Writer) -> Any:
            price_in = validate(PriceEntry, sent(input))
            assert price_in.effective_from is not None  # the GraphQL input requires it
            price = writes.set_price(
                w,
                model,
                expected_version=expected_version,
                effective_from=price_in.effective_from,
                variant=price_in.variant,
                currency=price_in.currency,
                input_per_mtok=price_in.input_per_mtok,
                output_per_mtok=price_in.output_per_mtok,
                cached_input_per_mtok=price_in.cached_input_per_mtok,
                source=price_in.source,
            )
            found = w.session.get(Model, price.model_id)  # already loaded and locked
            return found, PriceType(row=price, variant=price_in.variant)

        return await _write(
            info, "setPrice", action, lambda r: PriceResult(model=ModelType(row=r[0]), price=r[1])
        )
