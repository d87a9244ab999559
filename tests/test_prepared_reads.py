"""The hot reads' prepared statements (`service.db.fetch`) behave as the engine's own do:
the engine's listeners see them, a failure is a DBAPIError, and they answer the same rows."""

import asyncio
import logging
import re
from datetime import date
from typing import Any

import psycopg
import pytest
from psycopg import pq
from psycopg.sql import Literal
from sqlalchemy import (
    Engine,
    Integer,
    bindparam,
    event,
    func,
    literal,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from service.catalog import compare as comparison
from service.catalog import reads, search
from service.db import (
    IdArray,
    Prepared,
    async_session_factory,
    fetch,
    fetch_many,
    make_async_engine,
    make_engine,
    prepare,
)
from service.models import Model
from tests.conftest import isolated_settings, run_apart

DIVIDE = prepare(select(literal(1, Integer) / bindparam("zero", type_=Integer)))


async def _run(engine: Engine, work: Any) -> Any:
    async_engine = make_async_engine(engine.url)
    try:
        async with async_session_factory(async_engine)() as session:
            return await work(async_engine, session)
    finally:
        await async_engine.dispose()


def test_a_prepared_read_answers_the_rows_the_session_does(engine: Engine) -> None:
    async def work(_: Any, session: Any) -> tuple[Any, Any]:
        ids = list((await session.scalars(select(Model.id).order_by(Model.id))).all())
        records = await reads.models_by_id(session, [*ids, -1])
        through_orm = {m.id: m.slug for m in (await session.scalars(select(Model))).all()}
        return records, through_orm

    records, through_orm = run_apart(_run(engine, work))
    assert records[-1] is None
    assert {r.id: r.slug for r in records[:-1]} == through_orm


def test_the_engine_listeners_see_each_prepared_read(engine: Engine) -> None:
    seen: list[str] = []

    async def work(async_engine: Any, session: Any) -> None:
        event.listen(
            async_engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2])
        )
        await reads.variants_by_model(session, [1, 2])
        await reads.prices_by_model(session, [1])

    run_apart(_run(engine, work))
    assert len(seen) == 2
    assert "model_variants" in seen[0] and "prices" in seen[1]


def test_a_failed_prepared_read_is_a_dbapi_error_and_the_session_goes_on(engine: Engine) -> None:
    async def work(_: Any, session: Any) -> int:
        with pytest.raises(DBAPIError, match="division by zero"):
            await fetch(session, DIVIDE, {"zero": 0})
        return int(await session.scalar(select(func.count()).select_from(Model)))

    assert run_apart(_run(engine, work)) > 0


def test_a_prepared_read_runs_on_the_connection_its_session_is_bound_to(
    seeded_db_url: str,
) -> None:
    """A replica snapshot binds the request's session to its connection and transaction: a
    prepared read must run there (it sees what that transaction sees), not on the pool."""

    async def work() -> tuple[Any, Any]:
        async_engine = create_async_engine(
            make_url(seeded_db_url).set(drivername="postgresql+psycopg")
        )
        try:
            async with async_engine.connect() as connection:  # one open transaction
                await connection.execute(update(Model).where(Model.id == 1).values(name="in-tx"))
                bound = async_session_factory(async_engine)(bind=connection)
                inside = (await reads.models_by_id(bound, [1]))[0].name
                await bound.close()
                await connection.rollback()
            async with async_session_factory(async_engine)() as fresh:
                outside = (await reads.models_by_id(fresh, [1]))[0].name
            return inside, outside
        finally:
            await async_engine.dispose()

    inside, outside = run_apart(work())
    assert inside == "in-tx"
    assert outside != "in-tx"


class Sending:
    """Listens to the statements sent: whether each went out in pipeline mode while the one
    before it had not answered yet (so that all of them took one round trip)."""

    def __init__(self) -> None:
        self.cursors: list[Any] = []
        self.before_any_answer: list[bool] = []

    def __call__(self, _connection: Any, cursor: Any, *_: Any) -> None:
        pipelined = cursor.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF
        unanswered = all(ahead.pgresult is None for ahead in self.cursors)
        self.cursors.append(cursor)
        self.before_any_answer.append(pipelined and unanswered)


