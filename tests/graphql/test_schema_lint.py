"""schema.graphql keeps Relay's connection and PageInfo conventions, as checked by the npm
package `graphql-schema-linter` (installed from the test into a scratch folder outside the
repository, reused while present; never into the project)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCHEMA = Path(__file__).parents[2] / "schema.graphql"
SCRATCH = Path.home() / ".cache" / "model-catalog-npm" / "schema-linter"
LINTER = SCRATCH / "node_modules" / ".bin" / "graphql-schema-linter"
PACKAGES = ("graphql-schema-linter@3", "graphql@16")
RELAY_RULES = "relay-connection-types-spec,relay-connection-arguments-spec,relay-page-info-spec"
DESCRIPTION_RULES = (
    "types-have-descriptions,fields-have-descriptions,arguments-have-descriptions,"
    "enum-values-have-descriptions,input-object-values-have-descriptions"
)


def _linter() -> Path:
    """The linter's executable, installed on first use; skipped without npm, except in CI."""
    if LINTER.exists():
        return LINTER
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI") == "true":
            pytest.fail("npm is missing: CI must run the schema linter")
        pytest.skip("npm is not installed")
    SCRATCH.mkdir(parents=True, exist_ok=True)
    (SCRATCH / "package.json").write_text('{"private": true}\n')
    result = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", *PACKAGES],
        cwd=SCRATCH,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"npm install failed:\n{result.stdout}\n{result.stderr}"
    return LINTER


def _lint(schema: Path, rules: str = RELAY_RULES) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(_linter()), "--format", "compact", "--rules", rules, str(schema)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_schema_keeps_relays_connection_conventions() -> None:
    result = _lint(SCHEMA)
    assert result.returncode == 0, f"schema linter findings:\n{result.stdout}{result.stderr}"


def test_the_schema_describes_every_type_field_argument_and_value() -> None:
    result = _lint(SCHEMA, DESCRIPTION_RULES)
    assert result.returncode == 0, f"schema linter findings:\n{result.stdout}{result.stderr}"


def test_the_linter_does_find_a_broken_connection(tmp_path: Path) -> None:
    """The check above can fail: a connection with a non-null `first` and no `pageInfo`."""
    broken = tmp_path / "broken.graphql"
    broken.write_text(
        "type Query { things(first: Int!, after: String, last: Int, before: String):"
        " ThingConnection! }\n"
        "type ThingConnection { edges: [ThingEdge!]! }\n"
        "type ThingEdge { cursor: String! node: Thing! }\n"
        "type Thing { name: String! }\n"
    )
    result = _lint(broken)
    assert result.returncode != 0
    assert "relay-connection-arguments-spec" in result.stdout
    assert "relay-connection-types-spec" in result.stdout


def test_the_linter_does_find_an_undescribed_field(tmp_path: Path) -> None:
    undescribed = tmp_path / "undescribed.graphql"
    undescribed.write_text(
        '"Reads."\ntype Query {\n  "A thing by name."\n  thing: Thing\n}\n'
        '"A thing."\ntype Thing { name: String }\n'
    )
    result = _lint(undescribed, DESCRIPTION_RULES)
    assert result.returncode != 0
    assert "fields-have-descriptions" in result.stdout
    assert "Thing.name" in result.stdout
