"""No N+1: a comparison or a page of models costs the same few statements at any size."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

from service.app import create_app
from service.db import make_engine
from service.graphql import queries
from tests.conftest import isolated_settings
from tests.graphql.conftest import GraphQL, StatementCounter, count_statements
from tests.graphql.test_compare import TABLE

ALL_MODELS = [
    "gpt-5.2",
    "paligemma",
    "paligemma-2",
    "gpt-5.1",
    "gemma-2b",
    "pali-3",
    "siglip-so400m",
]

PAGE = """
query($first: Int) {
  models(first: $first, orderBy: {field: RELEASE_DATE, direction: DESC}) {
    totalCount
    nodes {
      slug aliases organization { name } license { name }
      contextWindow { display sources { quote source { title } } }
      releaseDate { display } price { inputPerMtok source { slug } } priceHistory { currency }
      variants { slug source { slug } } capabilities { task { name } support hasDemo }
      collections { name } lineage { relation model { slug } }
    }
  }
}
"""


def _compare_statements(gql: GraphQL, statements: StatementCounter, models: list[str]) -> int:
    before = statements.count
    gql.data(TABLE, {"models": models, "workload": {"inputTokens": 1000}})
    return statements.count - before


def test_compare_costs_a_constant_number_of_statements(
    gql: GraphQL, statements: StatementCounter
) -> None:
    two = _compare_statements(gql, statements, ALL_MODELS[:2])
    seven = _compare_statements(gql, statements, ALL_MODELS)
    assert two == seven
    # names with their models, organizations and licenses (one statement), variants, prices,
    # capabilities, collections, lineage, offers (the catalog version is held in memory,
    # moved by NOTIFY: no statement)
    assert two <= 7


def test_a_page_of_models_costs_a_constant_number_of_statements(
    gql: GraphQL, statements: StatementCounter
) -> None:
    before = statements.count
    # The three newest are GPT-5.2, PaliGemma 2 and PaliGemma: every kind of fact is present.
    gql.data(PAGE, {"first": 3})
    three = statements.count - before
    before = statements.count
    gql.data(PAGE, {"first": 7})
    seven = statements.count - before
    assert three == seven
    # page, count, aliases, organizations, licenses, citations, sources, prices, variants,
    # capabilities, collections, lineage
    assert three <= 12


MODEL_PAGE = """
{ model(slug: "paligemma") { slug name aliases organization { name } license { name }
  parameters { display } contextWindow { display } releaseDate { display }
  variants { slug name } priceHistory { inputPerMtok outputPerMtok effectiveFrom }
  capabilities { task { name } support hasDemo } collections { name }
  lineage { relation direction model { slug name } } } }
"""


def _trips(gql: GraphQL, statements: StatementCounter, query: str, **variables: Any) -> int:
    before = statements.round_trips
    gql.data(query, variables)
    return statements.round_trips - before


def test_compare_reads_its_models_data_in_one_round_trip(
    gql: GraphQL, statements: StatementCounter
) -> None:
    """The six reads of the compared models' data (their organizations and licenses came
    with their names) are dispatched at once and sent together: two round trips in all."""
    for models in (ALL_MODELS[:2], ALL_MODELS):
        trips = _trips(gql, statements, TABLE, models=models, workload={"inputTokens": 1000})
        assert trips == 2  # the names, then their data (7 statements one at a time before)


def test_the_compared_models_fields_are_read_once_with_the_comparison(
    gql: GraphQL, statements: StatementCounter
) -> None:
    """The comparison's reads of its models' data prime the request's loaders: the same
    models' fields asked beside the table cost no statement more."""
    query = """query($models: [String!]!) { compare(models: $models) {
      models { slug variants { slug } priceHistory { currency } capabilities { support }
               collections { name } lineage { relation } }
      sections { title } } }"""
    before = statements.count
    assert _trips(gql, statements, query, models=ALL_MODELS[:3]) == 2
    assert statements.count - before == 7


def test_a_model_page_reads_its_fields_in_one_round_trip(
    gql: GraphQL, statements: StatementCounter
) -> None:
    before = statements.count
    # the model by name (with its organization and license), then its aliases, variants,
    # prices, capabilities, collections and lineage together (7 round trips before)
    assert _trips(gql, statements, MODEL_PAGE) == 2
    assert statements.count - before == 7


def test_a_page_of_models_sends_what_its_loaders_dispatch_together(
    gql: GraphQL, statements: StatementCounter
) -> None:
    before = statements.count
    trips = _trips(gql, statements, PAGE, first=3)
    assert trips < statements.count - before  # some statements shared a round trip
    assert _trips(gql, statements, PAGE, first=7) == trips


LISTING = """
{ models(first: 20) { nodes { slug name organization { name } releaseDate { display }
  contextWindow { display } price { inputPerMtok outputPerMtok currency } } } }
"""  # bench/http_bench.py's listing
BARE_LISTING = "{ models(first: 20) { nodes { slug name releaseDate { display } } } }"


def test_a_listing_reads_its_organizations_and_prices_with_its_page(
    gql: GraphQL, statements: StatementCounter
) -> None:
    before = statements.count
    # the page joined to its models' organizations and their prices: one statement (two
    # round trips before: the page, then the organizations and prices its loaders
    # dispatched; then three statements in one round trip)
    assert _trips(gql, statements, LISTING) == 1
    assert statements.count - before == 1


def test_a_listing_without_organizations_or_prices_reads_only_its_page(
    gql: GraphQL, statements: StatementCounter
) -> None:
    before = statements.count
    assert _trips(gql, statements, BARE_LISTING) == 1
    assert statements.count - before == 1  # no organization or price statement


SKIPPING = """query($skip: Boolean!, $price: Boolean!) { models(first: 3) { nodes { slug
  organization @skip(if: $skip) { name } ... @include(if: $price) { price { inputPerMtok } }
} } }"""


