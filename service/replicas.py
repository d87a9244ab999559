"""Which database serves a read: the primary or one of its streaming replicas.

A `ReplicaSet` knows the primary and zero or more replicas (PostgreSQL hot standbys fed by
streaming replication). It checks every database on an interval, measures how far each replica
is behind in catalog versions, keeps only the healthy, caught-up ones in a round-robin rotation,
and answers "which database serves a read that must see at least catalog version V": a replica
in rotation that has replayed V, else (after a bounded wait for one to catch up) the primary.

A replica leaves the rotation when it does not answer, is no longer a standby, or has not
replayed a version the primary reached more than `max_lag_seconds` ago; it comes back by
itself once a check finds it well again. A read that fails because its database went away is
retried on the next candidate, so the caller sees an answer, not the outage.

A request's reads share one `Snapshot`: one connection and one REPEATABLE READ, READ ONLY
transaction on the database chosen, whose catalog version is read once, at its start. Every
read of the request then sees that one version. When that database fails mid-request the
snapshot is lost (`SnapshotLost`): its reads cannot go on elsewhere without mixing versions,
so the caller runs the whole request's reads again on a new snapshot.

The catalog version is the one number a writing transaction bumps (in commit order); on a
standby, reading it tells which version it has replayed. `read_catalog_version` is the one place
that knows where it is stored. With no replica configured nothing here runs: every read goes to
the primary, exactly as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from service.catalog.version import in_recovery, read_catalog_version
from service.config import Settings
from service.db import DriverError as DBAPIError
from service.db import is_recovery_conflict as _is_recovery_conflict
from service.db import is_unavailable

if TYPE_CHECKING:
    # Annotations only: the statements are service.catalog.version's, the errors service.db's.
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

T = TypeVar("T")
VersionReader = Callable[["AsyncConnection"], Awaitable[int]]

CATCH_UP_POLL_S = 0.01
PRIMARY_VERSIONS_KEPT = 100_000


class NoDatabaseAvailable(RuntimeError):
    """No database can serve this read now; the read path answers SERVICE_UNAVAILABLE."""


class SnapshotLost(RuntimeError):
    """The database holding a request's snapshot failed mid-request (down, stopped answering,
    or cancelled the read in recovery). The reads already served came from that snapshot: run
    the request's reads again on a new one rather than mixing two versions in one answer."""

    def __init__(self, message: str, version: int | None, database: str):
        super().__init__(message)
        self.version = version
        self.database = database  # its name: the request's next snapshot goes elsewhere


class SnapshotAborted(RuntimeError):
    """An earlier read of this snapshot failed (a statement error or timeout, a cancelled
    read): its transaction can serve no more reads. Raised from that first failure."""


class Role(StrEnum):
    PRIMARY = "primary"
    REPLICA = "replica"


def describe(engine: AsyncEngine) -> str:
    """A database's name for logs and /readyz: host, port and database, never credentials."""
    url = engine.url
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


@dataclass
class Database:
    """One database and what the last check or read learnt about it."""

    name: str
    role: Role
    engine: AsyncEngine
    reads: AsyncEngine  # the same pool; a request's reads share one REPEATABLE READ snapshot
    up: bool | None = None  # None: not checked yet
    version: int | None = None  # the catalog version it holds (a replica: has replayed)
    lag_seconds: float = 0.0
    problem: str | None = None  # why it is out of rotation
    # Set (and replaced) each time it is found down: reads in flight on it give up at once.
    gone: asyncio.Event = field(default_factory=asyncio.Event)
    # A question it never answered; while that runs on, it is not asked another.
    stuck: asyncio.Task[Any] | None = None

    @property
    def in_rotation(self) -> bool:
        return self.up is not False and self.problem is None

    def status(self) -> dict[str, Any]:
        if self.up is None:
            state = "unchecked"
        elif not self.up:
            state = "down"
        elif self.problem:
            state = "out of rotation"
        else:
            state = "ok"
        report: dict[str, Any] = {"database": self.name, "role": self.role.value, "status": state}
        if self.version is not None:
            report["version"] = self.version
        if self.role is Role.REPLICA:
            report["lag_seconds"] = round(self.lag_seconds, 3)
        if self.problem:
            report["problem"] = self.problem
        return report


