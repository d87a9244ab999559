"""A GraphQL client over HTTP against the ASGI app, on the shared seeded database."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg import pq
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
    """Statements sent, and the round trips they took: one each, except statements sent in
    one pipeline (`db.fetch_many`), each sent before the one ahead of it had answered."""

    def __init__(self) -> None:
        self.count = 0
        self.round_trips = 0
        self._pipelined: Any = None  # the last statement's cursor, when sent in a pipeline

    def __call__(self, _connection: Any, cursor: Any, *args: Any) -> None:
        self.count += 1
        pgconn = getattr(getattr(cursor, "connection", None), "pgconn", None)
        pipelined = pgconn is not None and pgconn.pipeline_status != pq.PipelineStatus.OFF
        ahead = self._pipelined
        if not (pipelined and ahead is not None and not ahead.closed and ahead.pgresult is None):
            self.round_trips += 1
        self._pipelined = cursor if pipelined else None


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
