"""Link a model to another (succeeds, built from…), or unlink it."""

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
from service.graphql.types.common import Relation

RelationArgument = Annotated[
    Relation, strawberry.argument(description="How `model` relates to `related`.")
]
Related = Annotated[
    str, strawberry.argument(description="The other model: its slug or any alias, in any case.")
]


@strawberry.type
class LineageMutations:
    @mutation(
        description="model <relation> related, e.g. gpt-5.2 SUCCEEDS gpt-5.1.",
        permission_classes=[AdminWrite],
    )
    async def add_lineage(
        self,
        info: CtxInfo,
        model: ModelName,
        relation: RelationArgument,
        related: Related,
        role: Annotated[
            str | None,
            strawberry.argument(description="For BUILT_FROM: the part's role (vision encoder…)."),
        ] = None,
        note: Annotated[
            str | None, strawberry.argument(description="A remark on the link.")
        ] = None,
        cited_source: SourceSlug = None,
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        return await write(
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
                source=cited_source,
                expected_version=expected_version,
            ),
            model_result,
        )

    @mutation(description="Remove a lineage link.", permission_classes=[AdminWrite])
    async def remove_lineage(
        self,
        info: CtxInfo,
        model: ModelName,
        relation: RelationArgument,
        related: Related,
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "removeLineage",
            lambda w: writes.set_lineage(
                w, model, relation.value, related, False, expected_version=expected_version
            ),
            model_result,
        )
