"""Imports that cannot destroy data by accident, and the rules that keep models apart."""

import json
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from service.catalog.identity import maker_in_route, model_key, not_a_model
from service.catalog.writes import Writer, set_price
from service.db import make_engine, unit_of_work
from service.importers import litellm, models_dev
from service.importers.conflicts import API_PRICE, dates_agree, tokens_agree
from service.importers.makers import dates_far_apart
from service.importers.records import token_count
from service.importers.write import IMPORT_LOCK, import_file
from tests.conftest import run_cli
from tests.importers.conftest import EXCERPTS

# --- the rules, on their own -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Command R+", "command-r"),
        ("Command R+", "Command R Plus-08-2024"),
        ("τ-bench", "bench"),
        ("gpt-4o-2024-05-13", "gpt-4o"),
        ("whisper-1", "whisper"),
        ("llama-3.1-8b", "llama-3.1-70b"),
        ("claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022"),
        ("gpt-3.5-turbo-instruct", "gpt-3.5-turbo"),  # a tuning suffix: kept in the key
        ("gpt-4o-mini", "gpt-4o"),
        ("gpt-5-chat", "gpt-5"),
    ],
)
def test_what_tells_models_apart_is_kept(a: str, b: str) -> None:
    assert model_key(a) != model_key(b)


@pytest.mark.parametrize(
    "names",
    [
        ["Command R+", "command-r-plus", "cohere/command-r-plus"],
        ["glm-4.5", "glm-4p5", "fireworks_ai/accounts/fireworks/models/glm-4p5"],
        ["claude-3.5-sonnet", "claude-3-5-sonnet", "sap-ai-core/anthropic--claude-3.5-sonnet"],
        [
            "Meta-Llama-3.1-405B-Instruct",
            "llama-3.1-405b-instruct",
            "fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct",
            "databricks/databricks-meta-llama-3-1-405b-instruct",
        ],
        ["claude-3-7-sonnet", "databricks-claude-3-7-sonnet"],
        ["gpt-4o", "azure-gpt-4o"],
        ["claude-3-5-sonnet-20241022", "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0"],
    ],
)
def test_only_spellings_are_folded(names: list[str]) -> None:
    assert len({model_key(name) for name in names}) == 1


def test_the_maker_is_the_lab_never_the_host() -> None:
    assert maker_in_route("nvidia/black-forest-labs/flux.1-dev") == "black-forest-labs"
    assert maker_in_route("deepgram/nova-3-general") == "deepgram"
    assert maker_in_route("bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0") == "anthropic"
    assert maker_in_route("fireworks_ai/accounts/fireworks/models/llama-v3p1-405b") == "meta"
    assert maker_in_route("azure_ai/jamba-instruct") is None  # Azure serves others' models
    assert maker_in_route("mistral/mistral-large-2407") == "mistral"


@pytest.mark.parametrize(
    "route",
    [
        "fireworks-ai-4.1b-to-16b",
        "fireworks-ai-up-to-4b",
        "together-ai-21.1b-41b",
        "fireworks-ai-default",
        "openrouter/openrouter/auto",
        "azure/model-router",
        "azure/container",
        "fireworks_ai/accounts/fireworks/routers/kimi-k2p6-fast",
    ],
)
def test_tiers_routers_and_containers_are_not_models(route: str) -> None:
    assert not_a_model(route)


@pytest.mark.parametrize("route", ["gpt-4o", "mixtral-8x7b", "llama-3.1-8b", "qwen2.5-72b"])
def test_models_are_models(route: str) -> None:
    assert not_a_model(route) is None


def test_a_zero_or_impossible_limit_is_not_a_fact() -> None:
    assert token_count(0, "limit.context") is None
    assert token_count(10**12, "limit.context") is None
    assert token_count(131072, "limit.context") == 131072


def test_rounding_and_precision_are_not_conflicts() -> None:
    assert tokens_agree(128000, 131072)
    assert not tokens_agree(128000, 200000)
    assert dates_agree("2024-05", "2024-05-14")
    assert dates_agree("2024-12-11", "2024-12-12")
    assert not dates_agree("2024-12-11", "2024-12-13")
    assert not dates_agree("2024-04", "2024-05-01")


# --- imports that cannot destroy data ---------------------------------------------------------


def _one_model_litellm(tmp_path: Path) -> Path:
    data = json.loads(EXCERPTS["litellm"].read_text())
    kept = {k: v for k, v in data.items() if k == "gpt-4o"}
    path = tmp_path / "model_prices_and_context_window.json"
    path.write_text(json.dumps(kept))
    return path


