"""Mount /graphql: the front door (cache, ETag, own body handling) before Strawberry's router."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from starlette.routing import Route
from strawberry.fastapi import GraphQLRouter

from service.catalog.version import VersionFollower
from service.config import Settings
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

    def make_context(request: Request) -> Context:
        context = Context(
            sessions=sessions, settings=settings, engine=engine, replica_set=replica_set
        )
        context.request = request
        context.min_version = client_version(request)
        return context

    async def strawberry_context(request: Request) -> Context:
        return make_context(request)

    strawberry_router = GraphQLRouter(
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
    # The door is an ASGI app: a Route hands it the raw scope (methods: all of them). First in
    # the list: no other route matches its path, and the router tries routes in order.
    app.router.routes.insert(0, Route(GRAPHQL_PATH, door))
    return door
