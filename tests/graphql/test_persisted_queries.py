"""Persisted queries: the APQ round trip over POST and GET, the store's bound, registered-only."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.app import create_app
from service.config import PersistedQueryMode, Settings
from service.graphql.persisted import (
    WEB_QUERIES,
    PersistedQueries,
    PersistedQueryError,
    read_documents,
    sha256_hex,
)

NEW = "application/graphql-response+json"
TASKS = "query PersistedTasks { tasks { nodes { slug } } }"
MODEL_PAGE = (WEB_QUERIES / "model.graphql").read_text(encoding="utf-8")


def _persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(document)}}


def _client(engine: Engine, **settings: Any) -> Iterator[TestClient]:
    app = create_app(engine, Settings(database_url=str(engine.url), **settings))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def automatic(engine: Engine) -> Iterator[TestClient]:
    """A fresh worker (its learnt store empty) in the default mode."""
    yield from _client(engine)


@pytest.fixture
def registered_only(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    extra = tmp_path / "extra.graphql"
    extra.write_text(TASKS, encoding="utf-8")
    yield from _client(engine, persisted_queries="registered", persisted_query_files=str(extra))


@pytest.fixture(autouse=True)
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Nothing a client sends here may log an ERROR."""
    with caplog.at_level(logging.INFO):
        yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _code(response: Any) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


def test_the_apq_round_trip_over_post(automatic: TestClient) -> None:
    extensions = _persisted(TASKS)
    miss = automatic.post("/graphql", json={"extensions": extensions})
    assert miss.status_code == 200  # application/json: a GraphQL error, as Apollo answers it
    error = miss.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "data" not in miss.json()
    assert miss.headers["cache-control"] == "no-store"

    full = automatic.post("/graphql", json={"query": TASKS, "extensions": extensions})
    assert full.status_code == 200
    slugs = [task["slug"] for task in full.json()["data"]["tasks"]["nodes"]]
    assert slugs

    hit = automatic.post("/graphql", json={"extensions": extensions})
    assert hit.status_code == 200
    assert [task["slug"] for task in hit.json()["data"]["tasks"]["nodes"]] == slugs


