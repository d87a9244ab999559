"""The four shipped data sets imported once, and the cases of issue 10 checked on the result.

The data are found through MODELCAT_SHARED_DATA, else `<repo>/../shared/data`, else next to
the repository this one was cloned from (`<origin>/../shared/data`, as on CI's fresh clone).
All four files are imported ONCE into a template database (a module fixture: xdist keeps a
file on one worker); the tests read it, and those that write work on a copy.
"""

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from service.catalog.admin import seed_catalog
from service.catalog.errors import NotFoundError
from service.catalog.identity import dated_releases, org_slug
from service.catalog.writes import find_model
from service.config import PROJECT_ROOT
from service.db import make_engine
from service.importers import epoch, litellm, models_dev
from service.importers.makers import company_of
from service.importers.report import catalog_report
from service.importers.write import ImportReport, import_file
from service.models import Model
from tests.conftest import SEED_DIR, Databases, url_text
from tests.importers.maker_listings import collapsed, maker_listed


def shared_data() -> Path | None:
    """The shipped data sets' folder, or None when this checkout has none near it."""
    candidates = []
    if env := os.environ.get("MODELCAT_SHARED_DATA"):
        candidates.append(Path(env))
    candidates.append(PROJECT_ROOT.parent / "shared" / "data")
    try:
        origin = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except OSError:
        origin = ""
    if origin and "://" not in origin and ":" not in origin.split("/")[0]:
        candidates.append(Path(origin).resolve().parent / "shared" / "data")
    return next((c for c in candidates if (c / "models.dev").is_dir()), None)


SHARED = shared_data()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SHARED is None,
        reason="the shipped data sets are absent: set MODELCAT_SHARED_DATA to the folder "
        "holding models.dev/, litellm/ and the Epoch AI folders",
    ),
]


def _files(root: Path) -> list[tuple[object, Path]]:
    return [
        (models_dev.parse, root / "models.dev"),
        (litellm.parse, root / "litellm" / "model_prices_and_context_window.json"),
        (epoch.parse, root / "epoch-ai-all-models" / "all_ai_models.csv"),
        (
            epoch.parse,
            root / "epoch-ai-notable-models" / "data" / "notable_ai_models_24_02_2025.csv",
        ),
    ]


class Full:
    def __init__(self, template: str, engine: Engine, reports: list[ImportReport]):
        self.template = template
        self.engine = engine
        self.reports = reports

    def rows(self, sql: str, **params: object) -> list[tuple]:
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]

    def value(self, sql: str, **params: object) -> object:
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()

    def model(self, name: str) -> Model:
        with Session(self.engine) as session:
            model = find_model(session, name)
            session.expunge(model)
            return model


@pytest.fixture(scope="module")
def full(databases: Databases, seeded_template: str) -> Iterator[Full]:
    assert SHARED is not None
    url = databases.create(template=seeded_template)
    engine = make_engine(url_text(url))
    reports = [import_file(engine, parse, path) for parse, path in _files(SHARED)]  # type: ignore[arg-type]
    yield Full(str(url.database), engine, reports)
    engine.dispose()


# --- identity: distinct models stay apart ---------------------------------------------------


def test_command_r_plus_is_not_command_r(full: Full) -> None:
    plus, plain = full.model("Command R+"), full.model("command-r")
    assert plus.id != plain.id
    assert "+" in plus.name
    assert full.model("command-r-plus").id == plus.id


def test_the_two_claude_3_5_sonnet_releases_stay_apart(full: Full) -> None:
    june = full.model("claude-3-5-sonnet-20240620")
    october = full.model("claude-3-5-sonnet-20241022")
    assert june.id != october.id
    assert str(june.release_date) == "2024-06-20"
    assert str(october.release_date) == "2024-10-22"
    # the undated id names both releases: it joined neither, and made no model of its own
    with pytest.raises(NotFoundError):
        full.model("cloudflare-ai-gateway/anthropic/claude-3.5-sonnet")
    assert any(
        "claude-3.5-sonnet (could be claude-3-5-sonnet-20240620 or claude-3-5-sonnet-20241022)"
        in line
        for line in full.reports[0].identity.releases
    )


