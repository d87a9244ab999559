"""One transaction per import run: a failure part-way leaves the catalog as it was."""

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from service.db import make_engine
from service.importers import litellm
from service.importers.write import import_file
from tests.importers.conftest import EXCERPTS
from tests.snapshot import snapshot


class Interrupted(Exception):
    pass


def test_a_run_that_fails_half_way_writes_nothing(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    before = snapshot(engine)
    steps: list[str] = []

    def fail_late(step: str) -> None:
        steps.append(step)
        if step == "recording conflicts":  # models, claims, aliases and prices are written
            raise Interrupted(step)

    with pytest.raises(Interrupted):
        import_file(engine, litellm.parse, EXCERPTS["litellm"], step=fail_late)
    assert "writing models" in steps
    assert snapshot(engine) == before
    engine.dispose()


def test_a_dry_run_reports_changes_and_writes_nothing(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    before = snapshot(engine)
    report = import_file(engine, litellm.parse, EXCERPTS["litellm"], dry_run=True)
    assert report.log.counts()["create"] > 0
    assert snapshot(engine) == before
    engine.dispose()


def test_a_model_the_source_no_longer_states_loses_its_claims(
    seeded_db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(seeded_db_url)
    import_file(engine, litellm.parse, EXCERPTS["litellm"])
    data = json.loads(EXCERPTS["litellm"].read_text())
    del data["text-embedding-3-small"]
    newer = tmp_path / "model_prices_and_context_window.json"
    newer.write_text(json.dumps(data))
    report = import_file(engine, litellm.parse, newer)
    deleted = {(c.entity, c.key) for c in report.log.changes if c.action == "delete"}
    assert ("price", "text-embedding-3-small") in deleted
    assert ("claim", "text-embedding-3-small.context_window") in deleted
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT context_window_state, (SELECT count(*) FROM fact_claims c"
                " WHERE c.model_id = m.id) FROM models m WHERE slug = 'text-embedding-3-small'"
            )
        ).one()
    assert tuple(row) == ("unknown", 0)
    engine.dispose()


def test_a_price_conflict_is_judged_against_the_price_in_force(seeded_db_url: str) -> None:
    """An admin's price recorded ahead of its date is not yet the one the catalog shows."""
    from datetime import date, timedelta
    from decimal import Decimal

    from service.catalog.writes import Writer, set_price
    from service.db import unit_of_work

    engine = make_engine(seeded_db_url)
    with unit_of_work(engine) as session:
        writer = Writer(session, actor="test", operation="test")
        set_price(
            writer,
            "gpt-5.2",
            effective_from=date.today() + timedelta(days=30),
            variant=None,
            currency="USD",
            input_per_mtok=Decimal("2"),
            output_per_mtok=Decimal("16"),
            cached_input_per_mtok=None,
            source=None,
        )
        writer.finish()
    import_file(engine, litellm.parse, EXCERPTS["litellm"])
    with engine.connect() as connection:
        chosen = (
            connection.execute(
                text(
                    "SELECT c.chosen_value FROM fact_conflicts c JOIN models m ON m.id = c.model_id"
                    " WHERE m.slug = 'gpt-5.2' AND c.field = 'pricing'"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    # LiteLLM's cached-input price is new information; input and output agree with today's.
    assert all("input=2" not in value for value in chosen), chosen
