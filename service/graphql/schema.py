"""The schema and its limits; unexpected errors masked (with a code), user errors plain."""

import logging
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext, ExecutionResult

from service.catalog.errors import UserInputError
from service.config import Settings
from service.db import connection_failure, is_operational_error
from service.graphql.cache import MarkCacheable
from service.graphql.execution import PlainObjectExecutor, lighten_resolvers
from service.graphql.limits import query_cost_limit, request_problems
from service.graphql.mutations import Mutation
from service.graphql.queries import Query
from service.graphql.types.common import BIG_INT_SCALAR, DECIMAL_SCALAR, BigInt
from service.health import note_connection_failure, note_success
from service.logging import request_context
from service.observability import note_graphql_operation
from service.replicas import NoDatabaseAvailable, SnapshotLost

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 30
DEFAULT_MAX_QUERY_COST: int = Settings.model_fields["max_query_cost"].default
MASKED_MESSAGE = "Unexpected error. It has been logged; please try again or report it."
UNAVAILABLE_MESSAGE = "The catalog is unavailable right now; please try again shortly."
INTERNAL = "INTERNAL_SERVER_ERROR"
UNAVAILABLE = "SERVICE_UNAVAILABLE"
# graphql-core's hints name fields and types of the schema; without introspection they go.
_SCHEMA_HINT = re.compile(r"\s*Did you mean [^?]*\?")

log = logging.getLogger(__name__)


def _is_unexpected(error: GraphQLError) -> bool:
    """Mask errors raised by our code, except those a user can fix; keep validation errors."""
    original = error.original_error
    return original is not None and not isinstance(original, UserInputError | GraphQLError)


def _causes(error: BaseException | None) -> Iterator[BaseException]:
    seen = 0
    while error is not None and seen < 5:
        yield error
        error = error.__cause__ or error.__context__
        seen += 1


def is_connection_failure(error: BaseException | None) -> bool:
    """The database could not be reached, or no pooled connection was free in time."""
    if isinstance(error, SnapshotLost):
        return False  # one replica failed mid-request; the request runs again elsewhere
    for cause in _causes(error):
        if isinstance(cause, NoDatabaseAvailable):  # neither the primary nor a replica
            return True
        lost = connection_failure(cause)
        if lost is not None:
            return lost
    return False


def failure_code(error: BaseException | None) -> str:
    """SERVICE_UNAVAILABLE when the database is out of reach (or too slow); else internal."""
    if is_connection_failure(error) or isinstance(error, SnapshotLost):
        return UNAVAILABLE
    if any(is_operational_error(c) for c in _causes(error)):
        return UNAVAILABLE  # a statement cancelled by statement_timeout
    return INTERNAL


def masked(error: GraphQLError) -> GraphQLError:
    """What a client sees of an unexpected error: a code, a message and the request id."""
    code = failure_code(error.original_error)
    context = request_context.get()
    extensions: dict[str, Any] = {"code": code}
    if context is not None:
        extensions["requestId"] = context.request_id
    return GraphQLError(
        UNAVAILABLE_MESSAGE if code == UNAVAILABLE else MASKED_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


class CatalogSchema(Schema):
    def __init__(self, *args: Any, mask_errors: bool, hide_hints: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mask_errors = mask_errors
        self.hide_hints = hide_hints

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only what went wrong on our side; a user's mistake is answered, not logged."""
        # A lost snapshot is not logged per field: the request runs again on a new one, and
        # the replica set has said which database failed.
        unexpected = [
            e
            for e in errors
            if _is_unexpected(e) and not isinstance(e.original_error, SnapshotLost)
        ]
        if any(is_connection_failure(e.original_error) for e in unexpected):
            note_connection_failure()
        super().process_errors(unexpected, execution_context)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Every answer leaves masked, whichever step raised (an extension's too)."""
        result = await super().execute(*args, **kwargs)
        if result.errors:
            if not any(is_connection_failure(e.original_error) for e in result.errors):
                note_success()
            result.errors = [self._public(e) for e in result.errors]
        else:
            note_success()
        return result

    def _public(self, error: GraphQLError) -> GraphQLError:
        if self.mask_errors and _is_unexpected(error):
            return masked(error)
        if self.hide_hints and "Did you mean" in error.message:
            error.message = _SCHEMA_HINT.sub("", error.message)
        return error


# Built once: the limiters make a new rule class per instance, and a new class per request
# would defeat the validation cache, whose key includes the rules.
_LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class DocumentLimits(AddValidationRules):
    """Query depth, alias count and query cost limits."""

    def __init__(self, max_query_cost: int = DEFAULT_MAX_QUERY_COST) -> None:
        super().__init__([*_LIMIT_RULES, query_cost_limit(max_query_cost)])


class RequestLimits(SchemaExtension):
    """Checks that depend on the request, not only the document: run after validation."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.pre_execution_errors is None and ctx.graphql_document is not None:
            ctx.pre_execution_errors = validate_document(
                ctx.schema._schema, ctx.graphql_document, ctx.validation_rules
            )
        if not ctx.pre_execution_errors and ctx.graphql_document is not None:
            problems = request_problems(
                ctx.graphql_document, ctx._provided_operation_name, ctx.variables
            )
            if problems:
                ctx.pre_execution_errors = problems
        yield


class OperationMetrics(SchemaExtension):
    """Tell the request metrics which operation ran and whether it answered with errors."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        note_graphql_operation(
            self.execution_context.operation_name,
            error=bool(result is not None and getattr(result, "errors", None)),
        )


def build_schema(
    *,
    introspection: bool = True,
    mask_errors: bool = True,
    max_query_cost: int = DEFAULT_MAX_QUERY_COST,
) -> Schema:
    """The schema; production turns introspection (and the schema hints in errors) off."""
    extensions: list[Any] = [
        OperationMetrics,
        MarkCacheable,
        # Parsing and validating the same documents again is most of a request's CPU.
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        RequestLimits,
        lambda: DocumentLimits(max_query_cost),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    built = CatalogSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map={BigInt: BIG_INT_SCALAR, Decimal: DECIMAL_SCALAR}),
        extensions=extensions,
        execution_context_class=PlainObjectExecutor,
        mask_errors=mask_errors,
        hide_hints=not introspection,
    )
    # Most of an answer's fields are plain attributes or `self`-only facts: see execution.py.
    lighten_resolvers(built._schema, built.config.info_class)
    return built


schema = build_schema()
