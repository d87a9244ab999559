"""Put a model in a collection, or take it out."""

from typing import Annotated

import strawberry

from service.catalog import writes
from service.graphql.auth import AdminWrite
from service.graphql.fields import mutation
from service.graphql.info import CtxInfo
from service.graphql.mutations.arguments import ExpectedVersion, ModelName, SourceSlug
from service.graphql.mutations.models import model_result
from service.graphql.mutations.write import write
from service.graphql.results.models import ModelMutationResult

CollectionSlug = Annotated[
    str, strawberry.argument(description="The collection's slug (see `collections`).")
]


@strawberry.type
class MembershipMutations:
    @mutation(description="Put a model in a collection.", permission_classes=[AdminWrite])
    async def add_to_collection(
        self,
        info: CtxInfo,
        model: ModelName,
        collection: CollectionSlug,
        cited_source: SourceSlug = None,
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "addToCollection",
            lambda w: writes.set_membership(
                w, model, collection, True, source=cited_source, expected_version=expected_version
            ),
            model_result,
        )

    @mutation(description="Take a model out of a collection.", permission_classes=[AdminWrite])
    async def remove_from_collection(
        self,
        info: CtxInfo,
        model: ModelName,
        collection: CollectionSlug,
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "removeFromCollection",
            lambda w: writes.set_membership(
                w, model, collection, False, expected_version=expected_version
            ),
            model_result,
        )
