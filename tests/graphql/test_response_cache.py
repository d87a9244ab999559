"""The response cache follows the catalog version: a write anywhere makes every worker fresh."""

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from service.app import create_app
from service.db import make_engine
from tests.conftest import eventually, isolated_settings

TOKEN = "t" * 40
NAME = '{ model(slug: "paligemma") { name } }'
AUDIT = (
    "INSERT INTO audit_log (actor, operation, action, entity, entity_key) "
    "VALUES ('test', :op, 'update', 'model', :slug)"
)

CACHE_ON = 256  # the shared test apps run without the cache; these tests turn it on


def _write(engine: Engine, name: str, *, audit_rows: int = 1) -> None:
    """A catalog write as the write path makes it: the change and its audit rows, one commit."""
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE models SET name = :name WHERE slug = 'paligemma'"), {"name": name}
        )
        for _ in range(audit_rows):
            connection.execute(
                text(
                    "INSERT INTO audit_log (actor, operation, action, entity, entity_key) "
                    "VALUES ('test', 'rename', 'update', 'model', 'paligemma')"
                )
            )


def _version(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text("SELECT coalesce(max(version), 0) FROM catalog_state")))


def _name(client: TestClient) -> str:
    response = client.post("/graphql", json={"query": NAME})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["model"]["name"])


