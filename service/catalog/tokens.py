"""Admin tokens: 'mc_<id>_<secret>'. Only the secret's SHA-256 is stored; it is shown once."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.catalog import audit
from service.catalog.changes import Change, ChangeLog
from service.catalog.errors import UserInputError, suggest
from service.models import ApiToken

PREFIX = "mc"


@dataclass(frozen=True)
class TokenInfo:
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create(session: Session, *, name: str, actor: str) -> str:
    """Store a new token under `name`; return the token, which is never shown again."""
    name = name.strip()
    if not name:
        raise UserInputError("a token needs a name", "name")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise UserInputError(f"a token named {name!r} already exists; pick another name", "name")
    secret = secrets.token_urlsafe(32)
    token = ApiToken(name=name, secret_hash=_hash(secret))
    session.add(token)
    session.flush()
    log = ChangeLog([Change("create", "token", name, after={"name": name})])
    audit.record(session, actor=actor, operation="token create", log=log)
    return f"{PREFIX}_{token.id}_{secret}"


MAX_TOKEN_ID_DIGITS = 18


def _is_token_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= MAX_TOKEN_ID_DIGITS


def verify(session: Session, presented: str) -> str | None:
    """The name of the live token presented, or None. The secret is compared in constant time."""
    parts = presented.strip().split("_", 2)
    # isdigit() alone takes '²' and other Unicode digits; ids are ASCII and fit a bigint.
    if len(parts) != 3 or parts[0] != PREFIX or not _is_token_id(parts[1]):
        return None
    token = session.get(ApiToken, int(parts[1]))
    # Compare against a dummy hash when there is no such token, so timing says nothing.
    expected = token.secret_hash if token else _hash("")
    matches = hmac.compare_digest(_hash(parts[2]), expected)
    if token is None or not matches or token.revoked_at is not None:
        return None
    return token.name


def mark_used(session: Session, name: str) -> None:
    """Note a successful write inside its transaction, so a refused one leaves no trace."""
    session.execute(update(ApiToken).where(ApiToken.name == name).values(last_used_at=func.now()))


def listing(session: Session) -> list[TokenInfo]:
    rows = session.scalars(select(ApiToken).order_by(ApiToken.created_at, ApiToken.id))
    return [TokenInfo(t.name, t.created_at, t.last_used_at, t.revoked_at) for t in rows]


def revoke(session: Session, *, name: str, actor: str) -> None:
    token = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        names = [t.name for t in listing(session)]
        raise UserInputError(f"no token named {name!r}{suggest(name, names)}", "name", "NOT_FOUND")
    if token.revoked_at is not None:
        return
    token.revoked_at = func.now()
    session.flush()
    log = ChangeLog(
        [Change("update", "token", name, before={"revoked": False}, after={"revoked": True})]
    )
    audit.record(session, actor=actor, operation="token revoke", log=log)
