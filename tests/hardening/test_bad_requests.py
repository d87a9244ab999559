"""Client mistakes are 4xx (or a GraphQL error) with a code, never a 500 or an ERROR log."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.hardening.conftest import errors_of

pytestmark = pytest.mark.usefixtures("no_error_logs")


def post_raw(client: TestClient, body: bytes) -> Any:
    return client.post("/graphql", content=body, headers={"content-type": "application/json"})


def gql(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code in (200, 400), response.text
    return response.json()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"42", "JSON object"),
        (b'"x"', "JSON object"),
        (b"null", "JSON object"),
        (b"[1, 2]", "JSON object"),
        (b'{"query": "{ tasks { nodes { slug } } }"', "not valid JSON"),
        (b'{"query": "\xff\xfe"}', "UTF-8"),
        (b'{"query": 42}', "query must be a string"),
        (
            b'{"query": "{ tasks { nodes { slug } } }", "variables": "x"}',
            "variables must be a JSON object",
        ),
        (
            b'{"query": "{ __typename }", "variables": {"a": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}}",
            "nests",
        ),
        (
            b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}",
            "nests",
        ),
    ],
)
def test_malformed_bodies_are_400_with_a_code(client: TestClient, body: bytes, says: str) -> None:
    response = post_raw(client, body)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert says in error["message"]


def test_bodies_over_the_limit_are_413_before_they_are_read(client: TestClient) -> None:
    big = json.dumps({"query": "{ __typename }", "variables": {"a": "x" * 1_100_000}}).encode()
    response = post_raw(client, big)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 100_000

    streamed = client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    # Under the limit, a request goes through.
    assert post_raw(client, json.dumps({"query": "{ __typename }"}).encode()).status_code == 200


@pytest.mark.parametrize(
    ("query", "argument", "says"),
    [
        (
            '{ models(filter: {search: "%s"}) { nodes { slug } } }' % ("a" * 201),
            "filter.search",
            "limit is 200",
        ),
        ('{ model(slug: "%s") { slug } }' % ("a" * 1001), "slug", "limit is 1000"),
        ('{ model(slug: "gpt\\u0000") { slug } }', "slug", "NUL"),
        ('{ models(filter: {search: "gpt\\u0000"}) { nodes { slug } } }', "filter.search", "NUL"),
        (
            '{ compare(models: ["gpt-5.2", "%s"]) { models { slug } } }' % ("p" * 1001),
            "models[1]",
            "limit",
        ),
    ],
)
def test_string_arguments_are_bounded_and_clean(
    client: TestClient, query: str, argument: str, says: str
) -> None:
    error = errors_of(gql(client, query))[0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert says in error["message"]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"slug": "gpt\u0000"}, "slug"),
        ({"slug": "gpt\ud800"}, "slug"),
        ({"slug": "x" * 5000}, "slug"),
    ],
)
def test_variables_are_checked_like_literals(
    client: TestClient, variables: dict[str, Any], argument: str
) -> None:
    query = "query One($slug: String!) { model(slug: $slug) { slug } }"
    body = json.dumps({"query": query, "variables": variables}).encode()  # \ud800 as an escape
    error = errors_of(post_raw(client, body).json())[0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument


def test_search_variable_inside_an_input_object_is_limited(client: TestClient) -> None:
    query = "query Find($f: ModelFilter) { models(filter: $f) { nodes { slug } } }"
    error = errors_of(gql(client, query, {"f": {"search": "g" * 500}}))[0]
    assert error["extensions"]["argument"] == "filter.search"
    # Within the limit it is an ordinary search.
    assert "errors" not in gql(client, query, {"f": {"search": "gpt"}})


@pytest.mark.parametrize(
    "value",
    ['"1e100000000"', "1e100000000", '"NaN"', '"Infinity"', '"abc"', '"1' + "0" * 50 + '"'],
)
def test_decimals_out_of_range_are_bad_user_input(client: TestClient, value: str) -> None:
    query = "{ models(filter: {minInputPrice: %s}) { nodes { slug } } }" % value
    error = errors_of(gql(client, query))[0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "Unexpected" not in error["message"]


def test_decimal_variables_out_of_range_are_bad_user_input(client: TestClient) -> None:
    query = "query P($p: Decimal) { models(filter: {minInputPrice: $p}) { nodes { slug } } }"
    for value in ["1e100000000", "-Infinity", 1e300, True]:
        error = errors_of(gql(client, query, {"p": value}))[0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (value, error)


def test_a_document_with_two_operations_needs_an_operation_name(client: TestClient) -> None:
    document = "query A { tasks { nodes { slug } } } query B { licenses { nodes { slug } } }"
    error = errors_of(gql(client, document))[0]
    assert error["extensions"]["code"] == "OPERATION_NAME_REQUIRED"
    chosen = client.post("/graphql", json={"query": document, "operationName": "B"}).json()
    assert "licenses" in chosen["data"] and "tasks" not in chosen["data"]


def test_the_nested_memory_bomb_is_refused_before_it_runs(client: TestClient) -> None:
    bomb = (
        "{ organizations { nodes { models { nodes { organization { models { nodes { organization {"
        " models { nodes { slug } } } } } } } } } } }"
    )
    error = errors_of(gql(client, bomb))[0]
    assert error["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    assert "the limit is 25,000" in error["message"]
    # Through fragments, and through a page of models, the same.
    fragments = (
        "query Q { organizations(first: 100) { nodes { ...O } } }"
        " fragment O on Organization { models { nodes { ...M } } }"
        " fragment M on Model { organization { models { nodes { slug } } } }"
    )
    assert errors_of(gql(client, fragments))[0]["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    paged = (
        "{ models(first: 100) { nodes { organization { models { nodes { license {"
        " models { nodes { slug } } } } } } } } }"
    )
    assert errors_of(gql(client, paged))[0]["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    # Two levels stay fine: every organization with a page of its models.
    assert "errors" not in gql(
        client, "{ organizations { nodes { slug models { nodes { slug } } } } }"
    )


@pytest.mark.parametrize(
    ("variables", "says"),
    [
        ("[" * 3000 + "]" * 3000, "nests too deeply"),
        ('{"a":' * 100 + "1" + "}" * 100, "nests deeper"),
        ("42", "must be a JSON object"),
        ("{oops", "not valid JSON"),
    ],
)
def test_get_requests_with_malformed_variables_are_400(
    client: TestClient, variables: str, says: str
) -> None:
    response = client.get("/graphql", params={"query": "{ __typename }", "variables": variables})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert says in error["message"]


def test_requests_graphql_cannot_take_are_400_with_a_code(client: TestClient) -> None:
    plain = client.post(
        "/graphql", content=b"{ __typename }", headers={"content-type": "text/plain"}
    )
    mutation_by_get = client.get(
        "/graphql", params={"query": 'mutation { retireModel(slug: "x") { __typename } }'}
    )
    assert plain.status_code == 400
    assert plain.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed.
    assert mutation_by_get.status_code == 405
    assert mutation_by_get.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
