"""The schema and its limits; unexpected errors masked, user errors plain."""

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from service.catalog.errors import UserInputError
from service.graphql.mutations import Mutation
from service.graphql.queries import Query
from service.graphql.types.common import BIG_INT_SCALAR, BigInt

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


def build_schema() -> Schema:
    return CatalogSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map={BigInt: BIG_INT_SCALAR}),
        extensions=[
            # Parsing and validating the same documents again is most of a request's CPU.
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaskErrors(should_mask_error=_is_unexpected, error_message=MASKED_MESSAGE),
        ],
    )


schema = build_schema()
