"""Strawberry's field decorators with their options, typed, and with a description required.

`@strawberry.field(description=...)` is typed as returning `Any` (only the bare decorator keeps
the resolver's type), so under `mypy --strict` every described resolver would be untyped. These
wrappers keep the function's signature for the type checker and make a description mandatory:
the schema is read in GraphiQL's docs pane, and an undescribed field is a gap there.
"""

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, ParamSpec, TypeVar

import strawberry
from strawberry.permission import BasePermission

P = ParamSpec("P")
R = TypeVar("R")
E = TypeVar("E", bound=Enum)


def field(
    *, description: str, permission_classes: Sequence[type[BasePermission]] = ()
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`@strawberry.field(description=...)` on a resolver."""
    decorator: Callable[[Callable[P, R]], Callable[P, R]] = strawberry.field(
        description=description, permission_classes=list(permission_classes)
    )
    return decorator


def mutation(
    *, description: str, permission_classes: Sequence[type[BasePermission]] = ()
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`@strawberry.mutation(description=...)` on a resolver."""
    decorator: Callable[[Callable[P, R]], Callable[P, R]] = strawberry.mutation(
        description=description, permission_classes=list(permission_classes)
    )
    return decorator


def described_enum(cls: type[E], description: str, values: dict[E, str]) -> type[E]:
    """Register an enum of the domain (service.models) as a GraphQL enum, each value described.

    The domain's enums know nothing of GraphQL, so the descriptions are given here; a value
    left without one is refused when the module is imported.
    """
    missing = [member.name for member in cls if member not in values]
    if missing:
        raise ValueError(f"{cls.__name__}: describe {', '.join(missing)}")
    strawberry.enum(cls, description=description)
    definition: Any = cls.__strawberry_definition__  # type: ignore[attr-defined]  # set by strawberry.enum
    for value in definition.values:
        value.description = values[cls[value.name]]
    return cls
