"""Commands on the whole catalog, used by the CLI and the service's start-up."""

from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from service.catalog.audit import CLI_ACTOR
from service.catalog.changes import ChangeLog
from service.catalog.errors import CatalogError, Problem
from service.catalog.model_writer import ModelWriter, Policy, integrity_message
from service.catalog.seed import apply_seed
from service.catalog.seed_files import load_seed
from service.db import session_factory
from service.models import Model

# One seed run at a time; a different key from the migration lock ("modelcat"), which the
# start-up holds while it seeds.
SEED_LOCK = int.from_bytes(b"mc-seed!", "big")


def seed_catalog(
    engine: Engine, seed_dir: Path, *, dry_run: bool = False, actor: str = CLI_ACTOR
) -> ChangeLog:
    """Validate every seed file, then upsert all of it in one audited transaction.

    Concurrent runs queue on an advisory lock, so the second sees the first's rows and
    changes nothing instead of colliding on them.
    """
    bundle = load_seed(seed_dir)
    with session_factory(engine)() as session:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK})
        writer = ModelWriter(session, Policy(actor=actor, operation="seed", dry_run=dry_run))
        try:
            log = apply_seed(writer, bundle)  # closing the session uncommitted rolls back
        except IntegrityError as exc:
            # Seed files are valid on their own but clash with what the database now holds
            # (for example a price recorded through the API after the seeded one).
            problem = integrity_message(exc)
            raise CatalogError(
                [Problem(str(seed_dir), "", f"{problem}; nothing was written")]
            ) from None

        writer.finish()  # the audit trail (none in a dry run)
        if not dry_run:
            session.commit()
    return log


def count_models(engine: Engine) -> int:
    with session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(Model)) or 0