def test_mistral_large_releases_stay_apart(full: Full) -> None:
    """The February 2024 API model and the open-weights Large 2 (2407) are two models; Epoch's
    "Mistral Large 2" (2024-07-24) is the 2407 release, placed by its month."""
    names = ("mistral-large-2402", "mistral-large-2407", "Mistral Large 2")
    assert len({full.model(name).id for name in names[:2]}) == 2
    assert full.model(names[2]).id == full.model(names[1]).id


def test_two_models_named_calm_stay_apart(full: Full) -> None:
    nvidia, oxford = full.model("CALM (NVIDIA)"), full.model("CaLM (University of Oxford)")
    assert nvidia.id != oxford.id
    orgs = full.rows(
        "SELECT m.name, o.slug FROM models m JOIN organizations o ON o.id = m.organization_id"
        " WHERE m.id IN (:a, :b) ORDER BY m.name",
        a=nvidia.id,
        b=oxford.id,
    )
    assert orgs == [
        ("CALM (NVIDIA)", "nvidia"),
        ("CaLM (University of Oxford)", "university-of-oxford"),
    ]


def test_the_whisper_api_is_not_the_open_weights_whisper(full: Full) -> None:
    api, weights = full.model("whisper-1"), full.model("Whisper")
    assert api.id != weights.id
    assert weights.open_weights is True
    assert api.open_weights is not True


def test_no_two_ids_a_listing_names_apart_are_one_model(full: Full) -> None:
    """The invariant behind every split above: a listing (a maker's own entries in one data set,
    or one provider's) names each model once, so two ids it names are two models unless the
    data links them (a base_model, a dated snapshot of the id)."""
    assert SHARED is not None
    listed, links = maker_listed(SHARED)
    names = dict(
        full.rows(
            "SELECT lower(slug), id FROM models UNION ALL"
            " SELECT lower(alias), model_id FROM model_aliases"
        )
    )
    assert len(listed) > 4000
    assert sum(1 for item in listed if item.name.lower() in names) > 3500  # they resolve
    slugs = dict(full.rows("SELECT id, slug FROM models"))
    merged = {slugs[model]: ids for model, ids in collapsed(listed, links, names).items()}
    print(f"{len(listed)} maker-listed ids; models holding two a listing names apart: {merged}")
    assert merged == {}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gpt-3.5-turbo-instruct", "gpt-3.5-turbo"),  # OpenAI lists both: a tuning suffix kept
        ("gemini-3.1-pro-preview-customtools", "gemini-3.1-pro-preview"),  # Google's lab: both
        ("claude-sonnet-4-20250514", "claude-sonnet-4-0"),  # Anthropic's lab lists both
        ("grok-4-0709", "grok-4"),  # xAI's own API lists both (a name does not join them)
        ("gemini-2.0-flash-001", "gemini-2.0-flash"),  # Google's Gemini API lists both
        # Fireworks serves Mixtral's base weights and the instruct model as two routes
        (
            "fireworks_ai/accounts/fireworks/models/mixtral-8x7b",
            "fireworks_ai/accounts/fireworks/models/mixtral-8x7b-instruct",
        ),
    ],
)
def test_ids_a_listing_names_apart_are_two_models(full: Full, a: str, b: str) -> None:
    assert full.model(a).id != full.model(b).id


def test_gpt_3_5_turbo_instruct_shows_its_own_facts(full: Full) -> None:
    instruct, chat = full.model("gpt-3.5-turbo-instruct"), full.model("gpt-3.5-turbo")
    assert (instruct.context_window, chat.context_window) == (8192, 16385)
    assert "Instruct" in instruct.name


