"""Odd values sent to the mutations are answered as the client's mistake, never a 500."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.db import make_engine
from tests.conftest import isolated_settings
from tests.hardening.conftest import ADMIN_TOKEN, errors_of

pytestmark = pytest.mark.usefixtures("no_error_logs")


@pytest.fixture(scope="module")
def writer(databases: Any, seeded_template: str) -> Iterator[TestClient]:
    url = databases.create(template=seeded_template).render_as_string(hide_password=False)
    engine = make_engine(url)
    app = create_app(engine, isolated_settings(database_url=url, admin_token=ADMIN_TOKEN))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    engine.dispose()


def send(client: TestClient, query: str, token: str = ADMIN_TOKEN, **variables: Any) -> Any:
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}".encode()},
    )
    assert response.status_code < 500, response.text
    return response.json()


def test_null_for_a_required_field_in_a_patch_is_invalid_input(writer: TestClient) -> None:
    body = send(
        writer,
        'mutation { updateOrganization(slug: "openai", input: {name: null}) '
        "{ __typename ... on InvalidInput { problems { field message } } } }",
    )
    result = body["data"]["updateOrganization"]
    assert result["__typename"] == "InvalidInput"
    assert result["problems"][0]["field"] == "name"
    model = send(
        writer,
        'mutation { updateModel(slug: "gpt-5.2", input: {name: null, status: null}) '
        "{ __typename ... on InvalidInput { problems { field } } } }",
    )["data"]["updateModel"]
    assert {p["field"] for p in model["problems"]} == {"name", "status"}
    # A nullable field may still be cleared.
    cleared = send(
        writer,
        'mutation { updateOrganization(slug: "openai", input: {website: null}) { __typename } }',
    )
    assert cleared["data"]["updateOrganization"]["__typename"] == "OrganizationResult"


@pytest.mark.parametrize(
    "value", ['"twelve"', '"99999999999999999999"', "99999999999999999999", '"1.5"']
)
def test_big_ints_beyond_int64_or_as_words_are_bad_user_input(
    writer: TestClient, value: str
) -> None:
    body = send(
        writer,
        'mutation { updateModel(slug: "paligemma", input: {parameterCount: %s}) { __typename } }'
        % value,
    )
    error = errors_of(body)[0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


def test_big_int_as_digits_text_is_accepted(writer: TestClient) -> None:
    body = send(
        writer,
        'mutation { updateModel(slug: "paligemma", input: {parameterCount: "3000000000"}) '
        "{ ... on ModelResult { model { parameters { value } } } } }",
    )
    assert body["data"]["updateModel"]["model"]["parameters"]["value"] == 3_000_000_000


def test_decimal_prices_out_of_range_are_bad_user_input(writer: TestClient) -> None:
    body = send(
        writer,
        'mutation { setPrice(model: "gpt-5.2", input: {effectiveFrom: "2030-01-01", '
        'inputPerMtok: "1e100000000"}) { __typename } }',
    )
    assert errors_of(body)[0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "token", ["mc_²_abc", "mc_99999999999999999999999_abc", "mc__", "mc_1_", "x" * 300, "mc_١_x"]
)
def test_odd_tokens_are_unauthenticated(
    writer: TestClient, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        body = send(writer, 'mutation { retireModel(slug: "gpt-5.2") { __typename } }', token)
    assert errors_of(body)[0]["extensions"]["code"] == "UNAUTHENTICATED"
