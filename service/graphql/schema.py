"""The schema and its limits; unexpected errors masked, user errors plain."""

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)

from service.catalog.errors import UserInputError
from service.graphql.queries import Query

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 30
MASKED_MESSAGE = "Unexpected error. It has been logged; please try again or report it."


def _is_unexpected(error: GraphQLError) -> bool:
    """Mask errors raised by our code, except those a user can fix; keep validation errors."""
    original = error.original_error
    return original is not None and not isinstance(original, UserInputError | GraphQLError)


def build_schema() -> Schema:
    return Schema(
        query=Query,
        extensions=[
            QueryDepthLimiter(max_depth=MAX_DEPTH),
            MaxTokensLimiter(max_token_count=MAX_TOKENS),
            MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            MaskErrors(should_mask_error=_is_unexpected, error_message=MASKED_MESSAGE),
        ],
    )


schema = build_schema()
