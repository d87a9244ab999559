"""Create, replace and remove a model's variants."""

from typing import Annotated

import strawberry

from service.catalog import writes
from service.catalog.seed_schema import VariantEntry
from service.graphql.auth import AdminWrite
from service.graphql.fields import mutation
from service.graphql.info import CtxInfo
from service.graphql.input_types.models import VariantInput
from service.graphql.inputs import sent
from service.graphql.mutations.arguments import ExpectedVersion, ModelName
from service.graphql.mutations.models import model_result
from service.graphql.mutations.write import checked, write
from service.graphql.results.models import ModelMutationResult


@strawberry.type
class VariantMutations:
    @mutation(description="Create or update a variant of a model.", permission_classes=[AdminWrite])
    async def put_variant(
        self,
        info: CtxInfo,
        model: ModelName,
        input: Annotated[VariantInput, strawberry.argument(description="The variant.")],
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "putVariant",
            lambda w: writes.put_variant(
                w, model, checked(VariantEntry, sent(input)), expected_version=expected_version
            ),
            model_result,
        )

    @mutation(description="Remove a variant of a model.", permission_classes=[AdminWrite])
    async def remove_variant(
        self,
        info: CtxInfo,
        slug: Annotated[str, strawberry.argument(description="The variant's slug.")],
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "removeVariant",
            lambda w: writes.remove_variant(w, slug, expected_version=expected_version),
            model_result,
        )
