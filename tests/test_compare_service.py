"""Compare as one domain service: the CLI and GraphQL show the same table; one fact builder."""

from fastapi.testclient import TestClient
from sqlalchemy import text

from service.app import create_app
from service.db import make_engine
from tests.conftest import isolated_settings, run_cli


def test_modelcat_compare_prints_the_table(seeded_db_url: str) -> None:
    result = run_cli(
        "compare", "GPT-5.2", "paligemma", "--input-tokens", "1000000", "--output-tokens",
        "200000", database_url=seeded_db_url, COLUMNS="200",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("Context Window" in line and "400K" in line and "—" in line for line in lines)
    assert any("Parameters" in line and "Undisclosed" in line and "3B" in line for line in lines)
    assert any("Estimated cost" in line and "$4.55" in line for line in lines)
    assert "share enough common tasks" in result.stdout


def test_modelcat_compare_refuses_what_the_api_refuses(seeded_db_url: str) -> None:
    unknown = run_cli("compare", "gpt-5.2", "paligema", database_url=seeded_db_url)
    assert unknown.returncode == 1
    assert "unknown model 'paligema'; did you mean 'paligemma'" in unknown.stderr
    alone = run_cli("compare", "gpt-5.2", database_url=seeded_db_url)
    assert alone.returncode == 1
    assert "compare takes 2 to 10 models (got 1)" in alone.stderr
    twice = run_cli("compare", "gpt-5.2", "GPT-5.2", database_url=seeded_db_url)
    assert "are the same model" in twice.stderr


def test_an_estimate_reads_the_same_in_compare_and_on_the_model(seeded_db_url: str) -> None:
    """A deliberate change: Model.parameters said '3B' where compare said '~3B (estimated)'."""
    engine = make_engine(seeded_db_url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE models SET parameters_state = 'estimated' WHERE slug = 'paligemma'")
        )
    query = """{
      model(slug: "paligemma") { parameters { display state disclosure value } }
      compare(models: ["paligemma", "gpt-5.2"]) {
        sections { rows { key cells { model display state } } }
      }
    }"""
    with TestClient(create_app(engine, isolated_settings(database_url=seeded_db_url))) as client:
        data = client.post("/graphql", json={"query": query}).json()["data"]
    engine.dispose()
    fact = data["model"]["parameters"]
    assert fact == {
        "display": "~3B (estimated)",
        "state": "KNOWN",
        "disclosure": "ESTIMATED",
        "value": 3000000000,
    }
    row = next(
        r for s in data["compare"]["sections"] for r in s["rows"] if r["key"] == "parameters"
    )
    assert row["cells"][0] == {"model": "paligemma", "display": "~3B (estimated)", "state": "KNOWN"}
