"""A real front-end client drives the live service: urql under Node, installed from npm.

The script (js/urql_client.cjs) compares two models, pages the listing forward then back,
teaches the server a persisted query and hits it from a second client, and looks a model up by
its global id (Relay's `node`).
"""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from service.app import create_app
from service.config import Settings
from tests.graphql.npm import npm_packages, run_script
from tests.web.live import serving

PACKAGES = ["@urql/core", "@urql/exchange-persisted", "graphql"]


class ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def session(engine: Engine) -> Iterator[tuple[Any, list[logging.LogRecord]]]:
    """What the client saw, and the ERROR lines the service logged meanwhile."""
    modules = npm_packages("urql", PACKAGES)
    app = create_app(engine, Settings(database_url=str(engine.url)))
    errors = ErrorRecords()
    logging.getLogger().addHandler(errors)
    try:
        with serving(app) as base:
            yield run_script("urql_client.cjs", modules, f"{base}/graphql"), errors.records
    finally:
        logging.getLogger().removeHandler(errors)


@pytest.fixture
def seen(session: tuple[Any, list[logging.LogRecord]]) -> Any:
    return session[0]


def test_urql_compares_two_models(seen: Any) -> None:
    compare = seen["compare"]
    assert compare["models"] == ["gpt-5.2", "paligemma"]
    assert "pricing" in compare["sections"]
    [context_window] = compare["contextWindow"]
    assert [model for model, _ in context_window] == ["gpt-5.2", "paligemma"]
    assert all(display for _, display in context_window)


def test_urql_pages_the_models_forward_then_back(seen: Any) -> None:
    pages = seen["pages"]
    assert len(pages["first"]) == len(pages["second"]) == 3
    assert not set(pages["first"]) & set(pages["second"])
    assert pages["back"] == pages["first"]
    assert pages["secondHasPrevious"] is True and pages["backHasNext"] is True


def test_urqls_persisted_exchange_teaches_then_hits_by_get(seen: Any) -> None:
    persisted = seen["persisted"]
    miss, taught = persisted["teaching"]
    assert (miss["sentDocument"], miss["status"]) == (False, 400)  # PersistedQueryNotFound
    assert miss["cacheControl"] == "no-store"
    assert (taught["sentDocument"], taught["status"]) == (True, 200)
    [hit] = persisted["hitting"]  # one request: the hash alone, answered at once
    assert hit["method"] == "GET" and not hit["sentDocument"] and hit["sentHash"]
    assert hit["status"] == 200
    assert hit["contentType"] == "application/graphql-response+json"
    assert hit["cacheControl"] == "no-cache" and hit["etag"]
    assert persisted["sameAnswer"] and persisted["tasks"] > 0


def test_urql_finds_a_model_by_its_global_id(seen: Any) -> None:
    assert seen["node"]["typename"] == "Model"
    assert seen["node"]["id"] and seen["node"]["id"] != "paligemma"  # opaque, not the slug
    assert seen["node"]["slug"] == "paligemma"


def test_nothing_the_client_sent_logged_an_error(
    session: tuple[Any, list[logging.LogRecord]],
) -> None:
    assert [record.getMessage() for record in session[1]] == []
