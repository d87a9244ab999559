"""The pages through the ASGI app: what a reader sees, redirects, and the error pages."""

import logging

import pytest
from fastapi.testclient import TestClient

from service.web import routes
from service.web.client import ApiFailure, CatalogTransport
from tests.conftest import SEED_MODELS
from tests.web.conftest import table_rows

PAGE = "/compare/gpt-5.2-vs-paligemma"


def test_the_compare_page_shows_the_source_pages_table(web: TestClient) -> None:
    response = web.get(PAGE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<title>GPT-5.2 vs PaliGemma · model-catalog</title>" in html
    assert "<h1>GPT-5.2 vs PaliGemma</h1>" in html
    rows = table_rows(html)
    assert rows["organization"] == ("Organization", ["OpenAI", "Google"])
    assert rows["category"] == ("Category", ["closed", "open"])
    assert rows["modality"] == ("Modality", ["multimodal", "multimodal"])
    assert rows["release_date"] == ("Release Date", ["Dec 2025", "May 2024"])
    assert rows["context_window"] == ("Context Window", ["400K", "—"])
    assert rows["parameters"] == ("Parameters", ["Undisclosed", "3B"])
    assert rows["license"] == ("License", ["Proprietary", "Custom"])
    assert rows["input_price"] == ("Input $/1M", ["$1.75", "—"])
    assert rows["output_price"] == ("Output $/1M", ["$14.00", "—"])
    assert rows["task:image-captioning"] == ("Captioning", ["Demo", "After fine-tuning"])
    assert rows["task:image-classification"] == ("Classification", ["Demo", "—"])
    assert rows["task:ocr"] == ("OCR", ["Demo", "After fine-tuning"])
    assert rows["collection:multimodal-vision"] == ("Multimodal Vision", ["Yes", "Yes"])
    assert rows["inspired_by"] == ("Inspired by", ["—", "PaLI-3"])


def test_sections_come_in_the_apis_order_with_their_sub_headings(web: TestClient) -> None:
    html = web.get(PAGE).text
    titles = ["Overview", "Pricing per 1M tokens", "Vision tasks", "Model features"]
    positions = [html.index(f'colspan="3">{title}</th>') for title in titles]
    assert positions == sorted(positions)
    assert 'colspan="3">Vision Language</th>' in html
    # A group named like its section is not repeated as a sub-heading.
    assert 'colspan="3">Model Features</th>' not in html


def test_unknown_undisclosed_differences_and_leaders_are_marked(web: TestClient) -> None:
    html = web.get(PAGE).text
    assert 'data-model="paligemma" data-state="UNKNOWN"' in html
    assert '<span class="sr-only">unknown</span>' in html
    assert 'data-model="gpt-5.2" data-state="UNDISCLOSED"' in html
    assert '<tr data-key="release_date" class="differs">' in html
    assert '<tr data-key="modality" class="">' in html
    release = html[html.index('data-key="release_date"') : html.index('data-key="context_window"')]
    assert release.count('class="leader-mark"') == 1
    assert release.index("Dec 2025") < release.index("leader-mark") < release.index("May 2024")


def test_the_demo_verdict_is_in_words(web: TestClient) -> None:
    html = web.get(PAGE).text
    assert "No side-by-side demo." in html
    assert "These models don&#39;t share enough common tasks for a side-by-side demo." in html


def test_the_page_is_accessible_markup(web: TestClient) -> None:
    html = web.get(PAGE).text
    assert '<html lang="en">' in html
    assert "<caption>GPT-5.2 vs PaliGemma, by section" in html
    assert '<th scope="col">GPT-5.2</th>' in html
    assert '<th scope="row">Organization' in html
    assert '<label for="pick-a">First model</label>' in html
    assert '<label for="wl-input">Input tokens</label>' in html
    assert '<meta name="viewport"' in html


def test_cards_show_each_models_overview(web: TestClient) -> None:
    html = web.get(PAGE).text
    assert '<article class="card" data-model="gpt-5.2">' in html
    assert "GPT-5.2 is OpenAI’s latest flagship large language model" in html
    assert "PaliGemma is a vision-language model released in May 2024 by Google" in html


def test_default_workload_is_priced(web: TestClient) -> None:
    html = web.get(PAGE).text
    assert 'value="1000000"' in html
    # 1M x $1.75 + 1M x $14.00
    assert '<td class="total">$15.75</td>' in html
    assert "Unknown: no price on record" in html


def test_the_reader_changes_the_workload(web: TestClient) -> None:
    response = web.get(PAGE, params={"input": "2,000,000", "output": "500000", "cached": "0"})
    assert response.status_code == 200
    html = response.text
    assert 'value="2,000,000"' in html
    assert "2,000,000 input, 500,000 output" in html
    assert "<td>$3.50</td>" in html and "<td>$7.00</td>" in html
    assert '<td class="total">$10.50</td>' in html
    assert table_rows(html)["estimated_cost"] == ("Estimated cost", ["$10.50", "—"])


@pytest.mark.parametrize("typed", ["abc", "-5", "1.5", "99999999999"])
def test_a_bad_workload_is_explained_next_to_the_form(web: TestClient, typed: str) -> None:
    response = web.get(PAGE, params={"input": typed})
    assert response.status_code == 400
    assert 'class="form-error" role="alert">Input tokens:' in response.text
    assert table_rows(response.text)["organization"] == ("Organization", ["OpenAI", "Google"])


def test_more_than_two_models(web: TestClient) -> None:
    response = web.get("/compare/paligemma-vs-gpt-5.2-vs-paligemma-2")
    assert response.status_code == 200
    assert "<h1>PaliGemma vs GPT-5.2 vs PaliGemma 2</h1>" in response.text
    assert "Compare PaliGemma, GPT-5.2 and PaliGemma 2 side-by-side." in response.text
    rows = table_rows(response.text)
    assert rows["release_date"] == ("Release Date", ["May 2024", "Dec 2025", "Dec 2024"])


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("/compare/GPT-5.2-vs-paligemma-3b", PAGE),
        ("/compare/gpt-5-2-vs-PaliGemma", PAGE),
        ("/compare/PaliGemma-3B-vs-gpt-5.2", "/compare/paligemma-vs-gpt-5.2"),
        ("/models/PaliGemma-3B", "/models/paligemma"),
    ],
)
def test_aliases_and_case_redirect_to_the_canonical_url(
    web: TestClient, typed: str, canonical: str
) -> None:
    response = web.get(typed)
    assert response.status_code == 301
    assert response.headers["location"] == canonical