def test_a_file_stating_far_fewer_models_is_refused(seeded_db_url: str, tmp_path: Path) -> None:
    first = run_cli("import", "litellm", str(EXCERPTS["litellm"]), database_url=seeded_db_url)
    assert first.returncode == 0, first.stderr
    small = _one_model_litellm(tmp_path)
    refused = run_cli("import", "litellm", str(small), database_url=seeded_db_url)
    assert refused.returncode == 1
    assert "import refused: nothing was written" in refused.stderr
    message = " ".join(refused.stderr.split())
    assert "states 1 models, the last import of litellm stated 7" in message
    assert "--allow-shrink" in refused.stderr
    engine = make_engine(seeded_db_url)
    with engine.connect() as connection:
        kept = connection.execute(
            text(
                "SELECT count(DISTINCT c.model_id) FROM fact_claims c"
                " JOIN sources s ON s.id = c.source_id WHERE s.slug = 'litellm'"
            )
        ).scalar_one()
    assert kept == 7
    allowed = run_cli("import", "litellm", str(small), "--allow-shrink", database_url=seeded_db_url)
    assert allowed.returncode == 0, allowed.stderr
    engine.dispose()


def test_a_price_set_through_the_api_survives_a_reimport(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    import_file(engine, litellm.parse, EXCERPTS["litellm"])
    with unit_of_work(engine) as session:
        writer = Writer(session, actor="test", operation="test")
        set_price(
            writer,
            "gpt-4o",
            effective_from=date.today() - timedelta(days=1),
            variant=None,
            currency="USD",
            input_per_mtok=Decimal("9"),
            output_per_mtok=Decimal("19"),
            cached_input_per_mtok=None,
            source=None,
        )
        writer.finish()
    again = import_file(engine, litellm.parse, EXCERPTS["litellm"])  # used to raise
    assert again.source == "litellm"
    with engine.connect() as connection:
        prices = connection.execute(
            text(
                "SELECT p.input_per_mtok, p.effective_to IS NULL FROM prices p"
                " JOIN models m ON m.id = p.model_id WHERE m.slug = 'gpt-4o'"
                " ORDER BY p.effective_from NULLS FIRST"
            )
        ).all()
        conflict = connection.execute(
            text(
                "SELECT c.value, c.chosen_value, c.chosen_by FROM fact_conflicts c"
                " JOIN models m ON m.id = c.model_id JOIN sources s ON s.id = c.source_id"
                " WHERE m.slug = 'gpt-4o' AND c.field = 'pricing' AND s.slug = 'litellm'"
            )
        ).one()
    engine.dispose()
    assert [tuple(p) for p in prices][-1] == (Decimal("9"), True)
    assert conflict.value.startswith("input=2.5")
    assert conflict.chosen_value.startswith("input=9")
    assert conflict.chosen_by == API_PRICE


def test_a_second_import_waits_for_the_first(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    said: list[str] = []
    done = threading.Event()
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": IMPORT_LOCK})

        def run() -> None:
            from service.importers.write import write_parsed

            write_parsed(engine, litellm.parse(EXCERPTS["litellm"]), waiting=said.append)
            done.set()

        worker = threading.Thread(target=run)
        worker.start()
        for _ in range(300):  # until it has read the file and found the catalog busy
            if said:
                break
            time.sleep(0.1)
        assert said == ["another import is writing to this catalog; waiting for it to finish"]
        assert not done.wait(1)  # it waits while the first import holds the catalog
        holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": IMPORT_LOCK})
        holder.commit()
    worker.join(60)
    assert done.is_set()
    engine.dispose()


def test_duplicate_organizations_merge_on_reimport(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organizations (slug, name) VALUES ('google-ai', 'Google AI'),"
                " ('bytedance', 'bytedance')"
            )
        )
        connection.execute(
            text(
                "UPDATE models SET organization_id = (SELECT id FROM organizations"
                " WHERE slug = 'google-ai') WHERE slug = 'pali-3'"
            )
        )
    import_file(engine, models_dev.parse, EXCERPTS["models-dev"])
    with engine.connect() as connection:
        orgs = {s: n for s, n in connection.execute(text("SELECT slug, name FROM organizations"))}
        pali = connection.execute(
            text(
                "SELECT o.slug FROM models m JOIN organizations o ON o.id = m.organization_id"
                " WHERE m.slug = 'pali-3'"
            )
        ).scalar_one()
        alias = connection.execute(
            text(
                "SELECT o.slug FROM organization_aliases a JOIN organizations o"
                " ON o.id = a.organization_id WHERE a.alias = 'google ai'"
            )
        ).scalar_one()
    engine.dispose()
    assert "google-ai" not in orgs
    assert orgs["bytedance"] == "ByteDance"
    assert pali == "google"
    assert alias == "google"


def test_importing_the_same_file_twice_at_once_never_fails(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            import_file(engine, litellm.parse, EXCERPTS["litellm"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    engine.dispose()
    assert errors == []


def test_release_dates_are_far_apart_beyond_a_month_at_their_own_precision() -> None:
    assert dates_far_apart("2023-03-15", "2023-11-06")
    assert dates_far_apart("2024-01-31", "2024-12-20")
    assert not dates_far_apart("2024-02-29", "2024-03-04")
    assert not dates_far_apart("2024-05", "2024-06-20")  # within a month of May's last day
    assert dates_far_apart("2024-05", "2024-07-10")
    assert not dates_far_apart("2024", "2024-11-30")
    assert dates_far_apart("2023", "2024-02-15")
