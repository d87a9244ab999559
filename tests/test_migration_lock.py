"""Replicas starting together: the advisory lock lets one migrate while the others wait."""

import os
import subprocess
import sys
import threading

from sqlalchemy import inspect, text

from service.db import make_engine
from service.migrate import MIGRATION_LOCK_KEY, head_revisions, migration_lock, upgrade
from service.models import Base
from tests.conftest import eventually, run_cli


def _state(url: str) -> tuple[set[str], list[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            versions = []
            if "alembic_version" in tables:
                versions = list(
                    connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
                )
        return tables - {"alembic_version"}, versions
    finally:
        engine.dispose()


def test_an_upgrade_waits_while_another_holds_the_lock(empty_db_url: str) -> None:
    finished = threading.Event()
    with migration_lock(empty_db_url) as holder:
        waiting = threading.Thread(target=lambda: (upgrade(empty_db_url), finished.set()))
        waiting.start()
        waiters = text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND objid = :low"
        )
        eventually(
            lambda: holder.execute(waiters, {"low": MIGRATION_LOCK_KEY & 0xFFFF_FFFF}).scalar(),
            "the second upgrade never asked for the lock",
        )
        assert not finished.is_set(), "the upgrade ran while another process held the lock"
        assert _state(empty_db_url) == (set(), [])
        assert holder.execute(waiters, {"low": MIGRATION_LOCK_KEY & 0xFFFF_FFFF}).scalar() == 1
    waiting.join(timeout=60)
    assert finished.is_set()
    assert _state(empty_db_url) == (set(Base.metadata.tables), sorted(head_revisions()))


def test_replicas_migrating_at_once_all_succeed(empty_db_url: str) -> None:
    replicas = [
        subprocess.Popen(
            [sys.executable, "-m", "service.cli", "migrate"],
            env=run_cli_environment(empty_db_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(replica.wait(timeout=120), replica.stderr.read()) for replica in replicas]  # type: ignore[union-attr]
    assert all(code == 0 for code, _ in outcomes), outcomes
    assert _state(empty_db_url) == (set(Base.metadata.tables), sorted(head_revisions()))


def run_cli_environment(database_url: str) -> dict[str, str]:

    return {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": database_url,
    }


def test_a_second_migrate_changes_nothing(seeded_db_url: str) -> None:
    result = run_cli("migrate", database_url=seeded_db_url)
    assert result.returncode == 0, result.stderr
    assert "database schema is up to date" in result.stdout
