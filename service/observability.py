"""Prometheus metrics, the per-request middleware (request id, access log, metrics), slow queries.

The GraphQL layer labels its metrics by calling `note_graphql_operation` once it knows the
operation's name and whether it produced errors; until then the middleware labels a /graphql
request by the `operationName` the client sent.
"""

import hmac
import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response

from service.logging import RequestContext, request_context

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

GRAPHQL_PATH = "/graphql"
MAX_OPERATION_LABELS = 200
PROBE_PATHS = {"/healthz", "/readyz", "/health", "/metrics"}

access_log = logging.getLogger("service.access")
error_log = logging.getLogger("service.errors")
query_log = logging.getLogger("service.slow_queries")

HTTP_REQUESTS = Counter(
    "modelcat_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "modelcat_http_request_duration_seconds", "Time to answer an HTTP request.", ["method", "route"]
)
HTTP_ERRORS = Counter(
    "modelcat_http_unhandled_errors_total", "Requests that raised an unexpected error.", ["route"]
)
GRAPHQL_OPERATIONS = Counter(
    "modelcat_graphql_operations_total",
    "GraphQL operations by name and outcome (ok or error).",
    ["operation", "outcome"],
)
GRAPHQL_LATENCY = Histogram(
    "modelcat_graphql_operation_duration_seconds",
    "Time to answer a GraphQL operation, by name.",
    ["operation"],
)
SLOW_QUERIES = Counter(
    "modelcat_db_slow_queries_total", "Queries slower than SLOW_QUERY_MS.", ["operation"]
)
POOL_IN_USE = Gauge(
    "modelcat_db_pool_connections_in_use",
    "Pooled connections checked out by requests now.",
    multiprocess_mode="livesum",
)
POOL_OPEN = Gauge(
    "modelcat_db_pool_connections_open",
    "Connections to PostgreSQL the pools hold open now.",
    multiprocess_mode="livesum",
)
POOL_CAPACITY = Gauge(
    "modelcat_db_pool_capacity",
    "Connections the pools may open (size plus overflow).",
    multiprocess_mode="livesum",
)

_OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_seen_operations: set[str] = set()


def operation_label(name: str | None) -> str:
    """A bounded label: the GraphQL name, or anonymous / invalid / other (past the cap)."""
    if not name:
        return "anonymous"
    if not _OPERATION_NAME.fullmatch(name):
        return "invalid"
    if name not in _seen_operations:
        if len(_seen_operations) >= MAX_OPERATION_LABELS:
            return "other"
        _seen_operations.add(name)
    return name


# The labelled children of the request metrics, looked up once per label set (a `labels()`
# call validates and joins its values each time: a few microseconds on every request). The
# label sets are bounded (methods, route templates, statuses, bounded operation names).
_CHILDREN: dict[tuple[object, tuple[str, ...]], Any] = {}
MAX_CHILDREN = 10_000


def _child(metric: Any, *values: str) -> Any:
    key = (metric, values)
    child = _CHILDREN.get(key)
    if child is None:
        child = metric.labels(*values)
        if len(_CHILDREN) >= MAX_CHILDREN:
            _CHILDREN.clear()
        _CHILDREN[key] = child
    return child


# A /graphql request's four children (its HTTP count and latency, its operation's count and
# latency) in one lookup, by what labels them: one answer from the cache costs ~13 µs, and
# four lookups and the operation's label were a tenth of it. Bounded as `_CHILDREN` is (the
# operation name is the client's).
_GRAPHQL_CHILDREN: dict[tuple[str, int, str | None, bool], tuple[Any, Any, Any, Any]] = {}


def _graphql_children(
    method: str, status: int, operation: str | None, error: bool
) -> tuple[Any, Any, Any, Any]:
    key = (method, status, operation, error)
    children = _GRAPHQL_CHILDREN.get(key)
    if children is None:
        label = operation_label(operation)
        children = (
            _child(HTTP_REQUESTS, method, GRAPHQL_PATH, str(status)),
            _child(HTTP_LATENCY, method, GRAPHQL_PATH),
            _child(GRAPHQL_OPERATIONS, label, "error" if error else "ok"),
            _child(GRAPHQL_LATENCY, label),
        )
        if len(_GRAPHQL_CHILDREN) >= MAX_CHILDREN:
            _GRAPHQL_CHILDREN.clear()
        _GRAPHQL_CHILDREN[key] = children
    return children


def observe_graphql_operation(name: str | None, seconds: float, error: bool) -> None:
    """Count one GraphQL operation and its latency under its (bounded) name."""
    label = operation_label(name)
    _child(GRAPHQL_OPERATIONS, label, "error" if error else "ok").inc()
    _child(GRAPHQL_LATENCY, label).observe(seconds)


