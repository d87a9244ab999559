"""GraphQL over HTTP: the media type a client accepts decides the answer's type and status."""

import gc
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.app import create_app
from service.config import Settings
from service.graphql.media import MediaType, negotiate
from tests.conftest import isolated_settings
from tests.graphql.npm import npm_packages, run_script
from tests.web.live import serving

NEW = "application/graphql-response+json"
LEGACY = "application/json"

PARSE_ERROR = {"query": "{ models { "}
VALIDATION_ERROR = {"query": "{ noSuchField }"}
COERCION_ERROR = {
    "query": "query One($slug: String!) { model(slug: $slug) { name } }",
    "variables": {"slug": 42},
}
EXECUTION_ERROR = {"query": '{ model(slug: "no-such-model") { name } }'}


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, MediaType.JSON),
        ("", MediaType.JSON),
        ("*/*", MediaType.JSON),
        ("application/*", MediaType.JSON),
        ("application/json", MediaType.JSON),
        (NEW, MediaType.GRAPHQL_RESPONSE),
        (f"{NEW}, application/json;q=0.9", MediaType.GRAPHQL_RESPONSE),
        (f"application/json, {NEW}", MediaType.GRAPHQL_RESPONSE),
        (f"{NEW};q=0.5, application/json", MediaType.JSON),
        (f"application/json;q=0.2, {NEW};q=0.3", MediaType.GRAPHQL_RESPONSE),
        (f"{NEW}, */*;q=0.1", MediaType.GRAPHQL_RESPONSE),
        (f"{NEW};q=0, */*", MediaType.JSON),
        ("application/json;q=0, */*", MediaType.GRAPHQL_RESPONSE),
        ("text/html,application/xhtml+xml,*/*;q=0.8", MediaType.JSON),
        # urql's default
        (f"{NEW}, application/graphql+json, application/json, text/event-stream", MediaType(NEW)),
        ("text/html", None),
        ("application/json;q=0", None),
        (f"{NEW};q=0, application/json;q=0", None),
        ("application/xml, text/plain", None),
        ("application/json;q=not-a-number, text/csv", None),
    ],
)
def test_the_accept_header_chooses_the_media_type(accept: str | None, chosen: Any) -> None:
    assert negotiate(accept.encode() if accept is not None else None) == chosen


def _post(client: TestClient, body: dict[str, Any], accept: str | None) -> Any:
    headers = {"Accept": accept} if accept is not None else {}
    return client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    "body",
    [PARSE_ERROR, VALIDATION_ERROR, COERCION_ERROR],
    ids=["parse", "validation", "variable-coercion"],
)
def test_a_request_that_never_ran_is_a_400_without_data_for_the_new_media_type(
    app_client: TestClient, body: dict[str, Any]
) -> None:
    response = _post(app_client, body, NEW)
    assert response.status_code == 400
    assert response.headers["content-type"] == NEW
    answer = response.json()
    assert "data" not in answer
    assert answer["errors"][0]["message"]


