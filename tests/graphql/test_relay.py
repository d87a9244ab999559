"""Relay's conventions: global ids through `node`/`nodes`, and connections paged both ways."""

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql import parse
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.app import create_app
from service.catalog import tokens
from service.config import Settings
from service.db import make_engine, unit_of_work
from service.graphql.limits import query_costs
from service.graphql.schema import schema
from service.models import Organization, OrganizationAlias
from tests.conftest import Databases, url_text
from tests.graphql.conftest import GraphQL, StatementCounter
from tests.graphql.test_offers import _add_offers

ROOT_LISTS = ("organizations", "licenses", "tasks", "collections", "sources")
BY_TYPE = {
    "Model": "models",
    "Organization": "organizations",
    "License": "licenses",
    "Task": "tasks",
    "Collection": "collections",
    "Source": "sources",
}


@pytest.fixture(scope="module")
def ogql(databases: Databases, seeded_template: str) -> Iterator[GraphQL]:
    """A private copy of the seed with a few offers (two more organizations, providers) and
    an organization alias."""
    url = url_text(databases.create(template=seeded_template))
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        _add_offers(session)
        google = session.scalars(select(Organization).where(Organization.slug == "google")).one()
        session.add(OrganizationAlias(organization_id=google.id, alias="Google DeepMind"))
    with TestClient(create_app(engine, Settings(database_url=url))) as client:
        yield GraphQL(client)
    engine.dispose()


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _ids(gql: GraphQL, field: str, first: int = 3) -> list[tuple[str, str]]:
    """(global id, slug) of the first items of a root list."""
    data = gql.data(f"{{ {field}(first: {first}) {{ nodes {{ id slug }} }} }}")
    return [(n["id"], n["slug"]) for n in data[field]["nodes"]]


NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Model { slug }
    ... on Organization { slug }
    ... on License { slug }
    ... on Task { slug }
    ... on Collection { slug }
    ... on Source { slug }
    ... on Provider { slug }
    ... on Offer { route }
  }
}
"""
NODES = NODE.replace("$id: ID!", "$ids: [ID!]!").replace("node(id: $id)", "nodes(ids: $ids)")


@pytest.mark.parametrize("type_name", list(BY_TYPE))
def test_every_types_global_id_round_trips(gql: GraphQL, type_name: str) -> None:
    found = _ids(gql, BY_TYPE[type_name])
    assert found
    for global_id, slug in found:
        assert slug not in global_id  # opaque: not the readable name
        node = gql.data(NODE, {"id": global_id})["node"]
        assert node == {"__typename": type_name, "id": global_id, "slug": slug}
    listed = gql.data(NODES, {"ids": [i for i, _ in reversed(found)]})["nodes"]
    assert [(n["id"], n["slug"]) for n in listed] == list(reversed(found))


def test_ids_are_unique_across_types_and_stable(gql: GraphQL) -> None:
    every = [i for field in BY_TYPE.values() for i, _ in _ids(gql, field, 5)]
    assert len(set(every)) == len(every)
    assert every == [i for field in BY_TYPE.values() for i, _ in _ids(gql, field, 5)]


def test_nested_objects_carry_the_same_id(gql: GraphQL) -> None:
    model = gql.data(
        '{ model(slug: "gpt-5.2") { organization { id slug } license { id slug } '
        "capabilities { task { id slug } } collections { id slug } } }"
    )["model"]
    assert gql.data(NODE, {"id": model["organization"]["id"]})["node"]["slug"] == "openai"
    for task in [c["task"] for c in model["capabilities"]] + model["collections"]:
        assert gql.data(NODE, {"id": task["id"]})["node"]["slug"] == task["slug"]


def test_offers_and_providers_round_trip(ogql: GraphQL) -> None:
    offers = ogql.data(
        '{ model(slug: "gpt-5.2") { offers { nodes { id route provider { id slug } } } } }'
    )["model"]["offers"]["nodes"]
    providers = ogql.data("{ providers { nodes { id slug organization { id } } } }")
    provider_nodes = providers["providers"]["nodes"]
    assert provider_nodes and offers
    for offer in offers:
        node = ogql.data(NODE, {"id": offer["id"]})["node"]
        assert node == {"__typename": "Offer", "id": offer["id"], "route": offer["route"]}
    for provider in provider_nodes:
        assert provider["id"] != provider["organization"]["id"]  # a Provider is not its org
        node = ogql.data(NODE, {"id": provider["id"]})["node"]
        assert node == {"__typename": "Provider", "id": provider["id"], "slug": provider["slug"]}
        org = ogql.data(NODE, {"id": provider["organization"]["id"]})["node"]
        assert org["__typename"] == "Organization" and org["slug"] == provider["slug"]
    # An organization that offers nothing today is no provider: its Provider id names nothing.
    openai_org = next(o["provider"]["id"] for o in offers if o["provider"]["slug"] == "openai")
    key = base64.urlsafe_b64decode(openai_org).decode().split(":")[1]
    assert ogql.data(NODE, {"id": _b64(f"Provider:{key}")})["node"]["slug"] == "openai"
    nobody = ogql.data('{ organization(slug: "google") { id } }')["organization"]["id"]
    key = base64.urlsafe_b64decode(nobody).decode().split(":")[1]
    assert ogql.data(NODE, {"id": _b64(f"Provider:{key}")})["node"] is None


def test_nodes_costs_one_statement_per_type_whatever_the_number_of_ids(
    gql: GraphQL, statements: StatementCounter
) -> None:
    few = [i for field in BY_TYPE.values() for i, _ in _ids(gql, field, 1)]
    many = [i for field in BY_TYPE.values() for i, _ in _ids(gql, field, 5)]
    assert len(many) > 2 * len(few)
    counts = []
    for ids in (few, many):
        statements.count = 0
        listed = gql.data(NODES, {"ids": ids})["nodes"]
        assert [n["id"] for n in listed] == ids
        counts.append(statements.count)
    assert counts[0] == counts[1] <= len(BY_TYPE) + 2  # a statement per type, checkout aside


def test_an_id_naming_nothing_answers_null(gql: GraphQL) -> None:
    (known, _), *_ = _ids(gql, "models", 1)
    gone = _b64("Model:999999999")
    assert gql.data(NODE, {"id": gone})["node"] is None
    listed = gql.data(NODES, {"ids": [gone, known, _b64("Task:999999999")]})["nodes"]
    assert listed[0] is None and listed[1]["id"] == known and listed[2] is None
    # Keys beyond the columns' range name nothing too (no database error).
    huge = [_b64(f"{t}:9999999999999999999") for t in ("Organization", "Provider", "Offer")]
    assert gql.data(NODES, {"ids": huge})["nodes"] == [None, None, None]


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("gpt-5.2", "is not a global id"),
        (_b64("Model:abc"), "is not a global id"),
        (_b64("Model:-1"), "is not a global id"),
        (_b64("Model"), "is not a global id"),
        (_b64("Widget:1"), "names the type 'Widget'"),
        ("x" * 101, "at most 100"),
    ],
)
def test_a_malformed_id_is_a_coded_user_error(gql: GraphQL, bad: str, says: str) -> None:
    error = gql.error(NODE, {"id": bad})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "id"
    assert says in error["message"]
    (good, _), *_ = _ids(gql, "tasks", 1)
    error = gql.error(NODES, {"ids": [good, bad]})
    assert error["extensions"]["argument"] == "ids[1]"
    assert says in error["message"]


def test_nodes_takes_at_most_100_ids(gql: GraphQL) -> None:
    (good, _), *_ = _ids(gql, "tasks", 1)
    error = gql.error(NODES, {"ids": [good] * 101})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "ids"}
    assert "at most 100" in error["message"]
    assert len(gql.data(NODES, {"ids": [good] * 100})["nodes"]) == 100


# ---- connections -----------------------------------------------------------------------------

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String) {
  %s(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { %s } }
    nodes { %s }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def _page(client: Any, field: str, key: str, **arguments: Any) -> dict[str, Any]:
    """One page of a root connection (`client` a GraphQL, or an admin with `ok`)."""
    read = client.ok if hasattr(client, "ok") else client.data
    page: dict[str, Any] = read(PAGE % (field, key, key), arguments)[field]
    assert page["nodes"] == [edge["node"] for edge in page["edges"]]
    cursors = [edge["cursor"] for edge in page["edges"]]
    info = page["pageInfo"]
    assert (info["startCursor"], info["endCursor"]) == (
        (cursors[0], cursors[-1]) if cursors else (None, None)
    )
    return page


def _walk(gql: Any, field: str, key: str, size: int) -> tuple[list[Any], list[Any], int]:
    """Every item paging forward, then paging backward from the end; and the total count."""
    forward: list[Any] = []
    page = _page(gql, field, key, first=size)
    assert page["pageInfo"]["hasPreviousPage"] is False
    while True:
        forward += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert len(page["nodes"]) == size
        page = _page(gql, field, key, first=size, after=page["pageInfo"]["endCursor"])
        assert page["pageInfo"]["hasPreviousPage"] is True
    backward: list[Any] = []
    page = _page(gql, field, key, last=size)
    assert page["pageInfo"]["hasNextPage"] is False
    while True:
        backward = page["nodes"] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        page = _page(gql, field, key, last=size, before=page["pageInfo"]["startCursor"])
        assert page["pageInfo"]["hasNextPage"] is True
    return forward, backward, page["totalCount"]


@pytest.mark.parametrize("field", ROOT_LISTS)
def test_root_connections_page_forward_and_back(ogql: GraphQL, field: str) -> None:
    gql = ogql  # the seed and two more organizations
    forward, backward, total = _walk(gql, field, "slug", 1)
    assert total >= (1 if field == "sources" else 2) and len(forward) == total
    assert backward == forward
    assert len({n["slug"] for n in forward}) == total
    # The default page is 20; a page in the middle starts right after its cursor.
    default = _page(gql, field, "slug")
    assert default["nodes"] == forward[:20]
    middle = _page(gql, field, "slug", first=1, after=default["edges"][0]["cursor"])
    assert middle["nodes"] == forward[1:2]
    # Cursors are stable: the same page asked twice answers the same cursors.
    again = _page(gql, field, "slug")
    assert [e["cursor"] for e in again["edges"]] == [e["cursor"] for e in default["edges"]]


def test_organizations_are_listed_by_name_and_searched(ogql: GraphQL) -> None:
    gql = ogql
    forward, _, _ = _walk(gql, "organizations", "slug name", 2)
    names = [n["name"].lower() for n in forward]
    assert names == sorted(names)
    query = "query($s: String) { organizations(search: $s, first: 100) { totalCount nodes { slug name } } }"
    found = gql.data(query, {"s": "OPEN"})["organizations"]
    assert [n["slug"] for n in found["nodes"]] == ["openai", "openrouter"]
    assert found["totalCount"] == 2
    # An alias finds its organization (the seed's synonyms).
    deepmind = gql.data(query, {"s": "deepmind"})["organizations"]["nodes"]
    assert deepmind == [{"slug": "google", "name": "Google"}]
    assert gql.data(query, {"s": "%"})["organizations"]["totalCount"] == 0  # no wildcard
    error = gql.error(query, {"s": "x" * 201})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_providers_page_forward_and_back(ogql: GraphQL) -> None:
    forward, backward, total = _walk(ogql, "providers", "slug modelCount", 1)
    assert total == len(forward) >= 2 and backward == forward
    counts = [n["modelCount"] for n in forward]
    assert counts == sorted(counts, reverse=True)


def test_a_models_offers_page_forward_and_back(ogql: GraphQL) -> None:
    query = """query($first: Int, $after: String, $last: Int, $before: String) {
      model(slug: "gpt-5.2") { offers(first: $first, after: $after, last: $last, before: $before) {
        totalCount nodes { route } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      } } }"""

    everything = ogql.data('{ model(slug: "gpt-5.2") { offers { nodes { route } } } }')
    routes = [n["route"] for n in everything["model"]["offers"]["nodes"]]
    first = ogql.data(query, {"first": 1})["model"]["offers"]
    assert first["totalCount"] == len(routes) == 3
    second = ogql.data(query, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    assert [n["route"] for n in first["nodes"] + second["model"]["offers"]["nodes"]] == routes
    tail = ogql.data(query, {"last": 2})["model"]["offers"]
    assert [n["route"] for n in tail["nodes"]] == routes[1:]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    head = ogql.data(query, {"last": 2, "before": tail["pageInfo"]["startCursor"]})
    assert [n["route"] for n in head["model"]["offers"]["nodes"]] == routes[:1]


@pytest.fixture
def admin(seeded_db_url: str) -> Iterator[Any]:
    from tests.graphql.test_mutations import Admin

    engine = make_engine(seeded_db_url)
    with unit_of_work(engine) as session:
        token = tokens.create(session, name="relay", actor="test")
    app = create_app(engine, Settings(database_url=seeded_db_url))
    with TestClient(app) as client:
        yield Admin(client, engine, token)
    engine.dispose()


def test_the_audit_log_pages_newest_first(admin: Any) -> None:
    forward, backward, total = _walk(admin, "auditLog", "id", 7)
    assert total == len(forward) >= 8 and backward == forward
    ids = [n["id"] for n in forward]
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("parent", ["organization", "task"])
def test_a_parents_models_page_back_too(gql: GraphQL, parent: str) -> None:
    slug = {"organization": "google", "task": "ocr"}[parent]
    query = (
        (
            'query($first: Int, $after: String, $last: Int, $before: String) { PARENT(slug: "SLUG") { '
            "models(first: $first, after: $after, last: $last, before: $before) { totalCount "
            "nodes { slug } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"
        )
        .replace("PARENT", parent)
        .replace("SLUG", slug)
    )

    def page(**arguments: Any) -> dict[str, Any]:
        models: dict[str, Any] = gql.data(query, arguments)[parent]["models"]
        return models

    size = 1
    forward: list[Any] = []
    current = page(first=size)
    while True:
        forward += current["nodes"]
        if not current["pageInfo"]["hasNextPage"]:
            break
        current = page(first=size, after=current["pageInfo"]["endCursor"])
    backward: list[Any] = []
    current = page(last=size)
    while True:
        backward = current["nodes"] + backward
        if not current["pageInfo"]["hasPreviousPage"]:
            break
        current = page(last=size, before=current["pageInfo"]["startCursor"])
    assert current["totalCount"] == len(forward) >= 2 and backward == forward


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"last": 101}, "last"),
        ({"after": "bm90IGEgY3Vyc29y"}, "after"),
        ({"after": "%%%"}, "after"),
        ({"last": 2, "before": "W10="}, "before"),
        ({"first": 2, "before": "x"}, "last"),
        ({"last": 2, "after": "x"}, "first"),
    ],
)
def test_bad_page_arguments_are_user_errors(
    gql: GraphQL, arguments: dict[str, Any], argument: str
) -> None:
    for field in ROOT_LISTS:
        error = gql.error(PAGE % (field, "slug", "slug"), arguments)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["argument"] == argument


def test_a_cursor_of_another_list_is_refused(gql: GraphQL) -> None:
    cursor = _page(gql, "licenses", "slug", first=1)["pageInfo"]["endCursor"]
    error = gql.error(PAGE % ("tasks", "slug", "slug"), {"after": cursor})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
    assert "not a cursor of this list" in error["message"]
    model_cursor = gql.data("{ models(first: 1) { pageInfo { endCursor } } }")
    error = gql.error(
        PAGE % ("organizations", "slug", "slug"),
        {"after": model_cursor["models"]["pageInfo"]["endCursor"]},
    )
    assert error["extensions"]["argument"] == "after"


def _cost(document: str) -> int:
    ((_, cost),) = query_costs(schema._schema, parse(document))
    return cost


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # a page multiplies what it holds by its size: 1 + 20 * (nodes 1 + slug 1)
        ("{ organizations { nodes { slug } } }", 1 + 20 * 2),
        ("{ organizations(first: 5) { nodes { slug } } }", 1 + 5 * 2),
        ("{ organizations(first: null) { nodes { slug } } }", 1 + 20 * 2),
        ("{ tasks(last: 3) { edges { cursor node { slug } } } }", 1 + 3 * (1 + 1 + 1 + 1)),
        ("query($n: Int) { sources(first: $n) { nodes { slug } } }", 1 + 100 * 2),
        ("{ auditLog(first: 2) { totalCount nodes { id } } }", 1 + 2 * (1 + 2)),
        (
            "{ providers(first: 4) { nodes { organization { models(last: 3) { nodes { slug } } } } } }",
            1 + 4 * (1 + 1 * (1 + 1 + 3 * 2)),
        ),
        ('{ model(slug: "x") { offers(first: 5) { nodes { route } } } }', 1 + 1 + 5 * 2),
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', 1 + 3 * 1),
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", 1 + 100 * 1),
    ],
)
def test_query_cost_counts_pages(document: str, expected: int) -> None:
    assert _cost(document) == expected


def test_a_deep_nest_of_connections_is_refused_before_it_runs(gql: GraphQL) -> None:
    deep = (
        "{ organizations(first: 100) { nodes { models(first: 100) { nodes { "
        "organization { models { nodes { slug } } } } } } } }"
    )
    error = gql.error(deep)
    assert error["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    assert error["extensions"]["cost"] == _cost(deep) > 25_000


def _cursor(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode()


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30, -(10**30)])
def test_a_crafted_cursor_with_a_huge_number_is_never_a_server_error(
    gql: GraphQL, number: int
) -> None:
    """A page after it, or a user error; never an unexpected (masked) error."""
    for field, cursor in (
        ("organizations", _cursor("organizations", "m", number)),
        ("tasks", _cursor("tasks", number, "ocr")),
        ("licenses", _cursor("licenses", "x" * 5)),
    ):
        body = gql.post(PAGE % (field, "slug", "slug"), {"after": cursor})
        for error in body.get("errors", []):
            assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    for document, cursor in (
        ('{ task(slug: "ocr") { models(after: $c) { nodes { slug } } } }', _cursor("m", number)),
        ("{ models(after: $c) { nodes { slug } } }", _cursor("2024-01-01", number)),
    ):
        body = gql.post("query($c: String) " + document, {"c": cursor})
        for error in body.get("errors", []):
            assert error["extensions"]["code"] == "BAD_USER_INPUT", error
