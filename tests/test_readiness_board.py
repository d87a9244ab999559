"""/readyz answers for the whole instance: every gunicorn worker's connection failures count.

The kernel hands a probe to any one worker, so a worker answering only for itself would make
the probe flap while another worker's requests fail for want of connections. Each worker
here is a real process sharing the board's directory, as gunicorn's workers do.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service import health
from service.app import create_app
from service.health import BOARD_DIR_ENV, ReadinessBoard

WORKER = """
import sys
from service.health import note_connection_failure, note_success
for line in sys.stdin:
    {"fail": note_connection_failure, "serve": note_success}[line.strip()]()
    print("done", flush=True)
"""


class Worker:
    """Another worker of the instance: a process that notes failures and successes."""

    def __init__(self, folder: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            env={**os.environ, BOARD_DIR_ENV: str(folder)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def note(self, what: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(what + "\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "done"

    def exit(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(10)


@pytest.fixture
def other_worker(tmp_path: Path) -> Iterator[Worker]:
    worker = Worker(tmp_path)
    yield worker
    worker.exit()


def test_a_failing_worker_makes_every_worker_answer_unready(
    tmp_path: Path, other_worker: Worker
) -> None:
    this_worker = ReadinessBoard(tmp_path)
    assert this_worker.failing() is None
    other_worker.note("serve")  # a healthy worker
    assert this_worker.failing() is None
    other_worker.note("fail")
    failing = this_worker.failing()
    assert failing is not None
    assert (failing.workers, failing.of) == (1, 2)
    # This worker's own successes do not hide the other's failures.
    this_worker.note_success()
    assert this_worker.failing() is not None
    other_worker.note("serve")  # it got a connection again
    assert this_worker.failing() is None


def test_a_worker_that_exited_no_longer_counts(tmp_path: Path, other_worker: Worker) -> None:
    this_worker = ReadinessBoard(tmp_path)
    other_worker.note("fail")
    assert this_worker.failing() is not None
    other_worker.exit()  # gunicorn replaces a dead worker; its last state is no news
    assert this_worker.failing() is None
    assert [p.name for p in tmp_path.iterdir()] == []


def test_failures_older_than_the_window_no_longer_count(tmp_path: Path) -> None:
    board = ReadinessBoard(tmp_path)
    board.note_failure(at=100.0)
    assert board.failing(now=100.0 + health.CONNECTION_FAILURE_WINDOW_S - 1) is not None
    assert board.failing(now=100.0 + health.CONNECTION_FAILURE_WINDOW_S + 1) is None


def test_readyz_answers_for_the_instance(
    engine: Engine, tmp_path: Path, other_worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "_board", ReadinessBoard(tmp_path))
    with TestClient(create_app(engine)) as client:
        assert client.get("/readyz").status_code == 200
        other_worker.note("fail")
        # This worker serves (its own request succeeds), yet the instance is not ready.
        assert client.post("/graphql", json={"query": "{ __typename }"}).status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        body = ready.json()
        assert body["requests"] == "failing for want of database connections"
        assert body["workers_failing"] == "1 of 2"
        other_worker.note("serve")
        assert client.get("/readyz").status_code == 200