@dataclass(frozen=True)
class Served(Generic[T]):
    """A read's result, with the catalog version of the snapshot it was computed on.

    Cache it under `version`, never a newer one: that is what the answer is true for.
    `version` is None when no replica is configured (the read path keeps its own version).
    """

    value: T
    version: int | None
    database: str
    role: Role


class _Behind(Exception):
    """The snapshot a replica gave is older than the version the read needs."""


class _Gone(Exception):
    """The replica was found down while a read ran on it; the read was abandoned."""


@dataclass
class _Waiters:
    count: int = 0
    wanted: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class ReplicaSet:
    """The primary and its replicas, with the rotation, the lag checks and read routing."""

    def __init__(
        self,
        primary: AsyncEngine,
        replicas: Sequence[AsyncEngine] = (),
        *,
        max_lag_seconds: float = 5,
        check_interval: float = 1,
        check_timeout: float = 2,
        read_your_writes_wait: float = 0.1,
        version_reader: VersionReader = read_catalog_version,
    ) -> None:
        self.primary = self._database(primary, Role.PRIMARY)
        self.replicas = [self._database(engine, Role.REPLICA) for engine in replicas]
        self.max_lag_seconds = max_lag_seconds
        self.check_interval = check_interval
        self.check_timeout = check_timeout
        self.read_your_writes_wait = read_your_writes_wait
        self.version_reader = version_reader
        # (version, when this process first knew the primary had it), oldest first.
        self._primary_versions: deque[tuple[int, float]] = deque(maxlen=PRIMARY_VERSIONS_KEPT)
        self._turn = itertools.count()
        self._waiters = _Waiters()
        self._checker: asyncio.Task[None] | None = None
        self._abandoned: set[asyncio.Task[Any]] = set()
        self._poller: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        primary: AsyncEngine,
        make_engine: Callable[[str], AsyncEngine],
    ) -> Self:
        return cls(
            primary,
            [make_engine(url) for url in settings.database_replica_urls],
            max_lag_seconds=settings.replica_max_lag_seconds,
            check_interval=settings.replica_check_interval,
            check_timeout=settings.replica_check_timeout,
            read_your_writes_wait=settings.read_your_writes_wait_ms / 1000,
        )

    @staticmethod
    def _database(engine: AsyncEngine, role: Role) -> Database:
        reads = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        return Database(describe(engine), role, engine, reads)

    @property
    def enabled(self) -> bool:
        return bool(self.replicas)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Check every database once, then keep checking in the background."""
        if not self.enabled or self._checker is not None:
            return
        await self.check()
        self._checker = asyncio.create_task(self._check_forever(), name="replica-checks")

    async def close(self) -> None:
        """Stop the checks and close the replicas' pools (the primary's belongs to the caller)."""
        for task in (self._checker, self._poller):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._checker = self._poller = None
        if self._abandoned:
            # A second cancel makes psycopg close the connection instead of trying to cancel.
            for task in self._abandoned:
                task.cancel()
            await asyncio.wait(list(self._abandoned), timeout=self.check_timeout)
        for replica in self.replicas:
            await replica.engine.dispose()

    async def _check_forever(self) -> None:
        while True:
            await asyncio.sleep(self.check_interval)
            try:
                await self.check()
            except Exception:  # a bug here must not end the checks for good
                log.exception("replica checks failed")

    # -- checks ----------------------------------------------------------------------------

    async def check(self) -> None:
        """One round: the primary's version first, then every replica's health and lag."""
        await self._check_primary()
        await asyncio.gather(*(self._check_replica(replica) for replica in self.replicas))
        self._forget_replayed_versions()
        self._notify()

    async def _check_primary(self) -> None:
        try:
            version = await self._ask(self.primary, self.version_reader)
        except (DBAPIError, OSError, TimeoutError) as exc:
            if isinstance(exc, DBAPIError) and not is_unavailable(exc):
                # It answers but has no version to give (not migrated yet?): up, version unknown.
                self._set_up(self.primary, None, problem=None)
                return
            self._set_down(self.primary, _reason(exc, self.check_timeout))
            return
        self.observe_primary_version(version)
        self._set_up(self.primary, version, problem=None)

    async def _check_replica(self, replica: Database) -> None:
        async def standby_and_version(conn: AsyncConnection) -> tuple[bool, int]:
            standby = await in_recovery(conn)
            return standby, await self.version_reader(conn)

        try:
            standby, version = await self._ask(replica, standby_and_version)
        except (DBAPIError, OSError, TimeoutError) as exc:
            if isinstance(exc, DBAPIError) and not is_unavailable(exc):
                reason = _reason(exc, self.check_timeout)
                self._set_up(replica, None, f"cannot read its catalog version: {reason}")
                return
            if replica.up is not False:
                await replica.engine.dispose()  # its pooled connections died with it
            self._set_down(replica, _reason(exc, self.check_timeout))
            return
        replica.lag_seconds = self._lag(version)
        problem: str | None = None
        if not standby:
            problem = "not a standby (pg_is_in_recovery() is false): it was promoted?"
        elif replica.lag_seconds > self.max_lag_seconds:
            problem = (
                f"{replica.lag_seconds:.1f} s behind the primary "
                f"(REPLICA_MAX_LAG_SECONDS={self.max_lag_seconds:g})"
            )
        self._set_up(replica, version, problem)

    def observe_primary_version(self, version: int, at: float | None = None) -> None:
        """The primary has reached `version` (from a check, a write or a NOTIFY)."""
        if self._primary_versions and version <= self._primary_versions[-1][0]:
            return
        self._primary_versions.append((version, time.monotonic() if at is None else at))

    @property
    def primary_down(self) -> bool:
        """The last check or read found the primary down: writes answer SERVICE_UNAVAILABLE."""
        return self.primary.up is False

    @property
    def primary_version(self) -> int | None:
        return self._primary_versions[-1][0] if self._primary_versions else None

    def _lag(self, replayed: int) -> float:
        """Seconds since the primary reached the oldest version this replica has not replayed."""
        for version, seen in self._primary_versions:
            if version > replayed:
                return max(0.0, time.monotonic() - seen)
        return 0.0

    def _forget_replayed_versions(self) -> None:
        # Down replicas count too: one may come back at an old version, and its lag is
        # measured from when the primary reached the first version it misses.
        replayed = [r.version for r in self.replicas if r.version is not None]
        if not replayed:
            return
        oldest_needed = min(replayed)
        while len(self._primary_versions) > 1 and self._primary_versions[1][0] <= oldest_needed:
            self._primary_versions.popleft()

    def _set_up(self, database: Database, version: int | None, problem: str | None) -> None:
        was_serving = database.up is True and database.problem is None
        first_check = database.up is None
        database.up, database.problem = True, problem
        if version is not None:
            database.version = version
        if problem and (was_serving or first_check):
            log.warning("%s %s is out of rotation: %s", database.role, database.name, problem)
        elif problem is None and not was_serving:
            log.info("%s %s serves (catalog version %s)", database.role, database.name, version)

    def _set_down(self, database: Database, reason: str) -> None:
        if database.up is not False:
            log.warning("%s %s is down: %s", database.role, database.name, reason)
        database.up, database.problem = False, reason
        gone, database.gone = database.gone, asyncio.Event()
        gone.set()
        self._notify()

    async def _ask(
        self, database: Database, question: Callable[[AsyncConnection], Awaitable[T]]
    ) -> T:
        """A short question to a database, given up after `check_timeout`.

        Giving up does not wait for the question to end: on a server that stopped answering,
        psycopg spends up to 10 s trying to cancel it. It ends in the background, and until it
        has, the database is not asked again (it counts as still not answering).
        """
        if database.stuck is not None and not database.stuck.done():
            raise TimeoutError

        async def ask() -> T:
            async with database.engine.connect() as connection:
                return await question(connection)

        task = asyncio.ensure_future(ask())
        if not await self._finished(task, timeout=self.check_timeout):
            database.stuck = task
            raise TimeoutError
        return task.result()

    async def _finished(
        self,
        task: asyncio.Task[Any],
        *,
        timeout: float | None = None,
        unless: asyncio.Event | None = None,
    ) -> bool:
        """Wait for a task until the timeout or the event, then abandon it (cancel, not await)."""
        waits: set[asyncio.Future[Any]] = {task}
        if unless is not None:
            waits.add(asyncio.ensure_future(unless.wait()))
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            self._abandon(task)
            raise
        finally:
            for other in waits - {task}:
                other.cancel()
        if task.done():
            return True
        self._abandon(task)
        return False

    def _abandon(self, task: asyncio.Task[Any]) -> None:
        task.cancel()
        self._abandoned.add(task)
        task.add_done_callback(self._forget_abandoned)

    def _forget_abandoned(self, task: asyncio.Task[Any]) -> None:
        self._abandoned.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: an abandoned read's failure is not news

    # -- routing ---------------------------------------------------------------------------

    async def candidates(self, min_version: int = 0) -> list[Database]:
        """The databases to try for a read needing `min_version`, best first.

        Replicas in rotation that have replayed it (round robin), then the primary unless it is
        known down; then, only when the primary is down, replicas that are up but lagging or
        unchecked, freshest first (a read without a version token prefers a slightly old
        answer to none). The primary comes last even when it looked down: it may be back.
        """
        if not self.enabled:
            return [self.primary]
        ready = self._replicas_with(min_version)
        if not ready and min_version > 0 and self.read_your_writes_wait > 0:
            ready = await self._wait_for_replica(min_version, self.read_your_writes_wait)
        start = next(self._turn) % len(ready) if ready else 0
        ordered = ready[start:] + ready[:start]
        if self.primary.up is not False:
            return [*ordered, self.primary]
        stale = sorted(
            (r for r in self.replicas if r.up is not False and r not in ordered),
            key=lambda r: r.version or 0,
            reverse=True,
        )
        return [*ordered, *stale, self.primary]

    def _replicas_with(self, min_version: int) -> list[Database]:
        return [
            r
            for r in self.replicas
            if r.in_rotation and r.up and r.version is not None and r.version >= min_version
        ]

    async def read(
        self, work: Callable[[AsyncConnection], Awaitable[T]], *, min_version: int = 0
    ) -> Served[T]:
        """Run one read on its own snapshot on the best database (see `snapshot`).

        A database that fails under the read moves it to the next one. Errors that are not
        about a database being unavailable (a bad statement, a timeout) propagate unchanged.
        """
        if not self.enabled:
            async with self.primary.engine.connect() as connection:
                value = await work(connection)
            return Served(value, None, self.primary.name, Role.PRIMARY)
        # Each lost snapshot takes its database out of the candidates (down, or gone): one
        # attempt per database at most.
        attempts = len(self.replicas) + 1
        lost_on: set[str] = set()
        for attempt in range(1, attempts + 1):
            snapshot = await self.snapshot(min_version, avoid=lost_on)
            try:
                value = await snapshot.run(work)
            except SnapshotLost as lost:
                if attempt == attempts:
                    raise NoDatabaseAvailable(f"every snapshot was lost: {lost}") from lost
                lost_on.add(lost.database)
                continue
            finally:
                await snapshot.close()
            database = snapshot.database
            return Served(value, snapshot.version, database.name, database.role)
        raise AssertionError("unreachable")

    async def snapshot(self, min_version: int = 0, avoid: Collection[str] = ()) -> Snapshot:
        """A snapshot on the best database for reads needing `min_version` (see `candidates`).

        It opens one connection, begins a REPEATABLE READ, READ ONLY transaction and reads the
        catalog version in it: that version is what every read on the snapshot sees. A
        database that is down, stops answering or is behind is passed over for the next one;
        NoDatabaseAvailable when none is left. Databases named in `avoid` (they lost this
        request's snapshot already) come only when no other is left.
        """
        failures: list[str] = []
        candidates = await self.candidates(min_version)
        if avoid:
            others = [d for d in candidates if d.name not in avoid]
            candidates = others + [d for d in candidates if d.name in avoid]
        for database in candidates:
            try:
                return await self._open_on(database, min_version)
            except _Behind:
                failures.append(f"{database.name}: behind version {min_version}")
            except _Gone:
                failures.append(f"{database.name}: stopped answering")
            except DBAPIError as exc:
                if _is_recovery_conflict(exc) and database.role is Role.REPLICA:
                    failures.append(f"{database.name}: conflict with recovery")
                    continue
                if not is_unavailable(exc):
                    raise
                self._set_down(database, _reason(exc, self.check_timeout))
                failures.append(f"{database.name}: {_reason(exc, self.check_timeout)}")
        raise NoDatabaseAvailable("no database could serve the read: " + "; ".join(failures))

    async def _open_on(self, database: Database, min_version: int) -> Snapshot:
        async def begin() -> tuple[AsyncConnection, int]:
            connection = await database.reads.connect()
            try:
                await connection.begin()
                version = await self.version_reader(connection)
            except BaseException:
                with contextlib.suppress(Exception):
                    await connection.invalidate()
                raise
            # The primary holds the newest catalog there is, whatever version was asked for.
            if version < min_version and database.role is Role.REPLICA:
                await connection.close()
                raise _Behind
            return connection, version

        if database.role is Role.PRIMARY:
            connection, version = await begin()
        else:
            # A replica that stops answering (frozen, cut off by the network) would hold the
            # read until TCP gives up; once a check finds it down, the read moves on instead.
            task = asyncio.ensure_future(begin())
            if not await self._finished(task, unless=database.gone):
                raise _Gone
            connection, version = task.result()
        if database.version is None or version > database.version:
            database.version = version
        if database.role is Role.PRIMARY:
            self.observe_primary_version(version)
        return Snapshot(self, database, connection, version)

    # -- waiting for a replica to catch up -------------------------------------------------

    async def _wait_for_replica(self, version: int, timeout: float) -> list[Database]:
        """Replicas in rotation that replay `version` within `timeout` (empty: none did).

        One poller per process asks the lagging replicas for their version every few
        milliseconds while anyone waits, however many requests wait.
        """
        if not any(r.in_rotation and r.up for r in self.replicas):
            return []
        waiters = self._waiters
        waiters.count += 1
        waiters.wanted = max(waiters.wanted, version)
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll_catch_up(), name="replica-catch-up")
        deadline = time.monotonic() + timeout
        try:
            while not (ready := self._replicas_with(version)):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not any(r.in_rotation and r.up for r in self.replicas):
                    return []
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiters.changed.wait(), remaining)
            return ready
        finally:
            waiters.count -= 1

    async def _poll_catch_up(self) -> None:
        waiters = self._waiters
        while waiters.count:
            behind = [
                r
                for r in self.replicas
                if r.in_rotation and r.up and (r.version or 0) < waiters.wanted
            ]
            await asyncio.gather(*(self._refresh_version(r) for r in behind))
            self._notify()
            await asyncio.sleep(CATCH_UP_POLL_S)
        # No await between the last count check and here: a new waiter starts a new poller.
        waiters.wanted = 0
        self._poller = None

    async def _refresh_version(self, replica: Database) -> None:
        try:
            replica.version = await self._ask(replica, self.version_reader)
        except (DBAPIError, OSError, TimeoutError) as exc:
            self._set_down(replica, _reason(exc, self.check_timeout))

    def _notify(self) -> None:
        changed, self._waiters.changed = self._waiters.changed, asyncio.Event()
        changed.set()

    # -- reporting -------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        """Each database's state, for /readyz; `reads` says whether any read can be served."""
        serving = self.primary.up is not False or any(r.up for r in self.replicas)
        return {
            "reads": "ok" if serving else "unavailable",
            "writes": "unavailable" if self.primary_down else "ok",
            "primary": self.primary.status(),
            "replicas": [replica.status() for replica in self.replicas],
        }


class Snapshot:
    """A request's reads on one database: one connection, one read-only REPEATABLE READ
    transaction, and the catalog version read at its start (`version`).

    Reads run one at a time. On a replica each read gives up as soon as a check finds the
    replica down. A read that fails because the database went away (or, on a standby, was
    cancelled to let replay go on) loses the snapshot: `SnapshotLost`, and every later read
    on it too. A read whose statement fails otherwise (a timeout, a bug) aborts the
    transaction: later reads raise `SnapshotAborted` from that failure.
    """

    def __init__(
        self, owner: ReplicaSet, database: Database, connection: AsyncConnection, version: int
    ):
        self.owner = owner
        self.database = database
        self.connection = connection
        self.version = version
        self._lost: SnapshotLost | None = None
        self._aborted: BaseException | None = None
        self._running: asyncio.Task[Any] | None = None  # a read given up while it ran

    @property
    def usable(self) -> bool:
        return self._lost is None and self._aborted is None

    async def run(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        if self._lost is not None:
            raise self._lost
        if self._aborted is not None:
            raise SnapshotAborted("an earlier read of this request failed") from self._aborted
        database = self.database
        try:
            if database.role is Role.PRIMARY:
                return await work(self.connection)
            task = asyncio.ensure_future(work(self.connection))
            try:
                finished = await self.owner._finished(task, unless=database.gone)
            except asyncio.CancelledError:
                self._running = task
                raise
            if not finished:
                self._running = task
                raise self._lose("stopped answering")
            return task.result()
        except DBAPIError as exc:
            if database.role is Role.REPLICA and _is_recovery_conflict(exc):
                raise self._lose("cancelled the read (conflict with recovery)") from exc
            if is_unavailable(exc):
                self.owner._set_down(database, _reason(exc, self.owner.check_timeout))
                raise self._lose(_reason(exc, self.owner.check_timeout)) from exc
            self._aborted = exc
            raise
        except asyncio.CancelledError as exc:
            self._aborted = exc  # cancelled mid-statement: the connection's state is unknown
            raise

    def _lose(self, why: str) -> SnapshotLost:
        log.info("%s %s lost a snapshot mid-request: %s", *self._who(), why)
        name = self.database.name
        self._lost = SnapshotLost(f"{name}: {why}", self.version, name)
        return self._lost

    def _who(self) -> tuple[str, str]:
        return self.database.role.value, self.database.name

    async def close(self) -> None:
        """End the transaction and return the connection, or discard it when it is broken.

        A read given up on may still be running on the connection: the connection is
        discarded once it ends, in the background (the request does not wait for it).
        """
        connection = self.connection
        if self.usable:
            if self.database.role is Role.PRIMARY:
                await self._close_or_discard(connection)
                return
            task = asyncio.ensure_future(self._close_or_discard(connection))
            await self.owner._finished(task, unless=self.database.gone)
            return
        running = self._running
        if running is not None and not running.done():
            discard = asyncio.ensure_future(_discard_after(running, connection))
            self.owner._abandoned.add(discard)
            discard.add_done_callback(self.owner._forget_abandoned)
            return
        with contextlib.suppress(Exception):
            await connection.invalidate()

    @staticmethod
    async def _close_or_discard(connection: AsyncConnection) -> None:
        try:
            await connection.close()  # the pool's reset ends the read-only transaction
        except DBAPIError:
            with contextlib.suppress(Exception):
                await connection.invalidate()


async def _discard_after(running: asyncio.Task[Any], connection: AsyncConnection) -> None:
    await asyncio.wait([running])
    with contextlib.suppress(Exception):
        await connection.invalidate()


def _reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"did not answer within {timeout:g} s"
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        first_line = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        return f"{type(exc.orig).__name__}: {first_line}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