def _eventually(check: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


@pytest.fixture
def private_engine(seeded_db_url: str) -> Iterator[Engine]:
    engine = make_engine(seeded_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def two_workers(private_engine: Engine) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps over one database, as two gunicorn workers are."""
    settings = isolated_settings(
        database_url=str(private_engine.url), admin_token=TOKEN, response_cache_size=CACHE_ON
    )
    with (
        TestClient(create_app(private_engine, settings)) as one,
        TestClient(create_app(private_engine, settings)) as two,
    ):
        yield one, two


def test_each_writing_transaction_moves_the_version_once(private_engine: Engine) -> None:
    before = _version(private_engine)
    _write(private_engine, "PaliGemma", audit_rows=5)
    assert _version(private_engine) == before + 1
    _write(private_engine, "PaliGemma")
    assert _version(private_engine) == before + 2


def test_a_rolled_back_write_does_not_move_the_version(private_engine: Engine) -> None:
    before = _version(private_engine)
    with private_engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(
            text(
                "INSERT INTO audit_log (actor, operation, action, entity, entity_key) "
                "VALUES ('test', 'x', 'update', 'model', 'paligemma')"
            )
        )
        transaction.rollback()
    assert _version(private_engine) == before


def test_versions_follow_commit_order(private_engine: Engine) -> None:
    """The writer that commits last holds the higher version, whoever started first."""
    first = private_engine.connect()
    second = private_engine.connect()
    try:
        first.begin()
        first.execute(text("SELECT 1"))  # the first transaction starts (and gets its ids) first
        audit = (
            "INSERT INTO audit_log (actor, operation, action, entity, entity_key) "
            "VALUES ('test', :op, 'update', 'model', 'paligemma')"
        )
        first.execute(text(audit), {"op": "first"})
        first.commit()
        second.begin()
        second.execute(text(audit), {"op": "second"})
        second.commit()
        rows = dict(
            second.execute(
                text("SELECT operation, id FROM audit_log WHERE actor = 'test' ORDER BY id")
            ).all()
        )
        assert rows["first"] < rows["second"]
    finally:
        first.close()
        second.close()


def _waits_for_a_lock(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        )


def test_a_transaction_that_commits_late_leaves_no_stale_answer(
    two_workers: tuple[TestClient, TestClient], private_engine: Engine
) -> None:
    """Writer A takes the lower audit ids and holds its transaction open; writer B starts later
    (higher ids) on another model; a reader caches an answer meanwhile. Once both commit, both
    changes are served. A version of max(audit.id) fails this: B commits first, the reader
    caches under B's id, and A's commit adds no higher id, so the old name stays cached."""
    one, _ = two_workers
    before = _version(private_engine)
    assert _name(one) == "PaliGemma"
    late = private_engine.connect()
    try:
        late_transaction = late.begin()
        late.execute(text("UPDATE models SET name = 'PaliGemma late' WHERE slug = 'paligemma'"))
        late.execute(text(AUDIT), {"op": "late", "slug": "paligemma"})
        other_done = threading.Event()

        def other_writer() -> None:
            with private_engine.begin() as connection:
                connection.execute(
                    text("UPDATE models SET name = 'Gemma other' WHERE slug = 'gemma-2b'")
                )
                connection.execute(text(AUDIT), {"op": "other", "slug": "gemma-2b"})
            other_done.set()

        other = threading.Thread(target=other_writer)
        other.start()
        # B has either committed or waits behind A (the version row's lock): either way it
        # has taken its audit id, after A's.
        eventually(
            lambda: other_done.is_set() or _waits_for_a_lock(private_engine),
            "the second writer neither committed nor waited",
            seconds=10,
        )
        assert _name(one) == "PaliGemma"  # cached while A is still open
        late_transaction.commit()
        other.join(timeout=30)
        assert other_done.is_set()
    finally:
        late.close()
    eventually(lambda: _name(one) == "PaliGemma late", "the late commit stayed unseen", 5)
    gemma = '{ model(slug: "gemma-2b") { name } }'
    answer = one.post("/graphql", json={"query": gemma}).json()
    assert answer == {"data": {"model": {"name": "Gemma other"}}}
    with private_engine.connect() as connection:
        ids = dict(
            connection.execute(
                text("SELECT operation, id FROM audit_log WHERE actor = 'test'")
            ).all()
        )
    assert ids["late"] < ids["other"]
    assert _version(private_engine) == before + 2


def test_a_hit_is_served_from_memory_and_a_write_in_one_worker_refreshes_the_other(
    two_workers: tuple[TestClient, TestClient], private_engine: Engine
) -> None:
    one, two = two_workers
    assert _name(one) == _name(two) == "PaliGemma"
    assert _name(two) == "PaliGemma"  # now cached in both
    # A write through the first worker's API: the second learns it by NOTIFY.
    response = one.post(
        "/graphql",
        json={
            "query": 'mutation { updateModel(slug: "paligemma", input: {name: "PaliGemma 1"}) '
            "{ __typename } }"
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.json()
    _eventually(lambda: _name(two) == "PaliGemma 1")
    _eventually(lambda: _name(one) == "PaliGemma 1")


def test_no_stale_answer_survives_a_commit(
    two_workers: tuple[TestClient, TestClient], private_engine: Engine
) -> None:
    one, _ = two_workers
    for round_ in range(5):
        name = f"PaliGemma r{round_}"
        _write(private_engine, name)
        # The answer may lag the commit only by the NOTIFY's trip, never stay stale.
        _eventually(lambda name=name: _name(one) == name, seconds=3)


def test_without_its_listen_connection_a_worker_checks_the_version_per_request(
    two_workers: tuple[TestClient, TestClient], private_engine: Engine
) -> None:
    one, _ = two_workers
    follower = one.app.state.catalog_versions  # type: ignore[attr-defined]
    one.portal.call(follower.stop)  # type: ignore[union-attr]
    assert follower.current() is None
    assert _name(one) == "PaliGemma"
    _write(private_engine, "PaliGemma offline")
    assert _name(one) == "PaliGemma offline"  # at once: no notification needed


@pytest.fixture
def cached_app_client(engine: Engine) -> Iterator[TestClient]:
    """The ETag comes with the cache: an app of its own with it on (the shared one has it off)."""
    settings = isolated_settings(database_url=str(engine.url), response_cache_size=CACHE_ON)
    with TestClient(create_app(engine, settings)) as client:
        yield client


def test_get_answers_carry_an_etag_and_revalidate_with_304(cached_app_client: TestClient) -> None:
    app_client = cached_app_client
    params = {"query": "query Tasks { tasks { nodes { slug name } } }"}
    first = app_client.get("/graphql", params=params)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = app_client.get("/graphql", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = app_client.get("/graphql", params=params, headers={"If-None-Match": '"other"'})
    assert other.status_code == 200
    assert other.json() == first.json()


def test_mutations_are_refused_over_get(app_client: TestClient) -> None:
    response = app_client.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize(
    "body",
    [b"42", b'"x"', b"null", b"\xff\xfe{", b"{", b"[" * 100_000 + b"]" * 100_000],
    ids=["number", "string", "null", "invalid-utf8", "truncated", "deep"],
)
def test_malformed_bodies_are_a_400_with_a_code(app_client: TestClient, body: bytes) -> None:
    response = app_client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_deeply_nested_variables_are_a_400(app_client: TestClient) -> None:
    variables = "[" * 100_000 + "]" * 100_000
    body = '{"query": "{ __typename }", "variables": {"v": ' + variables + "}}"
    response = app_client.post(
        "/graphql", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_bodies_over_a_megabyte_are_a_413(app_client: TestClient) -> None:
    query = "{ __typename }" + " " * 1_000_001
    response = app_client.post(
        "/graphql",
        content=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_database_that_does_not_answer_is_a_masked_503(caplog: pytest.LogCaptureFixture) -> None:
    """No version can be vouched for: the cache path answers SERVICE_UNAVAILABLE, no driver text."""
    url = "postgresql://postgres@127.0.0.1:9/nowhere"
    settings = isolated_settings(
        database_url=url, db_connect_timeout=1, response_cache_size=CACHE_ON
    )
    app = create_app(make_engine(url), settings)
    client = TestClient(app)  # no lifespan: the worker is not listening, it checks per request
    response = client.post("/graphql", json={"query": NAME})
    assert response.status_code == 503
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "9" not in error["message"] and "psycopg" not in response.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