def test_reads_sent_together_answer_as_each_alone_in_one_round_trip(engine: Engine) -> None:
    calls: list[tuple[Any, Any]] = [
        (reads.variants_by_model, [1, 2, 3]),
        (reads.prices_by_model, [1, 2, 3]),
        (reads.lineage_by_model, [1, 2]),
        (reads.offers_by_model, [(1, date(2024, 1, 1)), (2, date(2026, 1, 1))]),  # 2 statements
        (reads.models_by_id, [2, -1]),
    ]
    sending = Sending()

    async def work(async_engine: Any, session: Any) -> tuple[Any, Any]:
        alone = [await read(session, keys) for read, keys in calls]
        event.listen(async_engine.sync_engine, "before_cursor_execute", sending)
        together = await reads.fetch_together(session, calls)
        return alone, together

    alone, together = run_apart(_run(engine, work))
    assert together == alone
    # every statement still seen by the engine's listeners, all sent before any answered
    assert sending.before_any_answer == [True] * 6


def test_a_failing_read_among_reads_sent_together_fails_as_a_read_alone_does(
    engine: Engine,
) -> None:
    """The failing statement is the one SQLAlchemy's error handling hears of; the statements
    after it never ran, and the error is raised for the lot. The session goes on."""
    failed: list[str] = []
    answered: list[str] = []
    models, prices = reads.models_by_id.queries([1])[0], reads.prices_by_model.queries([1])[0]

    async def work(async_engine: Any, session: Any) -> int:
        sync_engine = async_engine.sync_engine
        event.listen(sync_engine, "handle_error", lambda context: failed.append(context.statement))
        event.listen(sync_engine, "after_cursor_execute", lambda *a: answered.append(a[2]))
        with pytest.raises(DBAPIError, match="division by zero"):
            await fetch_many(session, [models, (DIVIDE, {"zero": 0}), prices])
        return int(await session.scalar(select(func.count()).select_from(Model)))

    assert run_apart(_run(engine, work)) > 0
    assert failed == [DIVIDE.sql]
    assert answered[0] == models[0].sql and prices[0].sql not in answered


