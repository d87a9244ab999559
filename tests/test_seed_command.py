"""`modelcat seed`: idempotent, transactional, and a dry run writes nothing."""

from pathlib import Path

import yaml

from service.db import make_engine
from tests.conftest import run_cli
from tests.snapshot import snapshot


def test_seed_on_an_empty_database_then_again_changes_nothing(empty_db_url: str) -> None:
    first = run_cli("seed", database_url=empty_db_url)
    assert first.returncode == 0, first.stderr
    assert "create model gpt-5.2" in first.stdout
    engine = make_engine(empty_db_url)
    before = snapshot(engine)
    second = run_cli("seed", database_url=empty_db_url)
    assert second.returncode == 0, second.stderr
    assert "nothing to change" in second.stdout
    assert snapshot(engine) == before  # not even updated_at moved
    engine.dispose()


def test_dry_run_reports_the_change_and_writes_nothing(seeded_db_url: str, seed_copy: Path) -> None:
    path = seed_copy / "models" / "gpt-5.2.yaml"
    data = yaml.safe_load(path.read_text())
    data["context_window"]["value"] = 272000
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    engine = make_engine(seeded_db_url)
    before = snapshot(engine)
    result = run_cli("seed", "--dry-run", "--seed-dir", str(seed_copy), database_url=seeded_db_url)
    assert result.returncode == 0, result.stderr
    assert "update model gpt-5.2: context_window: 400000 -> 272000" in result.stdout
    assert "dry run: nothing written" in result.stdout
    assert snapshot(engine) == before
    applied = run_cli("seed", "--seed-dir", str(seed_copy), database_url=seeded_db_url)
    assert applied.returncode == 0, applied.stderr
    with engine.connect() as connection:
        window = connection.exec_driver_sql(
            "SELECT context_window FROM models WHERE slug = 'gpt-5.2'"
        ).scalar_one()
    assert window == 272000
    engine.dispose()


def test_removed_children_are_removed(seeded_db_url: str, seed_copy: Path) -> None:
    path = seed_copy / "models" / "paligemma.yaml"
    data = yaml.safe_load(path.read_text())
    data["variants"] = [v for v in data["variants"] if v["slug"] != "paligemma-896"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = run_cli("seed", "--seed-dir", str(seed_copy), database_url=seeded_db_url)
    assert result.returncode == 0, result.stderr
    assert "delete variant paligemma-896" in result.stdout
    engine = make_engine(seeded_db_url)
    with engine.connect() as connection:
        slugs = connection.exec_driver_sql("SELECT slug FROM model_variants").scalars().all()
    engine.dispose()
    assert "paligemma-896" not in slugs and "paligemma-448" in slugs
