"""Property-based fuzz of the mutations, with and without the admin token, on a private copy."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis_graphql import mutations

from service.app import create_app
from service.db import make_engine
from tests.conftest import isolated_settings
from tests.hardening.conftest import ADMIN_TOKEN
from tests.hardening.fuzz import CUSTOM_SCALARS, EXAMPLES
from tests.hardening.test_fuzz_queries import FUZZ, SCHEMA, _run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def writer(databases: Any, seeded_template: str) -> Iterator[TestClient]:
    url = databases.create(template=seeded_template).render_as_string(hide_password=False)
    engine = make_engine(url)
    app = create_app(engine, isolated_settings(database_url=url, admin_token=ADMIN_TOKEN))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    engine.dispose()


def test_generated_mutations_with_the_admin_token(writer: TestClient) -> None:
    @FUZZ
    @given(mutations(SCHEMA, custom_scalars=CUSTOM_SCALARS))
    def one(document: str) -> None:
        _run(writer, document, {"Authorization": f"Bearer {ADMIN_TOKEN}"})

    one()


def test_generated_mutations_without_a_token(writer: TestClient) -> None:
    @settings(FUZZ, max_examples=max(EXAMPLES // 3, 50))
    @given(mutations(SCHEMA, custom_scalars=CUSTOM_SCALARS))
    def one(document: str) -> None:
        _run(writer, document)

    one()
