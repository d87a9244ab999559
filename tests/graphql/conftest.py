"""A GraphQL client over HTTP against the ASGI app, on the shared seeded database."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from service.app import create_app
from tests.conftest import shared_app_settings


class GraphQL:
    def __init__(self, client: TestClient):
        self.client = client

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code in (200, 400), response.text
        return response.json()

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.post(query, variables)
        assert body.get("errors"), body
        return body["errors"][0]


@pytest.fixture(scope="session")
def app_client(engine: Engine) -> Iterator[TestClient]:
    app = create_app(engine, shared_app_settings(str(engine.url)))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def gql(app_client: TestClient) -> GraphQL:
    return GraphQL(app_client)


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


@contextmanager
def count_statements(client: TestClient) -> Iterator[StatementCounter]:
    """Counts the SQL statements the client's app sends while the block runs."""
    counter = StatementCounter()
    sync_engine = client.app.state.async_engine.sync_engine  # type: ignore[attr-defined]
    event.listen(sync_engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(sync_engine, "before_cursor_execute", counter)


@pytest.fixture
def statements(app_client: TestClient) -> Iterator[StatementCounter]:
    """Counts the SQL statements the API sends while the test runs."""
    with count_statements(app_client) as counter:
        yield counter