def test_a_tuning_variant_no_listing_names_apart_is_one_model(full: Full) -> None:
    """Epoch's "Llama 3.1-405B" is the instruct model the APIs serve (no listing names the
    base weights apart); Epoch's "Qwen2.5-72B" is not: Fireworks serves both weights."""
    assert full.model("Llama 3.1-405B").id == full.model("llama-3.1-405b-instruct").id
    qwen_base = full.model("fireworks_ai/accounts/fireworks/models/qwen2p5-72b")
    assert full.model("Qwen2.5-72B").id == qwen_base.id != full.model("qwen2.5-72b-instruct").id
    # a name too: Groq's "llama-3.1-8b-instant", named "Llama 3.1 8B"
    assert full.model("groq/llama-3.1-8b-instant").id == full.model("llama-3.1-8b-instruct").id
    phi = full.model("azure/phi-4-mini")  # Azure's id; GitHub Models says "-instruct"
    assert phi.id == full.model("github-models/microsoft/phi-4-mini-instruct").id


def test_greek_letters_are_kept() -> None:
    from service.catalog.identity import model_key

    assert model_key("τ-bench", route=False) != model_key("bench", route=False)
    assert model_key("α-model", route=False) != model_key("β-model", route=False)


# --- identity: one model answers to all its names --------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        [
            "claude-3.7-sonnet",
            "claude-sonnet-3.7",
            "databricks-claude-3-7-sonnet",
            "claude-3-7-sonnet-20250219",
        ],
        ["glm-4.5", "glm-4p5", "deepinfra/zai-org/GLM-4.5", "zhipuai/glm-4.5"],
        [
            "llama-3.1-405b-instruct",
            "Meta-Llama-3.1-405B-Instruct",
            "fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct",
            "Llama 3.1-405B",
        ],
        ["gpt-4o", "azure-gpt-4o", "azure/gpt-4o", "openrouter/openai/gpt-4o", "GPT-4o"],
        ["claude-3-5-sonnet-20241022", "anthropic.claude-3-5-sonnet-20241022-v2:0"],
    ],
)
def test_every_name_of_one_model_resolves_to_it(full: Full, names: list[str]) -> None:
    ids = {name: full.model(name).id for name in names}
    assert len(set(ids.values())) == 1, ids


def test_standard_api_ids_resolve(full: Full) -> None:
    for name in ("claude-3-5-sonnet-20241022", "qwen2.5-72b-instruct", "gpt-4o-mini"):
        assert full.model(name).organization_id is not None, name
    assert full.model("azure-gpt-4o").organization_id is not None


def test_every_route_of_the_files_resolves(full: Full) -> None:
    """Each route a models.dev or LiteLLM record names is a slug or an alias."""
    assert SHARED is not None
    parsed = litellm.parse(SHARED / "litellm" / "model_prices_and_context_window.json")
    undated = {line.split(" (could be")[0].lower() for line in full.reports[1].identity.releases}
    routes = {
        name.lower()
        for record in parsed.records
        if record.external_id.lower() not in undated
        for name in record.names
    }
    known = {
        name
        for (name,) in full.rows(
            "SELECT lower(slug) FROM models UNION SELECT lower(alias) FROM model_aliases"
        )
    }
    assert not sorted(routes - known)[:10]


# --- the maker's facts come from the maker ---------------------------------------------------


def test_facts_are_claimed_only_from_the_makers_own_entries(full: Full) -> None:
    """A models.dev or LiteLLM claim of a maker's fact names a route of the maker itself."""
    rows = full.rows(
        "SELECT c.external_id, o.slug, s.slug, c.field FROM fact_claims c"
        " JOIN models m ON m.id = c.model_id"
        " JOIN organizations o ON o.id = m.organization_id JOIN sources s ON s.id = c.source_id"
        " WHERE s.slug IN ('models-dev', 'litellm') AND c.field IN"
        " ('context_window', 'open_weights', 'release_date', 'status', 'input_modalities')"
    )
    assert len(rows) > 500
    strangers = []
    for route, maker, source, name in rows:
        first = route.split("/", 1)[0] if "/" in route else None
        if source == "litellm" and first is None:
            continue  # a bare LiteLLM id is the maker's own API (gpt-4o: provider openai)
        host = "google" if (first or "").startswith("vertex_ai") else org_slug(first or "")
        if company_of(host) != company_of(maker):  # GitHub Models is Microsoft's
            strangers.append((route, maker, name))
    assert not strangers[:10], strangers[:10]


