"""Set and remove what a model can do on a task."""

from typing import Annotated

import strawberry

from service.catalog import writes
from service.graphql.auth import AdminWrite
from service.graphql.fields import mutation
from service.graphql.info import CtxInfo
from service.graphql.input_types.models import CapabilityInput
from service.graphql.inputs import sent
from service.graphql.mutations.arguments import ExpectedVersion, ModelName
from service.graphql.mutations.models import model_result
from service.graphql.mutations.write import write
from service.graphql.results.models import ModelMutationResult

TaskSlug = Annotated[str, strawberry.argument(description="The task's slug (see `tasks`).")]


@strawberry.type
class CapabilityMutations:
    @mutation(
        description="Set how a model handles a task and whether a demo exists.",
        permission_classes=[AdminWrite],
    )
    async def set_capability(
        self,
        info: CtxInfo,
        model: ModelName,
        task: TaskSlug,
        input: Annotated[
            CapabilityInput, strawberry.argument(description="How it handles the task.")
        ],
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        data = sent(input)
        return await write(
            info,
            "setCapability",
            lambda w: writes.set_capability(
                w, model, task, data, expected_version=expected_version
            ),
            model_result,
        )

    @mutation(
        description="Say no more that a model handles a task.", permission_classes=[AdminWrite]
    )
    async def remove_capability(
        self,
        info: CtxInfo,
        model: ModelName,
        task: TaskSlug,
        expected_version: ExpectedVersion = None,
    ) -> ModelMutationResult:
        return await write(
            info,
            "removeCapability",
            lambda w: writes.remove_capability(w, model, task, expected_version=expected_version),
            model_result,
        )