def note_graphql_operation(name: str | None, *, error: bool) -> None:
    """Called by the GraphQL layer: the executed operation's name and whether it had errors.

    The middleware records the metrics when the request ends, so each request counts once.
    """
    context = request_context.get()
    if context is not None:
        context.operation = name
        context.graphql_error = error


def name_graphql_operation(name: str | None) -> None:
    """Called by the /graphql front door once it has read the body: the operation's name."""
    context = request_context.get()
    if context is not None and name:
        context.operation = name


def metrics_response() -> Response:
    """The Prometheus exposition; merges the workers' files when PROMETHEUS_MULTIPROC_DIR is set."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class RequestObservability:
    """ASGI middleware: request id in and out, one access log line, HTTP and GraphQL metrics.

    Unexpected errors are logged in full and answered with a masked 500 carrying the request id.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        context = RequestContext(request_id=_request_id(scope))
        token = request_context.set(context)
        started = time.perf_counter()
        status = 500
        response_started = False
        is_graphql = scope["path"].rstrip("/") == GRAPHQL_PATH
        if is_graphql:
            _operation_from_query_string(scope, context)

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", context.request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            status = 500
            note_unhandled_error(scope, _route(scope))
            if response_started:
                raise
            await masked_error(send, context.request_id)
        finally:
            seconds = time.perf_counter() - started
            # /graphql is served by the front door, an ASGI route that FastAPI does not name
            # in the scope: label it by its (fixed) path, never "unmatched".
            route = GRAPHQL_PATH if is_graphql else _route(scope)
            record_request(scope["method"], scope["path"], route, status, seconds, context)
            request_context.reset(token)


def record_request(
    method: str, path: str, route: str, status: int, seconds: float, context: RequestContext
) -> None:
    """Count one answered request, its latency and (for /graphql) its GraphQL operation, and
    write its access log line."""
    if route == GRAPHQL_PATH:
        error = context.graphql_error if context.graphql_error is not None else status >= 400
        requests, latency, operations, operation_latency = _graphql_children(
            method, status, context.operation, error
        )
        requests.inc()
        latency.observe(seconds)
        operations.inc()
        operation_latency.observe(seconds)
    else:
        _child(HTTP_REQUESTS, method, route, str(status)).inc()
        _child(HTTP_LATENCY, method, route).observe(seconds)
    level = logging.DEBUG if path in PROBE_PATHS else logging.INFO
    if access_log.isEnabledFor(level):
        access_log.log(
            level,
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            },
        )


def note_unhandled_error(scope: Scope, route: str) -> None:
    """An unexpected error: counted, and logged in full (the client sees a masked 500)."""
    HTTP_ERRORS.labels(route).inc()
    error_log.exception("unhandled error in %s %s", scope["method"], scope["path"])


def new_request_id() -> str:
    """A fresh request id: 32 random hex digits (as a UUID's hex, at a third of its cost)."""
    return os.urandom(16).hex()


def request_id_from(given: bytes | None) -> str | None:
    """The client's X-Request-ID when it is a plain token that cannot forge a log line."""
    if given is None:
        return None
    candidate = given.decode("latin-1")
    return candidate if _REQUEST_ID.fullmatch(candidate) else None


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id" and (candidate := request_id_from(value)) is not None:
            return candidate
    return new_request_id()


def _route(scope: Scope) -> str:
    """The matched route's template (bounded), never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def _operation_from_query_string(scope: Scope, context: RequestContext) -> None:
    """A GET request's operationName; the /graphql front door names a POST's once it has read
    the body (the middleware never buffers a body)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if names := query.get("operationName"):
        context.operation = names[0]


async def masked_error(send: Send, request_id: str) -> None:
    body = json.dumps({"error": "internal server error", "request_id": request_id}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def install_observability(
    app: FastAPI, *, metrics_enabled: bool, metrics_token: str | None = None
) -> None:
    """The middleware, and /metrics when enabled (behind a bearer token when one is given)."""
    app.add_middleware(RequestObservability)
    if not metrics_enabled:
        return
    if not metrics_token:
        app.add_api_route("/metrics", metrics_response, include_in_schema=False)
        return
    expected = f"Bearer {metrics_token}".encode()

    def guarded_metrics(request: Request) -> Response:
        presented = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(presented, expected):
            return Response(
                "metrics need 'Authorization: Bearer <METRICS_TOKEN>'\n",
                status_code=401,
                media_type="text/plain",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return metrics_response()

    app.add_api_route("/metrics", guarded_metrics, include_in_schema=False)
