"""/graphql answered in front of FastAPI's stack (service/graphql/edge.py): the same answers,
headers, limits, log lines and metrics as through FastAPI's middleware, and an answer from the
response cache that builds no request context."""

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import Engine

from service.app import ServiceApp, create_app
from service.graphql.edge import GraphQLEdge
from service.graphql.front_door import GraphQLFrontDoor
from service.logging import JsonFormatter, RequestContextFilter
from tests.conftest import isolated_settings
from tests.graphql.conftest import count_statements

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
MAX_BYTES = 4096


@pytest.fixture(scope="module")
def app(engine: Engine) -> Iterator[ServiceApp]:
    """An app of its own with the response cache on (it only reads the shared database)."""
    settings = isolated_settings(
        database_url=str(engine.url),
        response_cache_size=256,
        max_request_bytes=MAX_BYTES,
        metrics_enabled=True,
    )
    app = create_app(engine, settings)
    with TestClient(app):  # the lifespan: the catalog version is followed, as when served
        yield app


@pytest.fixture
def client(app: ServiceApp) -> TestClient:
    return TestClient(app)


@pytest.fixture
def through_fastapi(app: ServiceApp) -> TestClient:
    """The same app without the edge: FastAPI's stack, its middleware and the /graphql route
    (the way every other path, and /graphql requests the edge hands on, still go)."""
    return TestClient(app.fastapi)


