"""create_app(): the FastAPI application with its health endpoint."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from service.db import get_engine

log = logging.getLogger(__name__)


def create_app(engine: Engine | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine or get_engine()
        yield
        if engine is None:
            app.state.engine.dispose()

    app = FastAPI(title="model-catalog", lifespan=lifespan)

    @app.get("/health")
    def health() -> JSONResponse:
        try:
            with app.state.engine.connect() as connection:
                models = connection.execute(text("SELECT count(*) FROM models")).scalar_one()
        except Exception:
            log.exception("health check could not reach the database")
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": "ok", "models": models})

    return app
