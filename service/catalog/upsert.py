"""Generic create-or-update and child-set synchronisation that records every change."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalog.changes import Change, ChangeLog
from service.models import Base

M = TypeVar("M", bound=Base)


def _differences(row: Base, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (getattr(row, name), value)
        for name, value in values.items()
        if getattr(row, name) != value
    }


def upsert(
    session: Session,
    cls: type[M],
    key: dict[str, Any],
    values: dict[str, Any],
    log: ChangeLog,
    entity: str,
    label: str,
) -> M:
    """Find the row with `key`; create it with `values`, or update the values that differ."""
    row = session.scalars(select(cls).filter_by(**key)).one_or_none()
    if row is None:
        row = cls(**key, **values)
        session.add(row)
        session.flush()
        log.add(Change("create", entity, label))
        return row
    diffs = _differences(row, values)
    if diffs:
        for name, (_, new) in diffs.items():
            setattr(row, name, new)
        session.flush()
        log.add(Change("update", entity, label, diffs))
    return row


def sync_children(
    session: Session,
    cls: type[M],
    scope: dict[str, Any],
    key_names: Sequence[str],
    desired: Sequence[dict[str, Any]],
    log: ChangeLog,
    entity: str,
    label: Callable[[dict[str, Any]], str],
) -> None:
    """Make the rows of `cls` within `scope` exactly `desired`, matching rows on `key_names`.

    Deletes run first, then updates, then creates, so that a replaced row never collides
    with its replacement on a unique or exclusion constraint.
    """
    existing = {
        tuple(getattr(row, name) for name in key_names): row
        for row in session.scalars(select(cls).filter_by(**scope))
    }
    wanted = {tuple(item[name] for name in key_names): item for item in desired}
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
            log.add(Change("delete", entity, label(dict(zip(key_names, key, strict=True)))))
    session.flush()
    for key, item in wanted.items():
        row = existing.get(key)
        if row is None:
            continue
        diffs = _differences(row, item)
        if diffs:
            for name, (_, new) in diffs.items():
                setattr(row, name, new)
            log.add(Change("update", entity, label(item), diffs))
    session.flush()
    for key, item in wanted.items():
        if key not in existing:
            session.add(cls(**scope, **item))
            log.add(Change("create", entity, label(item)))
    session.flush()
