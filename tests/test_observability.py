"""Request ids, metrics by route and GraphQL operation, masked errors, slow queries, JSON logs:
through the real service, its schema and front door."""

import io
import json
import logging
import re
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from service.app import create_app
from service.db import make_engine
from service.logging import JsonFormatter, RequestContextFilter
from tests.conftest import isolated_settings, shared_app_settings


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def slow_engine(engine: Engine) -> Iterator[Engine]:
    """On the shared database (it only reads): 20 ms is slow, statements stop after 300 ms."""
    settings = isolated_settings(slow_query_ms=20, statement_timeout_ms=300)
    slow = make_engine(engine.url.render_as_string(hide_password=False), settings)
    yield slow
    slow.dispose()


COMPARE = 'query Compare { compare(models: ["gpt-5.2", "paligemma"]) { models { name } } }'
SLOW_COMPARE = COMPARE.replace("query Compare", "query SlowCompare")
BROKEN = 'query Broken { model(slug: "no-such-model") { name } }'


@pytest.fixture(scope="module")
def app(engine: Engine) -> Iterator[FastAPI]:
    """The real service (schema, front door, metrics) with 20 ms as its slow-query threshold,
    plus one route that fails unexpectedly."""
    settings = shared_app_settings(str(engine.url), metrics_enabled=True, slow_query_ms=20)
    app = create_app(engine, settings)

    def boom() -> None:
        raise RuntimeError("secret detail from deep inside")

    app.add_api_route("/boom", boom)
    with TestClient(app):  # runs the lifespan, as a served app does
        yield app


def _hold_models_lock(engine: Engine, held: threading.Event) -> None:
    """Lock the models table until a statement waits for it, then 0.1 s longer: that statement
    is slow. (Waits for the waiter with a deadline, never for a fixed time.)"""
    with engine.connect() as holder, holder.begin():
        holder.execute(text("LOCK TABLE models IN ACCESS EXCLUSIVE MODE"))
        held.set()
        deadline = time.monotonic() + 60
        with engine.connect() as watcher:
            waiting = text(
                "SELECT count(*) FROM pg_locks WHERE relation = 'models'::regclass AND NOT granted"
            )
            while not watcher.execute(waiting).scalar_one():
                assert time.monotonic() < deadline, "no statement waited for the lock"
                time.sleep(0.01)
        time.sleep(0.1)


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
        answer = client.post("/graphql", json={"query": COMPARE, "operationName": "Compare"})
        assert answer.json()["data"]["compare"]["models"][1]["name"] == "PaliGemma"
    refused = client.post("/graphql", json={"query": BROKEN, "operationName": "Broken"})
    assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
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
    invalid_before = sum(
        _sample("modelcat_graphql_operations_total", operation="invalid", outcome=outcome)
        for outcome in ("ok", "error")
    )
    client.post("/graphql", json={"query": "{ __typename }", "operationName": "not a name!"})
    assert _sample(
        "modelcat_http_requests_total", method="GET", route="unmatched", status="404"
    ) == (before + 2)
    assert 'route="/random-1"' not in TestClient(app).get("/metrics").text
    assert 'operation="not a name!"' not in TestClient(app).get("/metrics").text
    invalid_after = sum(
        _sample("modelcat_graphql_operations_total", operation="invalid", outcome=outcome)
        for outcome in ("ok", "error")
    )
    assert invalid_after == invalid_before + 1


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
    app: FastAPI, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(app)
    caplog.handler.addFilter(RequestContextFilter())
    held = threading.Event()
    locker = threading.Thread(target=_hold_models_lock, args=(engine, held))
    locker.start()
    assert held.wait(timeout=30)
    with caplog.at_level(logging.WARNING, logger="service.slow_queries"):
        slow = client.post(
            "/graphql",
            json={"query": SLOW_COMPARE, "operationName": "SlowCompare"},
            headers={"X-Request-ID": "slow-1"},
        )
        locker.join()
    assert slow.json()["data"]["compare"]["models"][0]["name"] == "GPT-5.2"
    records = [r for r in caplog.records if getattr(r, "request_id", None) == "slow-1"]
    assert records, "the statement that waited for the lock was not logged as slow"
    assert all(r.getMessage().startswith("slow query: ") for r in records)
    assert {r.operation for r in records} == {"SlowCompare"}  # type: ignore[attr-defined]
    assert any("models" in r.statement for r in records)  # type: ignore[attr-defined]
    assert max(r.duration_ms for r in records) >= 100  # type: ignore[attr-defined]
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
            json={"query": COMPARE, "operationName": "Compare"},
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
