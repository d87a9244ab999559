"""A front end on another origin calls the API from a real browser: allowed only if listed."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from service.app import create_app
from service.config import Settings
from tests.web.live import serving

pytestmark = pytest.mark.browser

PAGE = "<!doctype html><title>front end</title><p>A page served by another site.</p>"
ASK = """async (api) => {
  try {
    const response = await fetch(api + "/graphql", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-Request-ID": "front-end-1"},
      body: JSON.stringify({query: "{ model(slug: \\"paligemma\\") { name } }"}),
    });
    const body = await response.json();
    return {ok: true, name: body.data.model.name, id: response.headers.get("X-Request-ID")};
  } catch (error) {
    return {ok: false, error: String(error)};
  }
}"""


def front_end_app() -> FastAPI:
    site = FastAPI()

    @site.get("/")
    async def page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    return site


@pytest.fixture(scope="module")
def front_end(browser: Any) -> Iterator[str]:
    """Another site: its own server and port, so its own origin (http://127.0.0.1:PORT)."""
    with serving(front_end_app()) as url:
        yield url


@pytest.fixture(scope="module")
def cors_api(engine: Engine, front_end: str) -> Iterator[str]:
    settings = Settings(_env_file=None, database_url=str(engine.url), cors_origins=front_end)  # type: ignore[call-arg]
    with serving(create_app(engine, settings)) as url:
        yield url


def _call_from(browser: Any, page_url: str, api: str) -> dict[str, Any]:
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(page_url)
        result: dict[str, Any] = tab.evaluate(ASK, api)
        return result
    finally:
        context.close()


def test_a_listed_front_end_calls_the_api(browser: Any, front_end: str, cors_api: str) -> None:
    result = _call_from(browser, front_end + "/", cors_api)
    assert result == {"ok": True, "name": "PaliGemma", "id": "front-end-1"}


def test_an_unlisted_origin_is_blocked_by_the_browser(
    browser: Any, front_end: str, cors_api: str
) -> None:
    # The same page under another host name is another origin, not listed.
    elsewhere = front_end.replace("127.0.0.1", "localhost")
    result = _call_from(browser, elsewhere + "/", cors_api)
    assert result["ok"] is False
    assert "Failed to fetch" in result["error"]


def test_without_cors_origins_no_other_origin_gets_in(
    browser: Any, front_end: str, live_url: str
) -> None:
    result = _call_from(browser, front_end + "/", live_url)
    assert result["ok"] is False