def test_a_failure_among_reads_sent_together_leaves_no_slow_query_behind(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The slow-query log times each statement from its sending: the statements a failure
    aborted are forgotten with it, or the next statement would be timed from their start."""
    settings = isolated_settings(slow_query_ms=150)
    prices = reads.prices_by_model.queries([1])[0]

    async def work() -> None:
        async_engine = make_async_engine(engine.url, settings)
        try:
            async with async_session_factory(async_engine)() as session:
                with pytest.raises(DBAPIError):
                    await fetch_many(session, [(DIVIDE, {"zero": 0}), prices, prices])
                await asyncio.sleep(0.3)
                await fetch(session, *prices)
        finally:
            await async_engine.dispose()

    with caplog.at_level(logging.WARNING, logger="service.slow_queries"):
        run_apart(work())
    assert not [r for r in caplog.records if r.name == "service.slow_queries"]


def test_a_comparison_on_one_session_reads_its_models_data_in_one_round_trip(
    engine: Engine,
) -> None:
    """`modelcat compare`'s reads (SessionReads): the organizations, licenses and the six
    reads of the models' data go together, and answer as each read alone does."""
    sending = Sending()
    day = date(2026, 1, 1)

    async def work(async_engine: Any, session: Any) -> tuple[Any, Any]:
        ids = list((await session.scalars(select(Model.id).order_by(Model.id).limit(3))).all())
        models = await reads.models_by_id(session, ids)
        org_ids = [m.organization_id for m in models if m.organization_id is not None]
        event.listen(async_engine.sync_engine, "before_cursor_execute", sending)
        data = await comparison.SessionReads(session).model_data(ids, org_ids, [], day)
        event.remove(async_engine.sync_engine, "before_cursor_execute", sending)
        alone = [await read(session, keys) for read, keys in comparison.data_reads(ids, day)]
        return data, (await reads.organizations_by_id(session, org_ids), alone)

    data, (organizations, alone) = run_apart(_run(engine, work))
    assert sending.before_any_answer == [True] * 8
    assert list(data.organizations) == organizations and organizations
    assert list(data.licenses) == []
    answered = [data.variants, data.prices, data.capabilities, data.collections, data.lineage]
    assert [*answered, data.offers] == alone


def test_the_read_by_name_keeps_its_generic_plan_on_a_large_catalog(seeded_db_url: str) -> None:
    """On a catalog of thousands of models, PostgreSQL re-planned the read of models by name
    at every execution (0.3 ms) since a plan for the names given looked cheaper than the
    generic one; its parameter is hidden from the planner, so after its first five tries it
    keeps the generic plan (0.01 ms)."""
    admin = make_engine(seeded_db_url)
    with admin.begin() as connection:  # about the full catalog's size, then its statistics
        connection.execute(
            text(
                "INSERT INTO models (slug, name, context_window_state, parameters_state, status)"
                " SELECT 'filler-' || n, 'Filler ' || n, 'unknown', 'unknown', 'active'"
                " FROM generate_series(1, 4000) AS n"
            )
        )
        connection.execute(
            text(
                "INSERT INTO model_aliases (model_id, alias) SELECT id, slug || '-' || k"
                " FROM models, generate_series(1, 2) AS k WHERE slug LIKE 'filler-%'"
            )
        )
    with admin.connect() as connection:
        connection.execute(text("ANALYZE"))
    admin.dispose()

    async def work() -> list[tuple[int, int]]:
        async_engine = make_async_engine(make_url(seeded_db_url))
        try:
            async with async_session_factory(async_engine)() as session:
                for _ in range(8):
                    await reads.names_to_models(session, ["gpt-5.2", "paligemma"])
                rows = await session.execute(
                    text(
                        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                        " WHERE statement LIKE '%AS named%'"
                    )
                )
                return [(int(generic), int(custom)) for generic, custom in rows]
        finally:
            await async_engine.dispose()

    ((generic, custom),) = run_apart(work())
    assert custom <= 5 and generic >= 3


@pytest.mark.parametrize("joined", [False, True])
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("backward", [False, True])
def test_a_first_page_by_release_date_reads_an_index_not_every_model(
    engine: Engine, descending: bool, backward: bool, joined: bool
) -> None:
    # The listing's default order (newest first) and its reverse, forward and backward: as a
    # prepared statement's generic plan, with sorting priced out, PostgreSQL still finds an
    # index giving the order. Before, every page sorted the whole table (4 ms at 4,300 models).
    # Joined to its organizations and prices, the page's own rows come the same way (what is
    # sorted then is the page's joined rows, never the catalog).
    first_page = search._first_page_statement(
        search.ModelFilter(),
        date(2026, 11, 29),
        "release_date",
        descending,
        descending != backward,
        20,
    )
    statement = first_page.joined(True, True) if joined else first_page.page
    assert isinstance(statement, Prepared)
    # PREPARE it as the driver does (one $n per parameter), then EXPLAIN the generic plan.
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return f"${len(names)}"

    sql = re.sub(r"%\((\w+)\)s", number, statement.sql)
    values = [statement.constants[name] for name in names]
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            if not joined:
                cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("PREPARE first_page AS " + sql)
            # EXECUTE, a utility statement, takes its arguments as literals, not parameters.
            arguments = ", ".join(Literal(v).as_string(driver) for v in values)
            cursor.execute(f"EXPLAIN EXECUTE first_page({arguments})")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("DEALLOCATE first_page")  # the pooled connection outlives the test
    if joined:  # only the page's joined rows are sorted, above the index's limit
        assert "Seq Scan on models" not in plan, plan
        assert plan.index("Limit") < plan.index("ix_models_"), plan
    else:
        assert "Sort" not in plan, plan
    assert "ix_models_newest" in plan if descending else "ix_models_oldest" in plan, plan


@pytest.mark.parametrize("ids", [[3, 1, 2], [], [2**31 - 1]])
def test_ids_are_sent_as_one_int4_array_in_their_order(engine: Engine, ids: list[int]) -> None:
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            cursor.execute(
                "SELECT pg_typeof(%(ids)s)::text, %(ids)s = %(plain)s::int4[]",
                {"ids": IdArray(ids), "plain": ids},
            )
            assert cursor.fetchone() == ("integer[]", True)


def test_an_id_outside_int4_is_refused_by_the_database(engine: Engine) -> None:
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        with pytest.raises(psycopg.errors.NumericValueOutOfRange), driver.cursor() as cursor:
            cursor.execute("SELECT %(ids)s", {"ids": IdArray([2**31])})
        connection.rollback()
