"""The /graphql front door: a repeated public query is answered as bytes, before any parsing.

For a GraphQL request sent as JSON (POST) or in the query string (GET) the front door checks
the body itself (its JSON shape; the layer in front bounds its size), looks the request up in
the response cache under the catalog version held in memory (no SQL, no context on a hit), and
otherwise executes it with the schema on one database session and encodes the answer once.
GET answers carry an ETag, and a matching If-None-Match is a 304. Everything else (the GraphiQL
page, multipart bodies, other methods) goes to Strawberry's router unchanged.

`claim` and `answer` are what the outermost ASGI layer (`edge.py`) calls for /graphql, before
FastAPI's stack. The door is also the ASGI app of FastAPI's /graphql route, which sees what the
edge hands on: what it does not claim (for Strawberry's router) and requests under a root path.

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
from functools import lru_cache
from typing import Any, Protocol
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
# A request's headers by name, the first of each name (as Starlette's `headers.get`).
Headers = dict[bytes, bytes]


class MakeContext(Protocol):
    """A request's GraphQL context (`min_version`: its client's catalog version, when known)."""

    def __call__(self, request: Request, min_version: int | None = None) -> Context: ...


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


def _client_version(scope: Scope, headers: Headers) -> int:
    """`client_version` without building a Request when the client sent neither header."""
    if b"x-catalog-version" not in headers and b"cookie" not in headers:
        return 0
    return client_version(Request(scope))


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


# The per-request records below are not frozen: a frozen dataclass costs four times as much to
# build (each field set through object.__setattr__), and an answer from the cache builds three.
@dataclass(slots=True)
class GraphQLRequest:
    query: str
    operation_name: str | None
    variables: dict[str, Any] | None
    method: str
    media: MediaType = MediaType.JSON

    def key(self, today: str) -> Key:
        if not self.variables:
            return (self.query, self.operation_name, b"{}", today)
        try:
            variables = orjson.dumps(self.variables, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # a lone surrogate: valid JSON, not valid UTF-8
            variables = json.dumps(self.variables, sort_keys=True).encode()
        return (self.query, self.operation_name, variables, today)


def first_headers(scope: Scope) -> Headers:
    """The request's headers by (lowercase, as ASGI sends them) name: the first of each."""
    headers = scope.get("headers") or ()
    return dict(reversed(headers if isinstance(headers, list | tuple) else list(headers)))


@dataclass(slots=True)
class Claim:
    """A request the front door answers itself (the rest goes to Strawberry's router)."""

    method: str
    # A GET's query string as (name, value) pairs, in order; None for a POST.
    params: list[tuple[str, str]] | None = None

    @property
    def operation_in_query_string(self) -> str | None:
        """A GET's first operationName, as the request metrics label it before the door runs."""
        return next((v for k, v in self.params or () if k == "operationName"), None)


