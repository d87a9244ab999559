"""Writes need an admin token: `Authorization: Bearer <token>`. Reads are public.

Fields that need one name a permission class: `AdminWrite` on every mutation, `AdminRead` on
the admin reads.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from service.catalog import tokens
from service.catalog.errors import UserInputError
from service.config import Settings
from service.db import unit_of_work
from service.replicas import NoDatabaseAvailable

if TYPE_CHECKING:
    from sqlalchemy import Engine

ENV_ACTOR = "env:ADMIN_TOKEN"


class AuthError(UserInputError):
    def __init__(self, message: str, code: str = "UNAUTHENTICATED"):
        super().__init__(message, None, code)


def _bearer(header: str | None) -> str:
    if not header:
        raise AuthError(
            "this needs an admin token: send 'Authorization: Bearer <token>' "
            "(create one with `modelcat token create --name NAME`)"
        )
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def _check(engine: Engine, settings: Settings, token: str) -> str:
    configured = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if configured and hmac.compare_digest(token.encode(), configured.encode()):
        return ENV_ACTOR
    with unit_of_work(engine) as session:
        name = tokens.verify(session, token)
    if name is None:
        raise AuthError("the admin token is not valid: it is unknown, mistyped or revoked")
    return f"token:{name}"


async def admin_actor(
    engine: Engine, settings: Settings, header: str | None, *, write: bool
) -> str:
    """Who the admin token sent names ('token:NAME' or the environment's), or AuthError."""
    if write and not settings.writes_on:
        raise AuthError(
            "writes are disabled on this server; an operator enables them with WRITES_ENABLED=true",
            "FORBIDDEN",
        )
    token = _bearer(header)
    return await asyncio.to_thread(_check, engine, settings, token)


class PrimaryUnavailable(NoDatabaseAvailable):
    """The primary cannot take the write now (known down, or no answer within the write
    timeout): answered SERVICE_UNAVAILABLE, masked."""


@dataclass(frozen=True)
class WriteGrant:
    """What AdminWrite established for the mutation about to run."""

    actor: str  # who the token names, for the audit log
    deadline: float  # loop time by which the whole write (check included) must be done


class AdminRead(BasePermission):
    """An admin token for an admin read (`auditLog`); refused with UNAUTHENTICATED."""

    async def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        ctx = info.context
        header = ctx.request.headers.get("authorization")
        await admin_actor(ctx.engine, ctx.settings, header, write=False)
        return True


class AdminWrite(BasePermission):
    """An admin token on a server with writes on and its primary up, for a mutation.

    Refusals are coded errors raised here (UNAUTHENTICATED, FORBIDDEN, SERVICE_UNAVAILABLE),
    never a result: a refused token is not something the write's typed result describes. The
    write timeout (WRITE_TIMEOUT_MS) starts here and bounds the check and the write together;
    the mutation reads who may write and by when with `write_grant(info)`.
    """

    async def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        ctx = info.context
        replica_set = ctx.replica_set
        if replica_set is not None and replica_set.primary_down:
            # The checks found the primary down (stopped, or not answering): say so at once
            # rather than make every writer wait for a connection that will not come.
            raise PrimaryUnavailable("the primary is down: " + (replica_set.primary.problem or ""))
        timeout = ctx.settings.write_timeout_ms / 1000
        deadline = asyncio.get_running_loop().time() + timeout
        header = ctx.request.headers.get("authorization")
        try:
            async with asyncio.timeout_at(deadline):
                actor = await admin_actor(ctx.engine, ctx.settings, header, write=True)
        except TimeoutError:
            raise write_timed_out(timeout) from None
        ctx.request.state.write_grant = WriteGrant(actor=actor, deadline=deadline)
        return True


def write_grant(info: Info[Any, Any]) -> WriteGrant:
    """What AdminWrite granted the running mutation (a mutation without it is a bug)."""
    grant = getattr(info.context.request.state, "write_grant", None)
    if not isinstance(grant, WriteGrant):
        raise RuntimeError("a mutation ran without the AdminWrite permission")
    return grant


def write_timed_out(timeout: float) -> PrimaryUnavailable:
    return PrimaryUnavailable(
        f"the primary did not answer the write within {timeout:g} s (WRITE_TIMEOUT_MS)"
    )
