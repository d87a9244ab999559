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
from typing import TYPE_CHECKING

from service.catalog import audit
from service.catalog.changes import ChangeLog
from service.catalog.imports import (
    count_models,
    forget_sources,
    lock_imports,
    remove_unstated,
    restore_blocked_aliases,
)
from service.db import session_factory
from service.importers.records import Parsed
from service.importers.write import ImportReport, import_parsed, import_policy

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class RepairReport:
    models_before: int
    models_after: int = 0
    reports: list[ImportReport] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # imported models no source states now
    kept: list[str] = field(default_factory=list)  # unstated, but holding values set by hand


def repair(
    engine: "Engine",
    parsed: list[Parsed],
    *,
    step: Callable[[str], None] = lambda s: None,
    waiting: Callable[[str], None] = lambda s: None,
    dry_run: bool = False,
    actor: str = audit.CLI_ACTOR,
) -> RepairReport:
    """Re-import `parsed` (in order) as into a fresh catalog, in one transaction."""
    with session_factory(engine)() as session:
        lock_imports(session, waiting)
        report = RepairReport(count_models(session))
        log = ChangeLog()
        forget_sources(session, [p.source.slug for p in parsed], log)
        for data in parsed:
            policy = import_policy(data, actor=actor, dry_run=dry_run)
            result = import_parsed(session, data, step, allow_shrink=True, policy=policy)
            report.reports.append(result)
            log.changes.extend(result.log.changes)
        report.removed, report.kept = remove_unstated(session, log)
        blocked = [item for result in report.reports for item in result.blocked_aliases]
        restore_blocked_aliases(session, report.removed, blocked, log)
        report.models_after = count_models(session)
        if not dry_run:
            sources = ", ".join(p.source.slug for p in parsed)
            audit.record(session, actor=actor, operation=f"import repair {sources}", log=log)
            session.commit()
    return report
