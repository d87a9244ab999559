"""What the catalog does for imports besides writing models: the run's lock, its safety counts,
research-only marking, a source's standing conflicts, a repair's forgetting and clean-up, and
the coverage report. The importers (`service.importers`) decide; these read and write.
"""

import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, delete, exists, func, select, text, update
from sqlalchemy.orm import Session

from service.catalog.changes import Change, ChangeLog
from service.catalog.errors import CatalogError, Problem
from service.catalog.precedence import PRECEDENCE
from service.models import (
    Capability,
    CollectionMember,
    FactClaim,
    FactConflict,
    Model,
    ModelAlias,
    ModelLineage,
    ModelVariant,
    Offer,
    Price,
    Source,
)
from service.models.base import CitedField as F
from service.models.base import Origin

IMPORT_LOCK = int.from_bytes(b"mc-import", "big") & 0x7FFF_FFFF_FFFF_FFFF
LOCK_WAIT_SECONDS = 600  # a second import waits this long for the first, then is refused


def lock_imports(
    session: Session, waiting: Callable[[str], None], wait_seconds: float = LOCK_WAIT_SECONDS
) -> None:
    """One import at a time: a second one waits for the first (saying so), then goes on.
    The lock is the transaction's: it ends with the commit or the rollback."""
    acquire = text("SELECT pg_try_advisory_xact_lock(:key)")
    if session.execute(acquire, {"key": IMPORT_LOCK}).scalar_one():
        return
    waiting("another import is writing to this catalog; waiting for it to finish")
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        time.sleep(0.25)
        if session.execute(acquire, {"key": IMPORT_LOCK}).scalar_one():
            return
    raise CatalogError(
        [
            Problem(
                "import",
                "",
                f"another import held the catalog for over {wait_seconds:g} s; try again",
            )
        ]
    )


def models_claimed_by(session: Session, source_id: int) -> int:
    """How many models this source states something of."""
    return session.execute(
        select(func.count(func.distinct(FactClaim.model_id))).where(
            FactClaim.source_id == source_id
        )
    ).scalar_one()


def count_models(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Model)).scalar_one()


def mark_research_only(session: Session) -> None:
    """Imported models with neither an API (an offer, a price, a stated API or hosted access)
    nor open weights are research results: marked, so a listing can leave them out."""
    offered = select(Offer.id).where(Offer.model_id == Model.id).exists()
    priced = select(Price.id).where(Price.model_id == Model.id).exists()
    usable = (
        select(FactClaim.model_id)
        .where(
            FactClaim.model_id == Model.id,
            FactClaim.field == F.ACCESS.value,
            FactClaim.value.in_(["api", "hosted", "open_weights"]),
        )
        .exists()
    )
    research = (
        (Model.origin == Origin.IMPORTED.value)
        & Model.open_weights.is_not(True)
        & ~offered
        & ~priced
        & ~usable
    )
    session.execute(
        update(Model)
        .where(Model.research_only.is_distinct_from(research))
        .values(research_only=research)
        .execution_options(synchronize_session=False)
    )


def conflicts_of_source(session: Session, source_id: int) -> list[tuple[str, str, str, str]]:
    """The standing conflicts of this source: (model slug, field, its value, the shown value)."""
    rows = session.execute(
        select(Model.slug, FactConflict.field, FactConflict.value, FactConflict.chosen_value)
        .join(Model, Model.id == FactConflict.model_id)
        .where(FactConflict.source_id == source_id)
        .order_by(Model.slug, FactConflict.field)
    )
    return [(slug, name, value, chosen) for slug, name, value, chosen in rows]


def forget_sources(session: Session, slugs: Sequence[str], log: ChangeLog) -> None:
    """The given sources' statements go: claims, aliases, offers, tasks (a repair imports them
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
        count = getattr(result, "rowcount", 0)  # a CursorResult's: the rows deleted
        log.add(
            Change(
                "delete",
                table.__tablename__,
                f"{count} rows of {', '.join(slugs)} (imported again)",
            )
        )
    session.expire_all()


def remove_unstated(session: Session, log: ChangeLog) -> tuple[list[str], list[str]]:
    """Imported models no source states: deleted, unless they hold something set by hand
    (a price, alias, variant, lineage link or collection membership not from an import).
    Returns the slugs removed and the slugs kept."""
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


# One statement; prices and offers are counted as the catalog holds them (any date).
_COVERAGE = text(
    """
    SELECT count(*) AS models,
           count(*) FILTER (WHERE m.organization_id IS NOT NULL) AS with_organization,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM prices p WHERE p.model_id = m.id))
               AS with_price,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM offers o WHERE o.model_id = m.id))
               AS with_offer,
           count(*) FILTER (
               WHERE EXISTS (SELECT 1 FROM prices p WHERE p.model_id = m.id)
                  OR EXISTS (SELECT 1 FROM offers o WHERE o.model_id = m.id
                             AND (o.input_per_mtok IS NOT NULL OR o.output_per_mtok IS NOT NULL))
           ) AS with_price_or_priced_offer,
           count(*) FILTER (WHERE m.context_window_state = 'known') AS with_context_window,
           count(*) FILTER (WHERE m.context_window = 0) AS context_window_zero,
           count(*) FILTER (WHERE m.research_only) AS research_only,
           (SELECT count(*) FROM organizations) AS organizations,
           (SELECT count(*) FROM offers) AS offers
    FROM models m
    """
)

# Organizations first created from a data set that gives providers by id only (LiteLLM)
_ID_NAMED = text(
    "SELECT o.slug, o.name FROM organizations o JOIN sources s ON s.id = o.source_id"
    " WHERE s.slug = 'litellm' ORDER BY o.slug"
)


def restore_blocked_aliases(
    session: Session,
    removed: Sequence[str],
    blocked: Sequence[tuple[int, str, int]],
    log: ChangeLog,
) -> None:
    """Aliases an import left out because a leftover model's slug was that name (`blocked`:
    model id, alias, source id): added now that the leftover is gone (the first model of the
    run to name it gets it)."""
    gone = {slug.lower() for slug in removed}
    wanted = [item for item in blocked if item[1].lower() in gone]
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


def coverage(engine: Engine) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """What share of the catalog is known (counts by name, as `CatalogReport` holds them), and
    the (slug, name) of the organizations a data set named by id only."""
    with engine.connect() as connection:
        counts = dict(connection.execute(_COVERAGE).one()._mapping)
        named = [(slug, name) for slug, name in connection.execute(_ID_NAMED)]
    return counts, named
