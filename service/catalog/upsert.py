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


Key = tuple[Any, ...]


def upsert_many(
    session: Session,
    cls: type[M],
    key_names: Sequence[str],
    desired: Sequence[dict[str, Any]],
    existing: dict[Key, M],
    log: ChangeLog,
    entity: str,
    label: Callable[[dict[str, Any]], str],
) -> dict[Key, M]:
    """`upsert` for many rows at once, against rows the caller preloaded in one query.

    Each item of `desired` holds the key columns and the values; rows that differ are updated,
    missing rows are created in one batched INSERT. Returns key -> row for every desired item.
    """
    result: dict[Key, M] = {}
    created: list[M] = []
    for item in desired:
        key = tuple(item[name] for name in key_names)
        row = existing.get(key)
        if row is None:
            row = cls(**item)
            created.append(row)
            log.add(Change("create", entity, label(item), after=dict(item)))
        else:
            values = {k: v for k, v in item.items() if k not in key_names}
            diffs = _differences(row, values)
            if diffs:
                for name, (_, new) in diffs.items():
                    setattr(row, name, new)
                log.add(_update(entity, label(item), diffs))
            else:
                log.same(entity)
        result[key] = row
    session.add_all(created)
    session.flush()
    return result


def sync_children_many(
    session: Session,
    cls: type[M],
    scope_name: str,
    desired: dict[Any, list[dict[str, Any]]],
    key_names: Sequence[str],
    log: ChangeLog,
    entity: str,
    label: Callable[[Any, dict[str, Any]], str],
    where: Sequence[Any] = (),
) -> None:
    """Make each parent's child rows exactly its list, for many parents at once (one SELECT).

    For each parent id in `desired`, the rows of `cls` whose `scope_name` is that id (and that
    match `where`) become exactly its list, matched on `key_names`. Deletes reach the database
    first, then updates, then creates, so that a replaced row never collides with its
    replacement on a unique or exclusion constraint.
    """
    scope_column = getattr(cls, scope_name)
    existing: dict[Any, dict[Key, M]] = {}
    parents = list(desired)
    for start in range(0, len(parents), 5000):
        chunk = parents[start : start + 5000]
        query = select(cls).where(scope_column.in_(chunk), *where)
        for row in session.scalars(query):
            key = tuple(getattr(row, name) for name in key_names)
            existing.setdefault(getattr(row, scope_name), {})[key] = row
    creates: list[M] = []
    wanted: dict[Any, dict[Key, dict[str, Any]]] = {
        parent: {tuple(item[name] for name in key_names): item for item in items}
        for parent, items in desired.items()
    }
    # Deletes are flushed first: an updated row may take the place (a unique key, a price's
    # time range) of a row that goes.
    for parent, have in existing.items():
        for key, row in have.items():
            if key not in wanted.get(parent, {}):
                session.delete(row)
                key_label = label(parent, dict(zip(key_names, key, strict=True)))
                log.add(Change("delete", entity, key_label, before=row_values(row)))
    session.flush()
    for parent, items_by_key in wanted.items():
        have = existing.get(parent, {})
        for key, item in items_by_key.items():
            kept = have.get(key)
            if kept is None:
                creates.append(cls(**{scope_name: parent}, **item))
                log.add(
                    Change(
                        "create", entity, label(parent, item), after={scope_name: parent, **item}
                    )
                )
                continue
            diffs = _differences(kept, item)
            if diffs:
                for name, (_, new) in diffs.items():
                    setattr(kept, name, new)
                log.add(_update(entity, label(parent, item), diffs))
            else:
                log.same(entity)
    session.flush()  # updates before creates
    session.add_all(creates)
    session.flush()
