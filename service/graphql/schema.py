"""The schema and its limits; unexpected errors masked, user errors plain."""

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from service.catalog.errors import UserInputError
from service.graphql.cache import MarkCacheable
from service.graphql.mutations import Mutation
from service.graphql.queries import Query
from service.graphql.types.common import BIG_INT_SCALAR, BigInt
from service.observability import note_graphql_operation

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 30
MASKED_MESSAGE = "Unexpected error. It has been logged; please try again or report it."


def _is_unexpected(error: GraphQLError) -> bool:
    """Mask errors raised by our code, except those a user can fix; keep validation errors."""
    original = error.original_error
    return original is not None and not isinstance(original, UserInputError | GraphQLError)


class CatalogSchema(Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only what went wrong on our side; a user's mistake is answered, not logged."""
        super().process_errors([e for e in errors if _is_unexpected(e)], execution_context)


# Built once: the limiters make a new rule class per instance, and a new class per request
# would defeat the validation cache, whose key includes the rules.
_LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class DocumentLimits(AddValidationRules):
    """Query depth and alias count limits."""

    def __init__(self) -> None:
        super().__init__(_LIMIT_RULES)


class OperationMetrics(SchemaExtension):
    """Tell the request metrics which operation ran and whether it answered with errors."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        note_graphql_operation(
            self.execution_context.operation_name,
            error=bool(result is not None and getattr(result, "errors", None)),
        )


def build_schema(*, introspection: bool = True, mask_errors: bool = True) -> Schema:
    """The schema; production turns introspection off (and keeps errors masked)."""
    extensions: list[Any] = [
        OperationMetrics,
        MarkCacheable,
        # Parsing and validating the same documents again is most of a request's CPU.
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        DocumentLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if mask_errors:
        extensions.append(
            lambda: MaskErrors(should_mask_error=_is_unexpected, error_message=MASKED_MESSAGE)
        )
    return CatalogSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map={BigInt: BIG_INT_SCALAR}),
        extensions=extensions,
    )


schema = build_schema()
