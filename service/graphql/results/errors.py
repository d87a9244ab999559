"""Typed results of writes: the changed object, or an error that names field and reason."""

import strawberry

from service.catalog.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UserInputError,
)


@strawberry.type(description="One thing wrong with the input, and where.")
class FieldProblem:
    field: str = strawberry.field(description="The input field at fault, e.g. 'contextWindow'.")
    message: str = strawberry.field(description="What is wrong with it and what is expected.")


@strawberry.type(description="The input breaks the catalog's rules; nothing was written.")
class InvalidInput:
    message: str = strawberry.field(description="All the problems, in one sentence.")
    problems: list[FieldProblem] = strawberry.field(
        description="Each problem with the field it concerns, to show beside that field."
    )


@strawberry.type(description="A named object does not exist; nothing was written.")
class NotFound:
    message: str = strawberry.field(
        description="What was not found, with the closest names as suggestions."
    )
    kind: str = strawberry.field(
        description="The kind of object looked for: 'model', 'source', 'task'…"
    )
    name: str = strawberry.field(description="The slug or alias that names nothing.")


@strawberry.type(description="Someone changed the object first, or it already exists.")
class Conflict:
    message: str = strawberry.field(description="What conflicts, in words.")
    current_version: int | None = strawberry.field(
        description="The model's version now: read it again, then retry with this version."
    )


ErrorResult = InvalidInput | NotFound | Conflict


def error_result(error: UserInputError) -> InvalidInput | NotFound | Conflict:
    if isinstance(error, NotFoundError):
        return NotFound(message=str(error), kind=error.kind, name=error.name)
    if isinstance(error, ConflictError):
        return Conflict(message=str(error), current_version=error.current_version)
    if error.code == "CONFLICT":
        return Conflict(message=str(error), current_version=None)
    if isinstance(error, InvalidInputError):
        return InvalidInput(
            message=str(error),
            problems=[FieldProblem(field=p.field, message=p.message) for p in error.problems],
        )
    return InvalidInput(
        message=str(error),
        problems=[FieldProblem(field=error.argument or "input", message=str(error))],
    )
