"""/healthz says the process is up; /readyz (and its alias /health) that it can serve."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from service.app import create_app
from service.db import make_engine
from service.migrate import head_revisions, upgrade

HEAD = sorted(head_revisions())


def _client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine))


@pytest.fixture
def unreachable_engine() -> Iterator[Engine]:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    yield engine
    engine.dispose()


@pytest.mark.parametrize("path", ["/readyz", "/health"])
def test_ready_when_the_database_answers_at_head(engine: Engine, path: str) -> None:
    with _client(engine) as client:
        response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "schema": "head",
        "database": "ok",
        "revision": HEAD,
        "head": HEAD,
    }


def test_alive_but_not_ready_when_the_database_is_down(unreachable_engine: Engine) -> None:
    with _client(unreachable_engine) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "unreachable"}


def test_not_ready_when_the_schema_is_behind(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        with _client(engine) as client:
            before = client.get("/readyz")
            upgrade(empty_db_url)
            after = client.get("/readyz")
    finally:
        engine.dispose()
    assert before.status_code == 503
    assert before.json() == {
        "status": "unavailable",
        "schema": "behind",
        "database": "ok",
        "revision": [],
        "head": HEAD,
    }
    assert after.status_code == 200


def test_not_ready_on_a_revision_from_a_newer_release(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed0001'"))
        with _client(engine) as client:
            response = client.get("/readyz")
    finally:
        engine.dispose()
    assert response.status_code == 503
    assert response.json()["schema"] == "unknown revision"
    assert response.json()["revision"] == ["f00dfeed0001"]
