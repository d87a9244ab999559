"""Liveness (/healthz: the process answers) and readiness (/readyz: database up, schema at head)."""

import json
import logging
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.db import DatabaseError
from service.embedded import pid_alive
from service.migrate import current_revisions, head_revisions, known_revisions
from service.replicas import ReplicaSet

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


# Requests that failed for want of a database connection (the pool's wait ran out, or the
# server did not answer) make the instance unready for a while, even when the probe's own
# connection gets through: a load balancer then sends traffic to instances that can serve it.
CONNECTION_FAILURE_WINDOW_S = 15.0
# Under gunicorn the master sets this to a directory all its workers share (gunicorn_conf).
BOARD_DIR_ENV = "MODELCAT_READINESS_DIR"
_SLOT = struct.Struct("=dd")  # last connection failure, last success (CLOCK_MONOTONIC)


@dataclass(frozen=True)
class Failing:
    """Workers of this instance failing for want of connections, as the probe reports them."""

    workers: int  # how many are failing now
    of: int  # how many workers the board knows (1 without gunicorn)
    seconds_since_failure: float  # the newest failure


class ReadinessBoard:
    """Each worker's last connection failure and last success, readable by every worker.

    A load balancer probes the instance, and the kernel hands the probe to any one worker
    (SO_REUSEPORT). Were each worker to answer for itself, the probe would flap between
    ready and not while one worker's requests fail for want of connections. So each worker
    writes its two times to its own small file in a directory the gunicorn master made,
    and whichever worker answers the probe reads them all: the instance is unready while
    any live worker is failing (a share of its requests fail, and the load balancer can only
    route around the instance, not one worker). A worker writes only when its state changes
    (a failure; the first success after one), so a healthy worker's requests cost nothing.
    Times are CLOCK_MONOTONIC, which one machine's processes share. Without a directory
    (one process: `modelcat serve`, tests) the board is this process's memory alone.
    """

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.last_failure = float("-inf")
        self.last_success = float("-inf")

    @classmethod
    def from_environment(cls) -> "ReadinessBoard":
        folder = os.environ.get(BOARD_DIR_ENV)
        return cls(Path(folder) if folder else None)

    def note_failure(self, at: float | None = None) -> None:
        self.last_failure = time.monotonic() if at is None else at
        self._publish()

    def note_success(self, at: float | None = None) -> None:
        was_failing = self.last_failure > self.last_success
        self.last_success = time.monotonic() if at is None else at
        if was_failing:
            self._publish()

    def _publish(self) -> None:
        if self.folder is None:
            return
        slot = _SLOT.pack(self.last_failure, self.last_success)
        path = self.folder / str(os.getpid())
        try:
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(slot)
            temporary.replace(path)  # a reader never sees half a slot
        except OSError as error:  # readiness must not fail a request
            log.warning("readiness board not written (%s): %s", path, error)

    def _slots(self) -> list[tuple[float, float]]:
        """Every live worker's (failure, success), this one's from memory."""
        own = (self.last_failure, self.last_success)
        if self.folder is None:
            return [own]
        slots = [own]
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return slots
        for entry in entries:
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            if not pid_alive(int(entry.name)):
                entry.unlink(missing_ok=True)  # a worker that died: the master made another
                continue
            try:
                slots.append(_SLOT.unpack(entry.read_bytes()))
            except (OSError, struct.error):
                continue
        return slots

    def failing(self, now: float | None = None) -> Failing | None:
        """Which workers fail for want of connections (a failure within the window, and no
        success of theirs since); None when none does."""
        now = time.monotonic() if now is None else now
        slots = self._slots()
        recent = [
            now - failure
            for failure, success in slots
            if now - failure < CONNECTION_FAILURE_WINDOW_S and failure > success
        ]
        if not recent:
            return None
        return Failing(len(recent), len(slots), min(recent))


_board = ReadinessBoard.from_environment()


def note_connection_failure() -> None:
    """A request failed because no database connection could be had."""
    _board.note_failure()


def note_success() -> None:
    """A request got its connection: the worker serves again."""
    _board.note_success()


def recent_connection_failure() -> Failing | None:
    """The instance's workers failing for want of connections, if any."""
    return _board.failing()


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    replica_set = getattr(request.app.state, "replica_set", None)
    if replica_set is not None and replica_set.enabled:
        return replicated_readiness(request.app.state.engine, replica_set)
    return readiness(request.app.state.engine)


# The first health endpoint, kept as an alias so existing probes keep working.
router.add_api_route("/health", readyz, methods=["GET"])


def readiness(engine: "Engine") -> JSONResponse:
    try:
        with engine.connect() as connection:
            current = current_revisions(connection)
    except DatabaseError as exc:
        log.warning("readiness: the database does not answer: %s", exc.__class__.__name__)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    heads = head_revisions()
    body = {"database": "ok", "revision": sorted(current), "head": sorted(heads)}
    if (failing := recent_connection_failure()) is not None:
        return JSONResponse(
            {
                "status": "unavailable",
                "requests": "failing for want of database connections",
                "workers_failing": f"{failing.workers} of {failing.of}",
                "seconds_since_failure": round(failing.seconds_since_failure, 1),
                **body,
            },
            503,
        )
    if current == heads:
        return JSONResponse({"status": "ok", "schema": "head", **body})
    # A revision the code does not know was written by a newer release: not "behind".
    schema = "behind" if current <= known_revisions() else "unknown revision"
    return JSONResponse({"status": "unavailable", "schema": schema, **body}, 503)


def replicated_readiness(engine: "Engine", replica_set: ReplicaSet) -> JSONResponse:
    """With replicas: each database's state; ready (200) while public reads can be served.

    A primary that is down leaves the instance ready for reads ("writes": "unavailable");
    a primary that answers must hold the schema this code expects.
    """
    report = replica_set.report()
    body: dict[str, object] = {"databases": report}
    if report["reads"] != "ok":
        return JSONResponse({"status": "unavailable", **body}, 503)
    if replica_set.primary_down:
        return JSONResponse({"status": "degraded", **body})
    answer = readiness(engine)
    primary = json.loads(bytes(answer.body))
    if answer.status_code == 200:
        return JSONResponse({**primary, **body})
    if "schema" in primary or "requests" in primary:
        return JSONResponse({**primary, **body}, 503)  # schema not at head, requests failing
    # The primary went away since the last check: reads go on from the replicas, and the
    # report says so now rather than at the next check.
    return JSONResponse({"status": "degraded", "databases": {**report, "writes": "unavailable"}})
