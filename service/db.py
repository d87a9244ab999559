"""Engine, sessions and the one-transaction unit of work; the embedded-server fallback."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from service import embedded
from service.config import Settings, get_settings
from service.observability import instrument_engine

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
