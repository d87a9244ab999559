"""The import contracts in pyproject.toml hold, and they fail on a new violation."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the `service` package found under root, with its pyproject.toml."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / "service", tmp_path / "service")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_import_contracts_are_kept() -> None:
    result = _lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        # SQL in a door
        ("graphql/inputs.py", "import sqlalchemy", "service.graphql.inputs -> sqlalchemy"),
        ("web/charts.py", "import psycopg", "service.web.charts -> psycopg"),
        # an import running back up
        ("models/task.py", "import service.catalog.reads", "service.models.task ->"),
        ("catalog/search.py", "import service.graphql.inputs", "service.catalog.search ->"),
        ("web/charts.py", "import service.graphql.inputs", "service.web.charts ->"),
        # a model's parent never imports the model type back (the cycle issue 13 broke)
        (
            "graphql/types/organization.py",
            "import service.graphql.types.model",
            "service.graphql.types.organization ->",
        ),
        # the catalog's own modules never reach for compare
        ("catalog/reads.py", "import service.catalog.compare", "service.catalog.reads ->"),
    ],
)
def test_a_new_violation_breaks_a_contract(
    tree_copy: Path, module: str, planted: str, broken: str
) -> None:
    with (tree_copy / "service" / module).open("a") as source:
        source.write(f"\n{planted}  # noqa\n")
    result = _lint_imports(tree_copy)
    assert result.returncode != 0
    assert broken in result.stdout, result.stdout
