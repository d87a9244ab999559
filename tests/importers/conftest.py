"""The three excerpts imported, through the CLI, into one private copy of the seeded catalog."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from service.db import make_engine
from tests.conftest import Databases, run_cli, url_text

DATA = Path(__file__).parent / "data"
EXCERPTS = {
    "models-dev": DATA / "models.dev",
    "litellm": DATA / "litellm" / "model_prices_and_context_window.json",
    "epoch": DATA / "epoch" / "all_ai_models.csv",
}


@dataclass
class Imported:
    url: str
    engine: Engine
    stdout: dict[str, str]


def import_all(url: str) -> dict[str, str]:
    """Run the three imports in order; return each one's output."""
    outputs = {}
    for command, path in EXCERPTS.items():
        result = run_cli("import", command, str(path), database_url=url)
        assert result.returncode == 0, result.stderr
        outputs[command] = result.stdout
    return outputs


@pytest.fixture(scope="module")
def imported(databases: Databases, seeded_template: str) -> Iterator[Imported]:
    """Read-only for the tests that use it: they must not write."""
    url = url_text(databases.create(template=seeded_template))
    stdout = import_all(url)
    engine = make_engine(url)
    yield Imported(url, engine, stdout)
    engine.dispose()
