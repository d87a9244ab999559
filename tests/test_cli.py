"""The modelcat commands as a user runs them."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from service.catalog.admin import count_models
from service.db import make_engine
from service.migrate import head_revisions
from tests.conftest import SEED_MODELS, run_cli


def test_db_url_prints_the_configured_database(seeded_db_url: str) -> None:
    result = run_cli("db", "url", database_url=seeded_db_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == seeded_db_url


def test_without_database_url_the_embedded_server_is_used_and_kept(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = run_cli("seed", database_url=None, DATA_DIR=str(data_dir))
    assert first.returncode == 0, first.stderr
    assert "create model paligemma" in first.stdout
    assert (data_dir / "pgdata" / "PG_VERSION").exists()
    # A second run finds the same server's data: the catalog is already there.
    second = run_cli("seed", database_url=None, DATA_DIR=str(data_dir))
    assert second.returncode == 0, second.stderr
    assert "nothing to change" in second.stdout
    url = run_cli("db", "url", database_url=None, DATA_DIR=str(data_dir))
    assert url.stdout.startswith("postgresql+psycopg://")


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("db", "url", database_url="mysql://localhost/x")
    assert result.returncode != 0
    assert "DATABASE_URL: DATABASE_URL must start with postgresql://" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_migrates_seeds_and_answers_health(empty_db_url: str) -> None:
    port = _free_port()
    environment = {"DATABASE_URL": empty_db_url, "PATH": "/usr/bin:/bin"}
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the service did not start within 60 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "database": "ok",
            "schema": "head",
            "revision": sorted(head_revisions()),
            "head": sorted(head_revisions()),
        }
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").json() == response.json()
        engine = make_engine(empty_db_url)
        assert count_models(engine) == SEED_MODELS
        engine.dispose()
    finally:
        server.terminate()
        server.wait(timeout=20)