def test_resellers_facts_do_not_become_the_models(full: Full) -> None:
    deepseek = full.model("deepseek-v3")
    assert deepseek.open_weights is True
    llama = full.model("llama-3.2-1b")
    assert llama.open_weights is True
    assert str(llama.release_date) != "2025-04-03"  # Cloudflare's listing date
    previews = full.value(
        "SELECT count(*) FROM models m WHERE m.status = 'preview' AND NOT EXISTS ("
        " SELECT 1 FROM fact_claims c WHERE c.model_id = m.id AND c.field = 'status')"
    )
    assert previews == 0


def test_the_host_is_not_the_maker(full: Full) -> None:
    makers = dict(
        full.rows(
            "SELECT m.slug, o.slug FROM models m JOIN organizations o ON o.id = m.organization_id"
            " WHERE m.slug IN ('flux.1-dev', 'bge-m3', 'nova-3-general')"
        )
    )
    assert makers == {
        "flux.1-dev": "black-forest-labs",
        "bge-m3": "baai",
        "nova-3-general": "deepgram",
    }
    hosted = full.rows(
        "SELECT c.external_id FROM fact_claims c JOIN models m ON m.id = c.model_id"
        " JOIN organizations o ON o.id = m.organization_id"
        " WHERE c.field = 'organization' AND c.external_id ~ '^nvidia/[^/]+/'"
        " AND c.external_id !~ '^nvidia/nvidia/' AND o.slug = 'nvidia'"
    )
    assert SHARED is not None
    labs = SHARED / "models.dev" / "models" / "nvidia"
    # models.dev files Mistral-NeMotron under NVIDIA's own lab folder: NVIDIA is its maker
    hosted = [(r,) for (r,) in hosted if not (labs / f"{r.rsplit('/', 1)[-1]}.toml").exists()]
    assert hosted == [], hosted


# --- offers ------------------------------------------------------------------------------------


def test_gpt_4o_is_offered_by_many_providers_at_their_own_prices(full: Full) -> None:
    offers = full.rows(
        "SELECT o.slug, f.route, f.input_per_mtok FROM offers f"
        " JOIN organizations o ON o.id = f.provider_id JOIN models m ON m.id = f.model_id"
        " WHERE m.slug = 'gpt-4o' ORDER BY 1, 2"
    )
    providers = {slug for slug, _, _ in offers}
    assert {"openai", "microsoft", "openrouter"} <= providers
    assert len(providers) >= 8
    assert all(price is None or price >= 0 for _, _, price in offers)


def test_most_models_of_the_api_catalogs_have_a_price_or_an_offer(full: Full) -> None:
    api_models, priced = full.rows(
        "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM prices p"
        " WHERE p.model_id = m.id) OR EXISTS (SELECT 1 FROM offers f WHERE f.model_id = m.id"
        " AND (f.input_per_mtok IS NOT NULL OR f.output_per_mtok IS NOT NULL)))"
        " FROM models m WHERE EXISTS (SELECT 1 FROM fact_claims c JOIN sources s"
        " ON s.id = c.source_id WHERE c.model_id = m.id AND s.slug IN ('models-dev', 'litellm'))"
    )[0]
    # before issue 10: 567 of 2,311 (the maker's price only); ~0.84 while a $0 placeholder
    # counted as a price, 1,635 of 2,181 since (a zero is a price only where the listing says
    # free: NVIDIA's trial catalogue and Meta's Llama API price nothing)
    assert priced / api_models > 0.7, (priced, api_models)