@pytest.mark.parametrize("skip", [True, False])
@pytest.mark.parametrize("price", [True, False])
def test_a_listing_reads_with_its_page_only_what_skip_and_include_keep(
    gql: GraphQL, app_client: TestClient, skip: bool, price: bool
) -> None:
    sent: list[str] = []

    def listen(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    sync_engine = app_client.app.state.async_engine.sync_engine  # type: ignore[attr-defined]
    event.listen(sync_engine, "before_cursor_execute", listen)
    try:
        nodes = gql.data(SKIPPING, {"skip": skip, "price": price})["models"]["nodes"]
    finally:
        event.remove(sync_engine, "before_cursor_execute", listen)
    assert ("organization" in nodes[0]) is not skip and ("price" in nodes[0]) is price
    (statement,) = sent  # the page, joined to what the nodes select
    assert ("JOIN organizations" in statement) is not skip
    assert ("JOIN prices" in statement) is price


LISTINGS = [
    LISTING,
    # through edges and fragments, backward, ordered by a price, with the price history
    """fragment Facts on Model { organization { name slug } priceHistory { inputPerMtok
         effectiveFrom currency } price { outputPerMtok } }
    { models(last: 7, orderBy: {field: INPUT_PRICE, direction: ASC}) {
        edges { cursor node { slug ...Facts } } } }""",
    """{ models(first: 5, orderBy: {field: NAME, direction: DESC}) {
        nodes { slug ... on Model { organization { name } } } } }""",
]


@pytest.mark.parametrize("query", LISTINGS)
def test_a_listing_answers_the_same_with_its_organizations_and_prices_read_by_its_loaders(
    gql: GraphQL,
    statements: StatementCounter,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
) -> None:
    """The organizations and prices read with the page are those the loaders would read."""
    before = statements.round_trips
    primed = gql.data(query)
    primed_trips = statements.round_trips - before
    monkeypatch.setattr(queries, "_node_fields", lambda _info: set())  # no look-ahead
    before = statements.round_trips
    assert gql.data(query) == primed
    # a price history's variants still come through their loader, after the page
    assert primed_trips < statements.round_trips - before or "priceHistory" in query
    assert "'organization': {'name'" in repr(primed)  # facts to compare, not only nulls
    assert "Per" in repr(primed) or "priceHistory" not in query


def test_a_listing_joined_to_several_prices_per_model_answers_as_its_loaders_do(
    seeded_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page joined to its prices repeats a model once per price: each model still comes
    once, in the page's order, with every price oldest first, and a model without an
    organization or a price keeps its nulls."""
    engine = make_engine(seeded_db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE prices SET effective_from = DATE '2025-12-11' WHERE model_id = "
                "(SELECT id FROM models WHERE slug = 'gpt-5.2')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO prices (model_id, currency, input_per_mtok, output_per_mtok,"
                " effective_from, effective_to) SELECT id, 'USD', 2.5, 15, DATE '2025-06-01',"
                " DATE '2025-12-11' FROM models WHERE slug = 'gpt-5.2' UNION ALL"
                " SELECT id, 'USD', 3, 16, NULL, DATE '2025-06-01' FROM models"
                " WHERE slug = 'gpt-5.2'"
            )
        )
    query = """{ models(first: 30, orderBy: {field: NAME, direction: ASC}) { nodes { slug
      organization { slug } price { inputPerMtok } priceHistory { inputPerMtok effectiveFrom }
    } } }"""
    try:
        app = create_app(engine, isolated_settings(database_url=seeded_db_url))
        with TestClient(app) as client:
            gql = GraphQL(client)
            with count_statements(client) as statements:
                joined = gql.data(query)
            assert statements.count == 2  # the joined page, then the variants' loader
            monkeypatch.setattr(queries, "_node_fields", lambda _info: set())  # no look-ahead
            assert gql.data(query) == joined
    finally:
        engine.dispose()
    nodes = {node["slug"]: node for node in joined["models"]["nodes"]}
    assert len(nodes) == len(joined["models"]["nodes"]) >= 5  # each model once
    gpt = nodes["gpt-5.2"]
    history = [(p["effectiveFrom"], p["inputPerMtok"]) for p in gpt["priceHistory"]]
    assert history == [(None, "3"), ("2025-06-01", "2.5"), ("2025-12-11", "1.75")]
    assert gpt["price"] == {"inputPerMtok": "1.75"}
    assert nodes["gemma-2b"]["organization"] is None


@pytest.fixture
def cached_client(engine: Engine) -> Iterator[TestClient]:
    """An app of its own with the response cache on (the shared one runs without it)."""
    app = create_app(
        engine, isolated_settings(database_url=str(engine.url), response_cache_size=16)
    )
    with TestClient(app) as client:
        yield client


def test_a_repeated_query_is_answered_from_the_cache(cached_client: TestClient) -> None:
    cached = GraphQL(cached_client)
    variables = {"models": ["paligemma", "gemma-2b"], "workload": {"inputTokens": 7}}
    with count_statements(cached_client) as statements:
        first = cached.data(TABLE, variables)
        before = statements.count
        again = cached.data(TABLE, variables)
    assert again == first
    assert before > 0  # the first answer was computed
    assert statements.count - before == 0  # the version is held in memory: a hit runs no SQL


def test_the_shared_app_answers_a_repeated_query_afresh(
    gql: GraphQL, statements: StatementCounter
) -> None:
    """Without the cache, counts in these tests do not depend on what ran before."""
    first = _compare_statements(gql, statements, ["paligemma", "gemma-2b"])
    assert first > 0
    assert _compare_statements(gql, statements, ["paligemma", "gemma-2b"]) == first
