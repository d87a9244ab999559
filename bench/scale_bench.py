"""Compare and listing latency on the two seeded models versus the full imported catalog.

    .venv/bin/python -m bench.scale_bench [--rounds 200]

Builds two throwaway databases on DATABASE_URL's server (default: the local PostgreSQL):
the seed alone, and the seed plus models.dev, LiteLLM and both Epoch AI files from
../shared/data. Prints each import's time beside the time to parse its file, then the same
GraphQL requests against both catalogs, in-process, as ratios full / seed-only.
"""

import argparse
import statistics
import time
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from service.app import create_app
from service.catalog.admin import seed_catalog
from service.config import PROJECT_ROOT, Settings, to_sqlalchemy_url
from service.db import make_engine
from service.importers import epoch, litellm, models_dev
from service.importers.write import write_parsed
from service.migrate import upgrade

SHARED = PROJECT_ROOT.parent / "shared" / "data"
SOURCES = [
    ("models.dev", models_dev.parse, SHARED / "models.dev"),
    ("LiteLLM", litellm.parse, SHARED / "litellm" / "model_prices_and_context_window.json"),
    ("Epoch all", epoch.parse, SHARED / "epoch-ai-all-models" / "all_ai_models.csv"),
    (
        "Epoch notable",
        epoch.parse,
        SHARED / "epoch-ai-notable-models" / "data" / "notable_ai_models_24_02_2025.csv",
    ),
]
COMPARE = """query($m: [String!]!) { compare(models: $m, workload: {inputTokens: 1000}) {
  sections { rows { key differs leaders cells { display state value } } }
  sharedTasks { slug } demo { available reason } costs { display } } }"""
PAGE = """{ models(first: 5, orderBy: {field: INPUT_PRICE}) { totalCount
  nodes { slug organization { name } contextWindow { display } price { inputPerMtok } } } }"""


def _database(server: str) -> str:
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def _drop(server: str, url: str) -> None:
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _latency(url: str, query: str, variables: dict, rounds: int) -> tuple[float, float]:
    engine = make_engine(url)
    with TestClient(create_app(engine, Settings(database_url=url))) as client:
        for _ in range(10):
            client.post("/graphql", json={"query": query, "variables": variables})
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.post("/graphql", json={"query": query, "variables": variables})
            samples.append(time.perf_counter() - start)
            assert "errors" not in response.json(), response.json()
    engine.dispose()
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    server = to_sqlalchemy_url(args.server)
    small, full = _database(server), _database(server)
    try:
        for url in (small, full):
            upgrade(url)
            engine = make_engine(url)
            seed_catalog(engine, PROJECT_ROOT / "seed")
            engine.dispose()
        engine = make_engine(full)
        for name, parse, path in SOURCES:
            start = time.perf_counter()
            parsed = parse(Path(path), lambda n: None)
            parsing = time.perf_counter() - start
            start = time.perf_counter()
            write_parsed(engine, parsed)
            writing = time.perf_counter() - start
            print(
                f"import {name:<14} parse {parsing:6.2f} s  write {writing:6.2f} s  "
                f"(write / parse {writing / parsing:5.1f}x)"
            )
        with engine.connect() as connection:
            models = connection.execute(text("SELECT count(*) FROM models")).scalar_one()
        engine.dispose()
        print(f"catalogs: 7 models vs {models} models")
        pair = {"m": ["gpt-5.2", "paligemma"]}
        for label, query, variables in (("compare", COMPARE, pair), ("models page", PAGE, {})):
            p50_small, p99_small = _latency(small, query, variables, args.rounds)
            p50_full, p99_full = _latency(full, query, variables, args.rounds)
            print(
                f"{label:<12} seed-only p50 {p50_small:6.1f} ms p99 {p99_small:6.1f} ms | "
                f"full p50 {p50_full:6.1f} ms p99 {p99_full:6.1f} ms | "
                f"ratio p50 {p50_full / p50_small:4.2f} p99 {p99_full / p99_small:4.2f}"
            )
    finally:
        _drop(server, small)
        _drop(server, full)


if __name__ == "__main__":
    main()
