"""The whole public data sets, when the shared folder is there: scale, identity, idempotency."""

from pathlib import Path

import pytest
from sqlalchemy import text

from service.config import PROJECT_ROOT
from service.db import make_engine
from service.importers import epoch, litellm, models_dev
from service.importers.write import import_file

SHARED = PROJECT_ROOT.parent / "shared" / "data"
FULL = [
    (models_dev.parse, SHARED / "models.dev"),
    (litellm.parse, SHARED / "litellm" / "model_prices_and_context_window.json"),
    (epoch.parse, SHARED / "epoch-ai-all-models" / "all_ai_models.csv"),
    (epoch.parse, SHARED / "epoch-ai-notable-models" / "data" / "notable_ai_models_24_02_2025.csv"),
]


@pytest.mark.slow
@pytest.mark.skipif(not all(p.exists() for _, p in FULL), reason="../shared/data is absent")
def test_the_full_data_sets_import_and_merge(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    for parse, path in FULL:
        report = import_file(engine, parse, Path(path))
        assert len(report.skipped) < report.entries / 20, report.skipped[:5]
    with engine.connect() as connection:
        models = connection.execute(text("SELECT count(*) FROM models")).scalar_one()
        gpt4o_sources = connection.execute(
            text(
                "SELECT array_agg(DISTINCT s.slug ORDER BY s.slug) FROM fact_claims c"
                " JOIN sources s ON s.id = c.source_id JOIN models m ON m.id = c.model_id"
                " WHERE m.slug = 'gpt-4o'"
            )
        ).scalar_one()
        paligemma = connection.execute(
            text(
                "SELECT m.release_date::text, c.value FROM models m"
                " JOIN fact_conflicts c ON c.model_id = m.id"
                " WHERE m.slug = 'paligemma' AND c.field = 'release_date'"
            )
        ).all()
    assert models > 4000
    assert gpt4o_sources == [
        "epoch-ai-all-models",
        "epoch-ai-notable-models",
        "litellm",
        "models-dev",
    ]
    assert ("2024-05-01", "2024-07-10") in [tuple(row) for row in paligemma]
    again = import_file(engine, litellm.parse, FULL[1][1])
    assert not again.log.changes  # idempotent at scale too
    engine.dispose()
