"""Catalog queries: a model by any name, the filtered and paginated listing, the taxonomy."""

from typing import Any

import pytest

from tests.conftest import SEED_MODELS
from tests.graphql.conftest import GraphQL

MODEL = """
query($slug: String!) {
  model(slug: $slug) {
    slug name family aliases status modality
    organization { slug name }
    license { slug kind commercialUse commercialTerms spdxId }
    category { value state display }
    openWeights { value display }
    inputModalities { value display }
    releaseDate { value precision display sources { field quote source { slug title } } }
    contextWindow { value state display sources { quote } }
    parameters { value disclosure state display }
    overview { state }
    variants { slug axis inputResolutionPx differs }
    price { currency inputPerMtok outputPerMtok cachedInputPerMtok effectiveFrom effectiveTo
            source { slug } }
    priceHistory { inputPerMtok variant }
    capabilities { task { slug group } support hasDemo }
    collections { slug }
    lineage { relation direction role model { slug } }
    citations(field: "parameters") { quote }
  }
}
"""


def test_model_by_alias_in_any_case(gql: GraphQL) -> None:
    model = gql.data(MODEL, {"slug": "PALIGEMMA-3b"})["model"]
    assert model["slug"] == "paligemma"
    assert model["aliases"] == ["paligemma-3b"]
    assert model["organization"] == {"slug": "google", "name": "Google"}
    assert model["license"] == {
        "slug": "gemma",
        "kind": "CUSTOM",
        "commercialUse": "CONDITIONAL",
        "spdxId": None,
        "commercialTerms": "Commercial use is permitted subject to the terms of the Gemma "
        "Prohibited Use Policy.",
    }
    assert model["category"] == {"value": "open", "state": "KNOWN", "display": "open"}
    assert model["modality"] == "multimodal"
    assert model["contextWindow"] == {
        "value": None,
        "state": "UNKNOWN",
        "display": "—",
        "sources": [{"quote": "Context Window | —"}],
    }
    assert model["parameters"] == {
        "value": 3000000000,
        "disclosure": "DISCLOSED",
        "state": "KNOWN",
        "display": "3B",
    }
    assert model["price"] is None  # the page lists no price: unknown
    assert [v["inputResolutionPx"] for v in model["variants"]] == [224, 448, 896, None, None]
    assert {
        (link["relation"], link["direction"], link["model"]["slug"], link["role"])
        for link in model["lineage"]
    } == {
        ("BUILT_FROM", "OUTGOING", "siglip-so400m", "vision encoder"),
        ("BUILT_FROM", "OUTGOING", "gemma-2b", "language model"),
        ("INSPIRED_BY", "OUTGOING", "pali-3", None),
        ("SUCCEEDS", "INCOMING", "paligemma-2", None),
    }
    assert model["citations"] == [{"quote": "Parameters | 3B"}]


def test_facts_carry_state_display_and_source(gql: GraphQL) -> None:
    model = gql.data(MODEL, {"slug": "gpt-5.2"})["model"]
    assert model["releaseDate"] == {
        "value": "2025-12-01",
        "precision": "MONTH",
        "display": "Dec 2025",
        "sources": [
            {
                "field": "release_date",
                "quote": "released in December 2025",
                "source": {"slug": "compare-gpt-5.2-vs-paligemma", "title": "GPT-5.2 vs PaliGemma"},
            }
        ],
    }
    assert model["parameters"] == {
        "value": None,
        "disclosure": "UNDISCLOSED",
        "state": "UNDISCLOSED",
        "display": "Undisclosed",
    }
    assert model["price"] == {
        "currency": "USD",
        "inputPerMtok": "1.75",
        "outputPerMtok": "14",
        "cachedInputPerMtok": None,
        "effectiveFrom": None,
        "effectiveTo": None,
        "source": {"slug": "compare-gpt-5.2-vs-paligemma"},
    }
    assert model["priceHistory"] == [{"inputPerMtok": "1.75", "variant": None}]
    assert {c["task"]["slug"] for c in model["capabilities"] if c["hasDemo"]} == {
        "image-captioning",
        "visual-question-answering",
        "image-classification",
        "object-detection",
        "ocr",
    }