@pytest.mark.parametrize(
    "body",
    [PARSE_ERROR, VALIDATION_ERROR, COERCION_ERROR],
    ids=["parse", "validation", "variable-coercion"],
)
@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
def test_application_json_clients_keep_their_200_with_errors(
    app_client: TestClient, body: dict[str, Any], accept: str | None
) -> None:
    response = _post(app_client, body, accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == LEGACY
    answer = response.json()
    assert answer["data"] is None
    assert answer["errors"]


@pytest.mark.parametrize("accept", [NEW, LEGACY])
def test_once_execution_started_errors_come_with_200_and_data(
    app_client: TestClient, accept: str
) -> None:
    response = _post(app_client, EXECUTION_ERROR, accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == accept
    answer = response.json()
    # `model` is non-null: its error nulls the whole `data`, yet execution had started.
    assert "data" in answer and answer["data"] is None
    assert answer["errors"][0]["path"] == ["model"]
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_successful_answer_is_the_same_body_under_either_type(app_client: TestClient) -> None:
    body = {"query": '{ model(slug: "paligemma") { slug name } }'}
    new = _post(app_client, body, NEW)
    legacy = _post(app_client, body, LEGACY)
    assert new.status_code == legacy.status_code == 200
    assert new.headers["content-type"] == NEW
    assert new.json() == legacy.json()
    assert new.json()["data"]["model"]["slug"] == "paligemma"


@pytest.fixture
def cached_app_client(engine: Engine) -> Any:
    """An app of its own with the response cache on (the shared test app runs without it)."""
    settings = isolated_settings(database_url=str(engine.url), response_cache_size=256)
    with TestClient(create_app(engine, settings)) as client:
        yield client


def test_an_uncached_get_answer_varies_on_accept(app_client: TestClient) -> None:
    response = app_client.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code == 200 and response.headers["vary"].lower() == "accept"


def test_a_cached_get_answer_follows_the_accept_header_and_varies_on_it(
    cached_app_client: TestClient,
) -> None:
    app_client = cached_app_client
    params = {"query": "query TaskSlugs { tasks { nodes { slug } } }"}
    legacy = app_client.get("/graphql", params=params, headers={"Accept": LEGACY})
    new = app_client.get("/graphql", params=params, headers={"Accept": NEW})  # a cache hit
    assert legacy.status_code == new.status_code == 200
    assert legacy.headers["content-type"] == LEGACY
    assert new.headers["content-type"] == NEW
    assert new.headers["vary"].lower() == "accept"
    assert new.headers["etag"] == legacy.headers["etag"]
    assert new.json() == legacy.json()
    again = app_client.get(
        "/graphql", params=params, headers={"Accept": NEW, "If-None-Match": new.headers["etag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_client_accepting_neither_type_is_a_406(app_client: TestClient, method: str) -> None:
    query = "{ __typename }"
    headers = {"Accept": "text/csv, application/xml;q=0.5"}
    if method == "GET":
        response = app_client.get("/graphql", params={"query": query}, headers=headers)
    else:
        response = app_client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 406
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "NOT_ACCEPTABLE"
    assert "application/graphql-response+json" in error["message"]


def test_malformed_requests_are_400_in_the_type_asked_for(app_client: TestClient) -> None:
    response = app_client.post(
        "/graphql", content=b'{ "not JSON', headers={"Content-Type": LEGACY, "Accept": NEW}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == NEW
    assert "data" not in response.json()
    missing = _post(app_client, {"qeury": "{ __typename }"}, NEW)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_mutation_over_get_is_a_405_in_the_new_type(app_client: TestClient) -> None:
    response = app_client.get(
        "/graphql", params={"query": "mutation { __typename }"}, headers={"Accept": NEW}
    )
    assert response.status_code == 405
    assert response.headers["content-type"] == NEW


def test_the_graphql_http_audit_passes_without_warnings(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The npm package graphql-http audits a live server against the specification."""
    modules = npm_packages("graphql-http", ["graphql-http", "graphql"])
    app = create_app(engine, Settings(database_url=str(engine.url)))
    with caplog.at_level(logging.INFO), serving(app) as base:
        report = run_script("audit.cjs", modules, f"{base}/graphql")
    assert report["problems"] == []
    assert report["counts"]["warn"] == 0 and report["counts"]["error"] == 0
    assert report["counts"]["ok"] >= 60  # the audit ran whole (61 audits in graphql-http 1.23)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_query_strawberrys_router_runs_gives_its_connection_back(
    app_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    # A browser's GET with a query (Accept: text/html) is not the front door's: Strawberry's
    # router runs it. Its connection goes back to the pool as the answer ends, not when the
    # garbage collector finds it (an ERROR line, and a pool that drains under such requests).
    pool = app_client.app.state.async_engine.pool  # type: ignore[attr-defined]
    before = pool.checkedout()
    answer = app_client.get(
        "/graphql",
        params={"query": "{ models(first: 2) { nodes { slug } } }"},
        headers={"Accept": "text/html"},
    )
    assert answer.status_code == 200
    assert answer.json()["data"]["models"]["nodes"]
    assert pool.checkedout() == before
    gc.collect()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
