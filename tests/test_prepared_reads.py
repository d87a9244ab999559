"""The hot reads' prepared statements (`service.db.fetch`) behave as the engine's own do:
the engine's listeners see them, a failure is a DBAPIError, and they answer the same rows."""

import re
from typing import Any

import pytest
from psycopg.sql import Literal
from sqlalchemy import Engine, Integer, bindparam, event, func, literal, make_url, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from service.catalog import reads
from service.db import async_session_factory, fetch, make_async_engine, prepare
from service.models import Model
from tests.conftest import run_apart

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


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("backward", [False, True])
def test_a_first_page_by_release_date_reads_an_index_not_every_model(
    engine: Engine, descending: bool, backward: bool
) -> None:
    # The listing's default order (newest first) and its reverse, forward and backward: as a
    # prepared statement's generic plan, with sorting priced out, PostgreSQL still finds an
    # index giving the order. Before, every page sorted the whole table (4 ms at 4,300 models).
    from datetime import date

    from service.catalog import search
    from service.db import Prepared

    statement = search._first_page_statement(
        search.ModelFilter(),
        date(2026, 11, 29),
        "release_date",
        descending,
        descending != backward,
        20,
    )
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
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("PREPARE first_page AS " + sql)
            # EXECUTE, a utility statement, takes its arguments as literals, not parameters.
            arguments = ", ".join(Literal(v).as_string(driver) for v in values)
            cursor.execute(f"EXPLAIN EXECUTE first_page({arguments})")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("DEALLOCATE first_page")  # the pooled connection outlives the test
    assert "Sort" not in plan, plan
    assert "ix_models_newest" in plan if descending else "ix_models_oldest" in plan, plan
