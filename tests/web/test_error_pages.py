"""Error pages on the web paths: unknown addresses, names no model has, the API unavailable."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import httpx
import pytest
from fastapi.testclient import TestClient

from service.logging import RequestContextFilter
from service.web.api_client import CatalogClient
from service.web.client import ApiUnavailable, CatalogTransport

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


class Inputs(HTMLParser):
    """The value of each <input> by id."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("id"):
            self.values[str(found["id"])] = found.get("value") or ""


def test_an_unknown_path_is_an_html_404_page_with_the_picker(web: TestClient) -> None:
    response = web.get("/no/such/page", headers=BROWSER)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.text
    assert 'id="pick-a"' in response.text and '<a href="/models">' in response.text


def test_a_plain_client_gets_the_page_too(web: TestClient) -> None:
    response = web.get("/no-such-page")  # curl's Accept: */*
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_a_client_asking_for_json_keeps_the_json_404(web: TestClient) -> None:
    response = web.get("/no-such-page", headers={"accept": "application/json"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_api_paths_keep_the_json_404(web: TestClient) -> None:
    response = web.get("/graphql/nothing", headers=BROWSER)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    "path",
    [
        "/models/gpt%00",
        "/models/gpt%01x",
        "/compare/gpt-5.2-vs-pali%00gemma",
        "/models/" + "a" * 201,
    ],
)
def test_a_name_no_model_can_have_is_a_404_not_an_error(
    web: TestClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = web.get(path, headers=BROWSER)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert "model names are plain text of up to 200 characters" in response.text
    assert "\x00" not in response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_picker_keeps_what_was_typed_on_the_not_found_page(web: TestClient) -> None:
    response = web.get("/compare", params={"a": "gpt-5.2", "b": "paligema"}, follow_redirects=True)
    assert response.status_code == 404
    assert Inputs(response.text).values == {"pick-a": "gpt-5.2", "pick-b": "paligema"}
    model = web.get("/models/paligema")
    assert Inputs(model.text).values["pick-a"] == "paligema"


def test_an_unknown_organization_in_the_catalog_filter_suggests_one(web: TestClient) -> None:
    """The catalog form again, what was typed kept, the API's hint with the suggestion as a
    link, and no model listed (not a silent "0 models match")."""
    response = web.get("/models", params={"organization": "goo", "q": "gemma"}, headers=BROWSER)
    assert response.status_code == 404
    html = response.text
    assert "unknown organization &#39;goo&#39;; did you mean &#39;google&#39;?" in html
    # The suggestion links to the same listing with it in place of the typo.
    assert '<a href="/models?q=gemma&amp;organization=google">google</a>' in html
    assert Inputs(html).values["f-org"] == "goo" and Inputs(html).values["f-q"] == "gemma"
    assert "<tr data-model=" not in html
    listing = web.get("/models?q=gemma&organization=google")
    assert listing.status_code == 200 and 'data-model="paligemma"' in listing.text


def test_an_unknown_provider_in_the_catalog_filter_says_so_on_the_form(web: TestClient) -> None:
    response = web.get("/models", params={"provider": "openruter"}, headers=BROWSER)
    assert response.status_code == 404
    assert 'class="form-error" role="alert">unknown provider &#39;openruter&#39;' in response.text
    assert 'id="f-provider"' in response.text and "<tr data-model=" not in response.text


def test_the_api_unavailable_is_a_503_page(
    web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(self: CatalogTransport, query: str, operation_name: str, **_: object) -> None:
        raise ApiUnavailable(f"{operation_name}: the API is unavailable")

    monkeypatch.setattr(CatalogTransport, "execute", down)
    for path in ("/models", "/models/paligemma", "/compare/gpt-5.2-vs-paligemma", "/nope"):
        response = web.get(path, headers=BROWSER)
        assert response.status_code == 503, path
        assert response.headers["retry-after"] == "30"
        assert "<h1>The catalog is unavailable</h1>" in response.text


def test_the_client_reads_service_unavailable_from_the_api() -> None:
    """The API's masked answer when its database is down (issue 12) becomes ApiUnavailable."""

    def answer(request: httpx.Request) -> httpx.Response:
        error = {"message": "service unavailable", "extensions": {"code": "SERVICE_UNAVAILABLE"}}
        return httpx.Response(200, json={"data": None, "errors": [error]})

    async def ask() -> None:
        transport = httpx.MockTransport(answer)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            await CatalogClient(http).picker()

    # Its own thread: an event loop another test left running here must not matter.
    with ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(ApiUnavailable):
        pool.submit(asyncio.run, ask()).result()


def test_inner_api_calls_carry_the_pages_request_id(
    web: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RequestContextFilter())
    with caplog.at_level(logging.INFO, logger="service.access"):
        response = web.get("/compare/gpt-5.2-vs-paligemma", headers={"X-Request-ID": "view-1"})
    assert response.status_code == 200
    lines = [(r.getMessage(), getattr(r, "request_id", None)) for r in caplog.records]
    assert lines == [
        ("POST /graphql 200", "view-1"),
        ("POST /graphql 200", "view-1"),
        ("GET /compare/gpt-5.2-vs-paligemma 200", "view-1"),
    ]
