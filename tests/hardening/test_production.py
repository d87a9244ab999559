"""Production publishes no API description, no schema hints, metrics only behind a token."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.app import create_app
from tests.conftest import isolated_settings


def test_no_openapi_or_docs_in_production(production: TestClient, client: TestClient) -> None:
    assert production.get("/openapi.json").status_code == 404
    assert production.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 200  # development keeps them


def test_field_suggestions_are_off_with_introspection(
    production: TestClient, client: TestClient
) -> None:
    for query in ["{ auditLg { id } }", "{ models(filtr: {}) { nodes { slug } } }"]:
        hidden = production.post("/graphql", json={"query": query}).json()["errors"][0]
        assert "Did you mean" not in hidden["message"], hidden
    shown = client.post("/graphql", json={"query": "{ auditLg { id } }"}).json()["errors"][0]
    assert "Did you mean 'auditLog'" in shown["message"]


def test_security_headers_on_pages_and_api(production: TestClient) -> None:
    page = production.get("/models")
    for header in ("x-content-type-options", "x-frame-options", "referrer-policy"):
        assert header in page.headers
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["strict-transport-security"].startswith("max-age=")
    api = production.post("/graphql", json={"query": "{ __typename }"})
    assert api.headers["x-content-type-options"] == "nosniff"


def test_metrics_are_off_in_production_without_a_token(production: TestClient) -> None:
    assert production.get("/metrics").status_code == 404


def test_metrics_token_guards_metrics(engine: Engine) -> None:
    settings = isolated_settings(
        database_url=str(engine.url), environment="production", metrics_token="m" * 32
    )
    with TestClient(create_app(engine, settings)) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = client.get("/metrics", headers={"Authorization": "Bearer " + "m" * 32})
        assert right.status_code == 200
        assert "modelcat_http_requests_total" in right.text


@pytest.mark.parametrize("enabled", [False])
def test_metrics_can_be_turned_off(engine: Engine, enabled: bool) -> None:
    settings = isolated_settings(database_url=str(engine.url), metrics_enabled=enabled)
    with TestClient(create_app(engine, settings)) as client:
        assert client.get("/metrics").status_code == 404
