"""The reads a request's DataLoaders dispatch at once go to the database together (one round
trip, `Context.run_together`); a statement that fails among them fails them all, masked and
logged as any unexpected database error, and the next request is served as usual."""

import logging
from typing import Any

import pytest
from sqlalchemy import Integer, bindparam, literal, select

from service.catalog import reads
from service.db import prepare
from tests.graphql.conftest import GraphQL, StatementCounter
from tests.graphql.test_efficiency import MODEL_PAGE

DIVIDE = prepare(select(literal(1, Integer) / bindparam("zero", type_=Integer)))
TOGETHER = ("aliases", "variants", "priceHistory", "capabilities", "collections", "lineage")


def _broken_prices(_ids: Any) -> list[Any]:
    return [(DIVIDE, {"zero": 0})]


def test_a_statement_failing_among_reads_sent_together_fails_each_of_them_masked(
    gql: GraphQL,
    statements: StatementCounter,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(
        reads, "prices_by_model", reads.SetRead(_broken_prices, reads.prices_by_model.answer)
    )
    before = statements.round_trips
    with caplog.at_level(logging.ERROR):
        body = gql.post(MODEL_PAGE)
    assert statements.round_trips - before == 2  # the failure came back in the batch's trip
    # Nothing is made up for the fields that failed: the prices' statement failed and those
    # sent with it are failed with it (the first field to report it nulls the model, as the
    # failing field alone did before: its lists are non-null).
    assert body["data"] is None
    assert body["errors"] and {error["path"][-1] for error in body["errors"]} <= set(TOGETHER)
    for error in body["errors"]:
        assert error["message"].startswith("Unexpected error")
        assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert "division by zero" not in str(error)
    assert "division by zero" in caplog.text

    monkeypatch.undo()
    model = gql.data(MODEL_PAGE)["model"]  # the request's connection went back to the pool fine
    assert model["slug"] == "paligemma" and model["variants"]
