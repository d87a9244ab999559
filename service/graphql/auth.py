"""Writes need an admin token: `Authorization: Bearer mc_...`. Reads are public."""

import asyncio

from sqlalchemy import Engine

from service.catalog import tokens
from service.catalog.errors import UserInputError
from service.db import unit_of_work


class AuthError(UserInputError):
    def __init__(self, message: str):
        super().__init__(message, None, "UNAUTHENTICATED")


def _bearer(header: str | None) -> str:
    if not header:
        raise AuthError(
            "this is a write: send an admin token as 'Authorization: Bearer <token>' "
            "(create one with `modelcat token create --name NAME`)"
        )
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def _check(engine: Engine, token: str) -> str:
    with unit_of_work(engine) as session:
        name = tokens.verify(session, token)
    if name is None:
        raise AuthError("the admin token is not valid: it is unknown, mistyped or revoked")
    return name


async def admin_name(engine: Engine, header: str | None) -> str:
    """The name of the admin token sent, or AuthError."""
    token = _bearer(header)
    return await asyncio.to_thread(_check, engine, token)
