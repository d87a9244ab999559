"""Commands on the whole catalog, used by the CLI and the service's start-up."""

from pathlib import Path

from sqlalchemy import Engine, func, select

from service.catalog.changes import ChangeLog
from service.catalog.seed import apply_seed
from service.catalog.seed_files import load_seed
from service.db import session_factory
from service.models import Model


def seed_catalog(engine: Engine, seed_dir: Path, *, dry_run: bool = False) -> ChangeLog:
    """Validate every seed file, then upsert all of it in one transaction."""
    bundle = load_seed(seed_dir)
    with session_factory(engine)() as session:
        log = apply_seed(session, bundle)  # closing the session uncommitted rolls back
        if not dry_run:
            session.commit()
    return log


def count_models(engine: Engine) -> int:
    with session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(Model)) or 0
