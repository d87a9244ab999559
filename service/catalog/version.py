"""The catalog version: read from its row, or followed in memory through LISTEN/NOTIFY.

A trigger bumps `catalog_state.version` once per writing transaction, in commit order, and
NOTIFYs it on the `catalog_version` channel. `VersionFollower` keeps a LISTEN connection
and holds the newest version in memory, so a cached answer can be checked without SQL. When
that connection is lost it reports no version (`current()` is None) until it is back and has
read the row again: the caller then checks the version per request instead.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable

import psycopg
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from service.models import CatalogState

log = logging.getLogger(__name__)

CHANNEL = "catalog_version"
_READ_VERSION = select(CatalogState.version)
_CATALOG_VERSION = text("SELECT version FROM catalog_state")
_IN_RECOVERY = text("SELECT pg_is_in_recovery()")


async def read_version(session: AsyncSession) -> int:
    """The committed catalog version, one indexed single-row read (works on a standby too)."""
    return (await session.scalar(_READ_VERSION)) or 0


async def read_catalog_version(connection: AsyncConnection) -> int:
    """The catalog version this database holds (on a standby: the one it has replayed); the
    replica set's probe, on a bare connection."""
    return int((await connection.execute(_CATALOG_VERSION)).scalar_one())


async def in_recovery(connection: AsyncConnection) -> bool:
    """Whether this database is a standby replaying the primary's changes."""
    return bool((await connection.execute(_IN_RECOVERY)).scalar_one())


def written_version(session: Session) -> int:
    """Inside a writing transaction, after its audit rows: the version this transaction made.

    The audit trigger bumped the row in this transaction and holds its lock until commit, so
    this is exactly the version the commit publishes (the one before, if nothing was audited).
    """
    session.flush()
    return session.scalar(_READ_VERSION) or 0


class VersionFollower:
    """Follows the primary's catalog version from a LISTEN connection."""

    def __init__(
        self,
        conninfo: str,
        *,
        retry_seconds: float = 1.0,
        heartbeat_seconds: float = 10,
        on_version: Callable[[int], None] | None = None,
    ):
        self._conninfo = conninfo
        # Told every newer version (the replica set measures its replicas' lag against them).
        self._on_version = on_version
        self._retry_seconds = retry_seconds
        self._heartbeat_seconds = heartbeat_seconds
        self._version: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    def current(self) -> int | None:
        """The newest committed version, or None while not listening (check per request)."""
        return self._version

    async def start(self) -> None:
        self._task = asyncio.create_task(self._follow(), name="catalog-version-follower")
        try:
            await asyncio.wait_for(self._listening.wait(), timeout=5)
        except TimeoutError:
            log.warning("catalog version: not listening yet; checking the version per request")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._version = None

    async def _follow(self) -> None:
        while True:
            try:
                await self._listen_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database went away: fall back, then retry
                if self._version is not None:
                    log.warning("catalog version: LISTEN connection lost (%s); retrying", error)
            self._version = None
            await asyncio.sleep(self._retry_seconds)

    async def _listen_once(self) -> None:
        async with await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=5
        ) as connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            # Read after LISTEN: a commit between the two is then seen by one or the other.
            self._advance(await self._read(connection))
            self._listening.set()
            while True:
                async for notice in connection.notifies(timeout=self._heartbeat_seconds):
                    try:
                        self._advance(int(notice.payload))
                    except ValueError:
                        continue
                # Quiet for a while: prove the connection still answers (a silent network
                # failure would otherwise leave the version behind without an error).
                self._advance(await asyncio.wait_for(self._read(connection), timeout=5))

    @staticmethod
    async def _read(connection: psycopg.AsyncConnection) -> int:
        cursor = await connection.execute("SELECT version FROM catalog_state")
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    def advance(self, version: int) -> None:
        """A version this process saw committed (its own write): don't wait for the NOTIFY."""
        if self._version is not None:
            self._advance(version)

    def _advance(self, version: int) -> None:
        """Notifications arrive in commit order; never step back."""
        if self._version is None or version > self._version:
            self._version = version
            if self._on_version is not None:
                self._on_version(version)
