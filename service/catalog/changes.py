"""A record of what a write changed (or, in a dry run, would change)."""

from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class Change:
    action: Action
    entity: str
    key: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    def __str__(self) -> str:
        head = f"{self.action} {self.entity} {self.key}"
        if self.action != "update":
            return head
        diffs = "; ".join(f"{name}: {old!r} -> {new!r}" for name, (old, new) in self.fields.items())
        return f"{head}: {diffs}"


@dataclass
class ChangeLog:
    changes: list[Change] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=dict)  # entity -> rows already right

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def same(self, entity: str, count: int = 1) -> None:
        self.unchanged[entity] = self.unchanged.get(entity, 0) + count

    def by_entity(self) -> dict[str, dict[str, int]]:
        """entity -> {create, update, delete, unchanged}, for a summary table."""
        table: dict[str, dict[str, int]] = {}
        blank = {"create": 0, "update": 0, "delete": 0, "unchanged": 0}
        for change in self.changes:
            table.setdefault(change.entity, dict(blank))[change.action] += 1
        for entity, count in self.unchanged.items():
            table.setdefault(entity, dict(blank))["unchanged"] += count
        return table

    def counts(self) -> dict[str, int]:
        result = {"create": 0, "update": 0, "delete": 0}
        for change in self.changes:
            result[change.action] += 1
        return result

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)
