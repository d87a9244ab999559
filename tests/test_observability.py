"""Request ids, metrics by route and GraphQL operation, masked errors, slow queries, JSON logs."""

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from service.config import Settings
from service.db import make_engine
from service.logging import JsonFormatter, RequestContextFilter
from service.observability import (
    install_observability,
    name_graphql_operation,
    note_graphql_operation,
)


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def slow_engine(engine: Engine) -> Iterator[Engine]:
    """On the shared database (it only reads): 20 ms is slow, statements stop after 300 ms."""
    settings = Settings(_env_file=None, slow_query_ms=20, statement_timeout_ms=300)  # type: ignore[call-arg]
    slow = make_engine(engine.url.render_as_string(hide_password=False), settings)
    yield slow
    slow.dispose()


@pytest.fixture
def app(slow_engine: Engine) -> FastAPI:
    """A bare app with the observability layer and a stand-in for the GraphQL endpoint."""
    app = FastAPI()
    install_observability(app, metrics_enabled=True)

    @app.post("/graphql")
    async def graphql(request: Request) -> dict[str, object]:
        body = await request.json()
        # As the real /graphql front door does once it has read the body.
        name_graphql_operation(body.get("operationName"))
        if body.get("query") == "slow":
            with slow_engine.connect() as connection:
                connection.execute(text("SELECT pg_sleep(0.05)"))
        failed = body.get("query") == "broken"
        note_graphql_operation(body.get("operationName"), error=failed)
        return {"data": None, "errors": [{"message": "x"}]} if failed else {"data": {}}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail from deep inside")

    return app


def test_request_id_is_honoured_or_generated(app: FastAPI) -> None:
    client = TestClient(app)
    given = client.get("/metrics", headers={"X-Request-ID": "req-123"})
    assert given.headers["x-request-id"] == "req-123"
    generated = client.get("/metrics").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    # A header that could forge log lines is replaced, not echoed.
    forged = client.get("/metrics", headers={"X-Request-ID": 'x" "level": "ok'})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])


def test_metrics_count_requests_by_route_and_graphql_operation(app: FastAPI) -> None:
    client = TestClient(app)
    ok_before = _sample("modelcat_graphql_operations_total", operation="Compare", outcome="ok")
    error_before = _sample("modelcat_graphql_operations_total", operation="Broken", outcome="error")
    http_before = _sample(
        "modelcat_http_requests_total", method="POST", route="/graphql", status="200"
    )
    for _ in range(3):
        client.post("/graphql", json={"query": "{ x }", "operationName": "Compare"})
    client.post("/graphql", json={"query": "broken", "operationName": "Broken"})
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    exposition = metrics.text
    assert 'modelcat_graphql_operation_duration_seconds_count{operation="Compare"}' in exposition
    assert "modelcat_db_pool_connections_in_use " in exposition
    assert _sample("modelcat_graphql_operations_total", operation="Compare", outcome="ok") == (
        ok_before + 3
    )
    assert _sample("modelcat_graphql_operations_total", operation="Broken", outcome="error") == (
        error_before + 1
    )
    assert _sample(
        "modelcat_http_requests_total", method="POST", route="/graphql", status="200"
    ) == (http_before + 4)


def test_client_chosen_paths_and_names_do_not_become_labels(app: FastAPI) -> None:
    client = TestClient(app)
    before = _sample("modelcat_http_requests_total", method="GET", route="unmatched", status="404")
    client.get("/random-1")
    client.get("/random-2")
    client.post("/graphql", json={"query": "{ x }", "operationName": "not a name!"})
    assert _sample(
        "modelcat_http_requests_total", method="GET", route="unmatched", status="404"
    ) == (before + 2)
    assert 'route="/random-1"' not in TestClient(app).get("/metrics").text
    assert _sample("modelcat_graphql_operations_total", operation="invalid", outcome="ok") >= 1


def test_unexpected_errors_are_masked_and_logged_in_full(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(app)
    with caplog.at_level(logging.ERROR, logger="service.errors"):
        response = client.get("/boom", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500
    assert response.json() == {"error": "internal server error", "request_id": "boom-1"}
    assert "secret detail" not in response.text
    assert response.headers["x-request-id"] == "boom-1"
    [record] = caplog.records
    assert record.exc_info and "secret detail from deep inside" in str(record.exc_info[1])


def test_slow_queries_are_logged_with_request_and_operation(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(app)
    caplog.handler.addFilter(RequestContextFilter())
    with caplog.at_level(logging.WARNING, logger="service.slow_queries"):
        client.post(
            "/graphql",
            json={"query": "slow", "operationName": "SlowCompare"},
            headers={"X-Request-ID": "slow-1"},
        )
        client.post("/graphql", json={"query": "{ fast }", "operationName": "Fast"})
    [record] = caplog.records
    assert record.getMessage().startswith("slow query: ")
    assert record.operation == "SlowCompare"  # type: ignore[attr-defined]
    assert record.request_id == "slow-1"  # type: ignore[attr-defined]
    assert record.statement == "SELECT pg_sleep(0.05)"  # type: ignore[attr-defined]
    assert record.duration_ms >= 50  # type: ignore[attr-defined]
    assert _sample("modelcat_db_slow_queries_total", operation="SlowCompare") >= 1


def test_statement_timeout_cancels_long_queries(slow_engine: Engine) -> None:
    with slow_engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "300ms"
        with pytest.raises(OperationalError, match="statement timeout"):
            connection.execute(text("SELECT pg_sleep(2)"))


def test_pool_gauges_follow_connections(slow_engine: Engine) -> None:
    before = _sample("modelcat_db_pool_connections_in_use")
    with slow_engine.connect():
        assert _sample("modelcat_db_pool_connections_in_use") == before + 1
        assert _sample("modelcat_db_pool_connections_open") >= 1
    assert _sample("modelcat_db_pool_connections_in_use") == before


def test_json_log_lines_carry_the_request_id(app: FastAPI) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    access = logging.getLogger("service.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        TestClient(app).post(
            "/graphql",
            json={"query": "{ x }", "operationName": "Compare"},
            headers={"X-Request-ID": "json-1"},
        )
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["request_id"] == "json-1"
    assert entry["operation"] == "Compare"
    assert entry["message"] == "POST /graphql 200"
    assert (entry["level"], entry["logger"], entry["status"]) == ("info", "service.access", 200)
    assert entry["duration_ms"] >= 0
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])
