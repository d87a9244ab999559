"""Find a real PostgreSQL: TEST_DATABASE_URL, else testcontainers, else the embedded server.

One migrated and seeded template database is built per run; tests that commit get their
own copy of it (CREATE DATABASE ... TEMPLATE), tests that only read share one and roll back.
"""

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Connection, Engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from service.catalog.admin import seed_catalog
from service.config import PROJECT_ROOT, Settings, to_sqlalchemy_url
from service.db import make_engine
from service.migrate import upgrade

T = TypeVar("T")

SEED_DIR = PROJECT_ROOT / "seed"
# Derived from the seed files, so adding a curated model does not break a count in a test.
SEED_MODELS = len(list((SEED_DIR / "models").glob("*.y*ml")))


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on a loop of its own, in another thread: the browser tests'
    session-wide Playwright keeps a loop running on the main thread, where asyncio.run()
    refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def eventually(check: Callable[[], object], message: str, seconds: float = 30.0) -> None:
    """Wait until check() is true, polling, and fail with message once the deadline passes."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{message} (not within {seconds:g} s)"
        time.sleep(0.02)


def isolated_settings(**values: Any) -> Settings:
    """Settings for a test: the environment and these values, never a developer's local .env."""
    return Settings(_env_file=None, **values)


def shared_app_settings(url: str, **values: Any) -> Settings:
    """For an app that many tests share: no response cache, so what one test asked does not
    answer the next (and statement counts do not depend on test order). Tests of the cache
    build their own app with it on."""
    return isolated_settings(database_url=url, response_cache_size=0, **values)


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def server_url() -> Iterator[URL]:
    """A URL to the maintenance database of a running server."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield make_url(to_sqlalchemy_url(url))
    elif _docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver="psycopg") as container:
            yield make_url(container.get_connection_url())
    else:
        from service.embedded import pgserver

        # Not under pytest's basetemp: another pytest session on the machine prunes old
        # basetemp folders, which would pull the data and socket from under a running server.
        pgdata = Path(tempfile.mkdtemp(prefix="modelcat-test-pgdata-"))
        server = pgserver().get_server(pgdata, cleanup_mode="delete")
        yield make_url(to_sqlalchemy_url(server.get_uri()))


class Databases:
    """Creates throwaway databases on the test server and drops them at the end."""

    def __init__(self, server_url: URL):
        self.server_url = server_url
        # No statement timeout: on a busy machine DROP DATABASE can wait out a checkpoint.
        unlimited = isolated_settings(statement_timeout_ms=0)
        self.admin = make_engine(server_url.render_as_string(hide_password=False), unlimited)
        self.admin = self.admin.execution_options(isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self, template: str | None = None) -> URL:
        name = f"modelcat_test_{uuid.uuid4().hex[:12]}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return self.server_url.set(database=name)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def url_text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def databases(server_url: URL) -> Iterator[Databases]:
    dbs = Databases(server_url)
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def seeded_template(databases: Databases) -> str:
    """Name of a database holding the migrated schema and the seed; never connected to after."""
    url = databases.create()
    upgrade(url_text(url))
    engine = make_engine(url_text(url))
    seed_catalog(engine, SEED_DIR)
    engine.dispose()
    assert url.database
    return url.database


@pytest.fixture(scope="session")
def engine(databases: Databases, seeded_template: str) -> Iterator[Engine]:
    """A shared seeded database; tests on it must not commit (use `session`)."""
    shared = make_engine(url_text(databases.create(template=seeded_template)))
    yield shared
    shared.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as db_session:
        yield db_session


@pytest.fixture
def seeded_db_url(databases: Databases, seeded_template: str) -> str:
    """A private copy of the seeded database, for tests that commit."""
    return url_text(databases.create(template=seeded_template))


@pytest.fixture
def empty_db_url(databases: Databases) -> str:
    """A private database with no schema at all."""
    return url_text(databases.create())


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed directory, to break on purpose."""
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


def run_cli(*args: str, database_url: str | None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `modelcat` as a user would, in a child process."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url:
        environment["DATABASE_URL"] = database_url
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the files marked slow first (stable otherwise): pytest-xdist hands out whole files
    in this order, so the long ones run beside the many short ones instead of last and alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