def test_a_stub_model_says_what_is_unknown(gql: GraphQL) -> None:
    model = gql.data(MODEL, {"slug": "siglip-so400m"})["model"]
    assert model["organization"] is None and model["license"] is None
    assert model["category"]["state"] == "UNKNOWN"
    assert model["releaseDate"]["display"] == "—"
    assert model["parameters"]["disclosure"] == "UNKNOWN"


LIST = """
query($filter: ModelFilter, $order: ModelOrder, $first: Int, $after: String) {
  models(filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { slug } }
  }
}
"""


def _slugs(gql: GraphQL, **variables: Any) -> list[str]:
    page = gql.data(LIST, variables)["models"]
    return [edge["node"]["slug"] for edge in page["edges"]]


@pytest.mark.parametrize(
    ("model_filter", "expected"),
    [
        ({"organizations": ["OpenAI"]}, ["gpt-5.1", "gpt-5.2"]),
        ({"category": "OPEN"}, ["paligemma"]),
        ({"openWeights": False}, ["gpt-5.2"]),
        ({"inputModality": "IMAGE"}, ["gpt-5.2", "paligemma"]),
        ({"task": "ocr"}, ["gpt-5.2", "paligemma"]),
        ({"hasDemoFor": "ocr"}, ["gpt-5.2"]),
        ({"collection": "foundation-vision"}, ["paligemma"]),
        ({"licenseKind": "CUSTOM"}, ["paligemma"]),
        ({"commercialUse": True}, ["paligemma"]),
        ({"maxInputPrice": "2"}, ["gpt-5.2"]),
        ({"maxInputPrice": "1.5"}, []),
        ({"minOutputPrice": "14", "maxOutputPrice": "14"}, ["gpt-5.2"]),
        ({"minContextWindow": 128000}, ["gpt-5.2"]),
        ({"releasedAfter": "2024-06-01"}, ["gpt-5.2", "paligemma-2"]),
        (
            {"releasedAfter": "2024-01-01", "releasedBefore": "2024-12-31"},
            ["paligemma", "paligemma-2"],
        ),
        ({"search": "GEMMA"}, ["gemma-2b", "paligemma", "paligemma-2"]),
        ({"search": "3b"}, ["paligemma"]),  # matches the alias paligemma-3b
        ({"search": "%"}, []),
        ({"status": ["ACTIVE"], "category": "CLOSED"}, ["gpt-5.2"]),
    ],
)
def test_filters(gql: GraphQL, model_filter: dict[str, Any], expected: list[str]) -> None:
    assert _slugs(gql, filter=model_filter, order={"field": "NAME"}, first=100) == expected


def test_an_unknown_organization_is_an_error_with_a_suggestion(gql: GraphQL) -> None:
    """Like the provider filter: a typo is NOT_FOUND with suggestions, not an empty list."""
    error = gql.error(LIST, {"filter": {"organizations": ["openai", "goo"]}})
    assert error["message"] == "unknown organization 'goo'; did you mean 'google'?"
    assert error["extensions"] == {
        "code": "NOT_FOUND",
        "argument": "filter.organizations",
        "unknown": ["goo"],
        "suggestions": ["google"],
    }
    far = gql.error(LIST, {"filter": {"organizations": ["zzzz"]}})
    assert far["message"] == "unknown organization 'zzzz'"
    assert far["extensions"]["suggestions"] == []
    many = gql.error(LIST, {"filter": {"organizations": [f"o{i}" for i in range(51)]}})
    assert "at most 50" in many["message"]


def test_ordering_puts_unknown_values_last(gql: GraphQL) -> None:
    newest = _slugs(gql, order={"field": "RELEASE_DATE", "direction": "DESC"}, first=3)
    assert newest == ["gpt-5.2", "paligemma-2", "paligemma"]
    oldest = _slugs(gql, order={"field": "RELEASE_DATE", "direction": "ASC"}, first=4)
    assert oldest[:3] == ["paligemma", "paligemma-2", "gpt-5.2"]
    cheapest = _slugs(gql, order={"field": "INPUT_PRICE"}, first=2)
    assert cheapest[0] == "gpt-5.2"
    longest = _slugs(gql, order={"field": "CONTEXT_WINDOW", "direction": "DESC"}, first=1)
    assert longest == ["gpt-5.2"]


