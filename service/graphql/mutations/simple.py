"""Create and update mutations of the records that are a slug and a few fields (organizations,
licenses, sources, tasks, collections): the same two resolvers, made once per kind."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from pydantic import BaseModel

from service.catalog import writes
from service.graphql.auth import AdminWrite
from service.graphql.info import CtxInfo
from service.graphql.inputs import sent
from service.graphql.mutations.write import checked, patch, write
from service.graphql.results.written import Written
from service.models.base import Base

RowT = TypeVar("RowT", bound=Base)


def _same(fields: dict[str, Any]) -> dict[str, Any]:
    return fields


@dataclass(frozen=True)
class Kind(Generic[RowT]):
    """One kind of simple record and how its GraphQL shapes map to the write path."""

    name: str  # 'organization': the audit log's entity, NotFound's kind, the mutations' noun
    table: type[RowT]
    schema: type[BaseModel]  # the seed file's schema: a create is validated as a seed entry
    result: Callable[[RowT], Written]
    input: type[Any]  # the GraphQL input of a create
    patch: type[Any]  # the GraphQL input of an update
    union: object  # the GraphQL result union of both
    columns: Callable[[dict[str, Any]], dict[str, Any]] = _same  # GraphQL names to columns

    @property
    def noun(self) -> str:
        return self.name[0].upper() + self.name[1:]


def create(kind: Kind[Any], description: str) -> Any:
    """The `create<Kind>(input:)` mutation."""

    async def resolve(info: CtxInfo, input: Any) -> Any:
        return await write(
            info,
            f"create{kind.noun}",
            lambda w: writes.create_simple(
                w, kind.table, kind.name, kind.columns(checked(kind.schema, sent(input)))
            ),
            kind.result,
        )

    # The argument and result types differ by kind: given to Strawberry as annotations.
    resolve.__annotations__ = {
        "info": CtxInfo,
        "input": Annotated[kind.input, strawberry.argument(description=f"The new {kind.name}.")],
        "return": kind.union,
    }
    return strawberry.mutation(
        resolver=resolve, description=description, permission_classes=[AdminWrite]
    )


def update(kind: Kind[Any], description: str) -> Any:
    """The `update<Kind>(slug:, input:)` mutation."""

    async def resolve(info: CtxInfo, slug: str, input: Any) -> Any:
        return await write(
            info,
            f"update{kind.noun}",
            lambda w: writes.update_simple(
                w, kind.table, kind.name, slug, kind.columns(patch(input, kind.table))
            ),
            kind.result,
        )

    resolve.__annotations__ = {
        "info": CtxInfo,
        "slug": Annotated[
            str, strawberry.argument(description=f"The {kind.name}'s slug, in any case.")
        ],
        "input": Annotated[
            kind.patch, strawberry.argument(description="The fields to change, and only them.")
        ],
        "return": kind.union,
    }
    return strawberry.mutation(
        resolver=resolve, description=description, permission_classes=[AdminWrite]
    )
