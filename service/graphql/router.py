"""Mount the schema on FastAPI with a per-request context."""

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import async_sessionmaker
from strawberry.fastapi import GraphQLRouter

from service.config import Settings
from service.graphql.cache import ResponseCache
from service.graphql.context import Context
from service.graphql.schema import build_schema


def graphql_router(
    sessions: async_sessionmaker, engine: Engine, settings: Settings
) -> GraphQLRouter:
    cache = ResponseCache(settings.response_cache_size) if settings.response_cache_size else None

    async def context(request: Request) -> Context:
        return Context(sessions=sessions, settings=settings, engine=engine, response_cache=cache)

    return GraphQLRouter(
        build_schema(introspection=settings.introspection_on, mask_errors=settings.mask_errors),
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql_on else None,
        allow_queries_via_get=True,
    )
