"""Rules found by auditing shown cells against the raw data sets: a $0 that is not a price, an
entry whose mode its provider's own listing contradicts, an undated name placed by its release
month. Fixtures are real entries of ../shared/data, cut down to the fields the rule reads."""

import json
from pathlib import Path

from sqlalchemy import text

from service.catalog.identity import (
    display_name,
    maker_by_name,
    maker_in_route,
    model_key,
    not_a_model,
)
from service.db import make_engine
from service.importers import epoch, litellm, models_dev
from service.importers.matching import Index
from service.importers.records import ModelRecord, Parsed
from service.importers.write import write_parsed


def _litellm(tmp_path: Path, entries: dict[str, dict[str, object]]) -> Path:
    path = tmp_path / "model_prices_and_context_window.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def _toml(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


def _by_id(parsed: Parsed, external_id: str) -> ModelRecord:
    return next(r for r in parsed.records if external_id in (r.external_id, *r.names))


# --- a $0 is a price only where the listing says the model is free -----------------------------


def test_a_zero_amount_is_unstated_unless_the_listing_says_free(tmp_path: Path) -> None:
    """Databricks bills MPT-7B's input, writes 0.0 for its output (a DBU conversion note, not a
    free output); NVIDIA's free-trial catalogue writes 0.0 for both; OpenRouter's ':free' tier
    says it is free."""
    root = tmp_path / "models.dev" / "providers"
    free_trial = "[cost]\ninput = 0.0\noutput = 0.0\n[limit]\ncontext = 128_000\noutput = 8_192\n"
    _toml(
        root / "nvidia" / "models" / "nvidia" / "nemotron-mini-4b-instruct.toml",
        'name = "nemotron-mini-4b-instruct"\nrelease_date = "2024-08-21"\n' + free_trial,
    )
    _toml(
        root / "openrouter" / "models" / "meta-llama" / "llama-3.2-3b-instruct:free.toml",
        'name = "Llama 3.2 3B Instruct (free)"\n[cost]\ninput = 0\noutput = 0\n',
    )
    parsed = models_dev.parse(tmp_path / "models.dev")
    nemotron = _by_id(parsed, "nvidia/nvidia/nemotron-mini-4b-instruct")
    assert nemotron.price is None  # NVIDIA is the maker here: no list price, not "$0"
    assert [o.price for o in nemotron.offers] == [None]
    llama = _by_id(parsed, "openrouter/meta-llama/llama-3.2-3b-instruct:free")
    [offer] = llama.offers
    assert offer.price is not None and (offer.price.input, offer.price.output) == (0, 0)

    route = "databricks/databricks-mpt-7b-instruct"
    mpt = {
        "input_cost_per_token": 5.0001e-07,
        "litellm_provider": "databricks",
        "max_input_tokens": 8192,
        "mode": "chat",
        "output_cost_per_token": 0.0,
    }
    [record] = litellm.parse(_litellm(tmp_path, {route: mpt})).records
    [offer] = record.offers
    assert offer.price is not None
    assert (str(offer.price.input), offer.price.output) == ("0.500010", None)


# --- a mode its provider's own listing contradicts states nothing ------------------------------

_GEMINI = {
    # labelled an embedding model, the only LiteLLM entry of Gemini 1.5 Flash (a chat model)
    "gemini/gemini-1.5-flash": {
        "input_cost_per_token": 7.5e-08,
        "litellm_provider": "gemini",
        "max_input_tokens": 8192,
        "max_tokens": 8192,
        "mode": "embedding",
        "output_cost_per_token": 0,
    },
    "gemini/gemini-2.0-flash": {
        "input_cost_per_token": 1e-07,
        "litellm_provider": "gemini",
        "max_input_tokens": 1048576,
        "max_output_tokens": 8192,
        "mode": "chat",
        "output_cost_per_token": 4e-07,
    },
    # a real embedding model of the same provider: its id says so
    "gemini/gemini-embedding-001": {
        "input_cost_per_token": 1.5e-07,
        "litellm_provider": "gemini",
        "max_input_tokens": 2048,
        "mode": "embedding",
        "output_cost_per_token": 0,
    },
}


