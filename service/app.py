"""create_app(): the FastAPI application with its health endpoint."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from service.config import Settings, get_settings
from service.db import get_engine
from service.graphql.router import graphql_router
from service.web.routes import mount_web

log = logging.getLogger(__name__)


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    """The service: /graphql for reads and comparisons, web pages, /health for probes."""
    settings = settings or get_settings()
    sync_engine = engine or get_engine()
    # Reads run on an async engine over the same database, so DataLoaders can batch.
    async_engine = create_async_engine(sync_engine.url, pool_pre_ping=True)
    sessions = async_sessionmaker(async_engine, expire_on_commit=False)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await async_engine.dispose()
        if engine is None:
            sync_engine.dispose()

    app = FastAPI(title="model-catalog", lifespan=lifespan)
    app.state.engine = sync_engine
    app.state.async_engine = async_engine
    app.include_router(graphql_router(sessions, sync_engine, settings), prefix="/graphql")
    mount_web(app)

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
