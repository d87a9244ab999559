"""The /graphql front door: a repeated public query is answered as bytes, before any parsing.

For a GraphQL request sent as JSON (POST) or in the query string (GET) the front door reads
and checks the body itself (its JSON shape; the HTTP guard in front bounds its size), looks
the request up in the response cache under the catalog version held in memory (no SQL on a
hit), and otherwise executes it with the schema on one database session and encodes the
answer once. GET answers carry an ETag, and a matching If-None-Match is a 304. Everything
else (the GraphiQL page, multipart bodies, other methods) goes to Strawberry's router
unchanged.

GraphQL over HTTP: the answer's media type follows the client's Accept header (`media.py`).
A client accepting `application/graphql-response+json` learns from the status code whether its
request ran: a document that does not parse or validate, variables that do not coerce, an
unknown persisted query are a 400 without a `data` entry; once execution started, a 200. An
`application/json` client is answered as before: such GraphQL errors come with a 200.
Persisted queries (`persisted.py`): a request may carry the SHA-256 of its document instead of
the document, over POST or GET.
"""

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from strawberry import Schema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from service.catalog.version import VersionFollower, read_version
from service.db import DriverError, PoolTimeout
from service.graphql.cache import CachedAnswer, Key, ResponseCache
from service.graphql.context import Context
from service.graphql.media import MediaType, negotiate
from service.graphql.persisted import PersistedQueries, PersistedQueryError
from service.http_guard import MAX_JSON_DEPTH, json_depth_exceeds
from service.logging import request_context
from service.observability import name_graphql_operation, note_graphql_operation
from service.replicas import ReplicaSet

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "The catalog's database is unavailable right now; please try again shortly."
GET_CACHE_CONTROL = b"no-cache"  # may be stored, revalidated with If-None-Match every time
# A GET's answer depends on the Accept header (its media type): caches must key on it too.
GET_VARY = (b"vary", b"accept")
# Not to be stored anywhere: an answer that says the server did not (yet) know a document.
NO_STORE = (b"cache-control", b"no-store")
NOT_ACCEPTABLE_MESSAGE = (
    "This endpoint answers application/graphql-response+json or application/json; "
    "the Accept header allows neither"
)


VERSION_HEADER = "x-catalog-version"
VERSION_COOKIE = "catalog_version"
MAX_VERSION_DIGITS = 18  # catalog versions are bigints


def client_version(request: Request) -> int:
    """The catalog version the client has seen written (0: none), from the X-Catalog-Version
    header a mutation answered, else the `catalog_version` cookie. A read carrying it is never
    answered from a database that has not replayed it. Anything else than a decimal number is
    ignored (a stale or foreign cookie must not fail a public read)."""
    given = request.headers.get(VERSION_HEADER) or request.cookies.get(VERSION_COOKIE) or ""
    given = given.strip()
    if given.isascii() and given.isdigit() and len(given) <= MAX_VERSION_DIGITS:
        return int(given)
    return 0


# Long enough to cover any replication delay; after that every replica has the write anyway.
VERSION_COOKIE_MAX_AGE_S = 300


def version_cookie(version: int) -> bytes:
    """The `catalog_version` cookie a write's answer sets (read by the API and the pages)."""
    return (
        f"{VERSION_COOKIE}={version}; Max-Age={VERSION_COOKIE_MAX_AGE_S}; Path=/; "
        "SameSite=Lax; HttpOnly"
    ).encode()


