"""Every row of every catalog table, to prove a refused write changed nothing."""

from typing import Any

from sqlalchemy import Engine, select

from service.models import Base


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for name, table in Base.metadata.tables.items()
        }