def test_an_entry_whose_mode_its_provider_contradicts_states_no_facts(tmp_path: Path) -> None:
    parsed = litellm.parse(_litellm(tmp_path, _GEMINI))
    flash = _by_id(parsed, "gemini/gemini-1.5-flash")
    assert (flash.organization, flash.context_window, flash.price) == ("google", None, None)
    assert [(o.route, o.price, o.context_window) for o in flash.offers] == [
        ("gemini/gemini-1.5-flash", None, None)
    ]
    assert any("labelled an embedding model" in s.reason for s in parsed.skipped)
    embedding = _by_id(parsed, "gemini/gemini-embedding-001")
    assert embedding.context_window == 2048
    assert embedding.price is not None
    assert (str(embedding.price.input), embedding.price.output) == ("0.150000", None)
    chat = _by_id(parsed, "gemini/gemini-2.0-flash")
    assert chat.context_window == 1_048_576


# --- an undated name joins the one dated release of its release month --------------------------

_EPOCH_HEADER = "Model,Domain,Organization,Publication date,Parameters,Model accessibility\n"
_MISTRAL = {
    route: {
        "input_cost_per_token": price,
        "litellm_provider": "mistral",
        "max_input_tokens": context,
        "mode": "chat",
        "output_cost_per_token": price * 3,
    }
    for route, price, context in (
        ("mistral/mistral-large-2402", 4e-06, 32000),
        ("mistral/mistral-large-2407", 3e-06, 128000),
        ("mistral/mistral-large-2411", 2e-06, 128000),
    )
}


def test_an_undated_name_joins_the_release_of_its_month(seeded_db_url: str, tmp_path: Path) -> None:
    """Epoch's "Mistral Large 2" (2024-07-24) is mistral-large-2407, its "Mistral Large"
    (2024-02-26) mistral-large-2402; "Mistral Large 9" of a month no release has is its own."""
    engine = make_engine(seeded_db_url)
    write_parsed(engine, litellm.parse(_litellm(tmp_path, _MISTRAL)))
    csv = tmp_path / "all_ai_models.csv"
    csv.write_text(
        _EPOCH_HEADER
        + "Mistral Large 2,Language,Mistral AI,2024-07-24,,Open weights (non-commercial)\n"
        + "Mistral Large,Language,Mistral AI,2024-02-26,,API access\n"
        + "Mistral Large 9,Language,Mistral AI,2024-03-01,,API access\n",
        encoding="utf-8",
    )
    write_parsed(engine, epoch.parse(csv))
    # "Mistral Large" names every release: placed by its month, it is no alias of 2402's, so
    # a route's undated "mistral/mistral-large" still joins none
    undated = {"mistral/mistral-large": _MISTRAL["mistral/mistral-large-2402"]}
    report = write_parsed(engine, litellm.parse(_litellm(tmp_path, {**_MISTRAL, **undated})))
    assert [line.split(" (")[0] for line in report.identity.releases] == ["mistral/mistral-large"]
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT slug, open_weights, release_date::text FROM models"
                " WHERE slug LIKE 'mistral-large%' ORDER BY slug"
            )
        ).all()
        aliases = connection.execute(
            text("SELECT alias FROM model_aliases WHERE alias LIKE 'Mistral Large%'")
        ).scalars()
        assert sorted(aliases) == ["Mistral Large 2", "Mistral Large 9"]  # not "Mistral Large"
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("mistral-large-2402", False, "2024-02-26"),
        ("mistral-large-2407", True, "2024-07-24"),
        ("mistral-large-2411", None, None),
        ("mistral-large-9", False, "2024-03-01"),
    ]


def test_a_dated_id_is_its_own_release_whatever_month_it_is_dated() -> None:
    """models.dev dates mistral-large-2512 2024-11-01 and groups resellers' undated
    "mistral-large" routes with it: it is not the 2411 release."""
    index = Index()
    index.add_ids(["mistral-large-2411"], "mistral-large-2411")
    record = ModelRecord(
        external_id="mistral/mistral-large-2512",
        name="Mistral Large 3",
        names=["openrouter/mistralai/mistral-large"],
        release_date="2024-11-01",
    )
    assert index.of_month(record) == ({"mistral-large-2411"}, set())
    named = ModelRecord("Mistral Large 3", "Mistral Large 3", routes=False, release_date="2024-11")
    assert index.of_month(named)[1] == {"mistral-large-2411"}  # a name, placed by its month
    epoch_row = ModelRecord("Mistral Large", "Mistral Large", routes=False, release_date="2024-11")
    assert index.of_month(epoch_row)[1] == {"mistral-large-2411"}


