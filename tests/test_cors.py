"""CORS_ORIGINS: which other origins' pages may call the API (the browser side is in tests/web)."""

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from service.app import create_app
from service.config import Settings
from tests.graphql.conftest import count_statements

FRONT_END = "https://app.example.com"
PREFLIGHT = {
    "Origin": FRONT_END,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type,authorization",
}


def _client(engine: Engine, origins: str) -> TestClient:
    settings = Settings(_env_file=None, database_url=str(engine.url), cors_origins=origins)  # type: ignore[call-arg]
    return TestClient(create_app(engine, settings))


def test_no_origin_is_allowed_by_default(engine: Engine) -> None:
    assert Settings(_env_file=None).cors_origin_list == []  # type: ignore[call-arg]
    with _client(engine, "") as client:
        answer = client.post("/graphql", json={"query": "{ __typename }"}, headers=PREFLIGHT)
        assert answer.status_code == 200
        assert "access-control-allow-origin" not in answer.headers


def test_a_listed_origin_passes_the_preflight_and_reads_the_answer(engine: Engine) -> None:
    with _client(engine, f"{FRONT_END}, http://localhost:5173") as client:
        preflight = client.options("/graphql", headers=PREFLIGHT)
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == FRONT_END
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        answer = client.post("/graphql", json={"query": "{ __typename }"}, headers=PREFLIGHT)
        assert answer.headers["access-control-allow-origin"] == FRONT_END
        assert answer.headers["access-control-expose-headers"] == "X-Request-ID"
        other = client.options("/graphql", headers={**PREFLIGHT, "Origin": "https://evil.test"})
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("bad", ["app.example.com", "https://app.example.com/path", "ftp://x"])
def test_a_value_that_is_not_an_origin_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="is not an origin; write scheme://host"):
        Settings(_env_file=None, cors_origins=bad)  # type: ignore[call-arg]


def test_any_origin_is_refused_in_production_with_writes_on() -> None:
    production = {
        "environment": "production",
        "database_url": "postgresql://db/catalog",
        "admin_token": "x" * 40,
    }
    with pytest.raises(ValidationError, match="CORS_ORIGINS=\\* with writes enabled"):
        Settings(_env_file=None, cors_origins="*", writes_enabled=True, **production)  # type: ignore[call-arg, arg-type]
    reads_only = Settings(_env_file=None, cors_origins="*", **production)  # type: ignore[call-arg, arg-type]
    assert reads_only.cors_origin_list == ["*"]


def test_answers_from_the_cache_carry_the_cors_headers_too(engine: Engine) -> None:
    """The CORS layer is in front of the /graphql edge: a miss and a hit are answered alike."""
    body = {"query": 'query CorsCached { model(slug: "paligemma") { name } }'}
    with _client(engine, FRONT_END) as client:
        miss = client.post("/graphql", json=body, headers={"Origin": FRONT_END})
        with count_statements(client) as statements:
            hit = client.post("/graphql", json=body, headers={"Origin": FRONT_END})
        assert statements.count == 0  # from the response cache
    for answer in (miss, hit):
        assert answer.json() == {"data": {"model": {"name": "PaliGemma"}}}
        assert answer.headers["access-control-allow-origin"] == FRONT_END
        assert answer.headers["access-control-expose-headers"] == "X-Request-ID"
        assert answer.headers["x-request-id"] and answer.headers["x-frame-options"] == "DENY"
