"""Two API instances (separate processes) over a primary and a streaming standby.

Instance A takes the writes, instance B reads with A's catalog version token: B must answer
with the write every time, even while the standby's replay is paused. A standby stopped while
B serves reads yields no 5xx and no error; B's /readyz notices it leave and come back.
"""

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from service.devcluster import PgCluster
from tests.conftest import eventually
from tests.replication.conftest import restore

pytestmark = pytest.mark.slow

ADMIN_TOKEN = secrets.token_urlsafe(32)
ORG_NAME = "query ($slug: String!) { organization(slug: $slug) { name } }"
ORG_NAME_UNCACHED = "query ($slug: String!) { organization(slug: $slug) { name } __typename }"
RENAME = (
    'mutation ($name: String!) { updateOrganization(slug: "openai", input: {name: $name})'
    " { __typename } }"
)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


class Instance:
    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.client = httpx.Client(base_url=self.base, timeout=10)
        self.database = env["DATABASE_URL"].rsplit("/", 1)[1]

    def wait_ready(self, timeout: float = 90) -> None:  # migrate + seed on a loaded machine
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"instance exited:\n{self.log.read_text()[-3000:]}")
            try:
                if self.client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"instance not ready:\n{self.log.read_text()[-3000:]}")

    def graphql(self, query: str, variables: dict, **headers: str) -> httpx.Response:
        return self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


Pair = tuple[PgCluster, "Instance", "Instance"]


