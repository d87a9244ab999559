"""`modelcat import repair`: import the data sets again as if into a fresh catalog, in place.

A normal import links a record to the model its ids already name in the catalog, so a model an
older release merged wrongly (Command R+ into Command R, two Claude 3.5 Sonnets into one) stays
merged. A repair, in ONE transaction:

1. forgets what the given sources stated (their claims, aliases, offers and tasks; values set by
   hand, curated facts and prices set through the API stay);
2. imports each file in the order given, so records are matched as in a fresh catalog: only the
   curated models and the models this repair has already linked answer to ids and names, and a
   record whose own slug an existing model holds takes that row over (its id, and anything set
   by hand on it, are kept);
3. deletes the imported models that no source states any more and that hold nothing set by hand
   (the halves of a wrong merge that now have their own model, undated phantoms).

Either all of it is written, or nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, delete, exists, func, select
from sqlalchemy.orm import Session

from service.catalog import audit
from service.catalog.changes import Change, ChangeLog
from service.db import session_factory
from service.importers.provenance import PRECEDENCE
from service.importers.records import Parsed
from service.importers.write import ImportReport, _lock, import_parsed
from service.models import (
    Capability,
    CollectionMember,
    FactClaim,
    Model,
    ModelAlias,
    ModelLineage,
    ModelVariant,
    Offer,
    Price,
    Source,
)
from service.models.base import Origin


@dataclass
class RepairReport:
    models_before: int
    models_after: int = 0
    reports: list[ImportReport] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # imported models no source states now
    kept: list[str] = field(default_factory=list)  # unstated, but holding values set by hand


def repair(
    engine: Engine,
    parsed: list[Parsed],
    *,
    step: Callable[[str], None] = lambda s: None,
    waiting: Callable[[str], None] = lambda s: None,
    dry_run: bool = False,
    actor: str = audit.CLI_ACTOR,
) -> RepairReport:
    """Re-import `parsed` (in order) as into a fresh catalog, in one transaction."""
    with session_factory(engine)() as session:
        _lock(session, waiting)
        report = RepairReport(_count(session))
        log = ChangeLog()
        _forget(session, [p.source.slug for p in parsed], log)
        for data in parsed:
            result = import_parsed(session, data, step, allow_shrink=True)
            report.reports.append(result)
            log.changes.extend(result.log.changes)
        report.removed, report.kept = _remove_unstated(session, log)
        _restore_blocked_aliases(session, report, log)
        report.models_after = _count(session)
        if not dry_run:
            sources = ", ".join(p.source.slug for p in parsed)
            audit.record(session, actor=actor, operation=f"import repair {sources}", log=log)
            session.commit()
    return report


def _count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Model)).scalar_one()


def _forget(session: Session, slugs: list[str], log: ChangeLog) -> None:
    """The given sources' statements go: claims, aliases, offers, tasks (they are imported
    again right after, in the same transaction)."""
    ids = list(session.scalars(select(Source.id).where(Source.slug.in_(slugs))))
    if not ids:
        return
    for table, column in (
        (FactClaim, FactClaim.source_id),
        (ModelAlias, ModelAlias.source_id),
        (Offer, Offer.source_id),
        (Capability, Capability.source_id),
    ):
        result = session.execute(
            delete(table).where(column.in_(ids)).execution_options(synchronize_session=False)
        )
        log.add(
            Change(
                "delete",
                table.__tablename__,
                f"{result.rowcount} rows of {', '.join(slugs)} (imported again)",  # type: ignore[attr-defined]
            )
        )
    session.expire_all()


def _restore_blocked_aliases(session: Session, report: RepairReport, log: ChangeLog) -> None:
    """Aliases an import left out because a leftover model's slug was that name: added now
    that the leftover is gone (the first model of the run to name it gets it)."""
    removed = {slug.lower() for slug in report.removed}
    wanted = [
        item
        for result in report.reports
        for item in result.blocked_aliases
        if item[1].lower() in removed
    ]
    if not wanted:
        return
    names = {alias.lower() for _, alias, _ in wanted}
    taken = set(
        session.scalars(
            select(func.lower(ModelAlias.alias)).where(func.lower(ModelAlias.alias).in_(names))
        )
    ) | set(session.scalars(select(Model.slug).where(Model.slug.in_(names))))
    for model_id, alias, source_id in wanted:
        if alias.lower() in taken:
            continue
        taken.add(alias.lower())
        session.add(ModelAlias(model_id=model_id, alias=alias, source_id=source_id))
        log.add(Change("create", "alias", alias, after={"reason": "its leftover model is gone"}))
    session.flush()


def _remove_unstated(session: Session, log: ChangeLog) -> tuple[list[str], list[str]]:
    """Imported models no source states: deleted, unless they hold something set by hand
    (a price, alias, variant, lineage link or collection membership not from an import)."""
    imports = select(Source.id).where(Source.slug.in_(PRECEDENCE))
    stated = exists().where(FactClaim.model_id == Model.id)
    by_hand = [
        exists().where(
            Price.model_id == Model.id,
            Price.source_id.is_(None) | Price.source_id.not_in(imports),
        ),
        exists().where(
            ModelAlias.model_id == Model.id,
            ModelAlias.source_id.is_(None) | ModelAlias.source_id.not_in(imports),
        ),
        exists().where(ModelVariant.model_id == Model.id),
        exists().where(
            (ModelLineage.model_id == Model.id) | (ModelLineage.related_model_id == Model.id)
        ),
        exists().where(CollectionMember.model_id == Model.id),
    ]
    unstated = session.execute(
        select(Model.id, Model.slug, *by_hand)
        .where(Model.origin == Origin.IMPORTED.value, ~stated)
        .order_by(Model.slug)
    ).all()
    removed = [row.slug for row in unstated if not any(row[2:])]
    kept = [row.slug for row in unstated if any(row[2:])]
    if removed:
        ids = [row.id for row in unstated if not any(row[2:])]
        session.execute(
            delete(Model).where(Model.id.in_(ids)).execution_options(synchronize_session=False)
        )
        for slug in removed:
            log.add(Change("delete", "model", slug, before={"reason": "no source states it"}))
    return removed, kept
