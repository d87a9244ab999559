"""How fast the query cost limit refuses an expensive document, against a trivial query.

    .venv/bin/python -m bench.cost_bench [--rounds 200]

Builds a throwaway seeded database on the server given (default: the local PostgreSQL) and
sends, in-process, `{ __typename }` (the reference: no SQL), the issue's nested query refused
as QUERY_TOO_EXPENSIVE (the same document each time, then a new document each time so no
cache helps), and a page of every organization's models, run (a new document each time).
Prints medians and ratios.
"""

import argparse
import statistics
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from bench.scale_bench import _database, _drop
from service.app import create_app
from service.catalog.admin import seed_catalog
from service.config import PROJECT_ROOT, Settings, to_sqlalchemy_url
from service.db import make_engine
from service.migrate import upgrade

NESTED = (
    "{ organizations { nodes { models { nodes { organization { models { nodes { organization {"
    " models { nodes { slug %s } } } } } } } } } } }"
)
PAGES = "{ organizations { nodes { slug models(first: 5) { totalCount nodes { slug %s } } } } }"


def _median_ms(
    client: TestClient, document: Callable[[int], str], code: str | None, rounds: int
) -> float:
    samples = []
    for round_ in range(rounds + 10):
        start = time.perf_counter()
        body = client.post("/graphql", json={"query": document(round_)}).json()
        if round_ >= 10:
            samples.append(time.perf_counter() - start)
        got = body["errors"][0]["extensions"]["code"] if "errors" in body else None
        assert got == code, body
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    server = to_sqlalchemy_url(args.server)
    url = _database(server)
    try:
        upgrade(url)
        engine = make_engine(url)
        seed_catalog(engine, PROJECT_ROOT / "seed")
        with TestClient(create_app(engine, Settings(database_url=url))) as client:
            cases = [
                ("{ __typename } (reference)", lambda _: "{ __typename }", None),
                ("nested, refused, same document", lambda _: NESTED % "", "QUERY_TOO_EXPENSIVE"),
                (
                    "nested, refused, new document",
                    lambda i: NESTED % f"a{i}: name",
                    "QUERY_TOO_EXPENSIVE",
                ),
                ("organizations' pages, run", lambda i: PAGES % f"a{i}: name", None),
            ]
            reference = None
            for label, document, code in cases:
                median = _median_ms(client, document, code, args.rounds)
                reference = reference or median
                print(f"{label:<32} {median:7.2f} ms  ({median / reference:5.1f}x reference)")
        engine.dispose()
    finally:
        _drop(server, url)


if __name__ == "__main__":
    main()