def test_a_redirect_keeps_the_workload(web: TestClient) -> None:
    response = web.get("/compare/GPT-5.2-vs-paligemma?input=5&output=6")
    assert response.headers["location"] == f"{PAGE}?input=5&output=6"


def test_the_picker_redirects_to_the_comparison(web: TestClient) -> None:
    response = web.get("/compare", params={"a": " GPT-5.2 ", "b": "paligemma-2"})
    assert response.status_code == 303
    assert response.headers["location"] == "/compare/GPT-5.2-vs-paligemma-2"
    assert web.get(response.headers["location"]).headers["location"] == (
        "/compare/gpt-5.2-vs-paligemma-2"
    )


def test_the_picker_is_on_every_page_with_every_model(web: TestClient) -> None:
    for path in (PAGE, "/models", "/models/paligemma", "/compare"):
        html = web.get(path).text
        assert '<form class="picker" method="get" action="/compare">' in html, path
        assert '<option value="siglip-so400m">SigLIP-So400m</option>' in html, path


def test_the_picker_with_one_model_asks_for_two(web: TestClient) -> None:
    response = web.get("/compare", params={"a": "gpt-5.2", "b": ""})
    assert response.status_code == 400
    assert "Choose two models to compare." in response.text


def test_an_unknown_model_is_a_404_with_suggestions(web: TestClient) -> None:
    response = web.get("/compare/gpt-5.2-vs-paligema")
    assert response.status_code == 404
    html = response.text
    assert "unknown model &#39;paligema&#39;; did you mean &#39;paligemma&#39;" in html
    assert '<a href="/compare/gpt-5.2-vs-paligemma">paligemma</a>' in html
    assert '<a href="/compare/gpt-5.2-vs-paligemma-2">paligemma-2</a>' in html
    assert "Traceback" not in html


def test_an_unknown_model_page_is_a_404_with_suggestions(web: TestClient) -> None:
    response = web.get("/models/paligema")
    assert response.status_code == 404
    assert '<a href="/models/paligemma">paligemma</a>' in response.text


def test_a_name_nothing_resembles_says_so(web: TestClient) -> None:
    response = web.get("/compare/gpt-5.2-vs-zzzzzz")
    assert response.status_code == 404
    assert "Nothing in the catalog is close to <code>zzzzzz</code>." in response.text


def test_an_address_without_vs_is_a_404(web: TestClient) -> None:
    response = web.get("/compare/gpt-5.2")
    assert response.status_code == 404
    assert "a comparison address looks like /compare/gpt-5.2-vs-paligemma" in response.text


def test_the_same_model_twice_is_a_400_that_says_why(web: TestClient) -> None:
    response = web.get("/compare/paligemma-vs-paligemma-3b")
    assert response.status_code == 400
    assert "are the same model (paligemma); list each model once" in response.text