def test_a_hosts_free_trial_is_its_offer_not_the_models_price(full: Full) -> None:
    """NVIDIA's free trial of FLUX.1-dev is NVIDIA's offer; the model has no price of its own
    (Black Forest Labs lists none), so $0.00 cannot win "cheaper" as the model's price."""
    flux = full.model("flux.1-dev")
    assert full.value("SELECT count(*) FROM prices WHERE model_id = :id", id=flux.id) == 0
    offers = full.rows(
        "SELECT o.slug, f.input_per_mtok FROM offers f JOIN organizations o"
        " ON o.id = f.provider_id WHERE f.model_id = :id AND o.slug = 'nvidia'",
        id=flux.id,
    )
    assert offers and all(price in (None, 0) for _, price in offers)


# --- what is not a model, and what is not a fact --------------------------------------------


def test_pricing_tiers_routers_and_containers_are_not_models(full: Full) -> None:
    names = [
        "fireworks-ai-4.1b-to-16b",
        "together-ai-21.1b-41b",
        "auto",
        "azure/container",
        "openrouter/openrouter/auto",
        "azure/model-router",
    ]
    found = full.rows(
        "SELECT slug FROM models WHERE slug = ANY(:names) UNION"
        " SELECT alias FROM model_aliases WHERE lower(alias) = ANY(:names)",
        names=names,
    )
    assert found == []
    skipped = [s.reason for report in full.reports[:2] for s in report.skipped]
    assert any("pricing tier" in reason for reason in skipped)
    assert any("router" in reason for reason in skipped)


def test_a_context_window_of_zero_is_not_known(full: Full) -> None:
    assert full.value("SELECT count(*) FROM models WHERE context_window = 0") == 0
    assert full.value("SELECT count(*) FROM offers WHERE context_window = 0") == 0


# --- organizations --------------------------------------------------------------------------


def test_one_organization_per_company_with_proper_names(full: Full) -> None:
    names = dict(full.rows("SELECT slug, name FROM organizations"))
    for duplicate in (
        "google-ai",
        "google-cloud",
        "ibm-research",
        "microsoft-research-asia",
        "google-deepmind",
        "meta-ai",
    ):
        assert duplicate not in names, duplicate
    assert names["ai21"] == "AI21 Labs"
    assert names["bytedance"] == "ByteDance"
    assert (
        full.value(
            "SELECT count(*) FROM (SELECT lower(name) FROM organizations GROUP BY 1"
            " HAVING count(*) > 1) d"
        )
        == 0
    )
    aliases = {
        a
        for (a,) in full.rows(
            "SELECT a.alias FROM organization_aliases a JOIN organizations o"
            " ON o.id = a.organization_id WHERE o.slug = 'google'"
        )
    }
    assert {"google deepmind", "google ai", "google cloud"} <= aliases


# --- conflicts and filled unknowns ------------------------------------------------------------


def test_rounding_and_a_day_apart_are_not_conflicts(full: Full) -> None:
    from datetime import date

    from service.importers.conflicts import tokens_agree

    windows = full.rows(
        "SELECT value, chosen_value FROM fact_conflicts WHERE field = 'context_window'"
        " AND chosen_by NOT LIKE 'the maker''s own entries in %'"  # disputes: several values
        " AND chosen_value <> 'unknown'"  # a contradicted cloud: no value shown
    )
    assert not [w for w in windows if tokens_agree(int(w[0]), int(w[1]))]
    dates = full.rows(
        "SELECT value, chosen_value FROM fact_conflicts WHERE field = 'release_date'"
        " AND length(value) = 10 AND length(chosen_value) = 10 AND chosen_value <> 'unknown'"
        " AND chosen_by NOT LIKE 'the maker''s own entries in %'"
    )
    assert dates
    assert not [
        d for d in dates if abs((date.fromisoformat(d[0]) - date.fromisoformat(d[1])).days) <= 1
    ]