@pytest.fixture(scope="module")
def started(pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Both instances, started once for the module (each start migrates or checks the schema)."""
    cluster = pg_cluster
    restore(cluster)
    database = f"two_instances_{os.getpid()}_{secrets.token_hex(3)}"
    cluster.primary.query(f"CREATE DATABASE {database}")
    cluster.wait_replayed(cluster.standby)
    env = {
        **os.environ,
        "DATABASE_URL": _with_database(cluster.primary.url, database),
        "DATABASE_REPLICA_URLS": _with_database(cluster.standby.url, database),
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "WRITES_ENABLED": "true",
        "REPLICA_CHECK_INTERVAL": "0.2",
        "REPLICA_CHECK_TIMEOUT": "1",
        # A write to a primary that stops answering gives up after 1.5 s, well before a
        # connection attempt would (DB_CONNECT_TIMEOUT).
        "WRITE_TIMEOUT_MS": "1500",
        "DB_CONNECT_TIMEOUT": "15",
        "LOG_LEVEL": "INFO",
    }
    log_dir = tmp_path_factory.mktemp("instances")
    running: list[Instance] = []
    try:
        a = Instance("a", env, log_dir)
        running.append(a)
        a.wait_ready()  # A migrates and seeds; B finds the catalog ready
        b = Instance("b", env, log_dir)
        running.append(b)
        b.wait_ready()
        yield cluster, a, b
    finally:
        for instance in running:
            instance.stop()
        restore(cluster)
        cluster.primary.query(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture
def instances(started: Pair) -> Iterator[Pair]:
    """The instances with every server up, streaming and replaying, before and after."""
    cluster, a, b = started
    restore(cluster)
    a.wait_ready()
    b.wait_ready()
    yield started
    restore(cluster)


RENAME_WITH_VERSION = (
    'mutation ($name: String!) { updateOrganization(slug: "openai", input: {name: $name})'
    " { ... on OrganizationResult { catalogVersion } } }"
)


def _write(a: Instance, name: str) -> int:
    response = a.graphql(RENAME, {"name": name}, authorization=f"Bearer {ADMIN_TOKEN}")
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text
    return int(response.headers["x-catalog-version"])


def _name_on(b: Instance, query: str = ORG_NAME, **headers: str) -> str:
    response = b.graphql(query, {"slug": "openai"}, **headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["organization"]["name"]


def test_a_write_through_one_instance_is_read_back_through_the_other(instances) -> None:
    cluster, a, b = instances
    for round_ in range(20):
        paused = round_ >= 10  # the standby receives the write but does not replay it
        if round_ == 10:
            cluster.pause_replay(cluster.standby)
        name = f"OpenAI rev {round_}"
        version = _write(a, name)
        assert _name_on(b, **{"x-catalog-version": str(version)}) == name
        if paused:
            # Without the token B answers from the standby, which has not replayed the
            # write: the token is what makes the read above see it (the test can fail).
            # (Another query text: the answer to the one above may be cached, rightly.)
            assert _name_on(b, ORG_NAME_UNCACHED) == "OpenAI rev 9"
    cluster.resume_replay(cluster.standby)
    cluster.wait_replayed(cluster.standby)
    # The cookie a page would set carries the token too.
    version = _write(a, "OpenAI by cookie")
    b.client.cookies.set("catalog_version", str(version))
    try:
        assert _name_on(b) == "OpenAI by cookie"
    finally:
        b.client.cookies.clear()


def _replica_status(b: Instance) -> tuple[int, str]:
    response = b.client.get("/readyz")
    return response.status_code, response.json()["databases"]["replicas"][0]["status"]


def test_a_standby_stopped_mid_load_costs_no_error_and_its_return_is_noticed(instances) -> None:
    cluster, _a, b = instances
    assert _replica_status(b) == (200, "ok")
    outcomes: list[str] = []
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=b.base, timeout=10) as client:
            while not stop.is_set():
                response = client.post(
                    "/graphql", json={"query": ORG_NAME, "variables": {"slug": "google"}}
                )
                body = response.json()
                ok = response.status_code == 200 and "errors" not in body
                outcomes.append("ok" if ok else f"{response.status_code} {response.text[:300]}")

    workers = [threading.Thread(target=load) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.5)
        cluster.stop(cluster.standby)
        eventually(lambda: _replica_status(b) == (200, "down"), "the stopped standby not seen")
        cluster.start_server(cluster.standby)
        deadline = time.monotonic() + 15
        while _replica_status(b)[1] != "ok":
            assert time.monotonic() < deadline, b.client.get("/readyz").text
            time.sleep(0.1)
        time.sleep(0.3)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    failures = [o for o in outcomes if o != "ok"]
    assert not failures, failures[:5]
    assert len(outcomes) > 50


def test_with_the_primary_down_reads_go_on_and_writes_answer_unavailable(instances) -> None:
    cluster, a, b = instances
    _write(a, "OpenAI before the outage")
    cluster.wait_replayed(cluster.standby)
    cluster.stop(cluster.primary)
    deadline = time.monotonic() + 10
    while (ready := b.client.get("/readyz")).json().get("status") != "degraded":
        assert time.monotonic() < deadline, ready.text
        time.sleep(0.1)
    assert ready.status_code == 200
    assert ready.json()["databases"]["writes"] == "unavailable"

    for _ in range(5):
        assert _name_on(b) == "OpenAI before the outage"
    response = a.graphql(RENAME, {"name": "lost"}, authorization=f"Bearer {ADMIN_TOKEN}")
    assert response.status_code == 503, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "requestId" in error["extensions"]
    assert "psycopg" not in response.text and "Traceback" not in response.text


def test_the_version_on_a_write_result_reads_the_write_back_from_the_replica(instances) -> None:
    cluster, a, b = instances
    cluster.pause_replay(cluster.standby)  # the standby has the write only once replayed
    response = a.graphql(
        RENAME_WITH_VERSION, {"name": "OpenAI by field"}, authorization=f"Bearer {ADMIN_TOKEN}"
    )
    version = response.json()["data"]["updateOrganization"]["catalogVersion"]
    assert version == int(response.headers["x-catalog-version"])
    assert _name_on(b, **{"x-catalog-version": str(version)}) == "OpenAI by field"
    assert _name_on(b, ORG_NAME_UNCACHED) != "OpenAI by field"  # the standby still lags
    # It waited for no replica: the primary answered, and the replica is not blamed.
    assert _replica_status(b) == (200, "ok")


def test_pages_forward_the_version_cookie_a_write_set(instances) -> None:
    cluster, a, b = instances
    cluster.pause_replay(cluster.standby)
    response = a.graphql(
        RENAME, {"name": "OpenAI on the page"}, authorization=f"Bearer {ADMIN_TOKEN}"
    )
    cookie = response.cookies["catalog_version"]
    assert cookie == response.headers["x-catalog-version"]
    # Without it B's page comes from the lagging standby (asked first: an answer read at the
    # newer version, once cached, rightly serves every later reader).
    without = b.client.get("/models/gpt-5.2")
    assert without.status_code == 200
    assert "OpenAI on the page" not in without.text
    # A browser sends the cookie to every port of the host: B's pages get it.
    b.client.cookies.set("catalog_version", cookie)
    try:
        with_cookie = b.client.get("/models/gpt-5.2")
    finally:
        b.client.cookies.clear()
    assert with_cookie.status_code == 200
    assert "OpenAI on the page" in with_cookie.text
    on_the_catalog = b.client.get("/models", headers={"x-catalog-version": cookie})
    assert "OpenAI on the page" in on_the_catalog.text


def _cut_standby_sessions(cluster: PgCluster, database: str) -> None:
    """End the standby's sessions that are between two reads of a request's snapshot (as a
    crash or a failover would)."""
    cluster.standby.query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid() AND state = 'idle in transaction'",
        (database,),
    )


def test_an_answer_is_one_version_while_writes_land_and_standby_sessions_are_cut(
    instances,
) -> None:
    """Two reads of one request (one organization, then the list) always agree, though
    writes land between them and the standby's sessions are cut mid-request: a request
    whose snapshot is lost runs again whole, with no error for the client."""
    cluster, a, b = instances
    database = b.database
    log_start = b.log.stat().st_size
    stop = threading.Event()
    outcomes: list[str] = []
    written: list[int] = []

    def writer() -> None:
        with httpx.Client(base_url=a.base, timeout=10) as client:
            number = 0
            while not stop.is_set():
                number += 1
                response = client.post(
                    "/graphql",
                    json={"query": RENAME, "variables": {"name": f"OpenAI {number}"}},
                    headers={"authorization": f"Bearer {ADMIN_TOKEN}"},
                )
                if response.status_code == 200:
                    written.append(number)

    def reader(worker: int) -> None:
        with httpx.Client(base_url=b.base, timeout=10) as client:
            turn = 0
            while not stop.is_set():
                turn += 1
                # A new text every time: no cached answer, every request reads.
                query = (
                    f'{{ one{worker}x{turn}: organization(slug: "openai") {{ name }}'
                    " organizations { nodes { slug name } } }"
                )
                response = client.post("/graphql", json={"query": query})
                body = response.json()
                if response.status_code != 200 or "errors" in body:
                    outcomes.append(f"{response.status_code} {response.text[:300]}")
                    continue
                data = body["data"]
                one = data[f"one{worker}x{turn}"]["name"]
                listed = next(
                    o["name"] for o in data["organizations"]["nodes"] if o["slug"] == "openai"
                )
                outcomes.append("ok" if one == listed else f"mixed: {one!r} vs {listed!r}")

    threads = [threading.Thread(target=writer)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            time.sleep(0.01)
            _cut_standby_sessions(cluster, database)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    failures = [o for o in outcomes if o != "ok"]
    assert not failures, failures[:5]
    assert len(outcomes) >= 10 and len(written) >= 3
    # The cuts did land mid-request, and those requests were answered all the same.
    log = b.log.read_bytes()[log_start:].decode(errors="replace")
    assert "lost a snapshot mid-request" in log


def test_a_write_to_a_frozen_primary_answers_unavailable_quickly_and_is_not_applied(
    instances,
) -> None:
    cluster, a, b = instances
    _write(a, "OpenAI before the freeze")
    cluster.freeze(cluster.primary)
    try:
        for attempt in range(2):  # the first waits out WRITE_TIMEOUT_MS, the next knows
            started = time.monotonic()
            response = a.graphql(RENAME, {"name": "frozen"}, authorization=f"Bearer {ADMIN_TOKEN}")
            took = time.monotonic() - started
            assert response.status_code == 503, response.text
            error = response.json()["errors"][0]
            assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert "requestId" in error["extensions"]
            assert "psycopg" not in response.text and "Traceback" not in response.text
            # Bounded by the write timeout (1.5 s), not the 15 s connect timeout.
            assert took < 10, (attempt, took)
        # Reads go on from the standby meanwhile.
        assert _name_on(b) == "OpenAI before the freeze"
    finally:
        cluster.thaw(cluster.primary)
    # Once the primary answers again, the write given up on has not landed, and writes work.
    deadline = time.monotonic() + 15
    while True:
        response = a.graphql(
            RENAME, {"name": "after the thaw"}, authorization=f"Bearer {ADMIN_TOKEN}"
        )
        if response.status_code == 200:
            break
        assert time.monotonic() < deadline, response.text
        time.sleep(0.2)
    url = _with_database(cluster.primary.url, a.database)
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM audit_log WHERE after::text LIKE %s", ('%"frozen"%',)
        ).fetchone()
    assert row == (0,)
