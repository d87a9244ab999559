"""Typed results of writes: the changed object, or an error that names field and reason."""

import strawberry

from service.catalog.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UserInputError,
)


@strawberry.type
class FieldProblem:
    field: str = strawberry.field(description="The input field at fault, e.g. 'contextWindow'.")
    message: str


@strawberry.type(description="The input breaks the catalog's rules; nothing was written.")
class InvalidInput:
    message: str
    problems: list[FieldProblem]


@strawberry.type(description="A named object does not exist; nothing was written.")
class NotFound:
    message: str
    kind: str
    name: str


@strawberry.type(description="Someone changed the object first, or it already exists.")
class Conflict:
    message: str
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
