"""Time each import against merely parsing its file, measured in the same run (ratios).

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/import_bench.py

Creates a throwaway database on that server (migrated and seeded), imports the four data sets of
../shared/data in order, then imports them all again (the idempotent second run), and drops the
database. Run by hand; never part of the test run's pass/fail.
"""

import os
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.catalog.admin import count_models, seed_catalog
from service.config import PROJECT_ROOT, to_sqlalchemy_url
from service.db import make_engine
from service.importers import epoch, litellm, models_dev
from service.importers.write import import_file
from service.migrate import upgrade

SHARED = PROJECT_ROOT.parent / "shared" / "data"
SOURCES = [
    ("models.dev", models_dev.parse, SHARED / "models.dev"),
    ("LiteLLM", litellm.parse, SHARED / "litellm" / "model_prices_and_context_window.json"),
    ("Epoch all", epoch.parse, SHARED / "epoch-ai-all-models" / "all_ai_models.csv"),
    (
        "Epoch notable",
        epoch.parse,
        SHARED / "epoch-ai-notable-models" / "data" / "notable_ai_models_24_02_2025.csv",
    ),
]


def _timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main() -> None:
    server = make_url(to_sqlalchemy_url(os.environ["TEST_DATABASE_URL"]))
    admin = make_engine(server.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    name = f"modelcat_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        engine = make_engine(url)
        seed_catalog(engine, PROJECT_ROOT / "seed")
        print(f"{'source':<14} {'run':<7} {'parse s':>8} {'import s':>9} {'ratio':>6}  changes")
        for run in ("first", "second"):
            for label, parse, path in SOURCES:
                _, parse_seconds = _timed(lambda p=parse, f=path: p(f))
                report, seconds = _timed(lambda p=parse, f=path: import_file(engine, p, f))
                counts = report.log.counts()
                print(
                    f"{label:<14} {run:<7} {parse_seconds:8.2f} {seconds:9.2f}"
                    f" {seconds / parse_seconds:6.1f}x  {counts['create']} created,"
                    f" {counts['update']} updated, {len(report.skipped)} skipped"
                )
        print(f"models in the catalog: {count_models(engine)}")
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
