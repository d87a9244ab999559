"""Create, change and retire models, and name them (aliases)."""

from typing import Annotated

import strawberry

from service.catalog import writes
from service.catalog.write_schema import ModelFields
from service.graphql.auth import AdminWrite
from service.graphql.fields import mutation
from service.graphql.info import CtxInfo
from service.graphql.input_types.models import ModelInput, ModelPatch
from service.graphql.inputs import sent
from service.graphql.mutations.arguments import ExpectedVersion, ModelName, Quote, SourceSlug
from service.graphql.mutations.write import checked, patch, write
from service.graphql.results.models import ModelMutationResult, ModelResult
from service.graphql.types.model import ModelType
from service.models import Model


def model_result(row: Model) -> ModelResult:
    return ModelResult(model=ModelType(row=row))


@strawberry.type
class ModelMutations:
    @mutation(
        description="Create a model; `source` and `quote` cite every fact given.",
        permission_classes=[AdminWrite],
    )
    async def create_model(
        self,
        info: CtxInfo,
        input: Annotated[ModelInput, strawberry.argument(description="The new model.")],
        cited_source: SourceSlug = None,
        quote: Quote = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "createModel",
            lambda w: writes.create_model(
                w, checked(ModelFields, sent(input)), source=cited_source, quote=quote
            ),
            model_result,
        )

    @mutation(
        description="Change a model's fields; send expectedVersion to guard.",
        permission_classes=[AdminWrite],
    )
    async def update_model(
        self,
        info: CtxInfo,
        slug: ModelName,
        input: Annotated[
            ModelPatch, strawberry.argument(description="The fields to change, and only them.")
        ],
        expected_version: ExpectedVersion = None,
        cited_source: SourceSlug = None,
        quote: Quote = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "updateModel",
            lambda w: writes.update_model(
                w,
                slug,
                checked(ModelFields, patch(input, Model)),
                expected_version=expected_version,
                source=cited_source,
                quote=quote,
            ),
            model_result,
        )

    @mutation(
        description="Retire a model: it stays comparable and says so.",
        permission_classes=[AdminWrite],
    )
    async def retire_model(
        self, info: CtxInfo, slug: ModelName, expected_version: ExpectedVersion = None
    ) -> ModelMutationResult:
        return await write(
            info,
            "retireModel",
            lambda w: writes.retire_model(w, slug, expected_version=expected_version),
            model_result,
        )

    @mutation(
        description="Give a model another name that lookups accept (an old slug, a dated id).",
        permission_classes=[AdminWrite],
    )
    async def add_alias(
        self,
        info: CtxInfo,
        model: ModelName,
        alias: Annotated[
            str, strawberry.argument(description="The new name; unique across all models.")
        ],
        expected_version: ExpectedVersion = None,
        cited_source: SourceSlug = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "addAlias",
            lambda w: writes.add_alias(
                w, model, alias, expected_version=expected_version, source=cited_source
            ),
            model_result,
        )

    @mutation(
        description="Remove an alias; the model answers to its slug and other aliases still.",
        permission_classes=[AdminWrite],
    )
    async def remove_alias(
        self,
        info: CtxInfo,
        alias: Annotated[str, strawberry.argument(description="The alias to remove.")],
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "removeAlias",
            lambda w: writes.remove_alias(w, alias, expected_version=expected_version),
            model_result,
        )
