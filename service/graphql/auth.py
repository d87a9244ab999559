"""Writes need an admin token: `Authorization: Bearer <token>`. Reads are public."""

from __future__ import annotations

import asyncio
import hmac
from typing import TYPE_CHECKING

from service.catalog import tokens
from service.catalog.errors import UserInputError
from service.config import Settings
from service.db import unit_of_work

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
