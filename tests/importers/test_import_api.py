"""After the imports, the API compares any two real models with sourced facts, as cheaply."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from service.app import create_app
from tests.conftest import isolated_settings
from tests.graphql.conftest import GraphQL, StatementCounter
from tests.graphql.test_compare import TABLE
from tests.importers.conftest import Imported


@pytest.fixture(scope="module")
def client(imported: Imported) -> Iterator[TestClient]:
    app = create_app(imported.engine, isolated_settings(database_url=imported.url))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def gql(client: TestClient) -> GraphQL:
    return GraphQL(client)


def _rows(result: dict) -> dict[str, list[str]]:
    return {
        row["key"]: [cell["display"] for cell in row["cells"]]
        for section in result["sections"]
        for row in section["rows"]
    }


def test_gpt_4o_vs_gemma_3_27b(gql: GraphQL) -> None:
    result = gql.data(TABLE, {"models": ["GPT-4o", "gemma-3-27b-it"]})["compare"]
    rows = _rows(result)
    assert [m["slug"] for m in result["models"]] == ["gpt-4o", "gemma-3-27b-it"]
    assert rows["organization"] == ["OpenAI", "Google"]
    # Only resellers' files (Bedrock, OpenRouter) state Gemma 3's weights in the excerpts: a
    # reseller's entry is an offer, not the maker's facts, so the state stays unknown; the
    # context window is Google's own (LiteLLM's gemini/ route), not Bedrock's 202,752.
    assert rows["category"] == ["closed", "—"]
    assert rows["open_weights"] == ["No", "—"]
    assert rows["context_window"] == ["128K", "131K"]
    assert rows["release_date"][0] == "May 13, 2024"
    assert rows["input_price"][0] == "$2.50"
    assert rows["output_price"][0] == "$10.00"
    assert rows["cached_input_price"][0] == "$1.25"
    assert _rows(result)["context_window"] != ["—", "—"]


def test_imported_facts_cite_their_data_set_and_commit(gql: GraphQL) -> None:
    model = gql.data(
        '{ model(slug: "gpt-4o") { contextWindow { display sources { source { slug version } } }'
        " releaseDate { display sources { source { slug } } } } }"
    )["model"]
    sources = {
        c["source"]["slug"]: c["source"]["version"] for c in model["contextWindow"]["sources"]
    }
    assert sources, model
    assert all(version for version in sources.values())


def test_compare_costs_the_same_statements_on_the_imported_catalog(
    gql: GraphQL, client: TestClient
) -> None:
    counter = StatementCounter()

    sync_engine = client.app.state.async_engine.sync_engine  # type: ignore[attr-defined]
    event.listen(sync_engine, "before_cursor_execute", counter)
    try:
        # Both sets hold a model with every kind of fact (GPT-5.2), so the same loaders run.
        gql.data(TABLE, {"models": ["gpt-5.2", "gpt-4o"]})
        two = counter.count
        gql.data(TABLE, {"models": ["gpt-4o", "gemma-3-27b-it", "gpt-5.2", "paligemma", "gpt-5.1"]})
        five = counter.count - two
    finally:
        event.remove(sync_engine, "before_cursor_execute", counter)
    assert two == five <= 10
