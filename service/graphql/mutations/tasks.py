"""Create and change tasks."""

from typing import Any

import strawberry

from service.catalog.seed_schema import TaskEntry
from service.graphql.input_types.tasks import TaskInput, TaskPatch
from service.graphql.mutations.simple import Kind, create, update
from service.graphql.results.tasks import TaskMutationResult, TaskResult
from service.graphql.types.task import TaskType
from service.models import Task


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    """The input's `group` is the table's `task_group`."""
    if "group" in fields:
        fields["task_group"] = fields.pop("group")
    return fields


KIND = Kind(
    name="task",
    table=Task,
    schema=TaskEntry,
    result=lambda row: TaskResult(task=TaskType(row=row)),
    input=TaskInput,
    patch=TaskPatch,
    union=TaskMutationResult,
    columns=_columns,
)


@strawberry.type
class TaskMutations:
    create_task = create(KIND, "Add a task models can handle.")
    update_task = update(KIND, "Change a task's fields.")
