"""The `info` argument resolvers take: Strawberry's Info over this API's per-request Context."""

from strawberry.types import Info

from service.graphql.context import Context

CtxInfo = Info[Context, None]
