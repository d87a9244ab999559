"""The audit trail: every change, written in the same transaction as the change itself."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from service.catalog.changes import ChangeLog
from service.models import AuditEntry

CLI_ACTOR = "cli"


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def _clean(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: _json(v) for k, v in values.items() if k not in ("created_at", "updated_at")}


def record(session: Session, *, actor: str, operation: str, log: ChangeLog) -> int:
    """Write one audit row per change; return how many."""
    rows = [
        {
            "actor": actor,
            "operation": operation,
            "action": change.action,
            "entity": change.entity,
            "entity_key": change.key,
            "before": _clean(change.before),
            "after": _clean(change.after),
        }
        for change in log.changes
    ]
    if rows:
        session.execute(insert(AuditEntry), rows)
    return len(rows)