@pytest.mark.parametrize("field", ["NAME", "RELEASE_DATE", "CONTEXT_WINDOW", "OUTPUT_PRICE"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_cursor_pagination_walks_every_model_once(gql: GraphQL, field: str, direction: str) -> None:
    order = {"field": field, "direction": direction}
    everything = _slugs(gql, order=order, first=100)
    walked, after = [], None
    while True:
        page = gql.data(LIST, {"order": order, "first": 2, "after": after})["models"]
        walked += [edge["node"]["slug"] for edge in page["edges"]]
        assert page["totalCount"] == SEED_MODELS
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == everything
    assert sorted(walked) == sorted(set(walked)) and len(walked) == SEED_MODELS


BACKWARD = """
query($order: ModelOrder, $last: Int, $before: String) {
  models(orderBy: $order, last: $last, before: $before) {
    pageInfo { hasPreviousPage hasNextPage startCursor }
    nodes { slug }
  }
}
"""


@pytest.mark.parametrize("field", ["NAME", "RELEASE_DATE", "INPUT_PRICE"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_backward_pagination_walks_the_same_order_from_the_end(
    gql: GraphQL, field: str, direction: str
) -> None:
    order = {"field": field, "direction": direction}
    everything = _slugs(gql, order=order, first=100)
    walked: list[str] = []
    before = None
    while True:
        page = gql.data(BACKWARD, {"order": order, "last": 3, "before": before})["models"]
        walked = [node["slug"] for node in page["nodes"]] + walked
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert walked == everything


def test_a_forward_page_knows_it_has_a_previous_one(gql: GraphQL) -> None:
    first = gql.data(LIST, {"first": 2})["models"]
    second = gql.data(
        "query($a: String) { models(first: 2, after: $a) { pageInfo { hasPreviousPage"
        " startCursor } } }",
        {"a": first["pageInfo"]["endCursor"]},
    )["models"]
    assert second["pageInfo"]["hasPreviousPage"] is True
    back = gql.data(BACKWARD, {"last": 2, "before": second["pageInfo"]["startCursor"]})
    assert [n["slug"] for n in back["models"]["nodes"]] == [
        e["node"]["slug"] for e in first["edges"]
    ]


def test_paging_arguments_are_checked(gql: GraphQL) -> None:
    assert gql.error("{ models(last: 0) { nodes { slug } } }")["message"] == (
        "last must be between 1 and 100 (got 0)"
    )
    assert gql.error('{ models(before: "x") { nodes { slug } } }')["message"] == (
        "before pages backward: give last with it"
    )


TAXONOMY = """
{
  organizations { nodes { slug models { nodes { slug } } } }
  licenses { nodes { slug kind models { nodes { slug } } } }
  tasks { nodes { slug group models { nodes { slug } } } }
  collections { nodes { slug name models { nodes { slug } } } }
  sources { nodes { slug document } }
}
"""


def test_taxonomy_with_models(gql: GraphQL) -> None:
    data = {field: page["nodes"] for field, page in gql.data(TAXONOMY).items()}
    orgs = {o["slug"]: [m["slug"] for m in o["models"]["nodes"]] for o in data["organizations"]}
    assert orgs == {"google": ["pali-3", "paligemma"], "openai": ["gpt-5.1", "gpt-5.2"]}
    assert [(lic["slug"], lic["kind"]) for lic in data["licenses"]] == [
        ("gemma", "CUSTOM"),
        ("proprietary", "PROPRIETARY"),
    ]
    tasks = {t["slug"]: [m["slug"] for m in t["models"]["nodes"]] for t in data["tasks"]}
    assert tasks["image-classification"] == ["gpt-5.2"]
    assert data["tasks"][0]["slug"] == "image-captioning"
    collections = {
        c["name"]: [m["slug"] for m in c["models"]["nodes"]] for c in data["collections"]
    }
    assert collections == {
        "LLMs with Vision Capabilities": ["gpt-5.2"],
        "Multimodal Vision": ["gpt-5.2", "paligemma"],
        "Foundation Vision": ["paligemma"],
    }
    assert data["sources"] == [
        {
            "slug": "compare-gpt-5.2-vs-paligemma",
            "document": "shared/source/compare-gpt-5.2-vs-paligemma.txt",
        }
    ]
