"""Read throughput with one API instance versus two sharing a streaming replica (wrk).

    apt-get install -y wrk
    .venv/bin/python -m bench.replica_bench [--seconds 5] [--connections 16] [--cache]

Starts a throwaway primary and standby (`service.devcluster`), migrates and seeds the primary,
then measures, in the same run: one instance reading from the primary only (the reference),
one instance (DATABASE_URL + DATABASE_REPLICA_URLS, one
worker) under `wrk -t1 -cN`, and two such instances at once, each under its own wrk with N/2
connections. Prints requests per second and the ratio two/one. By default the response cache
is off so every read reaches a database (the replica); `--cache` measures with it on.
On one machine the instances, wrk and both servers share the same cores: the ratio shows
what a second instance buys here, not what separate hosts would.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench.http_bench import MODEL_PAGE, Servers, _free_port, _need_wrk, _post, _wrk
from service.devcluster import PgCluster


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def _instance(servers: Servers, env: dict[str, str]) -> str:
    port = _free_port()
    args = [
        sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app",
        "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    servers.start(args, env, f"http://127.0.0.1:{port}/healthz")
    return f"http://127.0.0.1:{port}/graphql"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cache", action="store_true", help="keep the response cache on")
    args = parser.parse_args()
    _need_wrk()
    with PgCluster(standbys=1) as cluster, tempfile.TemporaryDirectory() as scratch:
        cluster.primary.query("CREATE DATABASE bench")
        primary = _with_database(cluster.primary.url, "bench")
        env = {**os.environ, "DATABASE_URL": primary}
        for step in (["migrate"], ["seed"]):
            subprocess.run(
                [sys.executable, "-m", "service.cli", *step],
                env=env,
                check=True,
                capture_output=True,
            )
        cluster.wait_replayed(cluster.standby)
        env = {
            "DATABASE_URL": primary,
            "DATABASE_REPLICA_URLS": _with_database(cluster.standby.url, "bench"),
            "LOG_LEVEL": "WARNING",
            "RESPONSE_CACHE_SIZE": "1024" if args.cache else "0",
            "SLOW_QUERY_MS": "0",
            "SEED_ON_START": "false",
            "METRICS_ENABLED": "false",
        }
        folder = Path(scratch)
        servers = Servers()
        try:
            # The reference, same run: one instance reading from the primary only.
            alone = _instance(servers, {**env, "DATABASE_REPLICA_URLS": ""})
            urls = [_instance(servers, env), _instance(servers, env)]
            for url in [alone, *urls]:
                _post(url, MODEL_PAGE)  # warm up: pools, caches, first imports
            primary_only = _wrk(
                alone, MODEL_PAGE, folder, seconds=args.seconds, connections=args.connections
            )
            one = _wrk(
                urls[0], MODEL_PAGE, folder, seconds=args.seconds, connections=args.connections
            )
            both: list[dict[str, float]] = []

            def run(url: str) -> None:
                both.append(
                    _wrk(
                        url,
                        MODEL_PAGE,
                        folder,
                        seconds=args.seconds,
                        connections=args.connections // 2,
                    )
                )

            threads = [threading.Thread(target=run, args=(url,)) for url in urls]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            servers.stop()
    two = sum(result["rps"] for result in both)
    cache = "on" if args.cache else "off"
    print(f"model page read, response cache {cache}, {os.cpu_count()} cores, wrk -t1")
    print(f"one instance, primary only (-c{args.connections}): {primary_only['rps']:8.0f} req/s")
    print(f"one instance  (-c{args.connections}):        {one['rps']:8.0f} req/s")
    print(f"two instances (-c{args.connections // 2} each):     {two:8.0f} req/s")
    print(f"ratio two/one: {two / one['rps']:.2f}")
    print(f"ratio one with replica / primary only: {one['rps'] / primary_only['rps']:.2f}")


if __name__ == "__main__":
    main()
