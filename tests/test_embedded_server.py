"""The embedded PostgreSQL as a user meets it: child processes, signals, no orphan left behind."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service import embedded
from tests.conftest import run_cli

pytestmark = pytest.mark.slow
START_TIMEOUT_SECONDS = 90


def postgres_processes(pgdata: Path) -> list[int]:
    """Pids of every process whose command line names this data directory."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "postgres" in command and str(pgdata) in command:
            found.append(int(entry.name))
    return found


def wait_until(condition: object, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(data_dir: Path) -> dict[str, str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "XDG_RUNTIME_DIR")
    }
    environment["DATA_DIR"] = str(data_dir)
    environment["SEED_ON_START"] = "false"  # the server's lifetime is the point, not the data
    return environment


@pytest.fixture(scope="module")
def migrated_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose server was created and migrated once, then stopped."""
    data = tmp_path_factory.mktemp("embedded") / "data"
    result = run_cli("migrate", database_url=None, DATA_DIR=str(data))
    assert result.returncode == 0, result.stderr
    assert not postgres_processes(data / "pgdata")
    return data


@pytest.fixture
def data_dir(tmp_path: Path, migrated_data: Path) -> Iterator[Path]:
    """A copy of the migrated data directory (owners and modes kept, as initdb left them)."""
    data = tmp_path / "data"
    subprocess.run(["cp", "-a", str(migrated_data), str(data)], check=True)
    yield data
    # Whatever a failing test left behind is stopped, so no test leaves an orphan either.
    if (data / "pgdata").exists():
        embedded.stop(data)


def _serve(data_dir: Path) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        env=_environment(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def answers() -> bool:
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    assert wait_until(answers, START_TIMEOUT_SECONDS), "serve did not answer"
    return server, port


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_the_server_it_started(data_dir: Path, stop_with: signal.Signals) -> None:
    pgdata = data_dir / "pgdata"
    server, _ = _serve(data_dir)
    assert postgres_processes(pgdata), "serve should have started the embedded server"
    server.send_signal(stop_with)
    output, _ = server.communicate(timeout=60)
    assert "database: the embedded PostgreSQL (started by this command" in output
    assert f"its data lives in {pgdata}" in output
    assert "XDG_RUNTIME_DIR" not in output
    assert wait_until(lambda: not postgres_processes(pgdata), 10), postgres_processes(pgdata)


def test_db_start_keeps_it_across_commands_until_db_stop(data_dir: Path, tmp_path: Path) -> None:
    pgdata = data_dir / "pgdata"
    env = {"DATA_DIR": str(data_dir)}
    fresh = run_cli("db", "status", database_url=None, DATA_DIR=str(tmp_path / "fresh"))
    assert "state: not created yet" in fresh.stdout
    before = run_cli("db", "status", database_url=None, **env)
    assert "state: stopped" in before.stdout
    started = run_cli("db", "start", database_url=None, **env)
    assert started.returncode == 0, started.stderr
    assert f"its data lives in {pgdata}" in started.stdout
    # A command that joins a kept server leaves it running.
    joined = run_cli("db", "url", database_url=None, **env)
    assert joined.returncode == 0, joined.stderr
    [pid] = postgres_processes_main(pgdata)
    status = run_cli("db", "status", database_url=None, **env)
    assert f"state: running (pid {pid})" in status.stdout
    assert "kept running by `modelcat db start`" in status.stdout
    stopped = run_cli("db", "stop", database_url=None, **env)
    assert "stopped the embedded PostgreSQL" in stopped.stdout
    assert not postgres_processes(pgdata)
    after = run_cli("db", "status", database_url=None, **env)
    assert "state: stopped" in after.stdout
    for result in (before, started, joined, status, stopped, after):
        assert "XDG_RUNTIME_DIR" not in result.stderr


def test_a_command_stops_the_server_it_started(data_dir: Path) -> None:
    result = run_cli("db", "url", database_url=None, DATA_DIR=str(data_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("postgresql+psycopg://")
    assert "XDG_RUNTIME_DIR" not in result.stderr
    assert not postgres_processes(data_dir / "pgdata")


def test_a_server_orphaned_by_a_killed_serve_is_stopped_by_the_next_command(
    data_dir: Path,
) -> None:
    pgdata = data_dir / "pgdata"
    server, _ = _serve(data_dir)
    server.kill()  # SIGKILL: nothing can clean up
    server.communicate(timeout=30)
    assert postgres_processes(pgdata), "the killed serve's server is still up, as expected"
    status = run_cli("db", "status", database_url=None, DATA_DIR=str(data_dir))
    assert "commands using it (pids): none" in status.stdout
    # The next command adopts it and, having no one else to share it with, stops it.
    result = run_cli("db", "url", database_url=None, DATA_DIR=str(data_dir))
    assert result.returncode == 0, result.stderr
    assert wait_until(lambda: not postgres_processes(pgdata), 10)


def test_db_commands_with_database_url_say_what_is_in_use() -> None:
    url = "postgresql://catalog:secret@db.example.com:5432/catalog"
    status = run_cli("db", "status", database_url=url)
    assert status.stdout.strip() == (
        "database: postgresql+psycopg://catalog:***@db.example.com:5432/catalog (DATABASE_URL)"
    )
    stop = run_cli("db", "stop", database_url=url)
    assert stop.returncode == 1
    assert "DATABASE_URL is set, so no embedded server is in use" in stop.stderr


def postgres_processes_main(pgdata: Path) -> list[int]:
    """The postmaster only (its pid is the first line of postmaster.pid)."""
    pid = int((pgdata / "postmaster.pid").read_text().split()[0])
    return [p for p in postgres_processes(pgdata) if p == pid]
