"""GraphiQL works without internet access: its files come from this service, nothing from a CDN.

The browser may reach only the service: every request for another host is refused (and
recorded), so the test holds on a machine that could reach unpkg.com too.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import Engine

from service.app import create_app
from service.graphql import ide_assets
from tests.conftest import shared_app_settings
from tests.web.conftest import DESKTOP, _unavailable, screenshot
from tests.web.live import serving

pytestmark = pytest.mark.browser

QUERY = '{ model(slug: "paligemma") { name organization { name } } }'


@pytest.fixture(scope="session")
def fetched_assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GraphiQL's files, fetched from the npm registry the way `modelcat graphiql fetch` does."""
    root = tmp_path_factory.mktemp("graphiql-assets")
    try:
        ide_assets.fetch(root, "https://registry.npmjs.org")
    except ide_assets.AssetError as exc:
        _unavailable(f"the npm registry is needed once to fetch GraphiQL's files: {exc}")
    return root


def _ide(engine: Engine, assets: Path) -> Any:
    settings = shared_app_settings(str(engine.url), graphiql=True, graphiql_assets_dir=assets)
    return serving(create_app(engine, settings))


@pytest.fixture(scope="module")
def offline_ide(engine: Engine, fetched_assets: Path, browser: Any) -> Iterator[str]:
    with _ide(engine, fetched_assets) as url:
        yield url


def _tab_reaching_only(browser: Any, base_url: str, elsewhere: list[str]) -> Any:
    """A tab whose requests to any host but the service's are refused and listed."""
    context = browser.new_context(viewport=DESKTOP, base_url=base_url)
    own = urlsplit(base_url).netloc

    def only_the_service(route: Any) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_the_service)
    return context.new_page()


def test_graphiql_runs_a_query_with_its_files_served_here(browser: Any, offline_ide: str) -> None:
    elsewhere: list[str] = []
    tab = _tab_reaching_only(browser, offline_ide, elsewhere)
    try:
        tab.goto(f"/graphql?q={quote(QUERY)}")
        tab.locator(".graphiql-container .graphiql-query-editor").wait_for(timeout=30_000)
        tab.get_by_role("button", name="Show Documentation Explorer").click()
        tab.locator(".graphiql-doc-explorer").get_by_text("Root Types").wait_for()
        tab.get_by_role("button", name="Execute query (Ctrl-Enter)").click()
        result = tab.locator(".result-window")
        result.get_by_text('"PaliGemma"').wait_for(timeout=30_000)
        assert '"Google"' in result.inner_text()
        screenshot(tab, "graphiql-offline")
    finally:
        tab.context.close()
    assert elsewhere == []


def test_without_its_files_the_page_says_where_they_come_from(
    browser: Any, engine: Engine, tmp_path: Path
) -> None:
    elsewhere: list[str] = []
    with _ide(engine, tmp_path / "none-yet") as url:
        tab = _tab_reaching_only(browser, url, elsewhere)
        try:
            tab.goto("/graphql")
            assert "modelcat graphiql fetch" in tab.locator("#graphiql").inner_text()
            assert tab.locator(".graphiql-query-editor").count() == 0
        finally:
            tab.context.close()
    assert elsewhere and all(urlsplit(u).netloc == "unpkg.com" for u in elsewhere)