# --- the host is never the maker; a name is not another maker's model -------------------------


def test_a_hosts_folder_inside_a_route_is_not_the_maker() -> None:
    """Alibaba Cloud (China) resells SiliconFlow's catalogue; Poe resells Novita's and
    Cerebras'. The lab a route names, or the family, is the maker; NVIDIA's own fine-tunes of
    Llama stay NVIDIA's."""
    assert maker_in_route("alibaba-cn/siliconflow/deepseek-v3-0324") == "deepseek"
    assert maker_in_route("poe/novita/glm-5") is None  # the family name tells: zhipuai
    assert maker_by_name("glm-5") == "zhipuai"
    assert maker_in_route("deepinfra/nvidia/llama-3.1-nemotron-70b-instruct") == "nvidia"
    assert maker_in_route("openrouter/openai/gpt-4o") == "openai"


def test_a_route_ending_in_a_word_that_names_no_model_keeps_its_folders() -> None:
    """fal's Imagen 4 Fast is not Stability's "fast" upscaler; the five "…/text-to-image" routes
    of fal and AIML are five models."""
    keys = {
        model_key(route)
        for route in (
            "aiml/flux/kontext-max/text-to-image",
            "aiml/flux/kontext-pro/text-to-image",
            "fal_ai/fal-ai/bytedance/seedream/v3/text-to-image",
            "fal_ai/fal-ai/recraft/v3/text-to-image",
            "fal_ai/fal-ai/imagen4/preview/fast",
            "stability/fast",
        )
    }
    assert len(keys) == 6
    assert model_key("fal_ai/fal-ai/imagen4/preview/fast") == "imagen4-preview-fast"
    assert display_name("fal_ai/fal-ai/recraft/v3/text-to-image") == "Recraft V3 Text To Image"
    assert model_key("openrouter/mistralai/mistral-large") == "mistral-large"  # unchanged


def test_a_router_to_free_models_is_not_a_model() -> None:
    """OpenRouter's "free" (a $0 route that picks any free model) says free, but is no model."""
    assert not_a_model("openrouter/openrouter/free") is not None
    assert not_a_model("openrouter/meta-llama/llama-3.2-3b-instruct:free") is None


def test_a_name_joins_no_model_whose_entries_state_another_maker(
    seeded_db_url: str, tmp_path: Path
) -> None:
    """Epoch's FAST (a 2006 corner detector, University of Cambridge) and Stability's "fast"
    route share a key; Epoch's Stability row of the same key would join."""
    engine = make_engine(seeded_db_url)
    fast = {
        "litellm_provider": "stability",
        "mode": "image_generation",
        "output_cost_per_image": 0.01,
    }
    write_parsed(engine, litellm.parse(_litellm(tmp_path, {"stability/fast": fast})))
    csv = tmp_path / "all_ai_models.csv"
    csv.write_text(
        _EPOCH_HEADER + "FAST,Vision,University of Cambridge,2006-05-07,,Unreleased\n",
        encoding="utf-8",
    )
    write_parsed(engine, epoch.parse(csv))
    again = write_parsed(engine, epoch.parse(csv))  # Epoch's notable file states it again
    assert (again.identity.by_id, again.identity.new) == (1, 0)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT m.slug, o.slug, m.release_date::text FROM models m"
                " JOIN organizations o ON o.id = m.organization_id"
                " WHERE m.slug LIKE 'fast%' ORDER BY m.slug"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("fast", "stability-ai", None),
        ("fast-university-of-cambridge", "university-of-cambridge", "2006-05-07"),
    ]


# --- a named open-weights release holds for its tuning variants --------------------------------


