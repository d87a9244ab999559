"""Bad requests answer with a clear error; unexpected failures are masked and logged."""

import logging

import pytest
from fastapi.testclient import TestClient

from service.catalog import listings
from tests.graphql.conftest import GraphQL

COMPARE = "query($m: [String!]!) { compare(models: $m) { models { slug } } }"


def test_unknown_model_is_named_with_suggestions(gql: GraphQL) -> None:
    error = gql.error(COMPARE, {"m": ["gpt-5.2", "paligema"]})
    assert error["message"] == (
        "unknown model 'paligema'; did you mean 'paligemma' or 'paligemma-2'?"
    )
    assert error["extensions"] == {
        "code": "NOT_FOUND",
        "argument": "models",
        "unknown": ["paligema"],
        "suggestions": {"paligema": ["paligemma", "paligemma-2"]},
    }
    # One suggestion per model: 'paligemma-3b' is close too, but it is PaliGemma's alias.
    assert "paligemma-3b" not in error["message"]


def test_user_errors_are_answered_not_logged(
    gql: GraphQL, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        gql.error(COMPARE, {"m": ["gpt-5.2", "paligema"]})
        gql.error("{ models { nodes { nope } } }")
    assert caplog.records == []


def test_several_unknown_models_are_all_named(gql: GraphQL) -> None:
    error = gql.error(COMPARE, {"m": ["gpt5.2", "nothing-like-it"]})
    assert "unknown model 'gpt5.2'; did you mean 'gpt-5.2'" in error["message"]
    assert "unknown model 'nothing-like-it'" in error["message"]


def test_the_same_model_twice_is_refused(gql: GraphQL) -> None:
    error = gql.error(COMPARE, {"m": ["paligemma", "PaliGemma-3B"]})
    assert error["message"] == (
        "'paligemma' and 'PaliGemma-3B' are the same model (paligemma); list each model once"
    )


@pytest.mark.parametrize("count", [0, 1, 11])
def test_too_few_or_too_many_models_are_refused(gql: GraphQL, count: int) -> None:
    error = gql.error(COMPARE, {"m": [f"m{i}" for i in range(count)]})
    assert error["message"] == f"compare takes 2 to 10 models (got {count})"
    assert error["extensions"]["argument"] == "models"


def test_negative_workload_is_refused(gql: GraphQL) -> None:
    error = gql.error(
        '{ compare(models: ["gpt-5.2", "paligemma"], workload: {inputTokens: -5}) { asOf } }'
    )
    assert error["message"] == "workload token counts must be 0 or more (input_tokens)"


def test_unknown_model_slug(gql: GraphQL) -> None:
    error = gql.error('{ model(slug: "GPT-5.3") { name } }')
    assert error["message"].startswith("unknown model 'GPT-5.3'; did you mean 'gpt-5.2'")


def test_unknown_organization(gql: GraphQL) -> None:
    error = gql.error('{ organization(slug: "gogle") { name } }')
    assert error["message"] == "unknown organization 'gogle'; did you mean 'google'?"


def test_page_size_is_capped(gql: GraphQL) -> None:
    error = gql.error("{ models(first: 101) { nodes { slug } } }")
    assert error["message"] == "first must be between 1 and 100 (got 101)"


def test_foreign_cursor_is_refused(gql: GraphQL) -> None:
    error = gql.error('{ models(after: "not-a-cursor") { nodes { slug } } }')
    assert error["message"].startswith("after is not a cursor from this listing")
    error = gql.error('{ models(last: 2, before: "not-a-cursor") { nodes { slug } } }')
    assert error["message"].startswith("before is not a cursor from this listing")


def test_query_depth_is_limited(gql: GraphQL) -> None:
    deep = '{ model(slug: "paligemma") { organization { models { organization { models {'
    deep += " organization { models { organization { models { organization { models {"
    deep += " slug } } } } } } } } } } } }"
    error = gql.error(deep)
    assert "exceeds maximum operation depth" in error["message"]


def test_token_count_is_limited(gql: GraphQL) -> None:
    huge = "{ " + " ".join(f"a{i}: tasks {{ nodes {{ slug }} }}" for i in range(600)) + " }"
    error = gql.error(huge)
    assert "token" in error["message"].lower()


def test_alias_count_is_limited(gql: GraphQL) -> None:
    many = "{ " + " ".join(f"a{i}: tasks {{ nodes {{ slug }} }}" for i in range(31)) + " }"
    error = gql.error(many)
    assert "aliases" in error["message"]


def test_syntax_errors_are_shown(gql: GraphQL) -> None:
    error = gql.error("{ models { nodes { slug } }")
    assert error["message"].startswith("Syntax Error")


def test_batched_requests_are_refused(app_client: TestClient) -> None:
    response = app_client.post("/graphql", json=[{"query": "{ tasks { nodes { slug } } }"}] * 2)
    assert response.status_code == 400


def test_unexpected_errors_are_masked_and_logged(
    gql: GraphQL, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object) -> list[object]:
        raise RuntimeError("secret connection detail")

    monkeypatch.setattr(listings, "taxonomy_page", broken)
    with caplog.at_level(logging.ERROR):
        error = gql.error("{ tasks { nodes { slug } } }")
    assert (
        error["message"] == "Unexpected error. It has been logged; please try again or report it."
    )
    assert "secret" not in str(error)
    assert "secret connection detail" in caplog.text
