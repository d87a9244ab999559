"""No N+1: a comparison or a page of models costs the same few statements at any size."""

from tests.graphql.conftest import GraphQL, StatementCounter
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


def test_a_repeated_query_is_answered_from_the_cache(
    gql: GraphQL, statements: StatementCounter
) -> None:
    variables = {"models": ["paligemma", "gemma-2b"], "workload": {"inputTokens": 7}}
    first = gql.data(TABLE, variables)
    before = statements.count
    again = gql.data(TABLE, variables)
    assert again == first
    assert statements.count - before == 0  # the version is held in memory: a hit runs no SQL
