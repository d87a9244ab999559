"""`modelcat import` on small cuts of the real files, as a user sees the result."""

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, text

from service.db import make_engine
from service.importers import epoch, litellm, models_dev
from service.importers.write import import_file
from tests.conftest import run_cli
from tests.importers.conftest import DATA, EXCERPTS, Imported
from tests.snapshot import snapshot


def _rows(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def test_each_import_reports_its_counts(imported: Imported) -> None:
    models_dev, litellm, epoch = (imported.stdout[k] for k in ("models-dev", "litellm", "epoch"))
    assert "import models-dev @ f3fc692299671838c7c65fd8126bf84d81a2e817: done" in models_dev
    assert "14 entries read, 5 models stated" in models_dev
    assert "4 skipped" in models_dev
    # broken/price-text's price is not a number: the route is kept, without a price
    assert "18 entries read, 7 models stated" in litellm
    assert "6 skipped" in litellm
    assert "import epoch-ai-all-models @ 291adcd7bd58959d3db6382d8d2e07e96dc32b54" in epoch
    assert "10 entries read, 6 models stated" in epoch
    assert "4 skipped" in epoch


def test_every_data_set_is_a_source_with_its_commit(imported: Imported) -> None:
    rows = dict(_rows(imported.engine, "SELECT slug, version FROM sources WHERE url IS NOT NULL"))
    assert rows == {
        "models-dev": "f3fc692299671838c7c65fd8126bf84d81a2e817",
        "litellm": "8442b939a6ead479f7995b5d74d8dce488bd0966",
        "epoch-ai-all-models": "291adcd7bd58959d3db6382d8d2e07e96dc32b54",
    }


def test_gpt_4o_from_three_sources_is_one_model(imported: Imported) -> None:
    models = _rows(
        imported.engine,
        "SELECT m.slug, m.name, o.slug, m.release_date, m.release_date_precision,"
        " m.context_window, m.open_weights, m.input_modalities, m.origin"
        " FROM models m JOIN organizations o ON o.id = m.organization_id"
        " WHERE m.slug LIKE 'gpt-4o%' ORDER BY m.slug",
    )
    assert models[0] == (
        "gpt-4o",
        "GPT-4o",
        "openai",
        date(2024, 5, 13),
        "day",
        128000,
        False,
        ["file", "image", "text"],
        "imported",
    )
    # a dated snapshot is its own model: it is priced and retired on its own
    assert [m[0] for m in models] == ["gpt-4o", "gpt-4o-2024-05-13"]
    claims = _rows(
        imported.engine,
        "SELECT DISTINCT s.slug FROM fact_claims c JOIN sources s ON s.id = c.source_id"
        " JOIN models m ON m.id = c.model_id WHERE m.slug = 'gpt-4o' ORDER BY 1",
    )
    assert [slug for (slug,) in claims] == ["epoch-ai-all-models", "litellm", "models-dev"]
    aliases = _rows(
        imported.engine,
        "SELECT a.alias, s.slug FROM model_aliases a JOIN sources s ON s.id = a.source_id"
        " JOIN models m ON m.id = a.model_id WHERE m.slug = 'gpt-4o' ORDER BY 1",
    )
    assert ("openai/gpt-4o", "models-dev") in aliases
    assert ("azure/gpt-4o", "models-dev") in aliases  # models.dev names it first
    assert ("openrouter/openai/gpt-4o", "models-dev") in aliases
    assert ("orcarouter/openai/gpt-4o", "models-dev") in aliases  # through its base_model
    assert ("github_copilot/gpt-4o", "litellm") in aliases
    assert ("replicate/openai/gpt-4o", "litellm") in aliases
    assert {source for _, source in aliases} == {"models-dev", "litellm"}
    # Epoch calls it "GPT-4o", the model's own name: matched on it, no alias needed.
    epoch_name = _rows(
        imported.engine,
        "SELECT c.external_id FROM fact_claims c JOIN sources s ON s.id = c.source_id"
        " JOIN models m ON m.id = c.model_id"
        " WHERE m.slug = 'gpt-4o' AND s.slug = 'epoch-ai-all-models' AND c.field = 'name'",
    )
    assert epoch_name == [("GPT-4o",)]


def test_the_alias_finds_the_model_whatever_the_case(imported: Imported) -> None:
    found = _rows(
        imported.engine,
        "SELECT m.slug FROM model_aliases a JOIN models m ON m.id = a.model_id"
        " WHERE lower(a.alias) = lower('OpenRouter/OpenAI/GPT-4o')",
    )
    assert found == [("gpt-4o",)]


def test_prices_are_exact_decimals_per_million_tokens(imported: Imported) -> None:
    prices = dict(
        (slug, (price_in, price_out, cached, source))
        for slug, price_in, price_out, cached, source in _rows(
            imported.engine,
            "SELECT m.slug, p.input_per_mtok, p.output_per_mtok, p.cached_input_per_mtok, s.slug"
            " FROM prices p JOIN models m ON m.id = p.model_id JOIN sources s ON s.id = p.source_id"
            " WHERE p.variant_id IS NULL",
        )
    )
    # models.dev states $/1M; LiteLLM states $/token (2.5e-06): both land on 2.5 exactly.
    assert prices["gpt-4o"] == (Decimal("2.5"), Decimal("10"), Decimal("1.25"), "models-dev")
    # an embedding model bills no output: LiteLLM's output 0 is not a price (not "free output")
    assert prices["text-embedding-3-small"] == (Decimal("0.02"), None, None, "litellm")
    # Vertex AI's route to Anthropic's model: Google's price for it is not Anthropic's price
    assert "claude-3-5-haiku-20241022" not in prices
    # resellers set their own prices, and Google's own route writes 0/0 without saying the model
    # is free there (price tables write 0 for "not priced"): Gemma 3 27B has no maker's price
    assert "gemma-3-27b-it" not in prices
    assert all(isinstance(v, Decimal) for row in prices.values() for v in row[:3] if v is not None)


def test_gemma_3_27b_routes_are_one_model(imported: Imported) -> None:
    aliases = _rows(
        imported.engine,
        "SELECT a.alias FROM model_aliases a JOIN models m ON m.id = a.model_id"
        " WHERE m.slug = 'gemma-3-27b-it' ORDER BY 1",
    )
    # every route, and the provider's own id (the route's last segment) when no other model
    # uses it: what a user copies from a provider's page resolves
    assert [a for (a,) in aliases] == [
        "amazon-bedrock/google.gemma-3-27b-it",
        "deepinfra/google/gemma-3-27b-it",
        "gemini/gemma-3-27b-it",
        "google.gemma-3-27b-it",
        "openrouter/google/gemma-3-27b-it",
    ]
    org = _rows(
        imported.engine,
        "SELECT o.slug FROM models m JOIN organizations o ON o.id = m.organization_id"
        " WHERE m.slug = 'gemma-3-27b-it'",
    )
    assert org == [("google",)]


def test_google_deepmind_is_google(imported: Imported) -> None:
    # Epoch files PaliGemma and Gemma 2 under "Google DeepMind"; the seed has "Google".
    orgs = _rows(imported.engine, "SELECT slug FROM organizations WHERE slug LIKE '%google%'")
    assert orgs == [("google",)]
    gemma2 = _rows(
        imported.engine,
        "SELECT o.slug, m.parameter_count, m.parameters_state FROM models m"
        " JOIN organizations o ON o.id = m.organization_id WHERE m.slug = 'gemma-2-27b'",
    )
    assert gemma2 == [("google", 27_000_000_000, "disclosed")]


def test_paligemma_date_conflict_is_kept_and_the_curated_date_stays(imported: Imported) -> None:
    model = _rows(
        imported.engine,
        "SELECT release_date, release_date_precision, origin, context_window_state"
        " FROM models WHERE slug = 'paligemma'",
    )
    assert model == [(date(2024, 5, 1), "month", "curated", "unknown")]
    conflicts = _rows(
        imported.engine,
        "SELECT c.field, s.slug, c.value, c.chosen_value, cs.slug FROM fact_conflicts c"
        " JOIN sources s ON s.id = c.source_id JOIN models m ON m.id = c.model_id"
        " LEFT JOIN sources cs ON cs.id = c.chosen_source_id WHERE m.slug = 'paligemma'",
    )
    assert conflicts == [
        (
            "release_date",
            "epoch-ai-all-models",
            "2024-07-10",
            "2024-05",
            "compare-gpt-5.2-vs-paligemma",
        )
    ]
    assert (
        "paligemma.release_date: source says 2024-07-10, the catalog shows 2024-05"
        in imported.stdout["epoch"]
    )
    # models.dev's nvidia route (2024-05-14) is NVIDIA hosting Google's model: an offer, not a
    # fact of the model, so it makes no release-date claim
    claims = _rows(
        imported.engine,
        "SELECT s.slug, c.value FROM fact_claims c JOIN sources s ON s.id = c.source_id"
        " JOIN models m ON m.id = c.model_id WHERE m.slug = 'paligemma'"
        " AND c.field = 'release_date' ORDER BY 1",
    )
    assert claims == [("epoch-ai-all-models", "2024-07-10")]


def test_curated_models_are_never_overwritten(imported: Imported) -> None:
    gpt52 = _rows(
        imported.engine,
        "SELECT m.context_window, p.input_per_mtok, p.output_per_mtok, p.cached_input_per_mtok"
        " FROM models m JOIN prices p ON p.model_id = m.id WHERE m.slug = 'gpt-5.2'",
    )
    assert gpt52 == [(400000, Decimal("1.75"), Decimal("14"), None)]
    conflict = _rows(
        imported.engine,
        "SELECT s.slug, c.value, c.chosen_value, c.chosen_by FROM fact_conflicts c"
        " JOIN sources s ON s.id = c.source_id JOIN models m ON m.id = c.model_id"
        " WHERE m.slug = 'gpt-5.2'",
    )
    assert len(conflict) == 1
    source, value, chosen, why = conflict[0]
    assert (source, value, chosen) == ("litellm", "272000", "400000")
    assert why.startswith("the curated seed is never overwritten")


def test_a_resellers_limits_are_its_offer_not_a_conflict_with_the_maker(
    imported: Imported,
) -> None:
    """Bedrock serves Gemma 3 27B with 202,752 tokens; Google's own route says 131,072. The
    model shows Google's figure, Bedrock's lives on Bedrock's offer, and nothing conflicts."""
    model = _rows(
        imported.engine,
        "SELECT m.context_window, count(c.*) FROM models m"
        " LEFT JOIN fact_conflicts c ON c.model_id = m.id WHERE m.slug = 'gemma-3-27b-it'"
        " GROUP BY m.id",
    )
    assert model == [(131072, 0)]
    offers = _rows(
        imported.engine,
        "SELECT o.slug, f.route, f.context_window, f.input_per_mtok, s.slug FROM offers f"
        " JOIN models m ON m.id = f.model_id JOIN organizations o ON o.id = f.provider_id"
        " JOIN sources s ON s.id = f.source_id WHERE m.slug = 'gemma-3-27b-it'"
        " AND o.slug = 'amazon' ORDER BY s.slug",
    )
    assert offers == [
        ("amazon", "google.gemma-3-27b-it", 128000, Decimal("0.23"), "litellm"),
        ("amazon", "amazon-bedrock/google.gemma-3-27b-it", 202752, Decimal("0.12"), "models-dev"),
    ]


def test_tasks_come_from_the_data(imported: Imported) -> None:
    rows = _rows(
        imported.engine,
        "SELECT m.slug, t.slug, c.support FROM capabilities c JOIN models m ON m.id = c.model_id"
        " JOIN tasks t ON t.id = c.task_id WHERE m.origin = 'imported'",
    )
    assert rows == [("mistral-ocr-latest", "ocr", "out_of_the_box")]


def test_malformed_entries_are_skipped_with_reasons(imported: Imported) -> None:
    models_dev, litellm, epoch = (imported.stdout[k] for k in ("models-dev", "litellm", "epoch"))
    assert "skipped providers/broken/models/not-toml.toml: not valid TOML" in models_dev
    assert "skipped providers/broken/models/nameless.toml: no name" in models_dev
    assert "base_model 'nolab/nothing' has no models/ file" in models_dev
    assert "release_date '2024-13-45' is not a YYYY, YYYY-MM or YYYY-MM-DD date" in models_dev
    assert "broken/not-an-object: entry is not an object" in litellm
    assert "broken/no-provider: no litellm_provider" in litellm
    assert "broken/price-text: input_cost_per_token 'cheap' is not a number" in litellm
    assert "sample_spec: not a model entry" in litellm
    assert "(Bad Date Model): Publication date '2024-02-30' is not a YYYY-MM-DD date" in epoch
    assert "(Bad Parameters Model): Parameters 'about three billion' is not a number" in epoch
    assert "empty Model name" in epoch
    assert "(SigLIP): same model as the row at line" in epoch
    names = {n for (n,) in _rows(imported.engine, "SELECT lower(name) FROM models")}
    assert not names & {"bad date", "bad date model", "bad parameters model"}
    assert "gpt-4o" in names and "siglip" in names  # the rest went in


def test_a_second_import_changes_nothing(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    parsers = {"models-dev": models_dev.parse, "litellm": litellm.parse, "epoch": epoch.parse}
    for command, path in EXCERPTS.items():
        assert import_file(engine, parsers[command], path).log.changes
    before = snapshot(engine)
    for command, path in EXCERPTS.items():
        report = import_file(engine, parsers[command], path)
        assert not report.log.changes, [str(c) for c in report.log.changes]
    again = run_cli("import", "litellm", str(EXCERPTS["litellm"]), database_url=seeded_db_url)
    assert "changes: 0 created, 0 updated, 0 deleted" in again.stdout
    assert snapshot(engine) == before  # not even updated_at moved
    # the seed, run again over imported data, finds its own facts intact and the aliases
    # that imports added to curated models are not its to remove
    seed = run_cli("seed", database_url=seeded_db_url)
    assert seed.returncode == 0, seed.stderr
    assert "nothing to change" in seed.stdout
    assert snapshot(engine) == before
    engine.dispose()


def test_a_file_of_another_format_is_refused_by_name(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    before = snapshot(engine)
    cases = [
        ("litellm", EXCERPTS["epoch"], "not a LiteLLM model_prices_and_context_window.json"),
        ("epoch", EXCERPTS["litellm"], "not an Epoch AI models CSV"),
        ("epoch", DATA / "not-a-catalog.txt", "not an Epoch AI models CSV"),
        ("models-dev", DATA / "not-a-catalog.txt", "not a models.dev tree"),
    ]
    for command, path, message in cases:
        result = run_cli("import", command, str(path), database_url=seeded_db_url)
        assert result.returncode == 1
        assert "import refused: nothing was written" in result.stderr
        assert f"{path}: {message}" in result.stderr
    assert snapshot(engine) == before
    engine.dispose()
