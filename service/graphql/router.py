"""Mount /graphql: the front door (cache, ETag, own body handling) before Strawberry's router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse
from starlette.routing import Route
from strawberry.fastapi import GraphQLRouter

from service.catalog.version import VersionFollower
from service.config import Settings
from service.graphql import ide_assets
from service.graphql.cache import ResponseCache
from service.graphql.context import Context
from service.graphql.front_door import GraphQLFrontDoor, client_version
from service.graphql.persisted import from_settings as persisted_queries
from service.graphql.schema import build_schema
from service.replicas import ReplicaSet

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

GRAPHQL_PATH = "/graphql"


def mount_graphql(
    app: FastAPI,
    sessions: async_sessionmaker[AsyncSession],
    engine: Engine,
    settings: Settings,
    versions: VersionFollower | None,
    replica_set: ReplicaSet | None = None,
) -> GraphQLFrontDoor:
    """Serve /graphql; Strawberry's router still answers what the front door does not take."""
    schema = build_schema(
        introspection=settings.introspection_on,
        mask_errors=settings.mask_errors,
        max_query_cost=settings.max_query_cost,
    )
    cache = (
        ResponseCache(settings.response_cache_size, settings.response_cache_mb * 1024 * 1024)
        if settings.response_cache_size
        else None
    )

    def make_context(request: Request, min_version: int | None = None) -> Context:
        """A request's context; `min_version` is its client's catalog version when the caller
        has already read it (the front door has)."""
        context = Context(
            sessions=sessions, settings=settings, engine=engine, replica_set=replica_set
        )
        context.request = request
        context.min_version = client_version(request) if min_version is None else min_version
        return context

    async def strawberry_context(request: Request) -> AsyncIterator[Context]:
        # A dependency that yields: FastAPI closes the context once the answer is sent, so the
        # requests Strawberry's router runs (a browser's GET with a query, multipart bodies)
        # give their connection back to the pool, as the front door's do.
        context = make_context(request)
        try:
            yield context
        finally:
            await context.close()

    strawberry_router = IdeRouter(
        settings.graphiql_assets_dir,
        schema,
        context_getter=strawberry_context,
        graphql_ide="graphiql" if settings.graphiql_on else None,
        allow_queries_via_get=True,
    )
    persisted = persisted_queries(settings)
    app.state.persisted_queries = persisted
    fallback = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    fallback.include_router(strawberry_router, prefix=GRAPHQL_PATH)
    door = GraphQLFrontDoor(
        schema=schema,
        fallback=fallback,
        make_context=make_context,
        cache=cache,
        versions=versions,
        replica_set=replica_set,
        graphiql=settings.graphiql_on,
        persisted=persisted,
    )
    if settings.graphiql_on:
        serve_ide_assets(app, settings.graphiql_assets_dir)
    # The door is an ASGI app: a Route hands it the raw scope (methods: all of them). First in
    # the list: no other route matches its path, and the router tries routes in order.
    app.router.routes.insert(0, Route(GRAPHQL_PATH, door))
    return door


class IdeRouter(GraphQLRouter[Context, None]):
    """Strawberry's router, its GraphiQL page loading its files from this service."""

    def __init__(self, assets_dir: Path, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assets_dir = assets_dir

    @property
    def graphql_ide_html(self) -> str:
        return ide_assets.ide_page(super().graphql_ide_html, self.assets_dir)


def serve_ide_assets(app: FastAPI, root: Path) -> None:
    """GET /graphiql/assets/<package>@<version>/<file>: only the files the manifest lists."""

    async def ide_asset(path: str) -> FileResponse:
        file = ide_assets.asset_file(root, path)
        if file is None:
            raise HTTPException(status_code=404, detail="no such GraphiQL file")
        headers = {"Cache-Control": ide_assets.IMMUTABLE}
        return FileResponse(file, media_type=ide_assets.content_type(file), headers=headers)

    path = ide_assets.ASSETS_PATH + "/{path:path}"
    app.add_api_route(path, ide_asset, methods=["GET", "HEAD"], include_in_schema=False)
