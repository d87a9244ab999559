"""The schema and its limits; unexpected errors masked (with a code), user errors plain."""

import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graphql import DocumentNode, GraphQLError, execute
from graphql import OperationType as NodeOperation
from strawberry import Schema
from strawberry.execution import optimized_is_awaitable
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
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from service.catalog.errors import UserInputError
from service.config import Settings
from service.db import connection_failure, is_operational_error
from service.graphql.cache import MarkCacheable, find_operation, is_public_read
from service.graphql.execution import PlainObjectExecutor, lighten_resolvers
from service.graphql.limits import operations, query_cost_limit, request_problems
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


# Query documents that passed parsing and validation, remembered for the fast path below.
MAX_KNOWN_DOCUMENTS = 256


@dataclass(frozen=True, slots=True)
class KnownDocument:
    """A query document (with the operation name it was sent with) that parsed, validated and
    passed the request checks: what its next executions need of what Strawberry's pipeline
    worked out. Everything here depends on the document alone, except the request checks when
    the document takes variables (run again for each request's variables)."""

    document: DocumentNode
    operation_name: str | None  # as Strawberry names it: the one sent, else the operation's own
    cacheable: bool  # a public read (`MarkCacheable`)
    takes_variables: bool


class CatalogSchema(Schema):
    """Strawberry's schema with masked errors and a fast path for known query documents.

    Strawberry's `execute` runs every request through its extensions: it makes a new
    instance of each (eight here), an execution context, and four hook stages (operation,
    parsing, validation, execution), each asking every extension for its hook. For a document
    it has parsed and validated before, all of that answers the same way: the parse and
    validation caches hand back the same document and no errors, the limits are the
    document's own. So once a query document has executed, its next requests go straight to
    graphql-core's execution with the same executor, variables and context, and this schema
    does what the extensions would have done for them (the request checks that read
    variables, the operation metrics, marking a public read cacheable, error processing).
    Mutations, documents with errors and anything unusual keep Strawberry's whole pipeline.
    """

    def __init__(self, *args: Any, mask_errors: bool, hide_hints: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mask_errors = mask_errors
        self.hide_hints = hide_hints
        self._known: OrderedDict[tuple[str, str | None], KnownDocument] = OrderedDict()

    def remember(self, ctx: ExecutionContext) -> None:
        """Remember a query document about to execute (its checks have all passed)."""
        document, query = ctx.graphql_document, ctx.query
        if document is None or query is None or ctx.root_value is not None:
            return
        provided = ctx._provided_operation_name
        operation = find_operation(document, ctx.operation_name)
        if operation is None or operation.operation is not NodeOperation.QUERY:
            return
        known = self._known
        if len(known) >= MAX_KNOWN_DOCUMENTS:
            known.popitem(last=False)
        known[(query, provided)] = KnownDocument(
            document=document,
            operation_name=ctx.operation_name,
            cacheable=is_public_read(operation),
            takes_variables=any(o.variable_definitions for o in operations(document)),
        )

    def _known_document(
        self,
        query: str | None,
        operation_name: str | None,
        variable_values: dict[str, Any] | None,
        allowed_operation_types: Iterable[OperationType] | None,
    ) -> KnownDocument | None:
        if query is None:
            return None
        known = self._known.get((query, operation_name))
        if known is None:
            return None
        self._known.move_to_end((query, operation_name))
        if allowed_operation_types is not None and OperationType.QUERY not in set(
            allowed_operation_types
        ):
            return None  # Strawberry's pipeline says why
        if known.takes_variables and request_problems(
            known.document, operation_name, variable_values
        ):
            return None  # ditto
        return known

    async def _execute_known(
        self,
        known: KnownDocument,
        query: str,
        variable_values: dict[str, Any] | None,
        context_value: Any,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
    ) -> ExecutionResult:
        """What Strawberry's `execute` answers for a known document, without its extensions."""
        if hasattr(context_value, "cacheable"):  # MarkCacheable
            context_value.cacheable = known.cacheable
            context_value.may_write = False
        try:
            result = await await_maybe(
                execute(
                    self._schema,
                    known.document,
                    variable_values=variable_values,
                    operation_name=operation_name,
                    context_value=context_value,
                    is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                    executor_class=self.execution_context_class,
                    operation_extensions=None,
                )
            )
            data, errors = result.data, result.errors
        except Exception as error:  # as Strawberry's execute: the error is the answer
            data, errors = None, [GraphQLError(str(error), original_error=error)]
        if errors:
            ctx = self._create_execution_context(
                query=query,
                allowed_operation_types=allowed_operation_types or (OperationType.QUERY,),
                variable_values=variable_values,
                context_value=context_value,
                operation_name=operation_name,
            )
            ctx.graphql_document = known.document
            ctx.pre_execution_errors = errors
            self._process_errors(errors, ctx)
        note_graphql_operation(known.operation_name, error=bool(errors))  # OperationMetrics
        return ExecutionResult(data=data, errors=errors, extensions={})

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

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Every answer leaves masked, whichever step raised (an extension's too)."""
        known = (
            self._known_document(query, operation_name, variable_values, allowed_operation_types)
            if root_value is None and operation_extensions is None
            else None
        )
        if known is not None and query is not None:
            result = await self._execute_known(
                known,
                query,
                variable_values,
                context_value,
                operation_name,
                allowed_operation_types,
            )
        else:
            result = await super().execute(
                query,
                variable_values=variable_values,
                context_value=context_value,
                root_value=root_value,
                operation_name=operation_name,
                allowed_operation_types=allowed_operation_types,
                operation_extensions=operation_extensions,
            )
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


class RememberDocuments(SchemaExtension):
    """Hand the schema each query document about to execute: it has passed every check, so its
    next requests may take the schema's fast path (`CatalogSchema`)."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if isinstance(ctx.schema, CatalogSchema):
            ctx.schema.remember(ctx)
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
    extensions.append(RememberDocuments)  # last: after every other extension's checks
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
