"""create_app(): GraphQL, web pages, health probes, metrics and request observability."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from service import health
from service.catalog.version import VersionFollower
from service.config import Settings, get_settings
from service.db import async_session_factory, database_url, make_async_engine, make_engine
from service.graphql.edge import GraphQLEdge
from service.graphql.router import mount_graphql
from service.http_guard import HttpGuard
from service.observability import install_observability
from service.replicas import ReplicaSet
from service.web.routes import mount_web

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)


class ServiceApp(FastAPI):
    """FastAPI with layers in front of its own stack (telemetry, middleware, routing): `front`
    receives every request first and hands FastAPI what it does not answer itself."""

    front: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front is None:
            await super().__call__(scope, receive, send)
        else:
            await self.front(scope, receive, send)

    async def fastapi(self, scope: Scope, receive: Receive, send: Send) -> None:
        """FastAPI's own handling of a request (what `front` hands on)."""
        await super().__call__(scope, receive, send)


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> ServiceApp:
    settings = settings or get_settings()
    sync_engine = engine or make_engine(database_url(settings), settings)
    # Reads run on an async engine over the same database, so DataLoaders can batch;
    # writes and probes use the synchronous one.
    async_engine = make_async_engine(sync_engine.url, settings)
    sessions = async_session_factory(async_engine)
    # The response cache follows the catalog version through LISTEN/NOTIFY.
    listen_url = sync_engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    # With replicas, one ReplicaSet per worker routes public reads; it learns the primary's
    # versions from the follower (replica lag) and from its own checks.
    replica_set = ReplicaSet.from_settings(
        settings, async_engine, lambda url: make_async_engine(url, settings)
    )
    versions = (
        VersionFollower(listen_url, on_version=replica_set.observe_primary_version)
        if settings.response_cache_size or replica_set.enabled
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if versions is not None:
            await versions.start()
        await replica_set.start()
        with tuned_gc(settings.gc_young_threshold):
            yield
        await replica_set.close()
        if versions is not None:
            await versions.stop()
        await async_engine.dispose()
        if engine is None:
            sync_engine.dispose()

    # Production publishes no API description: the GraphQL schema is the contract.
    docs = None if settings.is_production else "/docs"
    openapi = None if settings.is_production else "/openapi.json"
    app = ServiceApp(
        title="model-catalog",
        lifespan=lifespan,
        docs_url=docs,
        redoc_url=None,
        openapi_url=openapi,
    )
    app.state.settings = settings
    app.state.engine = sync_engine
    app.state.async_engine = async_engine
    app.add_middleware(
        HttpGuard, max_body_bytes=settings.max_request_bytes, production=settings.is_production
    )
    metrics_token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if settings.metrics_enabled and not settings.metrics_on:
        log.warning("/metrics is off: production serves it only with METRICS_TOKEN set")
    install_observability(app, metrics_enabled=settings.metrics_on, metrics_token=metrics_token)
    app.state.catalog_versions = versions
    app.state.replica_set = replica_set
    app.include_router(health.router)
    door = mount_graphql(app, sessions, sync_engine, settings, versions, replica_set)
    mount_web(app)
    # /graphql's answers skip FastAPI's layers (service/graphql/edge.py); CORS, when
    # configured, is in front of both.
    edge = GraphQLEdge(
        app.fastapi,
        door,
        max_body_bytes=settings.max_request_bytes,
        production=settings.is_production,
    )
    app.front = allow_cross_origin(edge, settings)
    return app


@contextmanager
def tuned_gc(young_threshold: int) -> Iterator[None]:
    """Fewer, cheaper garbage collections while the app serves (0: Python's defaults).

    With Python's default threshold (700 allocations), a listing of 20 models ran two young
    collections, each walking everything the request held alive at that moment: about 1 ms of
    a 6 ms request. Serving frees its objects by reference counting (nothing a request makes
    should outlive it in a cycle: see `Context.close`), so collections can be rarer. What is
    alive at startup (the schema, the mappers, the modules) is frozen: never walked again."""
    if not young_threshold:
        yield
        return
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young_threshold, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def allow_cross_origin(app: ASGIApp, settings: Settings) -> ASGIApp:
    """CORS for the origins CORS_ORIGINS lists: browser front ends elsewhere may call the API.

    Bearer tokens travel in a header, never a cookie, so credentials are not allowed. It wraps
    `app` (the /graphql edge, in front of FastAPI), as it was the outermost of the service's
    middleware: a preflight is answered before anything else runs.
    """
    if not settings.cors_origin_list:
        return app
    return CORSMiddleware(
        app,
        allow_origins=settings.cors_origin_list,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID"],
        max_age=600,
    )
