"""create_app(): GraphQL, web pages, health probes, metrics and request observability."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import async_sessionmaker

from service import health
from service.catalog.version import VersionFollower
from service.config import Settings, get_settings
from service.db import database_url, make_async_engine, make_engine
from service.graphql.router import mount_graphql
from service.observability import install_observability
from service.web.routes import mount_web

log = logging.getLogger(__name__)


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    sync_engine = engine or make_engine(database_url(settings), settings)
    # Reads run on an async engine over the same database, so DataLoaders can batch;
    # writes and probes use the synchronous one.
    async_engine = make_async_engine(sync_engine.url, settings)
    sessions = async_sessionmaker(async_engine, expire_on_commit=False)
    # The response cache follows the catalog version through LISTEN/NOTIFY.
    listen_url = sync_engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    versions = VersionFollower(listen_url) if settings.response_cache_size else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if versions is not None:
            await versions.start()
        yield
        if versions is not None:
            await versions.stop()
        await async_engine.dispose()
        if engine is None:
            sync_engine.dispose()

    docs = None if settings.is_production else "/docs"
    app = FastAPI(title="model-catalog", lifespan=lifespan, docs_url=docs, redoc_url=None)
    app.state.settings = settings
    app.state.engine = sync_engine
    app.state.async_engine = async_engine
    app.state.catalog_versions = versions
    install_observability(app, metrics_enabled=settings.metrics_enabled)
    app.include_router(health.router)
    mount_graphql(app, sessions, sync_engine, settings, versions)
    mount_web(app)
    return app
