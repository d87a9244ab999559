"""Issue 10's remaining rules on small fixtures: whose entries state the maker's facts, names
from the maker's id, provider names, undated ids, and a repair that splits a wrong merge."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from service.app import create_app
from service.catalog.errors import closest_per_owner
from service.catalog.identity import dated_releases, display_name, known_org
from service.config import Settings
from service.db import make_engine
from service.importers import litellm, models_dev
from service.importers.report import catalog_report, looks_raw
from service.importers.write import UNDATED_REASON, write_parsed
from tests.conftest import run_cli
from tests.graphql.conftest import GraphQL


def _toml(path: Path, text_: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text_, encoding="utf-8")


def _entry(name: str, context: int, maker: str = "") -> str:
    return f'name = "{name}"\nrelease_date = "2024-12-11"\n[limit]\ncontext = {context}\n'


def _two_clouds(root: Path, github_context: int) -> Path:
    """A Microsoft model no Microsoft-only provider lists: Azure (it serves OpenAI's models too)
    and GitHub Models (GitHub is Microsoft's) list it; OpenAI's own API lists OpenAI's model."""
    providers = root / "providers"
    _toml(providers / "azure" / "models" / "phi-9.toml", _entry("Phi-9", 128_000))
    _toml(providers / "azure" / "models" / "gpt-9.toml", _entry("GPT-9", 400_000))
    _toml(
        providers / "github-models" / "models" / "microsoft" / "phi-9.toml",
        _entry("Phi-9", github_context),
    )
    _toml(providers / "github-models" / "models" / "openai" / "gpt-9.toml", _entry("GPT-9", 8_000))
    _toml(providers / "openai" / "models" / "gpt-9.toml", _entry("GPT-9", 400_000))
    return root


def _record(parsed: models_dev.Parsed, name: str) -> models_dev.ModelRecord:
    return next(r for r in parsed.records if r.name == name)


# --- 1. the maker's facts when the maker's own entries disagree --------------------------------


def test_clouds_of_the_makers_company_that_disagree_leave_the_fact_unknown(
    tmp_path: Path,
) -> None:
    parsed = models_dev.parse(_two_clouds(tmp_path, github_context=16_000))
    phi = _record(parsed, "Phi-9")
    assert phi.organization == "microsoft"
    assert phi.context_window is None
    assert "128000 (azure/phi-9)" in phi.disputed["context_window"]
    assert "16000 (github-models/microsoft/phi-9)" in phi.disputed["context_window"]
    assert phi.release_date == "2024-12-11"  # the entries agree on it: stated


def test_clouds_that_agree_within_rounding_state_the_fact(tmp_path: Path) -> None:
    parsed = models_dev.parse(_two_clouds(tmp_path, github_context=131_072))
    phi = _record(parsed, "Phi-9")
    assert phi.context_window == 128_000
    assert phi.disputed == {}


def test_the_makers_own_api_outranks_a_cloud_of_another_company(tmp_path: Path) -> None:
    """GPT-9: OpenAI's own API states 400K; Azure and GitHub are not OpenAI's; no dispute."""
    gpt = _record(models_dev.parse(_two_clouds(tmp_path, github_context=16_000)), "GPT-9")
    assert (gpt.organization, gpt.context_window, gpt.disputed) == ("openai", 400_000, {})


def test_a_cloud_is_the_makers_only_where_its_own_entries_are_silent(tmp_path: Path) -> None:
    """Mistral's own API and a multi-vendor cloud of Mistral's company: the own entry wins,
    and the cloud's different figure is no dispute."""
    path = tmp_path / "model_prices_and_context_window.json"
    path.write_text(
        json.dumps(
            {
                "mistral/mistral-9": {"litellm_provider": "mistral", "max_input_tokens": 32000},
                "mistral/mistral-tiny-9": {"litellm_provider": "mistral", "max_input_tokens": 8},
                "azure_ai/mistral-9": {"litellm_provider": "azure_ai", "max_input_tokens": 4000},
                "azure_ai/phi-9": {"litellm_provider": "azure_ai", "max_input_tokens": 16384},
            }
        )
    )
    records = {r.external_id: r for r in litellm.parse(path).records}
    assert records["mistral/mistral-9"].context_window == 32000
    assert records["mistral/mistral-9"].disputed == {}
    assert records["azure_ai/phi-9"].context_window == 16384  # Microsoft's cloud, uncontradicted


def test_a_dispute_is_recorded_and_survives_another_sources_import(
    seeded_db_url: str, tmp_path: Path
) -> None:
    tree = _two_clouds(tmp_path / "md", github_context=16_000)
    assert run_cli("import", "models-dev", str(tree), database_url=seeded_db_url).returncode == 0
    json_path = tmp_path / "model_prices_and_context_window.json"
    json_path.write_text(
        json.dumps({"azure_ai/phi-9": {"litellm_provider": "azure_ai", "max_input_tokens": 16384}})
    )
    result = run_cli("import", "litellm", str(json_path), database_url=seeded_db_url)
    assert result.returncode == 0, result.stderr
    engine = make_engine(seeded_db_url)
    with engine.connect() as connection:
        model = connection.execute(
            text("SELECT context_window FROM models WHERE slug = 'phi-9'")
        ).scalar_one()
        conflicts = connection.execute(
            text(
                "SELECT s.slug, c.value, c.chosen_value, c.chosen_by FROM fact_conflicts c"
                " JOIN models m ON m.id = c.model_id JOIN sources s ON s.id = c.source_id"
                " WHERE m.slug = 'phi-9' AND c.field = 'context_window'"
            )
        ).all()
    engine.dispose()
    assert model == 16384  # models.dev's Microsoft entries disagree: LiteLLM's figure shows
    assert [(source, chosen) for source, _, chosen, _ in conflicts] == [("models-dev", "16384")]
    assert "azure/phi-9" in conflicts[0][1] and "disagree" in conflicts[0][3]


# --- 2. a model named only by a route gets a name from the maker's id --------------------------


@pytest.mark.parametrize(
    ("route", "name"),
    [
        ("bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0", "Claude 3.5 Sonnet 20241022"),
        (
            "fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct",
            "Llama 3.1 405B Instruct",
        ),
        ("gpt-4o-mini", "GPT-4o Mini"),
        ("openrouter/meta-llama/llama-3.1-8b-instruct:free", "Llama 3.1 8B Instruct"),
        ("mistral/mixtral-8x7b", "Mixtral 8x7B"),
        ("azure/dall-e-3", "DALL·E 3"),
        ("vertex_ai/gemini-1.5-pro-002", "Gemini 1.5 Pro 002"),
    ],
)
def test_a_route_becomes_a_name_from_the_makers_id(route: str, name: str) -> None:
    assert display_name(route) == name


def test_litellm_names_a_model_from_the_makers_id_and_keeps_the_route(tmp_path: Path) -> None:
    path = tmp_path / "model_prices_and_context_window.json"
    route = "anthropic.claude-9-sonnet-20991022-v2:0"
    path.write_text(json.dumps({route: {"litellm_provider": "bedrock", "mode": "chat"}}))
    (record,) = litellm.parse(path).records
    assert record.name == "Claude 9 Sonnet 20991022"
    assert route in record.names


# --- 4. providers get proper names --------------------------------------------------------------


def test_providers_known_only_by_an_id_have_proper_names() -> None:
    from service.catalog.identity import synonyms

    names = synonyms().names
    assert names[known_org("gmi") or ""] == "GMI Cloud"
    assert names[known_org("friendliai") or ""] == "FriendliAI"
    assert known_org("aws_polly") == "amazon"
    assert not looks_raw("gmicloud", "Gmicloud")  # named by the synonyms file
    assert looks_raw("someprovider", "Someprovider")
    assert not looks_raw("someprovider", "SomeProvider Inc.")


# --- 5. an undated id naming several releases --------------------------------------------------


def test_an_undated_id_suggests_its_dated_releases() -> None:
    known = {
        "claude-3-5-sonnet-20240620": 1,
        "claude-3-5-sonnet-20241022": 2,
        "anthropic.claude-3-5-sonnet-20241022-v2:0": 2,
        "claude-3.5-haiku": 3,
        "mistral-large-2402": 4,
        "mistral-large-2407": 5,
        "mistral-large-2": 6,
    }
    assert closest_per_owner("claude-3.5-sonnet", known) == [
        "claude-3-5-sonnet-20240620",
        "claude-3-5-sonnet-20241022",
    ]
    assert dated_releases("Mistral Large", known) == ["mistral-large-2402", "mistral-large-2407"]
    assert dated_releases("claude-3-5-sonnet-20240620", known) == []  # already dated


def _releases_file(tmp_path: Path) -> Path:
    path = tmp_path / "model_prices_and_context_window.json"
    entry = {"litellm_provider": "anthropic", "mode": "chat", "max_input_tokens": 200000}
    path.write_text(
        json.dumps(
            {
                "claude-9-sonnet-20990620": entry,
                "claude-9-sonnet-20991022": entry,
                "openrouter/anthropic/claude-9-sonnet": {"litellm_provider": "openrouter"},
            }
        )
    )
    return path


def test_an_undated_id_naming_two_releases_makes_no_model(
    seeded_db_url: str, tmp_path: Path
) -> None:
    path = _releases_file(tmp_path)
    engine = make_engine(seeded_db_url)
    report = write_parsed(engine, litellm.parse(path))
    assert any(s.reason == UNDATED_REASON for s in report.skipped)
    with engine.connect() as connection:
        slugs = connection.execute(
            text("SELECT slug FROM models WHERE slug LIKE 'claude-9%' ORDER BY slug")
        ).scalars()
        assert list(slugs) == ["claude-9-sonnet-20990620", "claude-9-sonnet-20991022"]
    app = create_app(engine, Settings(database_url=seeded_db_url))
    with TestClient(app) as client:
        error = GraphQL(client).error('{ model(slug: "claude-9-sonnet") { slug } }')
    engine.dispose()
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["suggestions"]["claude-9-sonnet"] == [
        "claude-9-sonnet-20990620",
        "claude-9-sonnet-20991022",
    ]


# --- 6. a repair splits what an older release merged -------------------------------------------


def test_repair_splits_a_wrong_merge_and_removes_a_phantom(
    seeded_db_url: str, tmp_path: Path
) -> None:
    path = _releases_file(tmp_path)
    engine = make_engine(seeded_db_url)
    write_parsed(engine, litellm.parse(path))
    # What an older release left: the October release merged into June's model (its claims and
    # aliases moved, its row gone), and a phantom model under the undated id.
    with engine.begin() as connection:
        june = connection.execute(
            text("SELECT id FROM models WHERE slug = 'claude-9-sonnet-20990620'")
        ).scalar_one()
        october = connection.execute(
            text("SELECT id FROM models WHERE slug = 'claude-9-sonnet-20991022'")
        ).scalar_one()
        connection.execute(text("DELETE FROM fact_claims WHERE model_id = :o"), {"o": october})
        connection.execute(
            text("UPDATE model_aliases SET model_id = :j WHERE model_id = :o"),
            {"j": june, "o": october},
        )
        connection.execute(text("DELETE FROM models WHERE id = :o"), {"o": october})
        connection.execute(
            text(
                "INSERT INTO model_aliases (model_id, alias, source_id) SELECT :j,"
                " 'claude-9-sonnet-20991022', source_id FROM fact_claims WHERE model_id = :j"
                " LIMIT 1"
            ),
            {"j": june},
        )
        phantom = connection.execute(
            text(
                "INSERT INTO models (slug, name, origin, context_window_state, parameters_state,"
                " status) VALUES ('claude-9-sonnet', 'Claude 9 Sonnet', 'imported', 'unknown',"
                " 'unknown', 'active') RETURNING id"
            )
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO fact_claims (model_id, field, source_id, value, external_id)"
                " SELECT :p, 'name', id, 'Claude 9 Sonnet', 'openrouter/anthropic/claude-9-sonnet'"
                " FROM sources WHERE slug = 'litellm'"
            ),
            {"p": phantom},
        )
    # A normal re-import keeps the merge: the October id is June's alias
    assert run_cli("import", "litellm", str(path), database_url=seeded_db_url).returncode == 0
    assert _owner(engine, "claude-9-sonnet-20991022") == "claude-9-sonnet-20990620"
    result = run_cli("import", "repair", str(path), database_url=seeded_db_url)
    assert result.returncode == 0, result.stderr
    assert "removed (claude-9-sonnet)" in result.stdout
    assert _owner(engine, "claude-9-sonnet-20991022") == "claude-9-sonnet-20991022"
    assert _owner(engine, "claude-9-sonnet-20990620") == "claude-9-sonnet-20990620"
    assert _owner(engine, "claude-9-sonnet") is None
    again = run_cli("import", "litellm", str(path), "--dry-run", database_url=seeded_db_url)
    assert "0 created, 0 updated, 0 deleted" in again.stdout
    engine.dispose()


def test_repair_gives_an_alias_back_once_the_leftover_holding_it_is_gone(
    seeded_db_url: str, tmp_path: Path
) -> None:
    """A route's own id ("claude-9-haiku") is its model's alias; an older release's phantom
    model under that slug blocks it during the repair, which then removes the phantom: the
    alias must come back in the same repair, not only at the next import."""
    path = tmp_path / "model_prices_and_context_window.json"
    entry = {"litellm_provider": "anthropic", "mode": "chat", "max_input_tokens": 200000}
    path.write_text(
        json.dumps(
            {
                "claude-9-haiku-20990101": entry,
                "openrouter/anthropic/claude-9-haiku": {"litellm_provider": "openrouter"},
            }
        )
    )
    engine = make_engine(seeded_db_url)
    write_parsed(engine, litellm.parse(path))
    assert _owner(engine, "claude-9-haiku") == "claude-9-haiku-20990101"
    with engine.begin() as connection:  # what an older release left: a phantom holding the id
        connection.execute(text("DELETE FROM model_aliases WHERE alias = 'claude-9-haiku'"))
        phantom = connection.execute(
            text(
                "INSERT INTO models (slug, name, origin, context_window_state, parameters_state,"
                " status) VALUES ('claude-9-haiku', 'Claude 9 Haiku', 'imported', 'unknown',"
                " 'unknown', 'active') RETURNING id"
            )
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO fact_claims (model_id, field, source_id, value, external_id)"
                " SELECT :p, 'name', id, 'Claude 9 Haiku', 'openrouter/anthropic/claude-9-haiku'"
                " FROM sources WHERE slug = 'litellm'"
            ),
            {"p": phantom},
        )
    result = run_cli("import", "repair", str(path), database_url=seeded_db_url)
    assert result.returncode == 0, result.stderr
    assert "removed (claude-9-haiku)" in result.stdout
    assert _owner(engine, "claude-9-haiku") == "claude-9-haiku-20990101"
    again = run_cli("import", "litellm", str(path), "--dry-run", database_url=seeded_db_url)
    assert "0 created, 0 updated, 0 deleted" in again.stdout
    engine.dispose()


