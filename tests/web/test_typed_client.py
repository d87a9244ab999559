"""The typed client in service/web/api_client/ is what ariadne-codegen makes of schema.graphql
and the documents in service/web/queries/: `modelcat codegen --check` fails on any drift."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.client_codegen import differences, load_config, regenerate
from service.config import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_the_committed_client_is_what_codegen_makes() -> None:
    result = CliRunner().invoke(app, ["codegen", "--check"])
    assert result.exit_code == 0, (
        f"{result.output}\nThe typed client is out of date: run `modelcat codegen` and commit it."
    )
    assert "service/web/api_client is up to date." in result.output


def _checkout(root: Path) -> Path:
    """A copy of what generation reads and the committed package, to change freely."""
    config = load_config()
    for relative in [Path("pyproject.toml"), *config.inputs, config.package]:
        source, target = PROJECT_ROOT / relative, root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return root


def test_a_changed_document_or_schema_is_drift_until_regenerated(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    picker = root / "service/web/queries/picker.graphql"
    picker.write_text(
        picker.read_text().replace("nodes { slug name }", "nodes { slug name family }")
    )
    schema = root / "schema.graphql"
    described = '"""A workload to price: token counts, each 0 or more."""'
    assert described in schema.read_text()
    schema.write_text(schema.read_text().replace(described, '"""Token counts to price."""'))

    result = CliRunner().invoke(app, ["codegen", "--check", "--root", str(root)])
    assert result.exit_code == 1
    assert "+    family: Optional[str]" in result.output
    assert '+    """Token counts to price."""' in result.output
    assert (
        "service/web/api_client is out of date with schema.graphql and service/web/queries: "
        "run `modelcat codegen` and commit the result."
    ) in " ".join(result.output.split())

    config = load_config(root)
    assert regenerate(config) == ["client.py", "input_types.py", "picker.py"]
    assert "family: Optional[str]" in (root / config.package / "picker.py").read_text()
    assert differences(config) == []


def test_a_document_the_schema_cannot_answer_is_refused_with_the_reason(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    catalog = root / "service/web/queries/catalog.graphql"
    catalog.write_text(
        catalog.read_text().replace(
            "organizations(first: 100, search: $organizationSearch) { nodes { slug name } }",
            "organizations(first: 100, search: $organizationSearch) { nodes { slug nam } }",
        )
    )

    result = CliRunner().invoke(app, ["codegen", "--check", "--root", str(root)])
    assert result.exit_code == 2
    assert "ariadne-codegen on schema.graphql and service/web/queries failed" in result.output
    assert "Cannot query field 'nam' on type 'Organization'. Did you mean 'name'?" in result.output
    assert "Traceback" not in result.output
