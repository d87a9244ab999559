"""Clients for the hardening tests: the real HTTP app, development and production settings."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.app import create_app
from tests.conftest import shared_app_settings

ADMIN_TOKEN = "h" * 40
LEAK_MARKERS = ("psycopg", "sqlalchemy", "Traceback", "QueuePool", "OperationalError", "127.0.0.1")


@pytest.fixture(scope="module")
def client(engine: Engine) -> Iterator[TestClient]:
    app = create_app(engine, shared_app_settings(str(engine.url)))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def production(engine: Engine) -> Iterator[TestClient]:
    settings = shared_app_settings(str(engine.url), environment="production")
    with TestClient(create_app(engine, settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails the test when anything it sent produced an ERROR log line."""
    with caplog.at_level(logging.WARNING):
        yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


def errors_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert body.get("errors"), body
    return body["errors"]


def assert_not_leaking(text: str) -> None:
    for marker in LEAK_MARKERS:
        assert marker not in text, text
