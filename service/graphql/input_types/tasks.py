"""What a client sends to create or change a task."""

import strawberry
from strawberry import UNSET

_NAME = 'Display name ("OCR").'
_GROUP = 'The group it is listed under, such as "Vision Tasks".'
_DESCRIPTION = "What the task is."


@strawberry.input(description="A new task models can handle.")
class TaskInput:
    slug: str = strawberry.field(description="Lowercase unique slug ('ocr').")
    name: str = strawberry.field(description=_NAME)
    group: str = strawberry.field(description=_GROUP)
    description: str | None = strawberry.field(default=None, description=_DESCRIPTION)


@strawberry.input(description="Only the fields sent change; null clears a field.")
class TaskPatch:
    name: str | None = strawberry.field(default=UNSET, description=_NAME)
    group: str | None = strawberry.field(default=UNSET, description=_GROUP)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
