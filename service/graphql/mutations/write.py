"""How every mutation writes: one audited transaction on the primary, within the write timeout.

The admin token is checked before (the `AdminWrite` permission, which starts the timeout);
a write the client can fix answers a typed error result, anything else raises.
"""

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from service.catalog import tokens
from service.catalog.errors import InvalidInputError, Problem, UserInputError
from service.catalog.version import written_version
from service.catalog.writes import Writer, validate
from service.db import unit_of_work
from service.graphql.auth import PrimaryUnavailable, write_grant, write_timed_out
from service.graphql.info import CtxInfo
from service.graphql.inputs import sent
from service.graphql.results.errors import Conflict, InvalidInput, NotFound, error_result
from service.graphql.results.written import Written
from service.graphql.types.common import BigInt

T = TypeVar("T")
R = TypeVar("R", bound=Written)

# A null state is derived by the write path from its value (known when a value is given).
_DERIVED_WHEN_NULL = frozenset({"context_window_state", "parameters_state"})


def patch(input: object, table: Any) -> dict[str, Any]:
    """The fields a patch sends; null for a field the row cannot lack is InvalidInput."""
    data = sent(input)
    columns = table.__table__.columns
    problems = []
    for field, value in data.items():
        if field in _DERIVED_WHEN_NULL:
            continue
        names = (field, f"{field}_id", f"task_{field}")
        column = next((columns[n] for n in names if n in columns), None)
        if value is None and column is not None and not column.nullable:
            head, *rest = field.split("_")
            problems.append(
                Problem(
                    "input",
                    head + "".join(p.capitalize() for p in rest),
                    "cannot be null: every record has one; leave the field out to keep it",
                )
            )
    if problems:
        raise InvalidInputError(problems)
    return data


def checked(schema: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """The fields sent, validated by the write path's schema (the seed files' own)."""
    return validate(schema, data).model_dump(include=set(data))


async def write(
    info: CtxInfo, operation: str, action: Callable[[Writer], T], wrap: Callable[[T], R]
) -> R | InvalidInput | NotFound | Conflict:
    """Run `action` in one audited transaction and answer `wrap` of what it returned, with
    the catalog version it produced; a user's mistake answers its typed error instead."""
    ctx = info.context
    grant = write_grant(info)
    given_up = threading.Event()

    def work() -> tuple[T, int]:
        with unit_of_work(ctx.engine) as session:
            writer = Writer(session, actor=grant.actor, operation=operation)
            result = action(writer)
            writer.finish()
            if grant.actor.startswith("token:"):
                tokens.mark_used(session, grant.actor.removeprefix("token:"))
            version = written_version(session)
            if given_up.is_set():
                # The client was told the write failed: it must not commit after all.
                raise PrimaryUnavailable("the write outlived its timeout; rolled back")
            return result, version

    try:
        async with asyncio.timeout_at(grant.deadline):
            try:
                result, version = await asyncio.to_thread(work)
            except UserInputError as error:
                return error_result(error)
    except TimeoutError:
        # The thread may still wait on the primary; it rolls back if it ever gets an answer
        # before its COMMIT (a COMMIT already sent can still land: the audit log tells).
        given_up.set()
        raise write_timed_out(ctx.settings.write_timeout_ms / 1000) from None
    answer = wrap(result)
    answer.catalog_version = BigInt(version)
    ctx.written_versions.append(version)
    return answer