class BadRequest(Exception):
    def __init__(self, status: int, message: str, code: str):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    query: str
    operation_name: str | None
    variables: dict[str, Any] | None
    method: str
    media: MediaType = MediaType.JSON

    def key(self, today: date) -> Key:
        try:
            variables = orjson.dumps(self.variables or {}, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # a lone surrogate: valid JSON, not valid UTF-8
            variables = json.dumps(self.variables, sort_keys=True).encode()
        return (self.query, self.operation_name, variables, today.isoformat())


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def _error_body(message: str, code: str, request_id: str | None = None) -> bytes:
    extensions = {"code": code, **({"requestId": request_id} if request_id else {})}
    return orjson.dumps({"errors": [{"message": message, "extensions": extensions}]})


def request_id() -> str | None:
    context = request_context.get()
    return context.request_id if context is not None else None


def _status_of(result: ExecutionResult, media: MediaType) -> int:
    """503 when the database failed the whole request (every error SERVICE_UNAVAILABLE, no
    data), as on the cache path. For application/graphql-response+json, 400 when the request
    never started executing; otherwise GraphQL's 200 with the errors in the body."""
    errors = result.errors or []
    if errors and result.data is None:
        codes = {(error.extensions or {}).get("code") for error in errors}
        if codes == {"SERVICE_UNAVAILABLE"}:
            return 503
        if not media.legacy and not _executed(result):
            return 400
    return 200


def _executed(result: ExecutionResult) -> bool:
    """Whether execution started: a field's error carries its path; a document that does not
    parse or validate, or variables that do not coerce, fail before any field, without one."""
    return result.data is not None or any(error.path for error in result.errors or [])


def _parse_payload(
    payload: Any,
    method: str,
    media: MediaType = MediaType.JSON,
    persisted: PersistedQueries | None = None,
) -> GraphQLRequest:
    if not isinstance(payload, dict):
        batch = " (batching is not enabled)" if isinstance(payload, list) else ""
        raise BadRequest(
            400,
            'The request body must be a JSON object: {"query": "...", "variables": {...}}' + batch,
            "BAD_REQUEST",
        )
    query = payload.get("query")
    if query is not None and not isinstance(query, str):
        raise BadRequest(400, "query must be a string", "BAD_REQUEST")
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        raise BadRequest(400, "operationName must be a string", "BAD_REQUEST")
    for key in ("variables", "extensions"):
        value = payload.get(key)
        if value is not None and not isinstance(value, dict):
            raise BadRequest(400, f"{key} must be a JSON object", "BAD_REQUEST")
        if value and json_depth_exceeds(value, MAX_JSON_DEPTH):
            raise BadRequest(400, f"{key} nests deeper than {MAX_JSON_DEPTH} levels", "BAD_REQUEST")
    if persisted is not None:
        query = persisted.resolve(query, payload.get("extensions"))
    if query is None:
        raise BadRequest(400, "No GraphQL query found in the request", "BAD_REQUEST")
    return GraphQLRequest(query, name, payload.get("variables"), method, media)


def _loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    # orjson refuses what JSON allows but it cannot hold (a lone surrogate escape such as
    # "\ud800"), so the standard parser has the last word, and says what is wrong.
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise BadRequest(400, "The request body is not valid UTF-8", "BAD_REQUEST") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise BadRequest(400, "The request body nests too deeply", "BAD_REQUEST") from None
    except ValueError as exc:
        raise BadRequest(400, f"The request body is not valid JSON: {exc}", "BAD_REQUEST") from None


class GraphQLFrontDoor:
    """ASGI app for /graphql; see the module docstring."""

    def __init__(
        self,
        *,
        schema: Schema,
        fallback: ASGIApp,
        make_context: Callable[[Request], Context],
        cache: ResponseCache | None,
        versions: VersionFollower | None,
        graphiql: bool,
        replica_set: ReplicaSet | None = None,
        persisted: PersistedQueries | None = None,
    ):
        self.schema = schema
        self.fallback = fallback
        self.make_context = make_context
        self.cache = cache
        self.versions = versions
        self.graphiql = graphiql
        self.replicated = replica_set is not None and replica_set.enabled
        # A request whose snapshot is lost runs again, at most once per database.
        self.snapshot_attempts = 1 + (len(replica_set.replicas) if replica_set else 0)
        self.persisted = persisted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        method = scope["method"]
        media = negotiate(_header(scope, b"accept"))
        answer_as = media or MediaType.JSON
        try:
            if method == "GET":
                params = self._graphql_params(scope)
                if params is None:
                    await self.fallback(scope, receive, send)
                    return
                if media is None:
                    raise BadRequest(406, NOT_ACCEPTABLE_MESSAGE, "NOT_ACCEPTABLE")
                request = self._from_query_string(params, media)
            elif method == "POST":
                body = await self._read_body(scope, receive)
                content_type = (_header(scope, b"content-type") or b"").split(b";")[0].strip()
                if content_type.lower() != b"application/json":
                    await self.fallback(scope, _replay(body, receive), send)
                    return
                if media is None:
                    raise BadRequest(406, NOT_ACCEPTABLE_MESSAGE, "NOT_ACCEPTABLE")
                request = _parse_payload(_loads(body), "POST", media, self.persisted)
            else:
                await self.fallback(scope, receive, send)
                return
        except BadRequest as error:
            await _respond(send, error.status, _error_body(str(error), error.code), media=answer_as)
            return
        except PersistedQueryError as error:
            status = 200 if answer_as.legacy and not error.malformed else 400
            body = _error_body(error.message, error.code)
            await _respond(send, status, body, [NO_STORE], media=answer_as)
            return
        await self._answer(scope, request, send)

    def _graphql_params(self, scope: Scope) -> dict[str, str] | None:
        """A GET's GraphQL parameters; None for what Strawberry's router answers instead."""
        params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "query" not in params and "extensions" not in params:
            return None  # the GraphiQL page, or Strawberry's own answer
        accept = _header(scope, b"accept") or b""
        if self.graphiql and b"text/html" in accept:
            return None
        return params

    def _from_query_string(self, params: dict[str, str], media: MediaType) -> GraphQLRequest:
        payload: dict[str, Any] = {
            "query": params.get("query"),
            "operationName": params.get("operationName") or None,
        }
        for key in ("variables", "extensions"):
            if params.get(key):
                payload[key] = _loads(params[key])
        return _parse_payload(payload, "GET", media, self.persisted)

    @staticmethod
    async def _read_body(scope: Scope, receive: Receive) -> bytes:
        """The whole body. Its size was already bounded by the HTTP guard in front of every
        route (`MAX_REQUEST_BYTES`), so it is not counted again here."""
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _answer(self, scope: Scope, request: GraphQLRequest, send: Send) -> None:
        name_graphql_operation(request.operation_name)
        context = self.make_context(Request(scope))
        try:
            key = request.key(context.today) if self.cache is not None else None
            version: int | None = None
            if self.cache is not None and key is not None:
                version = await self._version(context)
                # A client that wrote a newer version than this worker has heard of yet
                # (through another instance) is not answered from the older cache.
                cached = None
                if version is not None and context.min_version <= version:
                    cached = self.cache.get(key, version)
                if cached is not None:
                    note_graphql_operation(request.operation_name, error=False)
                    await self._send_answer(scope, send, request, cached)
                    return
            result = await self._execute(request, context)
            for _again in range(1, self.snapshot_attempts):
                if context.snapshot_lost is None:
                    break
                # The database under the request's snapshot failed mid-request: the whole
                # request runs again on a new snapshot (never two versions in one answer).
                avoid = context.avoid | {context.snapshot_lost.database}
                await context.close()
                context = self.make_context(Request(scope))
                context.avoid = avoid
                result = await self._execute(request, context)
            status = _status_of(result, request.media)
            body = orjson.dumps(_http_result(result, with_data=status != 400))
            # Cached only under the version the answer was read at, never a newer one: with
            # replicas, that of its reads (none when they saw different versions); the cache
            # drops it unless it is the version it holds.
            if self.replicated and context.served_versions:
                version = context.served_version
            if (
                key is not None
                and version is not None
                and context.cacheable
                and not result.errors
                and self.cache is not None
            ):
                answer = CachedAnswer.of(body)
                self.cache.put(key, version, answer)
                await self._send_answer(scope, send, request, answer)
                return
            headers = []
            if context.may_write:
                # Read your own writes: this worker moves to the version its write produced
                # at once, and the client learns it, as a header and as a cookie the web
                # pages forward (a browser that wrote through the API sees it on the pages).
                written = await self._written_version(context)
                if written is not None:
                    headers.append((b"x-catalog-version", str(written).encode()))
                    headers.append((b"set-cookie", version_cookie(written)))
            if status == 503:
                headers.append((b"retry-after", b"5"))
            if request.method == "GET":  # the answer's type follows Accept, cached or not
                headers.append(GET_VARY)
            await _respond(send, status, body, headers, media=request.media)
        except _Unavailable:
            note_graphql_operation(request.operation_name, error=True)
            unavailable = _error_body(UNAVAILABLE_MESSAGE, "SERVICE_UNAVAILABLE", request_id())
            await _respond(send, 503, unavailable, [(b"retry-after", b"5")], media=request.media)
        except BadRequest as error:
            body = _error_body(str(error), error.code)
            await _respond(send, error.status, body, media=request.media)
        finally:
            await context.close()

    async def _version(self, context: Context) -> int | None:
        """The version held in memory; while not listening, read it (per-request check).

        With replicas, while the primary's version is not followed (the primary may be down)
        there is none: no lookup, and the read goes on to the replicas.
        """
        held = self.versions.current() if self.versions is not None else None
        if held is not None or self.replicated:
            return held
        try:
            return await context.run(read_version)
        except (DriverError, PoolTimeout, OSError) as error:
            log.warning("catalog version unreadable: %s", type(error).__name__)
            raise _Unavailable from None

    async def _written_version(self, context: Context) -> int | None:
        """The version the request's writes produced (each result's `catalogVersion`); None
        when nothing was written (refused, or failed: the primary may not even answer)."""
        if not context.written_versions:
            return None
        version = max(context.written_versions)
        if self.versions is not None:
            self.versions.advance(version)
        return version

    async def _execute(self, request: GraphQLRequest, context: Context) -> ExecutionResult:
        allowed = (
            {OperationType.QUERY}
            if request.method == "GET"
            else {OperationType.QUERY, OperationType.MUTATION}
        )
        try:
            return await self.schema.execute(
                request.query,
                variable_values=request.variables,
                context_value=context,
                operation_name=request.operation_name,
                allowed_operation_types=allowed,
            )
        except InvalidOperationTypeError as error:
            reason = error.as_http_error_reason(request.method)
            raise BadRequest(405, reason, "METHOD_NOT_ALLOWED") from None
        except CannotGetOperationTypeError as error:
            raise BadRequest(400, error.as_http_error_reason(), "BAD_REQUEST") from None

    @staticmethod
    async def _send_answer(
        scope: Scope, send: Send, request: GraphQLRequest, answer: CachedAnswer
    ) -> None:
        if request.method != "GET":
            await _respond(send, 200, answer.body, media=request.media)
            return
        headers = [
            (b"etag", answer.etag.encode()),
            (b"cache-control", GET_CACHE_CONTROL),
            GET_VARY,
        ]
        given = _header(scope, b"if-none-match")
        if given is not None and answer.etag.encode() in [t.strip() for t in given.split(b",")]:
            await _respond(send, 304, b"", headers, media=None)
            return
        await _respond(send, 200, answer.body, headers, media=request.media)


class _Unavailable(Exception):
    pass


def _http_result(result: ExecutionResult, *, with_data: bool = True) -> dict[str, Any]:
    """The answer as Strawberry's HTTP views shape it: data, then errors and extensions.

    Without `data` when the request never executed and the client asked for
    application/graphql-response+json (the entry's absence is what says so)."""
    answer: dict[str, Any] = {"data": result.data} if with_data else {}
    if result.errors:
        answer["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        answer["extensions"] = result.extensions
    return answer


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    media: MediaType | None = MediaType.JSON,
) -> None:
    """Send a whole answer, as `media` (None: no body type, a 304)."""
    content_type = [(b"content-type", media.content_type)] if media is not None else []
    all_headers = [*content_type, *(headers or [])]
    all_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
