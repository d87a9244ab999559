"""A parent's `models` is a page of a connection, and a document's cost is limited."""

import pytest
from graphql import parse, validate

from service.graphql.limits import query_cost_limit, query_costs
from service.graphql.schema import DEFAULT_MAX_QUERY_COST, schema
from tests.graphql.conftest import GraphQL, StatementCounter

GRAPHQL_SCHEMA = schema._schema

ORG_PAGE = """
query($after: String) {
  organization(slug: "Google") {
    models(first: 1, after: $after) {
      totalCount
      edges { cursor node { slug } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


def cost(document: str) -> int:
    ((_, found),) = query_costs(GRAPHQL_SCHEMA, parse(document))
    return found


def test_an_organizations_models_page_forward_with_cursors(gql: GraphQL) -> None:
    first = gql.data(ORG_PAGE)["organization"]["models"]
    assert first["totalCount"] == 2
    assert [e["node"]["slug"] for e in first["edges"]] == ["pali-3"]
    info = first["pageInfo"]
    assert info["hasNextPage"] and not info["hasPreviousPage"]
    assert info["endCursor"] == first["edges"][0]["cursor"]

    second = gql.data(ORG_PAGE, {"after": info["endCursor"]})["organization"]["models"]
    assert [e["node"]["slug"] for e in second["edges"]] == ["paligemma"]
    assert not second["pageInfo"]["hasNextPage"] and second["pageInfo"]["hasPreviousPage"]

    # The same cursor pages the catalog listing filtered by the organization, in name order.
    listing = gql.data(
        'query($after: String) { models(filter: {organizations: ["google"]}, first: 5, '
        "orderBy: {field: NAME}, after: $after) { nodes { slug } } }",
        {"after": info["endCursor"]},
    )
    assert listing["models"]["nodes"] == [{"slug": "paligemma"}]


def test_every_parent_pages_its_models_by_name(gql: GraphQL) -> None:
    data = gql.data(
        """{
          license(slug: "gemma") { models(first: 100) { totalCount nodes { slug } } }
          task(slug: "ocr") { models { totalCount nodes { slug } } }
          collection(slug: "multimodal-vision") { models(first: 1) { totalCount nodes { slug }
                                                  pageInfo { hasNextPage } } }
        }"""
    )
    license_models = data["license"]["models"]
    assert license_models["totalCount"] == len(license_models["nodes"]) >= 1
    slugs = [m["slug"] for m in license_models["nodes"]]
    assert "paligemma" in slugs and "gpt-5.2" not in slugs
    assert data["task"]["models"]["totalCount"] == len(data["task"]["models"]["nodes"])
    collection = data["collection"]["models"]
    assert collection == {
        "totalCount": 2,
        "nodes": [{"slug": "gpt-5.2"}],
        "pageInfo": {"hasNextPage": True},
    }


def test_page_arguments_of_a_parents_models_are_checked(gql: GraphQL) -> None:
    error = gql.error('{ organization(slug: "google") { models(first: 101) { totalCount } } }')
    assert error["message"] == "first must be between 1 and 100 (got 101)"
    error = gql.error('{ task(slug: "ocr") { models(after: "nope") { totalCount } } }')
    assert error["message"].startswith("after is not a cursor from this listing")


ALONE = (
    "query($slug: String!) { task(slug: $slug) { models(first: 2) { totalCount nodes { slug } } } }"
)


def test_parents_pages_are_read_in_a_constant_number_of_statements(
    gql: GraphQL, statements: StatementCounter
) -> None:
    one = '{ task(slug: "ocr") { models(first: 2) { totalCount nodes { slug } } } }'
    every = "{ tasks { nodes { slug models(first: 2) { totalCount nodes { slug } } } } }"
    before = statements.count
    tasks = gql.data(every)["tasks"]["nodes"]
    for_every = statements.count - before
    before = statements.count
    gql.data(one)
    for_one = statements.count - before
    assert len(tasks) >= 5
    # Each parent gets its own page, not its neighbours': batched, yet apart.
    assert len({str(t["models"]) for t in tasks}) > 1
    for task in tasks:
        alone = gql.data(ALONE, {"slug": task["slug"]})["task"]["models"]
        assert task["models"] == alone
    # The parents, one statement for every parent's page, one for every parent's count.
    assert for_every == for_one <= 3


def test_the_issues_nested_query_is_refused_before_any_sql(
    gql: GraphQL, statements: StatementCounter
) -> None:
    before = statements.count
    nested = "{ organizations { nodes { models { nodes { organization { models { nodes {"
    nested += " organization { models { nodes { slug } } } } } } } } } } }"
    error = gql.error(nested)
    assert error["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    # organizations(20) > nodes > models(20) > nodes > organization > models(20) > nodes > ...
    inner = 1 + 20 * (1 + 1 + (1 + 20 * (1 + 1 + (1 + 20 * (1 + 1)))))
    expected = 1 + 20 * (1 + inner)
    assert error["extensions"]["cost"] == expected
    assert error["extensions"]["limit"] == DEFAULT_MAX_QUERY_COST
    assert f"costs {expected:,} and the limit is {DEFAULT_MAX_QUERY_COST:,}" in error["message"]
    # Written as the issue wrote it (lists of models), it is not a query of this schema.
    literal = "{ organizations { nodes { models { organization { models { organization {"
    literal += " models { slug } } } } } } } }"
    assert (
        "Cannot query field 'organization' on type 'ModelConnection'"
        in (gql.error(literal)["message"])
    )
    # Through fragments and inline fragments, and with a page size given by a variable.
    fragments = (
        "query Q { organizations(first: 100) { nodes { ...O } } }"
        " fragment O on Organization { models { nodes { ...M } } }"
        " fragment M on Model { ... on Model { organization { models { nodes { slug } } } } }"
    )
    assert gql.error(fragments)["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    variable = "query($n: Int!) { tasks(first: 100) { nodes { models(first: $n) { nodes { slug name } } } } }"
    assert gql.error(variable, {"n": 1})["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    assert statements.count == before


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ('{ model(slug: "x") { slug name } }', 3),
        # A connection multiplies what it holds by its page size: given, or its default (20).
        ("{ models(first: 3) { totalCount nodes { slug } } }", 1 + 3 * (1 + 2)),
        ("{ models { nodes { slug } } }", 1 + 20 * 2),
        ("{ models(last: 5) { edges { cursor node { slug } } } }", 1 + 5 * (1 + 1 + 2)),
        ("query($n: Int) { models(first: $n) { nodes { slug } } }", 1 + 100 * 2),
        # Root lists that grow with the catalog are connections too (default page 20).
        ("{ organizations { nodes { slug name } } }", 1 + 20 * (1 + 2)),
        (
            "{ tasks(first: 100) { nodes { models(first: 2) { nodes { slug } } } } }",
            1 + 100 * (1 + 1 + 2 * 2),
        ),
        # Lists bounded by their parent (a model's aliases) count once.
        ('{ model(slug: "x") { aliases variants { slug } } }', 1 + 1 + 2),
        # Fragments count where they are spread, as often as they are spread.
        (
            "query { a: models(first: 2) { ...P } b: models(first: 4) { ...P } }"
            " fragment P on ModelConnection { nodes { slug } }",
            (1 + 2 * 2) + (1 + 4 * 2),
        ),
    ],
)
def test_cost_arithmetic(document: str, expected: int) -> None:
    assert cost(document) == expected


def test_the_limit_is_a_setting() -> None:
    document = parse("{ models(first: 10) { nodes { slug } } }")  # costs 21
    assert validate(GRAPHQL_SCHEMA, document, [query_cost_limit(21)]) == []
    (error,) = validate(GRAPHQL_SCHEMA, document, [query_cost_limit(20)])
    assert error.message.startswith("this query costs 21 and the limit is 20")
    assert query_cost_limit(20) is query_cost_limit(20)  # one rule class: validation caches
