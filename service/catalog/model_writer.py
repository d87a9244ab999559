"""The one write path for models and what hangs off them, used by every door that writes.

The mutations (`service.catalog.writes`), the seed (`service.catalog.seed`) and the imports
(`service.importers.write`) decide WHAT a model and its children should be, each by its own
rules; this module writes it, the same way for all three:

- a `Policy` says who writes (the audit actor and operation), whether curated models are kept
  as they are (imports: a curated model's values are never overwritten), and whether the
  write is a dry run (nothing audited; the caller does not commit);
- each kind of child (`ALIASES`, `VARIANTS`, `PRICES`, `LINEAGE`, `CAPABILITIES`,
  `COLLECTIONS`, `CITATIONS`, `CLAIMS`, `CONFLICTS`) is one `Child`: its table, the columns
  that identify a row within a model, and the entity name the audit trail uses;
- `ModelWriter` writes one row (`upsert`, `put`, `delete`), or whole sets at once (`models`,
  `children`, `offers`: one SELECT per set, batched INSERTs), and records every change in
  its `ChangeLog`, which `finish` writes to the audit trail in the caller's transaction.

Which source wins when sources disagree is the fill rule's (`service.catalog.fill`, ranked by
`service.catalog.precedence`); the callers apply it before they hand rows over.
"""

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.catalog import audit
from service.catalog.changes import Change, ChangeLog
from service.catalog.errors import UserInputError
from service.catalog.upsert import (
    Key,
    apply_changes,
    row_values,
    sync_children_many,
    upsert,
    upsert_many,
)
from service.models import (
    Base,
    Capability,
    CollectionMember,
    FactClaim,
    FactConflict,
    Model,
    ModelAlias,
    ModelCitation,
    ModelLineage,
    ModelVariant,
    Offer,
    Price,
)
from service.models.base import Origin

M = TypeVar("M", bound=Base)


@dataclass(frozen=True)
class Policy:
    """Who writes, and what the write may change."""

    actor: str  # the audit trail's actor: "cli", "token:alice"
    operation: str  # the audit trail's operation: "seed", "setPrice", "import litellm"
    keep_curated: bool = False  # a curated model's own values are never overwritten (imports)
    dry_run: bool = False  # nothing is audited; the caller rolls back


@dataclass(frozen=True)
class Child:
    """A kind of row that belongs to a model: its table, the columns that tell two rows of one
    model apart, and the entity name changes are recorded under."""

    cls: type[Base]
    entity: str
    key: tuple[str, ...]


ALIASES = Child(ModelAlias, "alias", ("alias",))
VARIANTS = Child(ModelVariant, "variant", ("slug",))
PRICES = Child(Price, "price", ("variant_id", "effective_from"))
LINEAGE = Child(ModelLineage, "lineage", ("related_model_id", "relation"))
CAPABILITIES = Child(Capability, "capability", ("task_id",))
COLLECTIONS = Child(CollectionMember, "collection member", ("collection_id",))
CITATIONS = Child(ModelCitation, "citation", ("field", "source_id"))
CLAIMS = Child(FactClaim, "claim", ("field",))
CONFLICTS = Child(FactConflict, "conflict", ("field", "source_id"))


class _Any:
    """`source=ANY`: rows of every source (the default of `ModelWriter.children`)."""


ANY = _Any()


