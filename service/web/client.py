"""The web pages' only way to the data: GraphQL documents sent over HTTP to /graphql.

The documents live in queries/*.graphql, so what the pages ask is exactly what a third-party
client could send. By default the requests go in-process through the ASGI app itself, carrying
the page's request id, so one page view is one id in the logs.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from service.logging import request_context

QUERIES = Path(__file__).parent / "queries"
GRAPHQL_PATH = "/graphql"
IN_PROCESS_BASE = "http://model-catalog.internal"
TIMEOUT_SECONDS = 20.0
USER_ERROR_CODES = ("NOT_FOUND", "BAD_USER_INPUT")
UNAVAILABLE_CODE = "SERVICE_UNAVAILABLE"


@cache
def document(name: str) -> str:
    """The text of queries/<name>.graphql."""
    return (QUERIES / f"{name}.graphql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class UnknownName:
    """One name the API did not know, with the names it suggested instead."""

    name: str
    suggestions: list[str]


class ApiError(Exception):
    """The API answered with an error a user can act on (code NOT_FOUND or BAD_USER_INPUT)."""

    def __init__(self, message: str, code: str, unknown: list[UnknownName] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.unknown = unknown or []

    @property
    def not_found(self) -> bool:
        return self.code == "NOT_FOUND"


class ApiFailure(Exception):
    """The API failed in a way the reader cannot fix (masked error, bad status, no answer)."""


class ApiUnavailable(ApiFailure):
    """The API said it cannot answer now (its database is down): try again later."""


def unknown_names(extensions: dict[str, Any]) -> list[UnknownName]:
    """The unknown names and their suggestions from an error's `extensions`.

    `suggestions` is a mapping of each unknown name to its suggestions (models), or one list
    when the error names a single thing (`unknown` then holds it, if the API says).
    """
    suggestions = extensions.get("suggestions")
    unknown = [str(n) for n in extensions.get("unknown") or []]
    if isinstance(suggestions, dict):
        names = unknown or [str(n) for n in suggestions]
        return [UnknownName(n, [str(s) for s in suggestions.get(n) or []]) for n in names]
    if isinstance(suggestions, list) and len(unknown) == 1:
        return [UnknownName(unknown[0], [str(s) for s in suggestions])]
    return [UnknownName(n, []) for n in unknown]


class CatalogApi:
    """Runs named GraphQL documents against the catalog's /graphql endpoint."""

    def __init__(self, http: httpx.AsyncClient):
        self.http = http

    async def run(self, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of the document's answer; ApiError for errors a user can fix."""
        payload = {"query": document(name), "variables": variables or {}}
        try:
            response = await self.http.post(GRAPHQL_PATH, json=payload)
        except httpx.HTTPError as exc:
            raise ApiFailure(f"{name}: the API did not answer ({exc!r})") from exc
        try:
            body = response.json()
        except ValueError as exc:
            raise ApiFailure(f"{name}: HTTP {response.status_code}, not JSON") from exc
        if not isinstance(body, dict):
            raise ApiFailure(f"{name}: HTTP {response.status_code}, not a GraphQL answer")
        errors = body.get("errors") or []
        if errors:
            raise _error(name, errors)
        if response.status_code != 200 or body.get("data") is None:
            raise ApiFailure(f"{name}: HTTP {response.status_code} without data")
        data: dict[str, Any] = body["data"]
        return data


def _error(name: str, errors: list[dict[str, Any]]) -> Exception:
    codes = [(e.get("extensions") or {}).get("code") for e in errors]
    if UNAVAILABLE_CODE in codes:
        return ApiUnavailable(f"{name}: the API is unavailable")
    first = errors[0]
    extensions = first.get("extensions") or {}
    if extensions.get("code") in USER_ERROR_CODES:
        return ApiError(first.get("message", ""), extensions["code"], unknown_names(extensions))
    return ApiFailure(f"{name}: {[e.get('message') for e in errors]}")


# Read your writes on the pages: a browser that wrote through the API holds the version its
# write produced (the `catalog_version` cookie the write's answer set, or a header a script
# sends). The page passes it on to the API, so the page is read from a database that has it.
VERSION_HEADER = "X-Catalog-Version"
VERSION_COOKIE = "catalog_version"
MAX_VERSION_DIGITS = 18


def page_catalog_version(headers: Mapping[str, str], cookies: Mapping[str, str]) -> str | None:
    """The catalog version a page request carries (header first, then cookie), if any."""
    given = (headers.get(VERSION_HEADER) or cookies.get(VERSION_COOKIE) or "").strip()
    if given.isascii() and given.isdigit() and len(given) <= MAX_VERSION_DIGITS:
        return given
    return None


def in_process_client(app: FastAPI, catalog_version: str | None = None) -> httpx.AsyncClient:
    """An HTTP client whose requests are served by `app` itself, without a socket.

    Its requests carry the current request's id, so the API's log lines join the page's, and
    the catalog version the page's reader wrote, if any.
    """
    context = request_context.get()
    headers = {"X-Request-ID": context.request_id} if context else {}
    if catalog_version is not None:
        headers[VERSION_HEADER] = catalog_version
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=IN_PROCESS_BASE,
        timeout=TIMEOUT_SECONDS,
        headers=headers,
    )
