"""ASGI guard in front of the app: body size limit, malformed GraphQL bodies, security headers.

A client's mistake is answered here with a 4xx and a code before any handler parses it:
a body over `MAX_REQUEST_BYTES` is `413 PAYLOAD_TOO_LARGE`; a `/graphql` GET whose `variables`
or `extensions` are not JSON objects of a sane depth is `400 BAD_REQUEST` (a JSON POST is
checked by the GraphQL front door, which parses it once). Every response carries the usual
security headers.
"""

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

GRAPHQL_PATH = "/graphql"
# Deeper than any document the API takes needs (a variable holds input objects and lists a
# few levels deep); far below Python's recursion limit.
MAX_JSON_DEPTH = 32
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
# The pages load nothing but their own stylesheet. The GraphiQL page (development only) is
# Strawberry's, with inline script and style, and falls back to unpkg.com until its files are
# fetched (service/graphql/ide_assets.py): it is left without this policy.
PAGE_CSP = (
    b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    b"frame-ancestors 'none'; form-action 'self'"
)
HSTS = b"max-age=31536000; includeSubDomains"


class BadRequest(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests lists or objects deeper than `limit` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise BadRequest(400, "BAD_REQUEST", f"{what} nests too deeply") from exc
    except ValueError as exc:
        raise BadRequest(400, "BAD_REQUEST", f"{what} is not valid JSON: {exc}") from exc


def _too_deep(value: Any, what: str) -> None:
    if json_depth_exceeds(value, MAX_JSON_DEPTH):
        raise BadRequest(400, "BAD_REQUEST", f"{what} nests deeper than {MAX_JSON_DEPTH} levels")


def check_graphql_query_string(query_string: bytes) -> None:
    """GET /graphql: `variables` and `extensions` must be JSON objects of a sane depth."""
    check_graphql_params(parse_qsl(query_string.decode("latin-1")))


def check_graphql_params(params: list[tuple[str, str]]) -> None:
    """`check_graphql_query_string` on the query string's (name, value) pairs, in order."""
    for key in ("variables", "extensions"):
        for raw in (value for name, value in params if name == key):
            value = _json(raw, f"the {key} parameter")
            if value is not None and not isinstance(value, dict):
                raise BadRequest(400, "BAD_REQUEST", f"{key} must be a JSON object")
            _too_deep(value, f"the {key} parameter")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def security_headers(*, production: bool) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries (HSTS in production, behind TLS)."""
    return [*SECURITY_HEADERS, *([(b"strict-transport-security", HSTS)] * production)]


async def answer_bad_request(
    send: Send, error: BadRequest, extra_headers: list[tuple[bytes, bytes]]
) -> None:
    """The guard's JSON answer to a client's mistake (the connection is closed after it)."""
    body = json.dumps(
        {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *extra_headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class HttpGuard:
    """Body limit, malformed-body refusal and security headers, as one ASGI layer."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, production: bool) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.headers = security_headers(production=production)

    def _with_headers(self, scope: Scope, message: Message) -> Message:
        headers = list(message.get("headers", []))
        headers.extend(self.headers)
        content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        is_ide = scope["path"].rstrip("/") == GRAPHQL_PATH
        if content_type.startswith(b"text/html") and not is_ide:
            headers.append((b"content-security-policy", PAGE_CSP))
        return {**message, "headers": headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        is_graphql = scope["path"].rstrip("/") == GRAPHQL_PATH
        held: list[Message] = []

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = self._with_headers(scope, message)
                if is_graphql and _plain_text_400(message):
                    held.append(message)  # answered as JSON with a code once its text is known
                    return
            if held and message["type"] == "http.response.body":
                text = message.get("body", b"").decode("utf-8", "replace")
                await answer_bad_request(send, BadRequest(400, "BAD_REQUEST", text), self.headers)
                return
            await send(message)

        try:
            if is_graphql and scope["method"] == "GET":
                check_graphql_query_string(scope.get("query_string", b""))
            if scope["method"] not in BODY_METHODS:
                await self.app(scope, receive, send_with_headers)
                return
            # A JSON body for /graphql is parsed and checked once, by the GraphQL front door.
            _, messages = await self._read_body(scope, receive)
        except BadRequest as error:
            await answer_bad_request(send, error, self.headers)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send_with_headers)

    async def _read_body(self, scope: Scope, receive: Receive) -> tuple[bytes, list[Message]]:
        """The whole body, and the messages to replay it to the app."""
        body, last = await read_body_within(
            receive, _header(scope, b"content-length"), self.max_body_bytes
        )
        if last is not None:
            return body, [last]
        return body, [{"type": "http.request", "body": body, "more_body": False}]


async def read_body_within(
    receive: Receive, declared: bytes | None, max_bytes: int
) -> tuple[bytes, Message | None]:
    """The whole body, refused past `max_bytes` (before reading it when its Content-Length,
    `declared`, says so). A message that is not body (a disconnect) ends it and is returned."""
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    first = await receive()
    if first["type"] != "http.request":
        return b"", first
    body: bytes = first.get("body", b"")
    if len(body) > max_bytes:
        raise _too_large(max_bytes)
    if not first.get("more_body", False):
        return body, None  # the whole body in one message: the usual case
    chunks = [body]
    size = len(body)
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _too_large(max_bytes: int) -> BadRequest:
    return BadRequest(
        413, "PAYLOAD_TOO_LARGE", f"the request body is larger than {max_bytes} bytes"
    )


def _plain_text_400(message: Message) -> bool:
    """Strawberry answers a request it cannot parse with a 400 in plain text, without a code."""
    if message["status"] != 400:
        return False
    headers = message.get("headers", [])
    return any(k.lower() == b"content-type" and v.startswith(b"text/plain") for k, v in headers)
