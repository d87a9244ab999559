"""Liveness (/healthz: the process answers) and readiness (/readyz: database up, schema at head)."""

import json
import logging
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from service.migrate import current_revisions, head_revisions, known_revisions
from service.replicas import ReplicaSet

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


# Requests that failed for want of a database connection (the pool's wait ran out, or the
# server did not answer) make this worker unready for a while, even when the probe's own
# connection gets through: a load balancer then sends traffic to workers that can serve it.
CONNECTION_FAILURE_WINDOW_S = 15.0
_last_connection_failure = float("-inf")
_last_success = float("-inf")


def note_connection_failure() -> None:
    """A request failed because no database connection could be had."""
    global _last_connection_failure
    _last_connection_failure = time.monotonic()


def note_success() -> None:
    """A request got its connection: the worker serves again."""
    global _last_success
    _last_success = time.monotonic()


def recent_connection_failure() -> float | None:
    """Seconds since the last such failure, when within the window and none succeeded since."""
    elapsed = time.monotonic() - _last_connection_failure
    if elapsed >= CONNECTION_FAILURE_WINDOW_S or _last_success > _last_connection_failure:
        return None
    return elapsed


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


def readiness(engine: Engine) -> JSONResponse:
    try:
        with engine.connect() as connection:
            current = current_revisions(connection)
    except SQLAlchemyError as exc:
        log.warning("readiness: the database does not answer: %s", exc.__class__.__name__)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    heads = head_revisions()
    body = {"database": "ok", "revision": sorted(current), "head": sorted(heads)}
    if (elapsed := recent_connection_failure()) is not None:
        return JSONResponse(
            {
                "status": "unavailable",
                "requests": "failing for want of database connections",
                "seconds_since_failure": round(elapsed, 1),
                **body,
            },
            503,
        )
    if current == heads:
        return JSONResponse({"status": "ok", "schema": "head", **body})
    # A revision the code does not know was written by a newer release: not "behind".
    schema = "behind" if current <= known_revisions() else "unknown revision"
    return JSONResponse({"status": "unavailable", "schema": schema, **body}, 503)


def replicated_readiness(engine: Engine, replica_set: ReplicaSet) -> JSONResponse:
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
    # The primary went away since the last check: reads go on from the replicas.
    return JSONResponse({"status": "degraded", **body})