def test_a_curated_unknown_is_filled_by_the_makers_file(full: Full) -> None:
    gpt51 = full.model("gpt-5.1")
    assert (gpt51.context_window, gpt51.context_window_state) == (400000, "known")
    assert gpt51.open_weights is False
    cited = full.rows(
        "SELECT c.field, s.slug FROM model_citations c JOIN sources s ON s.id = c.source_id"
        " WHERE c.model_id = :id AND c.field IN ('context_window', 'open_weights') ORDER BY 1",
        id=gpt51.id,
    )
    assert cited == [("context_window", "models-dev"), ("open_weights", "models-dev")]


def test_seeding_after_the_imports_changes_nothing(full: Full) -> None:
    log = seed_catalog(full.engine, SEED_DIR, dry_run=True)
    assert not log.changes, [str(c) for c in log.changes][:5]


def test_a_second_import_changes_nothing(full: Full) -> None:
    assert SHARED is not None
    parse, path = _files(SHARED)[1]
    again = import_file(full.engine, parse, path, dry_run=True)  # type: ignore[arg-type]
    assert not again.log.changes, [str(c) for c in again.log.changes][:5]


# --- the listing -----------------------------------------------------------------------------


def test_research_results_are_marked_and_the_listing_opens_on_usable_models(full: Full) -> None:
    assert full.model("$\\infty$-former (SM)").research_only is True
    assert full.model("gpt-4o").research_only is False
    assert full.model("Llama 3.1-405B").research_only is False  # open weights
    newest = full.rows(
        "SELECT slug, release_date FROM models WHERE NOT research_only"
        " AND release_date IS NOT NULL ORDER BY release_date DESC, id LIMIT 20"
    )
    assert all(day.year >= 2025 for _, day in newest), newest


def test_the_report_gives_the_shares(full: Full) -> None:
    report = catalog_report(full.engine)
    assert report.models > 4000
    assert report.with_organization / report.models > 0.8
    assert report.with_price_or_priced_offer / report.models > 0.35
    assert report.context_window_zero == 0
    assert report.offers > 5000


# --- issue 10's remainder: the named cases on the real data ------------------------------------


def test_phi_4s_disagreeing_microsoft_entries_state_no_context_window(full: Full) -> None:
    """models.dev's Azure entries say 128,000, GitHub Models (Microsoft's) 16,000: models.dev
    states no context window for Phi-4, records why, and LiteLLM's Azure AI figure shows."""
    phi = full.model("phi-4")
    assert phi.context_window == 16384
    (dispute,) = full.rows(
        "SELECT c.value, c.chosen_value, c.chosen_by FROM fact_conflicts c JOIN sources s"
        " ON s.id = c.source_id WHERE c.model_id = :id AND c.field = 'context_window'"
        " AND s.slug = 'models-dev'",
        id=phi.id,
    )
    assert "128000 (azure/phi-4)" in dispute[0]
    assert "16000 (github-models/microsoft/phi-4)" in dispute[0]
    assert dispute[1] == "16384" and "disagree" in dispute[2]


def test_a_clouds_figure_contradicted_by_another_data_set_is_unknown(full: Full) -> None:
    """Nova 2 Lite: models.dev's only Amazon statement is Bedrock's (a cloud serving others'
    models too), 128,000; LiteLLM's Bedrock says 1,000,000. Neither is Amazon's own entry, so
    neither outranks the other: the window is unknown and both figures are recorded."""
    nova = full.model("nova-2-lite")
    assert (nova.context_window, nova.context_window_state) == (None, "unknown")
    recorded = full.rows(
        "SELECT s.slug, c.value, c.chosen_value, c.chosen_by FROM fact_conflicts c JOIN sources s"
        " ON s.id = c.source_id WHERE c.model_id = :id AND c.field = 'context_window'"
        " ORDER BY 1",
        id=nova.id,
    )
    assert [(slug, value, shown) for slug, value, shown, _ in recorded] == [
        ("litellm", "1000000", "unknown"),
        ("models-dev", "128000", "unknown"),
    ]
    assert all("cloud of the maker's company" in why for *_, why in recorded)
    # a cloud's figure no other data set contradicts stays: Phi-4's 16,384 (LiteLLM's Azure AI)
    assert full.model("phi-4").context_window == 16384
    # the maker's own entry outranks a cloud: GPT-4o's window is OpenAI's
    assert full.model("gpt-4o").context_window == 128000


