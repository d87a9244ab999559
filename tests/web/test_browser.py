"""The pages in headless Chromium against the real service on a socket; screenshots saved."""

from typing import Any

import pytest

from tests.web.conftest import PHONE, SCREENSHOTS, screenshot

pytestmark = pytest.mark.browser

PAGE = "/compare/gpt-5.2-vs-paligemma"


def _row(tab: Any, key: str) -> tuple[str, list[str]]:
    row = tab.locator(f'tr[data-key="{key}"]')
    label = row.locator("th").evaluate("th => th.firstChild.textContent.trim()")
    return label, [text.strip() for text in row.locator("td .value").all_inner_texts()]


def test_the_compare_page_shows_the_source_pages_values(page: Any) -> None:
    response = page.goto(PAGE)
    assert response.status == 200
    assert page.title() == "GPT-5.2 vs PaliGemma · model-catalog"
    assert page.locator("h1").inner_text() == "GPT-5.2 vs PaliGemma"
    assert page.locator("table.compare thead th").all_inner_texts() == [
        "Property",
        "GPT-5.2",
        "PaliGemma",
    ]
    assert _row(page, "organization") == ("Organization", ["OpenAI", "Google"])
    assert _row(page, "category") == ("Category", ["closed", "open"])
    assert _row(page, "release_date") == ("Release Date", ["Dec 2025", "May 2024"])
    assert _row(page, "context_window") == ("Context Window", ["400K", "—"])
    assert _row(page, "parameters") == ("Parameters", ["Undisclosed", "3B"])
    assert _row(page, "input_price") == ("Input $/1M", ["$1.75", "—"])
    assert _row(page, "output_price") == ("Output $/1M", ["$14.00", "—"])
    assert _row(page, "task:visual-question-answering") == (
        "Visual Question Answering",
        ["Demo", "After fine-tuning"],
    )
    assert _row(page, "task:image-classification") == ("Classification", ["Demo", "—"])
    assert _row(page, "collection:foundation-vision") == ("Foundation Vision", ["—", "Yes"])
    leader = page.locator('tr[data-key="release_date"] td.leader')
    assert leader.get_attribute("data-model") == "gpt-5.2"
    verdict = page.locator(".verdict").inner_text()
    assert "No side-by-side demo." in verdict
    assert "These models don't share enough common tasks for a side-by-side demo." in verdict
    screenshot(page, "compare-gpt-5.2-vs-paligemma")


def test_the_compare_page_fits_a_phone(page: Any) -> None:
    page.set_viewport_size(PHONE)
    page.goto(PAGE)
    # The page itself never scrolls sideways; only the table's own region does.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    region = page.locator(".table-scroll").first
    assert region.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert page.locator("#pick-a").is_visible() and page.locator("#wl-input").is_visible()
    screenshot(page, "compare-gpt-5.2-vs-paligemma-phone")


def test_the_picker_leads_to_another_pair(page: Any) -> None:
    page.goto("/models")
    page.get_by_label("First model").fill("GPT-5.2")
    page.get_by_label("Second model").fill("PaliGemma-2")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/gpt-5.2-vs-paligemma-2")
    assert page.locator("h1").inner_text() == "GPT-5.2 vs PaliGemma 2"
    assert _row(page, "release_date") == ("Release Date", ["Dec 2025", "Dec 2024"])
    assert page.get_by_label("First model").input_value() == "gpt-5.2"
    screenshot(page, "compare-gpt-5.2-vs-paligemma-2")


def test_an_unknown_model_is_a_404_page_with_suggestions(page: Any) -> None:
    response = page.goto("/compare/gpt-5.2-vs-paligema")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    assert "did you mean 'paligemma'" in page.locator("[role=alert]").inner_text()
    screenshot(page, "not-found")
    page.get_by_role("link", name="paligemma", exact=True).click()
    page.wait_for_url(f"**{PAGE}")
    assert page.locator("h1").inner_text() == "GPT-5.2 vs PaliGemma"


def test_the_reader_changes_the_workload(page: Any) -> None:
    page.goto(PAGE)
    page.get_by_label("Input tokens", exact=True).fill("2,000,000")
    page.get_by_label("Output tokens", exact=True).fill("500000")
    page.get_by_label("Cached input tokens", exact=True).fill("0")
    page.get_by_role("button", name="Update estimate").click()
    page.wait_for_url("**/compare/gpt-5.2-vs-paligemma?input=2%2C000%2C000&output=500000*")
    gpt = page.locator('table.costs tr[data-model="gpt-5.2"] td').all_inner_texts()
    assert gpt == ["$3.50", "$7.00", "$0.00", "$10.50"]
    pali = page.locator('table.costs tr[data-model="paligemma"]').inner_text()
    assert "Unknown: no price on record" in pali
    assert _row(page, "estimated_cost") == ("Estimated cost", ["$10.50", "—"])
    screenshot(page, "compare-workload")


