"""The outermost ASGI layer: /graphql answered before FastAPI's stack, every other path after.

A /graphql request the front door answers itself (a POST of JSON, a GET with GraphQL
parameters) used to cross FastAPI's and Starlette's layers (error middleware, telemetry, body
limit, exception middleware, routing), the request observability and the HTTP guard, each
wrapping `send` and copying the response's headers: on an answer from the response cache those
layers cost more than the answer itself. Here the same request does, inline and once, exactly
what those layers add to its answer:

- the request id (the client's X-Request-ID when it is a plain token, else a new one), in the
  logs while the request runs and in the answer's X-Request-ID header;
- the security headers (`http_guard.SECURITY_HEADERS`, HSTS in production);
- the body limit (`MAX_REQUEST_BYTES`: 413 PAYLOAD_TOO_LARGE, before reading a body whose
  Content-Length says so) and a GET's malformed `variables`/`extensions` (400), answered as the
  guard answers them;
- the access log line and the request and GraphQL metrics, labelled as before (`/graphql`);
- an unexpected error logged in full and answered with the masked 500.

Everything else, /graphql requests Strawberry's router answers (GraphiQL, multipart bodies,
other methods) included, goes to FastAPI unchanged, through the same middleware as before.
CORS, when configured, wraps this layer (`app.allow_cross_origin`), so it applies to /graphql
exactly as to the rest. FastAPI's own OpenTelemetry instrumentation (off unless an OpenTelemetry
provider is configured; the service configures none) does not see the requests answered here.
"""

from time import perf_counter

from service.graphql.front_door import Claim, GraphQLFrontDoor, first_headers, send_answer
from service.http_guard import (
    BadRequest,
    answer_bad_request,
    check_graphql_params,
    read_body_within,
    security_headers,
)
from service.logging import RequestContext, request_context
from service.observability import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    masked_error,
    new_request_id,
    note_unhandled_error,
    record_request,
    request_id_from,
)

GRAPHQL_PATH = "/graphql"


class GraphQLEdge:
    """ASGI layer in front of `app`: the front door's /graphql requests, with the middleware's
    request id, headers, limits, log line and metrics (see the module docstring)."""

    def __init__(
        self, app: ASGIApp, door: GraphQLFrontDoor, *, max_body_bytes: int, production: bool
    ) -> None:
        self.app = app
        self.door = door
        self.max_body_bytes = max_body_bytes
        self.security_headers = security_headers(production=production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A root path (a proxy's prefix) is left to the router, which knows how to strip it.
        if scope["type"] != "http" or scope["path"] != GRAPHQL_PATH or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        headers = first_headers(scope)
        claim = self.door.claim(scope, headers)
        if claim is None:
            await self.app(scope, receive, send)
            return
        given = headers.get(b"x-request-id")
        request_id = request_id_from(given) if given is not None else None
        if request_id is None and given is not None:
            request_id = _later_request_id(scope)
        context = RequestContext(request_id=request_id or new_request_id())
        token = request_context.set(context)
        started = perf_counter()
        status = 500
        response_started = False
        id_header = (b"x-request-id", context.request_id.encode())
        try:
            if claim.params is not None:
                context.operation = claim.operation_in_query_string
            try:
                body = await self._body(scope, receive, headers, claim)
            except BadRequest as error:
                status = error.status
                response_started = True
                await answer_bad_request(send, error, [*self.security_headers, id_header])
                return
            answer = await self.door.answer(scope, headers, claim, body)
            status = answer.status
            response_started = True
            await send_answer(send, answer, [*self.security_headers, id_header])
        except Exception:
            status = 500
            note_unhandled_error(scope, GRAPHQL_PATH)
            if response_started:
                raise
            await masked_error(send, context.request_id)
        finally:
            seconds = perf_counter() - started
            record_request(scope["method"], GRAPHQL_PATH, GRAPHQL_PATH, status, seconds, context)
            request_context.reset(token)

    async def _body(
        self, scope: Scope, receive: Receive, headers: dict[bytes, bytes], claim: Claim
    ) -> bytes:
        """A POST's whole body within the limit; a GET's parameters checked (as the guard does)."""
        if claim.params is not None:
            check_graphql_params(claim.params)
            return b""
        body, end = await read_body_within(
            receive, headers.get(b"content-length"), self.max_body_bytes
        )
        return body if end is None else b""  # the client left mid-body: none of it is read


def _later_request_id(scope: Scope) -> str | None:
    """The first valid X-Request-ID when the first one sent is not (as the middleware reads)."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id" and (candidate := request_id_from(value)) is not None:
            return candidate
    return None
