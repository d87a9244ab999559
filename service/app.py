"""create_app(): the FastAPI application with its health, metrics and request observability."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from service import health
from service.config import Settings, get_settings
from service.db import database_url, make_engine
from service.observability import install_observability

log = logging.getLogger(__name__)


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine or make_engine(database_url(settings), settings)
        yield
        if engine is None:
            app.state.engine.dispose()

    docs = None if settings.is_production else "/docs"
    app = FastAPI(title="model-catalog", lifespan=lifespan, docs_url=docs, redoc_url=None)
    app.state.settings = settings
    install_observability(app, metrics_enabled=settings.metrics_enabled)
    app.include_router(health.router)

    return app
