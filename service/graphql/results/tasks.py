"""What a write of a task answers."""

from typing import Annotated

import strawberry

from service.graphql.results.errors import Conflict, InvalidInput, NotFound
from service.graphql.results.written import catalog_version_field
from service.graphql.types.common import BigInt
from service.graphql.types.task import TaskType


@strawberry.type(description="The task was written.")
class TaskResult:
    task: TaskType = strawberry.field(description="The task as written.")
    catalog_version: BigInt = catalog_version_field()


TaskMutationResult = Annotated[
    TaskResult | InvalidInput | NotFound | Conflict,
    strawberry.union(
        "TaskMutationResult",
        description="The task written, or why nothing was: InvalidInput, NotFound or Conflict.",
    ),
]
