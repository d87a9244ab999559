"""Shared pieces of the schema fuzz: scalar strategies and the per-answer checks."""

import logging
import os
from typing import Any

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from tests.hardening.conftest import LEAK_MARKERS

# CI runs 500 per test (1,333 documents in all); FUZZ_EXAMPLES=100000 runs a long local campaign.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))

_text = st.text(max_size=30) | st.sampled_from(["gpt-5.2", "paligemma", "openai", "", "\x00"])
CUSTOM_SCALARS: dict[str, Any] = {
    "BigInt": st.integers(min_value=-(2**70), max_value=2**70).map(nodes.Int)
    | st.integers().map(str).map(nodes.String)
    | _text.map(nodes.String),
    "Decimal": st.decimals(allow_nan=False, allow_infinity=False).map(str).map(nodes.String)
    | st.sampled_from(["1e100000000", "NaN", "-Infinity", "1.75", "abc"]).map(nodes.String)
    | st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    "Date": st.dates().map(str).map(nodes.String) | _text.map(nodes.String),
    "DateTime": st.datetimes().map(lambda d: d.isoformat()).map(nodes.String)
    | _text.map(nodes.String),
    "JSON": _text.map(nodes.String),
}


def check_answer(status: int, body: Any, records: list[logging.LogRecord], document: str) -> None:
    """No 5xx, no unmasked or internal error, no ERROR log line."""
    assert status < 500, (status, body, document)
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert errors == [], (errors, document)
    for error in (body or {}).get("errors") or []:
        text = str(error)
        for marker in LEAK_MARKERS:
            assert marker not in text, (error, document)
        code = (error.get("extensions") or {}).get("code")
        assert code not in ("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"), (error, document)


def printed(document: graphql.DocumentNode | str) -> str:
    return document if isinstance(document, str) else graphql.print_ast(document)
