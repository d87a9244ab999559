"""The pages with offers: the model page's offers table, compare's "Where to run it" and the
cost fallback, and the catalog's provider filter, research toggle and newest-first order."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SEED_MODELS
from tests.graphql.test_offers import offers_client  # noqa: F401  (the private offer DB)
from tests.web.conftest import table_rows


@pytest.fixture
def web(offers_client: TestClient) -> Iterator[TestClient]:  # noqa: F811
    offers_client.follow_redirects = False
    yield offers_client


def test_the_model_page_lists_offers_cheapest_first(web: TestClient) -> None:
    html = web.get("/models/gpt-5.2").text
    section = html[html.index('id="offers"') :]
    assert "Where to run it" in section
    order = [section.index(f'data-provider="{p}"') for p in ("openrouter", "openai", "azure")]
    assert order == sorted(order)
    row = section[section.index('data-provider="openrouter"') :]
    row = row[: row.index("</tr>")]
    assert "openai/gpt-5.2" in row and "$1.50" in row and "$12.00" in row and "$0.15" in row


def test_a_model_without_offers_says_so(web: TestClient) -> None:
    assert "No provider offer on record." in web.get("/models/gemma-2b").text


def test_compare_shows_where_to_run_it_and_the_cost_basis(web: TestClient) -> None:
    html = web.get("/compare/gpt-5.2-vs-paligemma").text
    rows = table_rows(html)
    assert rows["providers"] == ("Providers", ["OpenRouter, OpenAI, Microsoft Azure", "OpenRouter"])
    assert rows["cheapest_offer"][1] == [
        "$1.50 in / $12.00 out at OpenRouter",
        "$0.10 in / $0.40 out at OpenRouter",
    ]
    assert rows["list_price"][1] == ["$1.75 in / $14.00 out", "—"]
    # 1M input and 1M output tokens (the default workload) at OpenRouter: $0.50.
    assert "$0.50 (cheapest offer: OpenRouter)" in html
    assert "No list price from the maker: priced at the cheapest offer, OpenRouter" in html


def test_the_catalog_hides_research_results_until_asked(web: TestClient) -> None:
    html = web.get("/models").text
    assert 'data-model="pali-3"' not in html
    assert f"{SEED_MODELS - 1} models match." in html  # all but PaLI-3, a research result
    assert "newest first" in html
    shown = web.get("/models?research=show").text
    assert 'data-model="pali-3"' in shown and "Research result" in shown
    assert f"{SEED_MODELS} models match." in shown
    assert 'href="/models?research=show"' in html  # one click shows them
    assert 'id="research-toggle" href="/models?"' in shown  # and one hides them again


def test_the_catalog_opens_newest_first(web: TestClient) -> None:
    html = web.get("/models").text
    positions = [html.index(f'data-model="{s}"') for s in ("gpt-5.2", "paligemma-2", "paligemma")]
    assert positions == sorted(positions)


def test_the_catalog_filters_by_provider(web: TestClient) -> None:
    html = web.get("/models?provider=openrouter").text
    assert '<option value="openrouter" selected>OpenRouter (2)</option>' in html
    assert "2 models match." in html
    assert 'data-model="gpt-5.2"' in html and 'data-model="paligemma"' in html
    assert 'data-model="gemma-2b"' not in html


def test_an_unknown_provider_suggests_the_closest_as_a_link(web: TestClient) -> None:
    response = web.get("/models", params={"provider": "openruter"}, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert (
        "unknown provider &#39;openruter&#39;; did you mean &#39;openrouter&#39;?" in response.text
    )
    assert '<a href="/models?provider=openrouter">openrouter</a>' in response.text


def test_the_catalog_shows_the_cheapest_offer_where_the_maker_lists_no_price(
    web: TestClient,
) -> None:
    html = web.get("/models").text
    row = html[html.index('data-model="paligemma"') :]
    row = row[: row.index("</tr>")]
    assert "$0.10 <small>(cheapest offer)</small>" in row
    assert "$0.40 <small>(cheapest offer)</small>" in row
    assert "at OpenRouter" in row
    listed = html[html.index('data-model="gpt-5.2"') :]
    listed = listed[: listed.index("</tr>")]
    assert "$1.75" in listed and "cheapest offer" not in listed  # the maker's list price
