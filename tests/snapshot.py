"""Every row of every catalog table, to prove a refused write changed nothing."""

from typing import Any

from sqlalchemy import Engine, select

from service.models import Base

_CLOCK_AND_SERIAL = {"id", "created_at", "updated_at", "at", "transaction_id"}


def snapshot(
    engine: Engine, *, without: set[str] = frozenset(), timeless: bool = False
) -> dict[str, list[tuple[Any, ...]]]:
    """Rows by table. `timeless` drops ids and timestamps, to compare two databases."""
    result = {}
    with engine.connect() as connection:
        for name, table in Base.metadata.tables.items():
            if name in without:
                continue
            columns = [c for c in table.columns if not (timeless and c.name in _CLOCK_AND_SERIAL)]
            rows = connection.execute(select(*columns))
            result[name] = sorted(map(tuple, rows), key=repr)
    return result