def test_no_model_imported_from_litellm_alone_is_named_after_a_route(full: Full) -> None:
    named_by_litellm_only = full.rows(
        "SELECT m.name FROM models m WHERE m.origin = 'imported' AND EXISTS (SELECT 1"
        " FROM fact_claims c JOIN sources s ON s.id = c.source_id WHERE c.model_id = m.id"
        " AND c.field = 'name' AND s.slug = 'litellm') AND NOT EXISTS (SELECT 1 FROM"
        " fact_claims c JOIN sources s ON s.id = c.source_id WHERE c.model_id = m.id"
        " AND c.field = 'name' AND s.slug <> 'litellm')"
    )
    assert len(named_by_litellm_only) > 300
    routes = [n for (n,) in named_by_litellm_only if re.search(r"[/:@]|^[a-z]+\.[a-z]", n)]
    assert routes == []
    # and the routes still find the model
    bedrock = "anthropic.claude-3-5-sonnet-20241022-v2:0"
    assert full.model(bedrock).id == full.model("claude-3-5-sonnet-20241022").id


@pytest.mark.parametrize("undated", ["claude-3.5-sonnet", "mistral-large"])
def test_an_undated_id_naming_several_releases_suggests_them(full: Full, undated: str) -> None:
    with pytest.raises(NotFoundError) as raised:
        full.model(undated)
    suggestions = raised.value.extensions["suggestions"]
    assert len(suggestions) >= 2
    assert all(dated_releases(undated, [s]) for s in suggestions)  # each a dated release of it


def test_providers_have_proper_names(full: Full) -> None:
    names = dict(full.rows("SELECT slug, name FROM organizations"))
    assert names["gmicloud"] == "GMI Cloud"
    assert "gmi" not in names  # LiteLLM's id for GMI Cloud joins it
    assert names["friendli"] == "FriendliAI"
    assert catalog_report(full.engine).named_after_id == ()


def test_release_dates_a_month_apart_across_data_sets_are_unknown(full: Full) -> None:
    """models.dev dates GPT-4 at GPT-4 Turbo's launch (2023-11-06); Epoch at GPT-4's own
    (2023-03-15). Two data sets' dates further apart than a month name different events or
    hold an error: the catalog shows no release date and records every claim, rather than
    showing one with confidence."""
    gpt4 = full.model("gpt-4")
    assert (gpt4.release_date, gpt4.release_date_precision) == (None, None)
    recorded = full.rows(
        "SELECT s.slug, c.value, c.chosen_value, c.chosen_by FROM fact_conflicts c JOIN sources s"
        " ON s.id = c.source_id WHERE c.model_id = :id AND c.field = 'release_date'"
        " ORDER BY 1",
        id=gpt4.id,
    )
    claims = {slug: value for slug, value, _, _ in recorded}
    assert claims["models-dev"] == "2023-11-06"
    assert claims["epoch-ai-all-models"] == "2023-03-15"
    assert all(shown == "unknown" and "more than a month" in why for _, _, shown, why in recorded)
    # dates a few days apart are one release seen twice: the maker's entry's date stands
    claude = full.model("claude-3-opus-20240229")
    assert str(claude.release_date) == "2024-02-29"
    # a curated date is never blanked by imports (PaliGemma: May 2024, Epoch says July)
    assert str(full.model("paligemma").release_date) == "2024-05-01"