def test_a_miss_is_a_400_for_the_new_media_type(automatic: TestClient) -> None:
    response = automatic.post(
        "/graphql",
        json={"extensions": _persisted("{ tasks { nodes { name } } }")},
        headers={"Accept": NEW},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == NEW
    assert response.json()["errors"][0]["message"] == "PersistedQueryNotFound"


def test_the_apq_round_trip_over_get_is_cacheable(automatic: TestClient) -> None:
    document = "query PersistedModel($slug: String!) { model(slug: $slug) { slug } }"
    params = {
        "extensions": json.dumps(_persisted(document)),
        "variables": json.dumps({"slug": "paligemma"}),
        "operationName": "PersistedModel",
    }
    miss = automatic.get("/graphql", params=params)
    assert miss.status_code == 200
    assert _code(miss) == "PERSISTED_QUERY_NOT_FOUND"
    assert miss.headers["cache-control"] == "no-store"  # a CDN must not keep the miss

    registered = automatic.get("/graphql", params={**params, "query": document})
    assert registered.status_code == 200
    assert registered.json() == {"data": {"model": {"slug": "paligemma"}}}

    hit = automatic.get("/graphql", params=params)
    assert hit.status_code == 200
    assert hit.json() == registered.json()
    assert hit.headers["cache-control"] == "no-cache"
    assert hit.headers["vary"].lower() == "accept"
    revalidated = automatic.get(
        "/graphql", params=params, headers={"If-None-Match": hit.headers["etag"]}
    )
    assert revalidated.status_code == 304


def test_a_hash_that_is_not_the_documents_is_a_400(automatic: TestClient) -> None:
    response = automatic.post(
        "/graphql", json={"query": TASKS, "extensions": _persisted("{ __typename }")}
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert sha256_hex(TASKS) in error["message"]
    # nothing was learnt under the wrong hash
    again = automatic.post("/graphql", json={"extensions": _persisted("{ __typename }")})
    assert _code(again) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    ("persisted", "says"),
    [
        ({"version": 2, "sha256Hash": "0" * 64}, "version must be 1"),
        ({"version": 1, "sha256Hash": "not-a-hash"}, "64 hexadecimal digits"),
        ({"version": 1}, "64 hexadecimal digits"),
        ("abc", "must be an object"),
    ],
)
def test_a_malformed_persisted_query_extension_is_a_400(
    automatic: TestClient, persisted: Any, says: str
) -> None:
    response = automatic.post("/graphql", json={"extensions": {"persistedQuery": persisted}})
    assert response.status_code == 400
    assert says in response.json()["errors"][0]["message"]


def test_a_persisted_mutation_is_never_run_by_get(automatic: TestClient) -> None:
    mutation = "mutation { __typename }"
    params = {"query": mutation, "extensions": json.dumps(_persisted(mutation))}
    assert automatic.get("/graphql", params=params).status_code == 405
    hash_only = {"extensions": params["extensions"]}
    assert automatic.get("/graphql", params=hash_only).status_code == 405


def test_registered_only_runs_registered_documents(registered_only: TestClient) -> None:
    # The web pages' documents are registered: by hash alone, and in full.
    by_hash = registered_only.post(
        "/graphql",
        json={"extensions": _persisted(MODEL_PAGE), "variables": {"slug": "paligemma"}},
    )
    assert by_hash.status_code == 200
    assert by_hash.json()["data"]["model"]["slug"] == "paligemma"
    in_full = registered_only.post(
        "/graphql", json={"query": MODEL_PAGE, "variables": {"slug": "paligemma"}}
    )
    assert in_full.json() == by_hash.json()
    # So is the file PERSISTED_QUERY_FILES names.
    tasks = registered_only.get("/graphql", params={"extensions": json.dumps(_persisted(TASKS))})
    assert tasks.status_code == 200 and tasks.json()["data"]["tasks"]["nodes"]
    # And the web pages, which send their documents, still work.
    assert registered_only.get("/models/paligemma").status_code == 200


@pytest.mark.parametrize("with_hash", [False, True])
def test_registered_only_refuses_any_other_document(
    registered_only: TestClient, with_hash: bool
) -> None:
    document = "{ tasks { nodes { name } } }"
    body: dict[str, Any] = {"query": document}
    if with_hash:
        body["extensions"] = _persisted(document)
    refused = registered_only.post("/graphql", json=body, headers={"Accept": NEW})
    assert refused.status_code == 400
    assert "data" not in refused.json()
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_NOT_REGISTERED"
    assert "PERSISTED_QUERY_FILES" in error["message"]
    # Not learnt either: its hash alone is still unknown.
    by_hash = registered_only.post("/graphql", json={"extensions": _persisted(document)})
    assert _code(by_hash) == "PERSISTED_QUERY_NOT_FOUND"


def test_persisted_queries_off_says_so(engine: Engine) -> None:
    for client in _client(engine, persisted_queries="off"):
        response = client.post("/graphql", json={"extensions": _persisted(TASKS)})
        assert response.json()["errors"][0]["message"] == "PersistedQueryNotSupported"
        assert client.post("/graphql", json={"query": TASKS}).json()["data"]["tasks"]["nodes"]


def test_the_learnt_store_is_bounded_in_bytes_and_keeps_registered_documents() -> None:
    registered = read_documents([WEB_QUERIES])
    store = PersistedQueries(PersistedQueryMode.AUTOMATIC, 2_000, registered)
    documents = [f"query Q{i} {{ tasks {{ nodes {{ slug {' ' * 300} }} }}" for i in range(20)]
    for document in documents:
        store.resolve(document, _persisted(document))
        assert store.size_bytes <= 2_000
    assert 0 < len(store) < len(documents)
    # The most recent are kept, the oldest forgotten.
    assert store.resolve(None, _persisted(documents[-1])) == documents[-1]
    with pytest.raises(PersistedQueryError) as forgotten:
        store.resolve(None, _persisted(documents[0]))
    assert forgotten.value.code == "PERSISTED_QUERY_NOT_FOUND"
    # Registered documents are never evicted.
    for document in registered:
        assert store.resolve(None, _persisted(document.text)) == document.text


def test_the_cli_lists_the_registered_hashes(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    extra = tmp_path / "mine.graphql"
    extra.write_text(TASKS, encoding="utf-8")
    result = run_cli("persisted-queries", database_url=None, PERSISTED_QUERY_FILES=str(extra))
    assert result.returncode == 0, result.stderr
    assert f"{sha256_hex(TASKS)}  {extra}" in result.stdout
    assert sha256_hex(MODEL_PAGE) in result.stdout