def integrity_message(exc: IntegrityError) -> UserInputError:
    """A constraint violation, as a message a user can act on."""
    diag = getattr(exc.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    detail = getattr(diag, "message_detail", None) or getattr(diag, "message_primary", "")
    if "ex_prices_no_overlap" in constraint:
        return UserInputError(
            "this price overlaps another price of the same model or variant in time; "
            "use setPrice, which closes the price before it",
            "effectiveFrom",
            "CONFLICT",
        )
    if constraint.startswith("uq_") or "names_unique" in constraint:
        return UserInputError(f"already exists: {detail}", None, "CONFLICT")
    return UserInputError(f"refused by the catalog's rules ({constraint}): {detail}", None)


class ModelWriter:
    """Writes models and their children under one policy; collects the changes."""

    def __init__(self, session: Session, policy: Policy, log: ChangeLog | None = None):
        self.session = session
        self.policy = policy
        self.log = log if log is not None else ChangeLog()

    # ---- the transaction ---------------------------------------------------------------

    def flush(self) -> None:
        """Flush, turning a constraint violation into a message a user can act on."""
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError as exc:
            raise integrity_message(exc) from None

    def finish(self) -> ChangeLog:
        """Record the changes in the audit trail (not in a dry run); the caller commits."""
        if not self.policy.dry_run:
            audit.record(
                self.session, actor=self.policy.actor, operation=self.policy.operation, log=self.log
            )
        return self.log

    # ---- one row -----------------------------------------------------------------------

    def upsert(
        self, cls: type[M], key: dict[str, Any], values: dict[str, Any], entity: str, label: str
    ) -> M:
        """The row with `key`, created with `values` or updated where they differ."""
        return upsert(self.session, cls, key, values, self.log, entity, label)

    def update(
        self, row: Base, values: dict[str, Any], entity: str, label: str
    ) -> dict[str, tuple[Any, Any]]:
        """Set the values that differ on an existing row; return (old, new) per change."""
        return apply_changes(self.session, row, values, self.log, entity, label)

    def create(self, row: M, entity: str, label: str, after: dict[str, Any] | None = None) -> M:
        """Add a new row (flushed by the next `flush`)."""
        self.session.add(row)
        self.log.add(Change("create", entity, label, after=after))
        return row

    def delete(
        self, row: Base, entity: str, label: str, before: dict[str, Any] | None = None
    ) -> None:
        self.session.delete(row)
        self.log.add(
            Change("delete", entity, label, before=row_values(row) if before is None else before)
        )

    def child(self, kind: Child, model_id: int, key: dict[str, Any]) -> Any:
        """A model's child row with this key, or None."""
        return self.session.scalars(
            select(kind.cls).filter_by(model_id=model_id, **key)
        ).one_or_none()

    def put(
        self,
        kind: Child,
        model_id: int,
        key: dict[str, Any],
        values: dict[str, Any],
        label: str,
        *,
        after: dict[str, Any] | None = None,
    ) -> bool:
        """Create a model's child row with `key`, or update it; True when anything changed."""
        row = self.child(kind, model_id, key)
        if row is None:
            self.create(
                kind.cls(model_id=model_id, **key, **values),
                kind.entity,
                label,
                {**key, **values} if after is None else after,
            )
            return True
        return bool(self.update(row, values, kind.entity, label))

    # ---- whole sets --------------------------------------------------------------------

    def rows(
        self,
        cls: type[M],
        key_names: Sequence[str],
        desired: Sequence[dict[str, Any]],
        existing: dict[Key, M],
        entity: str,
        label: Callable[[dict[str, Any]], str],
    ) -> dict[Key, M]:
        """Create or update many rows of a kind (organizations, licenses a data set names)
        against rows the caller read; returns key -> row for every desired item."""
        return upsert_many(self.session, cls, key_names, desired, existing, self.log, entity, label)

    def models(
        self,
        desired: Sequence[dict[str, Any]],
        existing: dict[str, Model],
        label: Callable[[dict[str, Any]], str] = lambda item: str(item["slug"]),
    ) -> dict[str, Model]:
        """Create or update many models by slug, against rows the caller read; under
        `keep_curated`, a curated model's row is left as it is. Returns slug -> row."""
        kept = {
            slug
            for slug, model in existing.items()
            if self.policy.keep_curated and model.origin == Origin.CURATED
        }
        wanted = [item for item in desired if item["slug"] not in kept]
        rows = upsert_many(
            self.session,
            Model,
            ["slug"],
            wanted,
            {(slug,): model for slug, model in existing.items()},
            self.log,
            "model",
            label,
        )
        return {slug: row for (slug,), row in rows.items()}

    def children(
        self,
        kind: Child,
        desired: dict[int, list[dict[str, Any]]],
        label: Callable[[int, dict[str, Any]], str],
        *,
        source: int | _Any | None = ANY,
        sources: Collection[int] | None = None,
    ) -> None:
        """Each listed model's `kind` rows become exactly its list (matched on the kind's key).

        `source` keeps the set to one source's rows (None: rows of no source), `sources` to
        those of any of these: rows of other sources are left alone.
        """
        table: Any = kind.cls  # every child table has source_id
        source_column = table.source_id
        where: list[ColumnElement[bool]] = []
        if not isinstance(source, _Any):
            where.append(source_column.is_(None) if source is None else source_column == source)
        if sources is not None:
            where.append(source_column.in_(set(sources) or {0}))
        sync_children_many(
            self.session,
            kind.cls,
            "model_id",
            desired,
            list(kind.key),
            self.log,
            kind.entity,
            label,
            where=where,
        )

    def row_ids(self, kind: Child, model_ids: Iterable[int]) -> dict[str, int]:
        """slug -> id of the listed models' rows of a slugged kind (variants)."""
        table: Any = kind.cls
        query = select(table.slug, table.id).where(table.model_id.in_(list(model_ids)))
        return {s: i for s, i in self.session.execute(query)}

    def offers(
        self,
        desired: dict[int, list[dict[str, Any]]],
        source_id: int,
        label: Callable[[int, int], str],
    ) -> None:
        """This source's offers of these models become exactly `desired` (one per provider):
        rows compared as tuples and written in three batched statements (thousands of offers;
        no ORM object per row)."""
        columns = [getattr(Offer, name) for name in OFFER_VALUES]
        existing = {
            (row.model_id, row.provider_id): row
            for row in self.session.execute(
                select(Offer.id, Offer.model_id, Offer.provider_id, *columns).where(
                    Offer.source_id == source_id
                )
            )
        }
        log = self.log
        deletes: list[int] = []
        updates: list[dict[str, Any]] = []
        inserts: list[dict[str, Any]] = []
        for model_id, items in desired.items():
            wanted = {item["provider_id"]: item for item in items}
            for provider_id, item in wanted.items():
                row = existing.get((model_id, provider_id))
                if row is None:
                    inserts.append({"model_id": model_id, **item})
                    log.add(Change("create", "offer", label(model_id, provider_id), after=item))
                    continue
                diffs = {
                    name: (getattr(row, name), item[name])
                    for name in OFFER_VALUES
                    if getattr(row, name) != item[name]
                }
                if diffs:
                    updates.append({"id": row.id, **{k: new for k, (_, new) in diffs.items()}})
                    log.add(Change("update", "offer", label(model_id, provider_id), diffs))
                else:
                    log.same("offer")
        for (model_id, provider_id), row in existing.items():
            if model_id in desired and provider_id not in {
                item["provider_id"] for item in desired[model_id]
            }:
                deletes.append(row.id)
                log.add(
                    Change(
                        "delete",
                        "offer",
                        label(model_id, provider_id),
                        before=dict(row._mapping),
                    )
                )
        if deletes:
            self.session.execute(delete(Offer).where(Offer.id.in_(deletes)))
        for change in updates:  # few: an offer whose price or limits changed
            offer_id = change.pop("id")
            self.session.execute(update(Offer).where(Offer.id == offer_id).values(**change))
        if inserts:
            table = cast(Table, Offer.__table__)
            self.session.execute(insert(table), inserts)  # Core: no ORM work per row


OFFER_VALUES = (
    "route",
    "currency",
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "context_window",
    "max_output_tokens",
    "status",
    "effective_from",
    "effective_to",
)

__all__ = [
    "ALIASES",
    "ANY",
    "CAPABILITIES",
    "CITATIONS",
    "CLAIMS",
    "COLLECTIONS",
    "CONFLICTS",
    "LINEAGE",
    "OFFER_VALUES",
    "PRICES",
    "VARIANTS",
    "Child",
    "Key",
    "ModelWriter",
    "Policy",
    "integrity_message",
]