@dataclass(slots=True)
class Answer:
    """A whole HTTP answer (the front door never streams)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@lru_cache(maxsize=4)
def _day_key(today: date) -> str:
    """Today's date as the cache keys it (prices in force depend on it), written once a day."""
    return today.isoformat()


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
        make_context: MakeContext,
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
        headers = first_headers(scope)
        claim = self.claim(scope, headers)
        if claim is None:
            await self.fallback(scope, receive, send)
            return
        body = await _read_body(receive) if claim.params is None else b""
        await send_answer(send, await self.answer(scope, headers, claim, body))

    def claim(self, scope: Scope, headers: Headers) -> Claim | None:
        """Whether the door answers this request itself, from its method and headers alone:
        a POST of JSON, a GET with GraphQL parameters (not the GraphiQL page). None: Strawberry's
        router answers it (GraphiQL, multipart bodies, other methods)."""
        method = scope["method"]
        if method == "POST":
            content_type = headers.get(b"content-type")
            if content_type != b"application/json":
                media_type = (content_type or b"").split(b";")[0].strip()
                if media_type.lower() != b"application/json":
                    return None
            return Claim("POST")
        if method == "GET":
            params = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
            if not any(name in ("query", "extensions") for name, _ in params):
                return None  # the GraphiQL page, or Strawberry's own answer
            if self.graphiql and b"text/html" in (headers.get(b"accept") or b""):
                return None
            return Claim("GET", params)
        return None

    async def answer(self, scope: Scope, headers: Headers, claim: Claim, body: bytes) -> Answer:
        """The answer to a request `claim` took, given its whole body (a POST's)."""
        media = negotiate(headers.get(b"accept"))
        answer_as = media or MediaType.JSON
        try:
            if media is None:
                raise BadRequest(406, NOT_ACCEPTABLE_MESSAGE, "NOT_ACCEPTABLE")
            if claim.params is not None:
                request = self._from_query_string(dict(claim.params), media)
            else:
                request = _parse_payload(_loads(body), "POST", media, self.persisted)
        except BadRequest as error:
            return _answer(error.status, _error_body(str(error), error.code), media=answer_as)
        except PersistedQueryError as error:
            status = 200 if answer_as.legacy and not error.malformed else 400
            body = _error_body(error.message, error.code)
            return _answer(status, body, [NO_STORE], media=answer_as)
        return await self._answer_request(scope, headers, request)

    def _from_query_string(self, params: dict[str, str], media: MediaType) -> GraphQLRequest:
        payload: dict[str, Any] = {
            "query": params.get("query"),
            "operationName": params.get("operationName") or None,
        }
        for key in ("variables", "extensions"):
            if params.get(key):
                payload[key] = _loads(params[key])
        return _parse_payload(payload, "GET", media, self.persisted)

    def _context(self, scope: Scope, today: date, min_version: int) -> Context:
        context = self.make_context(Request(scope), min_version)
        context.today = today  # the day the cache key names
        return context

    async def _answer_request(
        self, scope: Scope, headers: Headers, request: GraphQLRequest
    ) -> Answer:
        name_graphql_operation(request.operation_name)
        today = date.today()
        min_version = _client_version(scope, headers)
        context: Context | None = None
        try:
            key: Key | None = None
            version: int | None = None
            if self.cache is not None:
                key = request.key(_day_key(today))
                # The version held in memory; while not listening, read it (per-request
                # check). With replicas, while the primary's version is not followed (the
                # primary may be down) there is none: no lookup, the read goes to the replicas.
                version = self.versions.current() if self.versions is not None else None
                if version is None and not self.replicated:
                    context = self._context(scope, today, min_version)
                    version = await self._read_version(context)
                # A client that wrote a newer version than this worker has heard of yet
                # (through another instance) is not answered from the older cache.
                if version is not None and min_version <= version:
                    cached = self.cache.get(key, version)
                    if cached is not None:
                        note_graphql_operation(request.operation_name, error=False)
                        return _cached_answer(headers, request, cached)
            if context is None:
                context = self._context(scope, today, min_version)
            result = await self._execute(request, context)
            for _again in range(1, self.snapshot_attempts):
                if context.snapshot_lost is None:
                    break
                # The database under the request's snapshot failed mid-request: the whole
                # request runs again on a new snapshot (never two versions in one answer).
                avoid = context.avoid | {context.snapshot_lost.database}
                await context.close()
                context = self._context(scope, today, min_version)
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
                return _cached_answer(headers, request, answer)
            extra = []
            if context.may_write:
                # Read your own writes: this worker moves to the version its write produced
                # at once, and the client learns it, as a header and as a cookie the web
                # pages forward (a browser that wrote through the API sees it on the pages).
                written = await self._written_version(context)
                if written is not None:
                    extra.append((b"x-catalog-version", str(written).encode()))
                    extra.append((b"set-cookie", version_cookie(written)))
            if status == 503:
                extra.append((b"retry-after", b"5"))
            if request.method == "GET":  # the answer's type follows Accept, cached or not
                extra.append(GET_VARY)
            return _answer(status, body, extra, media=request.media)
        except _Unavailable:
            note_graphql_operation(request.operation_name, error=True)
            unavailable = _error_body(UNAVAILABLE_MESSAGE, "SERVICE_UNAVAILABLE", request_id())
            return _answer(503, unavailable, [(b"retry-after", b"5")], media=request.media)
        except BadRequest as error:
            body = _error_body(str(error), error.code)
            return _answer(error.status, body, media=request.media)
        finally:
            if context is not None:
                await context.close()

    async def _read_version(self, context: Context) -> int:
        """The catalog version read from the database (while its changes are not followed)."""
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


def _cached_answer(given: Headers, request: GraphQLRequest, cached: CachedAnswer) -> Answer:
    """An answer the cache holds (or has just taken): a GET's carries its ETag, and is a 304
    when the client already has it."""
    if request.method != "GET":
        headers = [request.media.content_type_header, (b"content-length", cached.length)]
        return Answer(200, headers, cached.body)
    validators = [(b"etag", cached.etag_bytes), (b"cache-control", GET_CACHE_CONTROL), GET_VARY]
    tags = given.get(b"if-none-match")
    if tags is not None and cached.etag_bytes in [t.strip() for t in tags.split(b",")]:
        return _answer(304, b"", validators, media=None)
    return _answer(200, cached.body, validators, media=request.media)


async def _read_body(receive: Receive) -> bytes:
    """The whole body. Its size was already bounded by the HTTP guard in front of every route
    (`MAX_REQUEST_BYTES`), so it is not counted again here (the edge reads it itself)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _answer(
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    media: MediaType | None = MediaType.JSON,
) -> Answer:
    """A whole answer, as `media` (None: no body type, a 304)."""
    content_type = [media.content_type_header] if media is not None else []
    all_headers = [*content_type, *(headers or [])]
    all_headers.append((b"content-length", str(len(body)).encode()))
    return Answer(status, all_headers, body)


async def send_answer(
    send: Send, answer: Answer, extra_headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Send a whole answer, with `extra_headers` after its own."""
    headers = [*answer.headers, *extra_headers] if extra_headers else answer.headers
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
