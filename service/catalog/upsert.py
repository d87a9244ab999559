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
        log.add(Change("create", entity, label, after={**key, **values}))
        return row
    apply_changes(session, row, values, log, entity, label)
    return row


def apply_changes(
    session: Session, row: Base, values: dict[str, Any], log: ChangeLog, entity: str, label: str
) -> dict[str, tuple[Any, Any]]:
    """Set the values that differ on an existing row and record them."""
    diffs = _differences(row, values)
    if diffs:
        for name, (_, new) in diffs.items():
            setattr(row, name, new)
        session.flush()
        log.add(_update(entity, label, diffs))
    return diffs


def row_values(row: Base) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__mapper__.column_attrs}


def _update(entity: str, label: str, diffs: dict[str, tuple[Any, Any]]) -> Change:
    return Change(
        "update",
        entity,
        label,
        diffs,
        before={name: old for name, (old, _) in diffs.items()},
        after={name: new for name, (_, new) in diffs.items()},
    )


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
            key_label = label(dict(zip(key_names, key, strict=True)))
            log.add(Change("delete", entity, key_label, before=row_values(row)))
    session.flush()
    for key, item in wanted.items():
        row = existing.get(key)
        if row is None:
            continue
        diffs = _differences(row, item)
        if diffs:
            for name, (_, new) in diffs.items():
                setattr(row, name, new)
            log.add(_update(entity, label(item), diffs))
    session.flush()
    for key, item in wanted.items():
        if key not in existing:
            session.add(cls(**scope, **item))
            log.add(Change("create", entity, label(item), after={**scope, **item}))
    session.flush()
