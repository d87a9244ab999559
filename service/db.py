"""Engine, sessions and the one-transaction unit of work; the embedded-server fallback.

With service/catalog and service/models, the only place that imports SQLAlchemy (an
import-linter contract checks it): the engine's instrumentation and what a database error
means live here, so the doors need not know the driver.
"""

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import ClauseElement
from sqlalchemy.util import greenlet_spawn

from service import embedded
from service.config import Settings, get_settings
from service.logging import request_context
from service.observability import (
    POOL_CAPACITY,
    POOL_IN_USE,
    POOL_OPEN,
    SLOW_QUERIES,
    operation_label,
    query_log,
)

log = logging.getLogger(__name__)


def start_embedded_server(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL kept in data_dir; return its URL.

    A server this process started stops when the process exits (unless `modelcat db start`
    keeps it); see service.embedded.
    """
    return embedded.start(data_dir).url


def database_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return _embedded_url(settings.data_dir)


@lru_cache
def _embedded_url(data_dir: Path) -> str:
    log.info("DATABASE_URL is unset: using the embedded PostgreSQL in %s", data_dir)
    return embedded_server(data_dir).url


@lru_cache
def embedded_server(data_dir: Path) -> embedded.EmbeddedServer:
    """The embedded server this process uses (started or joined once per process)."""
    return embedded.start(data_dir)


def describe_database(settings: Settings | None = None) -> str:
    """One line for people: which database is in use and where its data lives."""
    settings = settings or get_settings()
    if settings.database_url:
        shown = make_url(settings.database_url).render_as_string(hide_password=True)
        return f"database: {shown} (DATABASE_URL)"
    server = embedded_server(settings.data_dir)
    if server.started_here:
        how = "started by this command; it stops when the command exits"
    elif server.kept:
        how = "already running, kept by `modelcat db start`; `modelcat db stop` stops it"
    else:
        how = "already running for another command; the last command using it stops it"
    return f"database: the embedded PostgreSQL ({how}); its data lives in {server.pgdata}"


def _engine_options(settings: Settings) -> dict[str, Any]:
    connect_args: dict[str, object] = {"connect_timeout": settings.db_connect_timeout}
    if settings.statement_timeout_ms:
        connect_args["options"] = f"-c statement_timeout={settings.statement_timeout_ms}"
    # No ping on every checkout (a round trip per read): a connection found dead raises a
    # disconnect error, which invalidates the whole pool, so the next request reconnects.
    return {
        "pool_pre_ping": False,
        "pool_recycle": 1800,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        "connect_args": connect_args,
    }


def make_engine(url: str, settings: Settings | None = None) -> Engine:
    """An engine with the pool, timeouts and instrumentation the settings ask for."""
    settings = settings or get_settings()
    engine = create_engine(url, **_engine_options(settings))
    instrument_engine(
        engine,
        slow_query_ms=settings.slow_query_ms,
        pool_capacity=settings.db_pool_size + settings.db_max_overflow,
    )
    return engine


def make_async_engine(url: str | URL, settings: Settings | None = None) -> AsyncEngine:
    """The asyncio twin of make_engine, for the GraphQL read path."""
    settings = settings or get_settings()
    # Reads only: autocommit spares each request a BEGIN and the ROLLBACK on return to the
    # pool (each statement sees the newest commits, as a read in its own session did).
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", **_engine_options(settings))
    instrument_engine(
        engine.sync_engine,
        slow_query_ms=settings.slow_query_ms,
        pool_capacity=settings.db_pool_size + settings.db_max_overflow,
    )
    return engine


def instrument_engine(engine: Engine, *, slow_query_ms: int, pool_capacity: int) -> None:
    """Pool gauges and the slow-query log (with the request's operation) for one engine."""
    POOL_CAPACITY.inc(pool_capacity)
    event.listen(engine.pool, "connect", lambda *_: POOL_OPEN.inc())
    event.listen(engine.pool, "close", lambda *_: POOL_OPEN.dec())
    event.listen(engine.pool, "close_detached", lambda *_: POOL_OPEN.dec())
    event.listen(engine.pool, "checkout", lambda *_: POOL_IN_USE.inc())
    event.listen(engine.pool, "checkin", lambda *_: POOL_IN_USE.dec())
    if slow_query_ms > 0:
        _log_slow_queries(engine, slow_query_ms / 1000)


def _log_slow_queries(engine: Engine, threshold: float) -> None:
    def start(conn: Connection, *_: Any) -> None:
        conn.info.setdefault("query_started", []).append(time.perf_counter())

    def failed(exception_context: ExceptionContext) -> None:
        connection = exception_context.connection
        # A failure ends every statement still awaited on the connection (`fetch_many` sends
        # several before the first answers; one failing aborts those after it).
        if connection is not None and connection.info.get("query_started"):
            connection.info["query_started"].clear()

    def finish(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        # First sent, first answered (`fetch_many` sends several before reading any).
        seconds = time.perf_counter() - conn.info["query_started"].pop(0)
        if seconds < threshold:
            return
        current = request_context.get()
        operation = current.operation if current else None
        SLOW_QUERIES.labels(operation_label(operation)).inc()
        query_log.warning(
            "slow query: %.0f ms",
            seconds * 1000,
            extra={
                "duration_ms": round(seconds * 1000, 2),
                "statement": " ".join(statement.split())[:1000],
            },
        )

    event.listen(engine, "before_cursor_execute", start)
    event.listen(engine, "handle_error", failed)
    event.listen(engine, "after_cursor_execute", finish)


def connection_failure(error: BaseException) -> bool | None:
    """Whether this one exception means the database was out of reach (None: not a database
    error): the pool's wait ran out, the connection broke, or the server could not be reached.
    A statement cancelled by statement_timeout is a database error but not a lost connection.
    """
    if isinstance(error, sa_exc.TimeoutError):  # the pool's wait ran out
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return type(error.orig).__name__ != "QueryCanceled"
    return None


# Database failures as the doors catch them, without naming the driver: any database error,
# and the driver's own (a DBAPIError wraps the driver's exception as `orig`).
DatabaseError = sa_exc.SQLAlchemyError
DriverError = sa_exc.DBAPIError
PoolTimeout = sa_exc.TimeoutError  # no pooled connection came free within the pool's timeout

# SQLSTATE classes that mean "this database cannot serve now", not "this query is wrong":
# 08 connection exception, 57P operator intervention (shutdown, starting up).
UNAVAILABLE_SQLSTATES = ("08", "57P")
# A standby cancels a read whose rows its replay must remove (conflict with recovery).
RECOVERY_CONFLICT_SQLSTATES = ("40001", "40P01")


def sqlstate(exc: sa_exc.DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def is_unavailable(exc: sa_exc.DBAPIError) -> bool:
    """The database went away or refuses sessions, as opposed to a query that went wrong.

    The write path uses it too: such an error on the primary answers SERVICE_UNAVAILABLE.
    """
    if exc.connection_invalidated:
        return True
    if not isinstance(exc.orig, psycopg.OperationalError):
        return False
    state = sqlstate(exc)
    return state is None or state.startswith(UNAVAILABLE_SQLSTATES)


def is_recovery_conflict(exc: sa_exc.DBAPIError) -> bool:
    return (sqlstate(exc) or "") in RECOVERY_CONFLICT_SQLSTATES


def is_operational_error(error: BaseException) -> bool:
    """The database failed the statement for a reason of its own (down, cancelled, timed out)."""
    return isinstance(error, sa_exc.OperationalError)


def async_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for the asynchronous read path; objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@lru_cache
def get_engine() -> Engine:
    return make_engine(database_url())


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit when the block ends cleanly, roll back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session


# The hot reads: statements compiled once, run on the session's own driver connection.
#
# Through `AsyncSession.execute` each statement costs a few hundred microseconds of Python
# (a greenlet switch, the ORM execution context, the compiled cache lookup, parameter
# processing, the result's row processors), several times what PostgreSQL takes to answer
# it. The hot reads (each an id lookup that is run many times with the same SQL) instead run
# their SQL, compiled once by SQLAlchemy with the psycopg dialect, on the psycopg connection
# the session holds, as a prepared statement, and take plain tuples back. What the engine
# adds stays: the statement runs on the request's connection (the replica snapshot's when
# there is one), the engine's `before_cursor_execute`/`after_cursor_execute` listeners see it
# (the slow-query log, statement counts), and a failure goes through SQLAlchemy's own
# handling (wrapped as DBAPIError, a lost connection invalidated) as any other statement.

_DIALECT = pg_psycopg.dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A Core statement's SQL (psycopg's %(name)s style) and its constant parameters."""

    sql: str
    constants: dict[str, Any]


def prepare(statement: ClauseElement) -> Prepared:
    """Compile once. Parameters that expand per call (`IN` over a list) are refused: the SQL
    of a prepared statement must not depend on the number of keys (use `= ANY(array)`)."""
    compiled = statement.compile(dialect=_DIALECT)
    sql = str(compiled)
    if "POSTCOMPILE" in sql:
        raise ValueError("a prepared read takes arrays (= ANY), not expanding IN parameters")
    return Prepared(sql, dict(compiled.params))


_DRIVER = "driver_connection"  # session.info key: (transaction, Connection, psycopg connection)


async def _driver(session: AsyncSession) -> tuple[Connection, Any]:
    """The session's connection and its psycopg connection (checked out at first use)."""
    sync_session = session.sync_session
    held = session.info.get(_DRIVER)
    if held is not None and held[0] is sync_session.get_transaction():
        return held[1], held[2]
    connection = (await session.connection()).sync_connection
    if connection is None:  # an AsyncConnection always has its synchronous connection
        raise RuntimeError("the session's connection is closed")
    driver = connection.connection.driver_connection
    session.info[_DRIVER] = (sync_session.get_transaction(), connection, driver)
    return connection, driver


Query = tuple[Prepared, Mapping[str, Any]]  # a prepared read and its parameters


class IdArray(list[int]):
    """Integer keys (row ids) sent as one `int4[]` parameter.

    psycopg's own dumper of a list looks at its elements at every call to choose the array's
    type (int2, int4, int8 or numeric, by the largest), a good part of a prepared read's
    Python time; these are always `INTEGER` ids, written as an `int4[]` literal."""


class _IdArrayDumper(psycopg.adapt.Dumper):
    oid = psycopg.postgres.types["int4"].array_oid

    def dump(self, obj: Any) -> bytes:
        return ("{" + ",".join([str(int(key)) for key in obj]) + "}").encode()


psycopg.adapters.register_dumper(IdArray, _IdArrayDumper)  # every connection made from now on


def _values(statement: Prepared, params: Mapping[str, Any]) -> dict[str, Any]:
    return {**statement.constants, **params} if statement.constants else dict(params)


async def fetch(
    session: AsyncSession, statement: Prepared, params: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """Run a prepared read on the session's connection; its rows as tuples."""
    connection, driver = await _driver(session)
    values = _values(statement, params)
    sql = statement.sql
    cursor = driver.cursor()
    dispatch = connection.dispatch
    try:
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(connection, cursor, sql, values, None, False)
        await cursor.execute(sql, values, prepare=True)
        rows: list[tuple[Any, ...]] = await cursor.fetchall()
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(connection, cursor, sql, values, None, False)
    except Exception as error:
        await greenlet_spawn(_failed, connection, error, sql, values)
        raise  # _failed always raises; this satisfies the type checker
    finally:
        await cursor.close()
    return rows


async def fetch_many(
    session: AsyncSession, queries: Sequence[Query]
) -> list[list[tuple[Any, ...]]]:
    """Run prepared reads on the session's connection in one round trip; each one's rows.

    psycopg's pipeline mode sends them all and one Sync, then reads every result back: one
    round trip and one wait for the lot instead of one each. Each stays its own prepared
    statement, seen by the engine's listeners as `fetch`'s is. Up to the Sync they run as one
    transaction (outside a session's own, an implicit one: one snapshot for all). A failure
    aborts the statements sent after it; it is handled as `fetch` handles one, with the
    failing statement's SQL (SQLAlchemy's events, DBAPIError, a lost connection invalidated),
    and raised for them all.
    """
    if len(queries) <= 1:
        return [await fetch(session, statement, params) for statement, params in queries]
    connection, driver = await _driver(session)
    dispatch = connection.dispatch
    sent: list[tuple[Any, str, dict[str, Any]]] = []  # (cursor, SQL, parameters)
    answered = 0
    try:
        async with driver.pipeline():
            for statement, params in queries:
                values = _values(statement, params)
                cursor = driver.cursor()
                sent.append((cursor, statement.sql, values))
                if dispatch.before_cursor_execute:
                    dispatch.before_cursor_execute(
                        connection, cursor, statement.sql, values, None, False
                    )
                await cursor.execute(statement.sql, values, prepare=True)
        # Leaving the pipeline sent the Sync and read every result back.
        results: list[list[tuple[Any, ...]]] = []
        for cursor, sql, values in sent:
            results.append(await cursor.fetchall())
            answered += 1
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(connection, cursor, sql, values, None, False)
    except Exception as error:
        # The statements before the failing one answered: the listeners hear so.
        for cursor, sql, values in sent[answered:]:
            if cursor.pgresult is None:
                break
            answered += 1
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(connection, cursor, sql, values, None, False)
        if sent:
            _, sql, values = sent[min(answered, len(sent) - 1)]
        else:  # the pipeline could not start: the first statement did not go
            sql, values = queries[0][0].sql, _values(*queries[0])
        await greenlet_spawn(_failed, connection, error, sql, values)
        raise  # _failed always raises; this satisfies the type checker
    finally:
        for cursor, _, _ in sent:
            await cursor.close()
    return results


def _failed(connection: Connection, error: Exception, sql: str, values: Any) -> None:
    """SQLAlchemy's handling of a failed statement (its events, DBAPIError, invalidation of a
    lost connection), in a greenlet as the engine's own statements have it. The cursor is not
    passed: SQLAlchemy would close it synchronously; `fetch` closes it."""
    try:
        raise error
    except Exception as raised:
        connection._handle_dbapi_exception(raised, sql, values, None, None)
