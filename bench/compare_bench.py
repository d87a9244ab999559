"""Throughput and latency of `compare` over HTTP, beside a static response of the same size.

    .venv/bin/python -m bench.compare_bench [--clients 32] [--requests 3000]

Starts the service (DATABASE_URL, or the embedded server) in a child process with one extra
route serving the compare response as fixed bytes, then loads both routes with the same
concurrent clients. The ratio, not the absolute figure, is the result: machines are shared.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

QUERY = """
query Compare($models: [String!]!) {
  compare(models: $models, workload: {inputTokens: 1000000, outputTokens: 1000000}) {
    models { slug name }
    sections { key title rows { key label differs leaders cells { model display state value } } }
    sharedTasks { slug } partialTasks { task { slug } models }
    demo { available reason } costs { model display total }
  }
}
"""
PAYLOAD = {"query": QUERY, "variables": {"models": ["gpt-5.2", "paligemma"]}}


def serve(port: int) -> None:
    import uvicorn
    from fastapi import Response
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.catalog.admin import count_models, seed_catalog
    from service.config import get_settings
    from service.db import get_engine
    from service.migrate import upgrade

    engine = get_engine()
    upgrade(str(engine.url.render_as_string(hide_password=False)))
    if count_models(engine) == 0:
        seed_catalog(engine, get_settings().seed_dir)
    app = create_app(engine)
    with TestClient(app) as client:
        body = client.post("/graphql", json=PAYLOAD).content

    @app.post("/bench/static")
    def static() -> Response:
        return Response(body, media_type="application/json")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def load(url: str, clients: int, requests: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    remaining = requests
    size = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal remaining, size
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            response = await client.post(url, json=PAYLOAD)
            latencies.append(time.perf_counter() - start)
            response.raise_for_status()
            size = len(response.content)

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        await client.post(url, json=PAYLOAD)  # warm up
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return requests / elapsed, latencies, size


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the service exited before answering")
        try:
            httpx.get(f"{base}/health", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit("the service did not start in 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="serve with RESPONSE_CACHE_SIZE=0 (every request runs the comparison)",
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, **({"RESPONSE_CACHE_SIZE": "0"} if args.no_cache else {})}
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.compare_bench", "--serve", str(port)], env=env
    )
    try:
        _wait(base, server)
        results = {}
        for name, path in (("static", "/bench/static"), ("compare", "/graphql")):
            rps, latencies, size = asyncio.run(load(base + path, args.clients, args.requests))
            cuts = statistics.quantiles(latencies, n=100)
            results[name] = (rps, cuts[49] * 1000, cuts[98] * 1000, size)
            print(
                f"{name:>8}: {rps:8.1f} req/s  p50 {cuts[49] * 1000:7.1f} ms  "
                f"p99 {cuts[98] * 1000:7.1f} ms  body {size} bytes"
            )
        static, compare = results["static"], results["compare"]
        print(
            json.dumps(
                {
                    "clients": args.clients,
                    "requests": args.requests,
                    "throughput_ratio_compare_vs_static": round(compare[0] / static[0], 3),
                    "p50_ratio": round(compare[1] / static[1], 2),
                    "p99_ratio": round(compare[2] / static[2], 2),
                }
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
