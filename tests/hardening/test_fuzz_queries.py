"""Property-based fuzz of the live schema's queries through the HTTP app (seed fixed)."""

import logging
from typing import Any

import graphql
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import Mode, queries

from service.config import PROJECT_ROOT
from tests.hardening.fuzz import CUSTOM_SCALARS, EXAMPLES, check_answer

pytestmark = pytest.mark.slow
SCHEMA = graphql.build_schema((PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _run(client: TestClient, document: str, headers: dict[str, str] | None = None) -> None:
    capture = Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        response = client.post("/graphql", json={"query": document}, headers=headers or {})
    finally:
        root.removeHandler(capture)
    body: Any = response.json() if response.content else None
    check_answer(response.status_code, body, capture.records, document)


def test_generated_queries(client: TestClient) -> None:
    @FUZZ
    @given(queries(SCHEMA, custom_scalars=CUSTOM_SCALARS))
    def one(document: str) -> None:
        _run(client, document)

    one()


def test_generated_invalid_queries(client: TestClient) -> None:
    @settings(FUZZ, max_examples=max(EXAMPLES // 3, 50))
    @given(queries(SCHEMA, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE))
    def one(document: str) -> None:
        _run(client, document)

    one()