def _owner(engine, name: str) -> str | None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT m.slug FROM models m WHERE m.slug = :n OR m.id IN"
                " (SELECT model_id FROM model_aliases WHERE lower(alias) = :n)"
            ),
            {"n": name},
        ).scalar()


def test_the_report_counts_providers_named_after_their_id(seeded_db_url: str) -> None:
    report = catalog_report(make_engine(seeded_db_url))
    assert report.named_after_id == ()


# --- 7. a company cloud's figure does not outrank another data set ----------------------------


def test_a_cloud_only_claim_another_data_set_contradicts_gives_no_value() -> None:
    from service.importers.claims import chosen
    from service.importers.conflicts import agrees

    claims = {
        ("context_window", 1): ("128000", "models-dev"),  # only Bedrock states it there
        ("context_window", 2): ("1000000", "litellm"),
        ("release_date", 1): ("2024-12-03", "models-dev"),
    }
    cloud = {("context_window", 1)}
    assert chosen(claims, cloud, agrees) == {"release_date": ("2024-12-03", 1)}
    # the maker's own entry outranks by precedence, as before
    assert chosen(claims, set(), agrees)["context_window"] == ("128000", 1)
    # rounding is not a contradiction: 128,000 and 131,072 are both 128K
    claims[("context_window", 2)] = ("131072", "litellm")
    assert chosen(claims, cloud, agrees)["context_window"] == ("128000", 1)
