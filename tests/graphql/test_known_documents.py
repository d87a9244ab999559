"""A query document executed once runs again without Strawberry's extension pipeline
(`CatalogSchema`'s fast path), and answers exactly as the pipeline does: data, user errors,
masked errors, request checks on new variables, operation names, public-read caching."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.app import create_app
from service.catalog import search
from service.graphql import schema as schema_module
from service.graphql.limits import MAX_SEARCH_LENGTH
from service.graphql.schema import CatalogSchema
from tests.conftest import isolated_settings, shared_app_settings

LISTING = (
    "query Listing($q: String, $n: Int) { models(first: $n, filter: {search: $q}) { nodes { slug "
    "organization { name } releaseDate { display } price { inputPerMtok } } } }"
)
UNKNOWN = 'query { compare(models: ["gpt-5.2", "paligema"]) { asOf } }'
TWO = "query A { models(first: 1) { nodes { slug } } } query B { organizations(first: 1) { nodes { slug } } }"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    """A fresh app (its schema remembers no document yet), response cache off."""
    app = create_app(engine, shared_app_settings(str(engine.url)))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def pipeline_runs(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The requests Strawberry's whole pipeline ran (it makes the extensions for each)."""
    runs: list[str | None] = []
    original = CatalogSchema.execute

    async def spy(self: CatalogSchema, query: str | None, *args: Any, **kwargs: Any) -> Any:
        before = len(made)
        result = await original(self, query, *args, **kwargs)
        if len(made) > before:
            runs.append(query)
        return result

    made: list[int] = []
    get_extensions = CatalogSchema.get_extensions

    def counted(self: CatalogSchema, sync: bool = False) -> Any:
        made.append(1)
        return get_extensions(self, sync)

    monkeypatch.setattr(CatalogSchema, "execute", spy)
    monkeypatch.setattr(CatalogSchema, "get_extensions", counted)
    return runs


def post(
    client: TestClient, query: str, variables: dict[str, Any] | None = None, **extra: Any
) -> tuple[int, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables, **extra})
    return response.status_code, response.json()


def test_a_known_document_skips_the_pipeline_and_answers_the_same(
    client: TestClient, pipeline_runs: list[str | None]
) -> None:
    first = post(client, LISTING, {"n": 5, "q": "gem"})
    again = post(client, LISTING, {"n": 5, "q": "gem"})
    other = post(client, LISTING, {"n": 2, "q": None})
    assert pipeline_runs == [LISTING]  # only the first request
    assert first == again
    assert first[0] == 200 and first[1]["data"]["models"]["nodes"]
    assert len(other[1]["data"]["models"]["nodes"]) == 2


def test_user_errors_are_the_same_and_not_logged(
    client: TestClient, pipeline_runs: list[str | None], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        answers = [post(client, UNKNOWN) for _ in range(3)]
    assert pipeline_runs == [UNKNOWN]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][1]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert caplog.records == []


def test_unexpected_errors_are_masked_and_logged_each_time(
    client: TestClient,
    pipeline_runs: list[str | None],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the listing broke")

    monkeypatch.setattr(search, "search_models", broken)
    with caplog.at_level(logging.ERROR):
        answers = [post(client, LISTING, {"n": 3}) for _ in range(2)]
    assert len(pipeline_runs) == 1
    for status, body in answers:
        assert status == 200
        error = body["errors"][0]
        assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert "the listing broke" not in error["message"]
        assert error["path"] == ["models"]
    logged = [r for r in caplog.records if "the listing broke" in r.getMessage()]
    assert len(logged) == 2  # the fast path logs in full as the pipeline does


def test_new_variables_are_checked_on_every_request(
    client: TestClient, pipeline_runs: list[str | None]
) -> None:
    assert post(client, LISTING, {"n": 1, "q": "gem"})[0] == 200
    too_long = "g" * (MAX_SEARCH_LENGTH + 1)
    status, body = post(client, LISTING, {"n": 1, "q": too_long})
    # The refusal comes from the pipeline's checks, as it would on a fresh server.
    assert pipeline_runs == [LISTING, LISTING]
    assert body["errors"][0]["extensions"]["argument"] == "filter.search"
    assert "data" not in body or body["data"] is None
    assert status in (200, 400)
    # A variable of the wrong type is refused by graphql-core's execution on both paths.
    wrong = [post(client, LISTING, {"n": "five"}) for _ in range(2)]
    assert wrong[0] == wrong[1]
    assert "Int cannot represent" in wrong[0][1]["errors"][0]["message"]


def test_operations_of_one_document_are_remembered_by_name(
    client: TestClient, pipeline_runs: list[str | None]
) -> None:
    nameless = [post(client, TWO) for _ in range(2)]
    assert nameless[0] == nameless[1]
    assert nameless[0][1]["errors"][0]["extensions"]["code"] == "OPERATION_NAME_REQUIRED"
    a = [post(client, TWO, operationName="A") for _ in range(2)]
    b = [post(client, TWO, operationName="B") for _ in range(2)]
    assert a[0] == a[1] and "models" in a[0][1]["data"]
    assert b[0] == b[1] and "organizations" in b[0][1]["data"]
    # The nameless request never executed, so it is never remembered; A and B once each.
    assert pipeline_runs == [TWO, TWO, TWO, TWO]


def test_mutations_always_take_the_pipeline(
    client: TestClient, pipeline_runs: list[str | None]
) -> None:
    mutation = 'mutation { retireModel(slug: "no-such-model") { __typename } }'
    for _ in range(2):
        post(client, mutation)
    assert pipeline_runs == [mutation, mutation]


def test_a_get_cannot_run_a_remembered_query_as_a_mutation(
    client: TestClient, pipeline_runs: list[str | None]
) -> None:
    query = "{ models(first: 1) { nodes { slug } } }"
    for _ in range(2):
        answer = client.get("/graphql", params={"query": query})
        assert answer.status_code == 200 and answer.json()["data"]["models"]["nodes"]
    assert pipeline_runs == [query]


def test_public_reads_are_still_cached(engine: Engine) -> None:
    app = create_app(
        engine, isolated_settings(database_url=str(engine.url), response_cache_size=16)
    )
    query = "{ models(first: 1) { nodes { slug } } }"
    with TestClient(app) as client:
        answers = [client.get("/graphql", params={"query": query}) for _ in range(3)]
    # The second run took the fast path; its answer was cached, so the third is a hit
    # with the same ETag.
    tags = {a.headers.get("etag") for a in answers}
    assert len(tags) == 1 and None not in tags


def test_remembered_documents_are_bounded(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema_module, "MAX_KNOWN_DOCUMENTS", 3)
    for n in range(1, 6):
        assert post(client, f"{{ models(first: {n}) {{ nodes {{ slug }} }} }}")[0] == 200
    app_schema = _schema_of(client)
    assert len(app_schema._known) == 3


def _schema_of(client: TestClient) -> CatalogSchema:
    for route in client.app.router.routes:  # type: ignore[attr-defined]
        door = getattr(route, "app", None)
        found = getattr(door, "schema", None)
        if isinstance(found, CatalogSchema):
            return found
    raise AssertionError("no GraphQL schema mounted")