def _door(app: ServiceApp) -> GraphQLFrontDoor:
    assert isinstance(app.front, GraphQLEdge)
    return app.front.door


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _seen(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """What a client sees, less the request id (each request has its own)."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k != "x-request-id"]
    return response.status_code, headers, response.content


def _query(name: str) -> str:
    """A document no other test sends: its first answer is not in the cache yet."""
    return f'query {name} {{ model(slug: "paligemma") {{ name }} }}'


def test_a_hit_and_a_miss_carry_the_headers_fastapi_gave(
    app: ServiceApp, client: TestClient, through_fastapi: TestClient
) -> None:
    body = {"query": _query("EdgeHeaders"), "operationName": "EdgeHeaders"}
    miss = client.post("/graphql", json=body, headers={"X-Request-ID": "edge-miss"})
    with count_statements(client) as statements:
        hit = client.post("/graphql", json=body, headers={"X-Request-ID": "edge-hit"})
        inner = through_fastapi.post("/graphql", json=body, headers={"X-Request-ID": "inner"})
    assert statements.count == 0  # both from the cache
    assert miss.json() == {"data": {"model": {"name": "PaliGemma"}}}
    assert _seen(miss) == _seen(hit) == _seen(inner)
    assert (miss.headers["x-request-id"], hit.headers["x-request-id"]) == ("edge-miss", "edge-hit")
    for name, value in SECURITY_HEADERS.items():
        assert hit.headers[name] == value
    assert "content-security-policy" not in hit.headers
    assert hit.headers["content-type"] == "application/json"
    assert int(hit.headers["content-length"]) == len(hit.content)
    generated = client.post("/graphql", json=body).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    forged = client.post("/graphql", json=body, headers={"X-Request-ID": 'x" "level": "ok'})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])


def test_get_answers_and_their_304_are_those_fastapi_gave(
    client: TestClient, through_fastapi: TestClient
) -> None:
    params = {"query": _query("EdgeGet"), "variables": json.dumps({"unused": 1})}
    first = client.get("/graphql", params=params)
    assert first.status_code == 200 and first.headers["etag"]
    assert _seen(first) == _seen(through_fastapi.get("/graphql", params=params))
    revalidate = {"If-None-Match": first.headers["etag"]}
    not_modified = client.get("/graphql", params=params, headers=revalidate)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["x-frame-options"] == "DENY"
    assert not_modified.headers["x-request-id"]
    assert _seen(not_modified) == _seen(
        through_fastapi.get("/graphql", params=params, headers=revalidate)
    )


def _too_large_streamed() -> Iterator[bytes]:
    for _ in range(3):
        yield b"x" * MAX_BYTES  # no Content-Length: counted as it arrives


REFUSED: dict[str, dict[str, Any]] = {
    "413 declared": {
        "method": "POST",
        "content": json.dumps({"query": "{ __typename }", "x": "x" * MAX_BYTES}).encode(),
        "headers": {"content-type": "application/json"},
    },
    "413 streamed": {
        "method": "POST",
        "content": _too_large_streamed,
        "headers": {"content-type": "application/json"},
    },
    "400 GET variables": {
        "method": "GET",
        "params": {"query": "{ __typename }", "variables": "[1]"},
    },
    "400 body": {
        "method": "POST",
        "content": b'{"query": 42}',
        "headers": {"content-type": "application/json"},
    },
    "406": {
        "method": "POST",
        "json": {"query": "{ __typename }"},
        "headers": {"accept": "text/csv"},
    },
    "persisted query unknown": {
        "method": "GET",
        "params": {
            "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}})
        },
    },
}


@pytest.mark.parametrize("kind", REFUSED)
def test_refusals_are_those_the_middleware_gave(
    client: TestClient, through_fastapi: TestClient, kind: str
) -> None:
    def send(via: TestClient) -> httpx.Response:
        request = dict(REFUSED[kind])
        if callable(request.get("content")):
            request["content"] = request["content"]()
        return via.request(url="/graphql", **request)

    edge, inner = send(client), send(through_fastapi)
    assert edge.status_code in (200, 400, 406, 413)
    assert edge.status_code != 200 or edge.json()["errors"]
    assert _seen(edge) == _seen(inner)
    assert edge.headers["x-content-type-options"] == "nosniff"
    assert edge.headers["x-request-id"]


def test_hits_and_misses_are_counted_and_logged(client: TestClient) -> None:
    body = {"query": _query("EdgeCounted"), "operationName": "EdgeCounted"}
    labels = {"method": "POST", "route": "/graphql", "status": "200"}
    requests_before = _sample("modelcat_http_requests_total", **labels)
    latency_before = _sample(
        "modelcat_http_request_duration_seconds_count", method="POST", route="/graphql"
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    access = logging.getLogger("service.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        client.post("/graphql", json=body, headers={"X-Request-ID": "counted-miss"})
        client.post("/graphql", json=body, headers={"X-Request-ID": "counted-hit"})
        too_large = {"query": "{ __typename }", "x": "x" * MAX_BYTES}
        client.post("/graphql", json=too_large, headers={"X-Request-ID": "counted-413"})
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    assert _sample("modelcat_http_requests_total", **labels) == requests_before + 2
    assert (
        _sample("modelcat_http_request_duration_seconds_count", method="POST", route="/graphql")
        == latency_before + 3
    )
    assert _sample("modelcat_graphql_operations_total", operation="EdgeCounted", outcome="ok") == 2
    assert (
        _sample("modelcat_graphql_operation_duration_seconds_count", operation="EdgeCounted") == 2
    )
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["request_id"], e["message"], e.get("operation")) for e in lines] == [
        ("counted-miss", "POST /graphql 200", "EdgeCounted"),
        ("counted-hit", "POST /graphql 200", "EdgeCounted"),
        ("counted-413", "POST /graphql 413", None),
    ]
    assert all(e["logger"] == "service.access" and e["duration_ms"] >= 0 for e in lines)


def test_an_answer_from_the_cache_builds_no_request_context(
    app: ServiceApp, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    door = _door(app)
    made: list[object] = []
    make_context = door.make_context

    def counted(*args: Any) -> Any:
        made.append(args)
        return make_context(*args)

    monkeypatch.setattr(door, "make_context", counted)
    body = {"query": _query("EdgeNoContext")}
    client.post("/graphql", json=body)
    assert len(made) == 1  # the miss runs the document in a context
    for _ in range(3):
        assert client.post("/graphql", json=body).json()["data"]["model"]["name"] == "PaliGemma"
    assert len(made) == 1


def test_an_unexpected_error_is_masked_logged_and_counted(
    app: ServiceApp,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*args: Any) -> Any:
        raise RuntimeError("secret detail from deep inside")

    monkeypatch.setattr(_door(app), "answer", broken)
    errors_before = _sample("modelcat_http_unhandled_errors_total", route="/graphql")
    with caplog.at_level(logging.ERROR, logger="service.errors"):
        response = client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": "edge-boom"}
        )
    assert response.status_code == 500
    assert response.json() == {"error": "internal server error", "request_id": "edge-boom"}
    assert response.headers["x-request-id"] == "edge-boom"
    [record] = caplog.records
    assert record.exc_info and "secret detail" in str(record.exc_info[1])
    assert _sample("modelcat_http_unhandled_errors_total", route="/graphql") == errors_before + 1


def test_what_the_door_does_not_answer_goes_through_fastapi(client: TestClient) -> None:
    """Strawberry's router still answers a body that is not JSON, the guard still turns its
    plain-text 400 into JSON with a code, and other paths are FastAPI's."""
    form = client.post(
        "/graphql",
        content=b"query={ __typename }",
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "X-Request-ID": "edge-form",
        },
    )
    assert form.status_code in (400, 415)
    assert form.headers["x-request-id"] == "edge-form"
    assert form.headers["x-frame-options"] == "DENY"
    health = client.get("/healthz", headers={"X-Request-ID": "edge-health"})
    assert health.status_code == 200 and health.headers["x-request-id"] == "edge-health"
    assert health.headers["x-content-type-options"] == "nosniff"