def test_an_open_weights_release_states_its_facts_for_its_tuning_variants(
    seeded_db_url: str, tmp_path: Path
) -> None:
    """Fireworks lists Mixtral 8x7B's base and instruct weights apart; Epoch's one row of the
    release joins the base, and the instruct model shares its maker, open weights and date
    (not its name). A closed release shares nothing."""
    fireworks = {"litellm_provider": "fireworks_ai", "mode": "chat", "max_input_tokens": 32768}
    entries = {
        f"fireworks_ai/accounts/fireworks/models/{name}": fireworks
        for name in ("mixtral-8x7b", "mixtral-8x7b-instruct", "gpt-9", "gpt-9-instruct")
    }
    engine = make_engine(seeded_db_url)
    write_parsed(engine, litellm.parse(_litellm(tmp_path, entries)))
    csv = tmp_path / "all_ai_models.csv"
    csv.write_text(
        _EPOCH_HEADER
        + "Mixtral 8x7B,Language,Mistral AI,2023-12-11,,Open weights (unrestricted)\n"
        + "GPT-9,Language,OpenAI,2030-01-01,,API access\n",
        encoding="utf-8",
    )
    report = write_parsed(engine, epoch.parse(csv))
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT m.slug, m.name, o.slug, m.open_weights, m.release_date::text,"
                " (SELECT count(*) FROM model_aliases a WHERE a.model_id = m.id"
                "  AND a.alias IN ('Mixtral 8x7B', 'GPT-9'))"
                " FROM models m LEFT JOIN organizations o ON o.id = m.organization_id"
                " WHERE m.slug LIKE 'mixtral%' OR m.slug LIKE 'gpt-9%' ORDER BY m.slug"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("gpt-9", "GPT-9", "openai", False, "2030-01-01", 0),  # its slug is the name
        ("gpt-9-instruct", "GPT-9 Instruct", "openai", None, None, 0),
        ("mixtral-8x7b", "Mixtral 8x7B", "mistral", True, "2023-12-11", 1),
        ("mixtral-8x7b-instruct", "Mixtral 8x7B Instruct", "mistral", True, "2023-12-11", 0),
    ]
    assert report.models_matched == 2  # the rows' own models, not the variants sharing them


# --- an expert count is a spelling where only one is known --------------------------------------


def test_an_expert_count_is_a_spelling_where_only_one_is_known(
    seeded_db_url: str, tmp_path: Path
) -> None:
    """Meta's lab file names Llama 4 Scout "llama-4-scout-17b-instruct", Meta's own API
    "llama-4-scout-17b-16e-instruct": one model. Vertex lists a -16e- and a -128e- Scout route:
    two, and neither joins the other."""
    root = tmp_path / "models.dev"
    body = 'release_date = "2025-04-05"\nopen_weights = true\n'
    _toml(
        root / "models" / "meta" / "llama-4-scout-17b-instruct.toml",
        'name = "Llama 4 Scout 17B Instruct"\n' + body,
    )
    _toml(
        root / "providers" / "llama" / "models" / "llama-4-scout-17b-16e-instruct.toml",
        'name = "Llama 4 Scout 17B 16E Instruct"\n' + body,
    )
    engine = make_engine(seeded_db_url)
    write_parsed(engine, models_dev.parse(root))
    vertex = {"litellm_provider": "vertex_ai-llama_models", "mode": "chat"}
    routes = [f"vertex_ai/meta/llama-4-scout-17b-{n}-instruct-maas" for n in ("16e", "128e")]
    write_parsed(engine, litellm.parse(_litellm(tmp_path, dict.fromkeys(routes, vertex))))
    with engine.connect() as connection:
        slugs = connection.execute(
            text("SELECT slug FROM models WHERE slug LIKE 'llama-4-scout%' ORDER BY slug")
        ).scalars()
        assert len(list(slugs)) == 3
        held = connection.execute(
            text(
                "SELECT count(DISTINCT a.model_id) FROM model_aliases a"
                " WHERE a.alias IN ('meta/llama-4-scout-17b-instruct',"
                " 'llama/llama-4-scout-17b-16e-instruct')"
            )
        ).scalar()
        assert held == 1
    engine.dispose()


def test_a_release_date_before_its_own_dated_id_is_not_the_releases(tmp_path: Path) -> None:
    """models.dev dates Mistral's mistral-large-2512 2024-11-01 (Large 2.1's date) and
    Codestral 2508 2025-07-30 (announced the day before its id's month: kept)."""
    root = tmp_path / "models.dev"
    for name, day in (("mistral-large-2512", "2024-11-01"), ("codestral-2508", "2025-07-30")):
        _toml(
            root / "providers" / "mistral" / "models" / f"{name}.toml",
            f'name = "{name}"\nrelease_date = "{day}"\n',
        )
    parsed = models_dev.parse(root)
    assert _by_id(parsed, "mistral/mistral-large-2512").release_date is None
    assert _by_id(parsed, "mistral/codestral-2508").release_date == "2025-07-30"
