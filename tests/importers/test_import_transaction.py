"""One transaction per import run: a failure part-way leaves the catalog as it was."""

import pytest

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