def test_unexpected_errors_give_a_plain_logged_500(
    web: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(self: CatalogTransport, query: str, operation_name: str, **_: object) -> None:
        raise ApiFailure(f"{operation_name}: the API did not answer")

    monkeypatch.setattr(CatalogTransport, "execute", broken)
    with caplog.at_level(logging.ERROR, logger="service.web.routes"):
        response = web.get(PAGE)
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.text
    assert "ApiFailure" not in response.text and "Traceback" not in response.text
    assert "web page /compare/gpt-5.2-vs-paligemma failed" in caplog.text
    assert "ComparePage: the API did not answer" in caplog.text


def test_the_catalog_lists_models_with_prices(web: TestClient) -> None:
    response = web.get("/models")
    assert response.status_code == 200
    assert f"{SEED_MODELS} models match." in response.text
    html = response.text
    gpt = html[html.index('data-model="gpt-5.2"') :]
    gpt = gpt[: gpt.index("</tr>")]
    assert ">GPT-5.2</a>" in gpt and "<td>$1.75</td>" in gpt and "<td>$14.00</td>" in gpt


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"category": "open"}, ["paligemma"], ["gpt-5.2"]),
        ({"category": "closed"}, ["gpt-5.2"], ["paligemma"]),
        ({"organization": "google"}, ["paligemma", "pali-3"], ["gpt-5.2"]),
        ({"task": "ocr"}, ["gpt-5.2", "paligemma"], ["siglip-so400m"]),
        ({"q": "GEMMA"}, ["paligemma", "gemma-2b"], ["gpt-5.2"]),
        ({"max_input": "2"}, ["gpt-5.2"], ["paligemma"]),
        ({"max_input": "1.5"}, [], ["gpt-5.2"]),
    ],
)
def test_the_catalog_filters(
    web: TestClient, params: dict[str, str], shown: list[str], hidden: list[str]
) -> None:
    html = web.get("/models", params=params).text
    for slug in shown:
        assert f'<tr data-model="{slug}">' in html, slug
    for slug in hidden:
        assert f'<tr data-model="{slug}">' not in html, slug


def test_the_organization_picker_offers_the_organizations_matching_what_was_typed(
    web: TestClient,
) -> None:
    html = web.get("/models").text
    picker = html[html.index('<datalist id="f-org-choices">') :]
    picker = picker[: picker.index("</datalist>")]
    assert '<option value="google">Google</option>' in picker
    assert '<option value="openai">OpenAI</option>' in picker
    typed = web.get("/models", params={"organization": "goo"}).text
    picker = typed[typed.index('<datalist id="f-org-choices">') :]
    picker = picker[: picker.index("</datalist>")]
    assert '<option value="google">Google</option>' in picker and "openai" not in picker
    assert 'name="organization" list="f-org-choices" value="goo"' in typed


def test_the_catalog_refuses_a_price_that_is_not_one(web: TestClient) -> None:
    response = web.get("/models", params={"max_input": "cheap"})
    assert response.status_code == 400
    assert "Max input $/1M: &#39;cheap&#39; is not a price." in response.text


def test_the_catalog_pages_with_cursor_links(
    web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routes, "PAGE_SIZE", 3)
    seen: list[str] = []
    url = "/models?q=a"
    for _ in range(5):
        html = web.get(url).text
        seen += [part.split('"')[0] for part in html.split('<tr data-model="')[1:]]
        if 'rel="next"' not in html:
            break
        assert "« First page" in html or url == "/models?q=a"
        url = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
        assert url.startswith("/models?q=a&after=")
    assert len(seen) == len(set(seen)) > 3


def test_the_model_page(web: TestClient) -> None:
    response = web.get("/models/paligemma")
    assert response.status_code == 200
    html = response.text
    assert "<h1>PaliGemma</h1>" in html
    assert '<th scope="row">PaliGemma 896px</th>' in html
    assert "After fine-tuning" in html
    assert 'Succeeded by <a href="/models/paligemma-2">PaliGemma 2</a>' in html
    assert "“released in May 2024 by Google”" in html
    assert "No price on record." in html


def test_the_model_page_shows_price_history(web: TestClient) -> None:
    html = web.get("/models/gpt-5.2").text
    assert "<td>$1.75</td>" in html and "<td>$14.00</td>" in html
    assert "still in force" in html


def test_home_leads_to_the_catalog(web: TestClient) -> None:
    response = web.get("/")
    assert response.status_code == 307 and response.headers["location"] == "/models"


def test_the_stylesheet_is_served(web: TestClient) -> None:
    response = web.get("/static/style.css")
    assert response.status_code == 200
    assert "@media (max-width: 720px)" in response.text


def test_the_catalog_pages_back_with_previous_links(
    web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routes, "PAGE_SIZE", 2)

    def rows(html: str) -> list[str]:
        return [part.split('"')[0] for part in html.split('<tr data-model="')[1:]]

    def link(html: str, rel: str) -> str:
        return html.split(f'rel="{rel}" href="')[1].split('"')[0].replace("&amp;", "&")

    first = web.get("/models").text
    assert 'rel="prev"' not in first
    second = web.get(link(first, "next")).text
    third = web.get(link(second, "next")).text
    back = web.get(link(third, "prev")).text
    assert rows(back) == rows(second)
    assert rows(web.get(link(back, "prev")).text) == rows(first)
