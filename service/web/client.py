"""The web pages' only way to the data: GraphQL documents sent over HTTP to /graphql.

The documents live in queries/*.graphql, so what the pages ask is exactly what a third-party
client could send. By default the requests go in-process through the ASGI app itself.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

QUERIES = Path(__file__).parent / "queries"
GRAPHQL_PATH = "/graphql"
IN_PROCESS_BASE = "http://model-catalog.internal"
TIMEOUT_SECONDS = 20.0

_UNKNOWN_MODEL = re.compile(r"unknown model '([^']*)'(?:; did you mean ((?:'[^']*'(?: or )?)+)\?)?")


@cache
def document(name: str) -> str:
    """The text of queries/<name>.graphql."""
    return (QUERIES / f"{name}.graphql").read_text(encoding="utf-8")


class ApiError(Exception):
    """The API answered with an error a user can act on (code NOT_FOUND or BAD_USER_INPUT)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    @property
    def not_found(self) -> bool:
        return self.code == "NOT_FOUND"


class ApiFailure(Exception):
    """The API failed in a way the reader cannot fix (masked error, bad status, no answer)."""


@dataclass(frozen=True)
class UnknownName:
    """One name the API did not know, with the names it suggested instead."""

    name: str
    suggestions: list[str]


def unknown_names(message: str) -> list[UnknownName]:
    """Read "unknown model 'x'; did you mean 'y' or 'z'?" parts out of an API error message."""
    found = []
    for match in _UNKNOWN_MODEL.finditer(message):
        suggested = re.findall(r"'([^']*)'", match.group(2) or "")
        found.append(UnknownName(match.group(1), suggested))
    return found


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
        errors = body.get("errors") or []
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code")
            if code in ("NOT_FOUND", "BAD_USER_INPUT"):
                raise ApiError(first.get("message", ""), code)
            raise ApiFailure(f"{name}: {[e.get('message') for e in errors]}")
        if response.status_code != 200 or body.get("data") is None:
            raise ApiFailure(f"{name}: HTTP {response.status_code} without data")
        return body["data"]


def in_process_client(app: FastAPI) -> httpx.AsyncClient:
    """An HTTP client whose requests are served by `app` itself, without a socket."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=IN_PROCESS_BASE,
        timeout=TIMEOUT_SECONDS,
    )