def test_the_catalog_filters_and_leads_to_a_model(page: Any) -> None:
    page.goto("/models")
    page.get_by_label("Open or closed").select_option("open")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/models?*category=open*")
    assert page.locator("table.catalog tbody th").all_inner_texts() == ["PaliGemma"]
    screenshot(page, "catalog-open")
    page.get_by_role("link", name="PaliGemma", exact=True).click()
    page.wait_for_url("**/models/paligemma")
    assert page.locator("h1").inner_text() == "PaliGemma"
    assert page.get_by_text("“released in May 2024 by Google”").is_visible()
    screenshot(page, "model-paligemma")


def _chart_texts(tab: Any, chart: str) -> list[str]:
    return [t.strip() for t in tab.locator(f"svg#{chart} text").all_text_contents()]


def test_the_compare_page_draws_the_workload_cost(page: Any) -> None:
    page.goto(PAGE + "?input=2000000&output=500000&cached=0")
    chart = page.locator("svg#cost-chart")
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    assert page.locator("#cost-chart-title").text_content() == (
        "Estimated cost of 2,000,000 input, 500,000 output and 0 cached input tokens"
    )
    assert page.locator("#cost-chart-desc").text_content() == (
        "GPT-5.2: $10.50; PaliGemma: unknown: no price on record."
    )
    gpt = page.locator('svg#cost-chart g[data-model="gpt-5.2"]')
    assert [t.strip() for t in gpt.locator("text").all_text_contents()] == ["GPT-5.2", "$10.50"]
    # The only priced model's bar is the longest one; the unpriced model has none.
    assert gpt.locator("rect.bar").bounding_box()["width"] > 100
    assert page.locator('svg#cost-chart g[data-model="paligemma"] rect').count() == 0
    assert "unknown: no price on record" in _chart_texts(page, "cost-chart")
    screenshot(page, "compare-cost-chart")
    page.locator("#cost").screenshot(path=str(SCREENSHOTS / "compare-cost-chart-section.png"))


def test_the_cost_chart_reads_on_a_phone(page: Any) -> None:
    page.set_viewport_size(PHONE)
    page.goto(PAGE)
    chart = page.locator("svg#cost-chart")
    box = chart.bounding_box()
    assert box["width"] <= PHONE["width"]
    # Labels stay legible: the 13-unit text is drawn at 10 px or more.
    label = chart.locator("text.label").first.bounding_box()
    assert label["height"] >= 13
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "compare-cost-chart-phone")
    page.locator("#cost").screenshot(path=str(SCREENSHOTS / "compare-cost-chart-phone-section.png"))


def test_the_model_page_draws_the_price_history(page: Any) -> None:
    page.goto("/models/gpt-5.2")
    chart = page.locator("svg#price-chart")
    assert chart.is_visible()
    assert page.locator("#price-chart-title").text_content() == (
        "Price history of GPT-5.2, per 1M tokens"
    )
    desc = page.locator("#price-chart-desc").text_content()
    assert desc.startswith(
        "Input $1.75 from a date not on record; Output $14.00 from a date not on record;"
    )
    texts = _chart_texts(page, "price-chart")
    assert "$1.75" in texts and "$14.00" in texts and "date not on record" in texts
    assert "Input per 1M" in texts and "Output per 1M" in texts
    # Output is dearer: its line is drawn higher (smaller y) than input's.
    output_y = chart.locator("polyline.output").bounding_box()["y"]
    input_y = chart.locator("polyline.input").bounding_box()["y"]
    assert output_y < input_y
    screenshot(page, "model-gpt-5.2")
    page.locator("section[aria-labelledby=prices-title]").screenshot(
        path=str(SCREENSHOTS / "model-price-history-section.png")
    )


def test_a_model_without_prices_has_no_price_chart(page: Any) -> None:
    page.goto("/models/paligemma")
    assert page.locator("svg#price-chart").count() == 0
    assert page.get_by_text("No price on record.").is_visible()


def test_a_price_held_since_an_unknown_date_runs_until_today(page: Any) -> None:
    page.goto("/models/gpt-5.2")
    plot = page.locator("svg#price-chart svg").bounding_box()
    line = page.locator("svg#price-chart polyline.input").bounding_box()
    # The line spans the whole plot: from the undated start to today.
    assert line["width"] >= plot["width"] - 2


def test_an_unknown_address_is_a_page_and_the_picker_keeps_the_typo(page: Any) -> None:
    response = page.goto("/no/such/page")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    screenshot(page, "page-not-found")
    page.get_by_label("First model").fill("gpt-5.2")
    page.get_by_label("Second model").fill("paligema")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/gpt-5.2-vs-paligema")
    assert page.locator("h1").inner_text() == "Not found"
    # What the reader typed is still there to correct, with the suggestion beside it.
    assert page.get_by_label("Second model").input_value() == "paligema"
    assert page.get_by_role("link", name="paligemma", exact=True).is_visible()
    screenshot(page, "not-found-keeps-typed")
