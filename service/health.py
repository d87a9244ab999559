"""Liveness (/healthz: the process answers) and readiness (/readyz: database up, schema at head)."""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from service.migrate import current_revisions, head_revisions, known_revisions

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
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
    if current == heads:
        return JSONResponse({"status": "ok", "schema": "head", **body})
    # A revision the code does not know was written by a newer release: not "behind".
    schema = "behind" if current <= known_revisions() else "unknown revision"
    return JSONResponse({"status": "unavailable", "schema": schema, **body}, 503)
