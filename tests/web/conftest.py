"""The pages through the ASGI app (TestClient) and through a real browser on a live server."""

import os
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.app import create_app
from service.config import PROJECT_ROOT
from tests.conftest import shared_app_settings
from tests.web.live import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def web_app(engine: Engine) -> FastAPI:
    return create_app(engine, shared_app_settings(str(engine.url)))


@pytest.fixture(scope="session")
def web(web_app: FastAPI) -> Iterator[TestClient]:
    """A client that does not follow redirects, so tests see them."""
    with TestClient(web_app, follow_redirects=False) as client:
        yield client


class Table(HTMLParser):
    """Rows of a page's tables keyed by data-key: the row label and each cell's text."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: dict[str, tuple[str, list[str]]] = {}
        self._key: str | None = None
        self._cell: list[str] | None = None
        self._cells: list[str] = []
        self._label = ""
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("data-key"):
            self._key, self._cells, self._label = found["data-key"], [], ""
        elif self._key and tag in ("th", "td"):
            self._cell = []
        elif self._cell is not None and tag == "span":
            classes = (found.get("class") or "").split()
            # What a sighted reader sees as the value: not the marks nor screen-reader words.
            if self._skip or {"sr-only", "leader-mark", "differs-mark"} & set(classes):
                self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self._cell is not None and tag == "span" and self._skip:
            self._skip -= 1
        elif self._cell is not None and tag in ("th", "td"):
            text = " ".join("".join(self._cell).split())
            if tag == "th":
                self._label = text
            else:
                self._cells.append(text)
            self._cell = None
        elif tag == "tr" and self._key:
            self.rows[self._key] = (self._label, self._cells)
            self._key = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def table_rows(html: str) -> dict[str, tuple[str, list[str]]]:
    return Table(html).rows


def _unavailable(reason: str) -> Any:
    """In CI a missing browser is a failure, never a silent skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true, so the browser tests cannot be skipped", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(
            f"Chromium is not installed at {CHROMIUM} "
            "(install it with: apt-get update && apt-get install -y chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live_url(engine: Engine, browser: Any) -> Iterator[str]:
    """The real service over a socket, on a free port, against the shared seeded database.

    Its own app: an async engine's pool belongs to one event loop, and uvicorn runs another.
    """
    with serving(create_app(engine, shared_app_settings(str(engine.url)))) as url:
        yield url


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, base_url=live_url)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(tab: Any, name: str) -> Path:
    """Save the whole page under artifacts/screenshots/, the test run's artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
