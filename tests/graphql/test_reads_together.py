"""The reads a request's DataLoaders dispatch at once go to the database together (one round
trip, `Context.run_together`); a statement that fails among them fails them all, masked and
logged as any unexpected database error, and the next request is served as usual."""

import asyncio
import contextlib
import logging
from typing import Any

import pytest
from sqlalchemy import Engine, Integer, bindparam, event, literal, select

from service.catalog import reads
from service.config import Settings
from service.db import async_session_factory, make_async_engine, prepare
from service.graphql.context import Context
from tests.conftest import run_apart
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


def test_reads_still_asked_for_as_the_request_ends_are_not_sent(engine: Engine) -> None:
    statements = StatementCounter()

    async def work() -> tuple[bool, list[Any]]:
        async_engine = make_async_engine(engine.url)
        event.listen(async_engine.sync_engine, "before_cursor_execute", statements)
        sessions = async_session_factory(async_engine)
        try:
            ending = Context(sessions=sessions, settings=Settings(_env_file=None), engine=engine)
            asked = asyncio.ensure_future(ending.run_together(reads.variants_by_model, [1]))
            await asyncio.sleep(0)  # asked: its sender is to start at the next turn
            await ending.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(asked, 5)  # never left waiting
            after = Context(sessions=sessions, settings=Settings(_env_file=None), engine=engine)
            answer = await after.run_together(reads.variants_by_model, [1])
            await after.close()
            return asked.cancelled(), answer
        finally:
            await async_engine.dispose()

    cancelled, answer = run_apart(work())
    assert cancelled  # whoever asked is told the request ended, never left waiting
    assert statements.count == 1 and len(answer) == 1  # only the next request's read was sent
