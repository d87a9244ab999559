"""Read routing over a real primary and two streaming standbys.

The catalog version lives where the read path will keep it (`catalog_state.version`, bumped by
every writing transaction); here each write bumps it by hand in its own transaction.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from service.config import Settings
from service.db import make_async_engine
from service.devcluster import PgCluster, Server
from service.replicas import NoDatabaseAvailable, ReplicaSet, Role, Served, Snapshot, SnapshotLost
from tests.conftest import run_apart

T = TypeVar("T")
SETTINGS = Settings(_env_file=None, db_connect_timeout=2)  # type: ignore[call-arg]
FAST_CHECKS = {"check_interval": 0.1, "check_timeout": 1.0}


@pytest.fixture(scope="module")
def catalog(pg_cluster: PgCluster) -> PgCluster:
    pg_cluster.primary.query(
        "CREATE TABLE IF NOT EXISTS catalog_state (version bigint NOT NULL);"
        "INSERT INTO catalog_state SELECT 0 WHERE NOT EXISTS (SELECT FROM catalog_state);"
        "CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text NOT NULL)"
    )
    for standby in pg_cluster.standbys:
        pg_cluster.wait_replayed(standby)
    return pg_cluster


@pytest.fixture
def cluster(catalog: PgCluster, standby_running: PgCluster) -> PgCluster:
    return standby_running


def write(cluster: PgCluster, body: str) -> int:
    """One writing transaction: a note and the version bump; returns the version it made."""
    with cluster.primary.connect() as connection, connection.transaction():
        connection.execute("INSERT INTO notes (body) VALUES (%s)", (body,))
        row = connection.execute(
            "UPDATE catalog_state SET version = version + 1 RETURNING version"
        ).fetchone()
    assert row is not None
    return int(row[0])


async def server_port(connection: AsyncConnection) -> int:
    return int((await connection.execute(text("SELECT inet_server_port()"))).scalar_one())


def has_note(body: str) -> Callable[[AsyncConnection], Awaitable[bool]]:
    async def read(connection: AsyncConnection) -> bool:
        query = text("SELECT count(*) FROM notes WHERE body = :body")
        return bool((await connection.execute(query, {"body": body})).scalar_one())

    return read


@asynccontextmanager
async def replica_set(
    cluster: PgCluster, standbys: list[Server] | None = None, **options: Any
) -> AsyncIterator[ReplicaSet]:
    primary = make_async_engine(cluster.primary.url, SETTINGS)
    replicas = [
        make_async_engine(s.url, SETTINGS)
        for s in (cluster.standbys if standbys is None else standbys)
    ]
    replica_set = ReplicaSet(primary, replicas, **{**FAST_CHECKS, **options})
    await replica_set.start()
    try:
        yield replica_set
    finally:
        await replica_set.close()
        await primary.dispose()


async def until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


def status(replica_set: ReplicaSet, server: Server) -> str:
    name = f"127.0.0.1:{server.port}/postgres"
    return next(r["status"] for r in replica_set.report()["replicas"] if r["database"] == name)


def port_of(served: Served[Any]) -> int:
    return int(served.database.split(":")[1].split("/")[0])


def run(scenario: Awaitable[T]) -> T:
    return run_apart(scenario)  # type: ignore[arg-type]


def test_without_replicas_every_read_goes_to_the_primary(cluster: PgCluster) -> None:
    async def scenario() -> None:
        async with replica_set(cluster, standbys=[]) as routing:
            assert not routing.enabled
            for min_version in (0, 10**12):
                served = await routing.read(server_port, min_version=min_version)
                assert (served.value, served.role, served.version) == (
                    cluster.primary.port,
                    Role.PRIMARY,
                    None,
                )
            assert routing.report()["replicas"] == []

    run(scenario())


def test_settings_without_replica_urls_route_to_the_primary(cluster: PgCluster) -> None:
    settings = Settings(_env_file=None, database_url=cluster.primary.url)  # type: ignore[call-arg]

    async def scenario() -> None:
        primary = make_async_engine(settings.database_url or "", settings)
        routing = ReplicaSet.from_settings(settings, primary, make_async_engine)
        await routing.start()
        assert (await routing.candidates(5))[0].engine is primary
        await routing.close()
        await primary.dispose()

    run(scenario())


def test_public_reads_go_round_robin_to_the_standbys(cluster: PgCluster) -> None:
    version = write(cluster, "round robin")
    for standby in cluster.standbys:
        cluster.wait_replayed(standby)

    async def scenario() -> None:
        async with replica_set(cluster) as routing:
            served = [await routing.read(server_port) for _ in range(6)]
            assert {s.role for s in served} == {Role.REPLICA}
            assert {s.value for s in served} == {s.port for s in cluster.standbys}
            assert all(s.version == version for s in served)
            assert all(s.value == port_of(s) for s in served)

    run(scenario())


def test_a_write_is_always_read_back_with_its_version(cluster: PgCluster) -> None:
    async def scenario() -> None:
        async with replica_set(cluster, read_your_writes_wait=0.2) as routing:
            roles = []
            for number in range(15):
                body = f"read your write {number} {time.time()}"
                version = write(cluster, body)
                served = await routing.read(has_note(body), min_version=version)
                assert served.value is True, f"write {number} not seen on {served.database}"
                assert served.version is not None and served.version >= version
                roles.append(served.role)
            # Replication here takes milliseconds: the wait lets the standbys answer.
            assert Role.REPLICA in roles

    run(scenario())


def test_a_lagging_replica_is_not_chosen_for_a_version_it_has_not_replayed(
    cluster: PgCluster,
) -> None:
    paused, other = cluster.standbys
    cluster.pause_replay(paused)
    body = f"behind {time.time()}"
    version = write(cluster, body)
    cluster.wait_replayed(other)

    async def scenario() -> None:
        async with replica_set(cluster, read_your_writes_wait=0.05) as routing:
            with_token = [await routing.read(has_note(body), min_version=version) for _ in range(8)]
            assert all(s.value for s in with_token)
            assert paused.port not in {port_of(s) for s in with_token}
            # Without a version token the paused replica still serves, its older answer
            # labelled with the older version it reflects.
            without = [await routing.read(has_note(body)) for _ in range(8)]
            on_paused = [s for s in without if port_of(s) == paused.port]
            assert on_paused and all(not s.value and s.version == version - 1 for s in on_paused)

    run(scenario())


def test_when_no_replica_has_the_version_the_primary_answers_after_the_bounded_wait(
    cluster: PgCluster,
) -> None:
    for standby in cluster.standbys:
        cluster.pause_replay(standby)
    body = f"nobody replayed {time.time()}"
    version = write(cluster, body)

    async def scenario() -> None:
        async with replica_set(cluster, read_your_writes_wait=0.3) as routing:
            started = time.monotonic()
            served = await routing.read(has_note(body), min_version=version)
            waited = time.monotonic() - started
            assert (served.role, served.value, served.version) == (Role.PRIMARY, True, version)
            assert 0.3 <= waited < 3  # the bounded wait, then one read on the primary

    run(scenario())


def test_a_waiting_read_is_served_by_the_replica_that_catches_up(cluster: PgCluster) -> None:
    for standby in cluster.standbys:
        cluster.pause_replay(standby)
    body = f"catching up {time.time()}"
    version = write(cluster, body)
    resumed = cluster.standbys[0]

    async def scenario() -> None:
        async with replica_set(cluster, read_your_writes_wait=5) as routing:
            reading = asyncio.create_task(routing.read(has_note(body), min_version=version))
            await asyncio.sleep(0.3)
            assert not reading.done()
            started = time.monotonic()
            await asyncio.to_thread(cluster.resume_replay, resumed)
            served = await reading
            assert (served.value, port_of(served)) == (True, resumed.port)
            assert time.monotonic() - started < 4  # long before the 5 s wait ran out

    run(scenario())


def test_a_replica_lagging_past_the_setting_leaves_the_rotation_and_comes_back(
    cluster: PgCluster,
) -> None:
    lagging = cluster.standbys[0]

    async def scenario() -> None:
        async with replica_set(cluster, max_lag_seconds=0.3) as routing:
            assert status(routing, lagging) == "ok"
            await asyncio.to_thread(cluster.pause_replay, lagging)
            write(cluster, f"lag {time.time()}")
            await until(lambda: status(routing, lagging) == "out of rotation", 5, "leaving")
            served = [await routing.read(server_port) for _ in range(6)]
            assert lagging.port not in {s.value for s in served}

            await asyncio.to_thread(cluster.resume_replay, lagging)
            await until(lambda: status(routing, lagging) == "ok", 5, "coming back")
            served = [await routing.read(server_port) for _ in range(6)]
            assert lagging.port in {s.value for s in served}

    run(scenario())


def test_a_standby_stopped_mid_use_costs_no_read_and_comes_back_by_itself(
    cluster: PgCluster,
) -> None:
    stopped = cluster.standbys[0]

    async def scenario() -> None:
        async with replica_set(cluster) as routing:
            served: list[Served[int]] = []
            stop = asyncio.Event()

            async def reader() -> None:
                while not stop.is_set():
                    served.append(await routing.read(server_port))

            readers = [asyncio.create_task(reader()) for _ in range(4)]
            await asyncio.sleep(0.4)
            before_stop = len(served)
            await asyncio.to_thread(cluster.stop, stopped)
            stopped_at = len(served)
            await asyncio.sleep(0.6)
            stop.set()
            await asyncio.gather(*readers)  # a reader's exception would be raised here

            assert stopped.port in {s.value for s in served[:before_stop]}
            assert len(served) > stopped_at + 10, "reads went on while the standby was down"
            assert stopped.port not in {s.value for s in served[stopped_at + 4 :]}
            assert status(routing, stopped) == "down"

            await asyncio.to_thread(cluster.start_server, stopped)
            await until(lambda: status(routing, stopped) == "ok", 5, "the standby's return")
            back = [await routing.read(server_port) for _ in range(6)]
            assert stopped.port in {s.value for s in back}

    run(scenario())


def test_a_standby_that_stops_answering_mid_read_costs_no_read(cluster: PgCluster) -> None:
    frozen = cluster.standbys[0]
    checks = {"check_interval": 0.1, "check_timeout": 0.5}

    async def scenario() -> None:
        async with replica_set(cluster, **checks) as routing:
            served: list[Served[int]] = []
            slowest = 0.0
            stop = asyncio.Event()

            async def reader() -> None:
                nonlocal slowest
                while not stop.is_set():
                    started = time.monotonic()
                    served.append(await routing.read(slow_port))
                    slowest = max(slowest, time.monotonic() - started)

            readers = [asyncio.create_task(reader()) for _ in range(4)]
            await asyncio.sleep(0.3)
            cluster.freeze(frozen)  # reads on it now hang: it never answers
            frozen_at = len(served)
            await asyncio.sleep(1.5)
            stop.set()
            # Without the routing's help a read on a frozen server hangs for minutes.
            await asyncio.wait_for(asyncio.gather(*readers), timeout=10)

            assert status(routing, frozen) == "down"
            assert len(served) > frozen_at + 10, "reads went on while the standby was frozen"
            assert frozen.port not in {s.value for s in served[frozen_at + 4 :]}
            # A read caught on the frozen standby moved on once a check found it down.
            assert slowest < checks["check_interval"] + checks["check_timeout"] + 1

            cluster.thaw(frozen)
            await until(lambda: status(routing, frozen) == "ok", 15, "the standby's return")

    run(scenario())


async def slow_port(connection: AsyncConnection) -> int:
    """A read that takes a moment, so that some are in flight when a standby freezes."""
    await connection.execute(text("SELECT pg_sleep(0.02)"))
    return await server_port(connection)


def test_with_the_primary_down_reads_go_on_from_the_replicas(cluster: PgCluster) -> None:
    body = f"before the primary stopped {time.time()}"
    version = write(cluster, body)
    for standby in cluster.standbys:
        cluster.wait_replayed(standby)

    async def scenario() -> None:
        async with replica_set(cluster) as routing:
            await asyncio.to_thread(cluster.stop, cluster.primary)
            await until(lambda: routing.report()["writes"] == "unavailable", 5, "primary down")
            assert routing.report()["reads"] == "ok" and routing.primary_down
            for min_version in (0, version):
                served = await routing.read(has_note(body), min_version=min_version)
                assert (served.role, served.value) == (Role.REPLICA, True)
            # A version no replica has, with the primary down: an error, not a stale answer.
            with pytest.raises(NoDatabaseAvailable):
                await routing.read(has_note(body), min_version=version + 1)

    run(scenario())


def test_a_replica_url_that_is_no_standby_or_has_no_catalog_stays_out_of_rotation(
    cluster: PgCluster,
) -> None:
    if not cluster.primary.query("SELECT 1 FROM pg_database WHERE datname = 'elsewhere'"):
        cluster.primary.query("CREATE DATABASE elsewhere")
    cluster.wait_replayed(cluster.standbys[0])
    wrong_database = cluster.standbys[0].url.rsplit("/", 1)[0] + "/elsewhere"

    async def scenario() -> None:
        primary = make_async_engine(cluster.primary.url, SETTINGS)
        replicas = [
            make_async_engine(cluster.primary.url, SETTINGS),  # the primary itself, by mistake
            make_async_engine(wrong_database, SETTINGS),
            make_async_engine(cluster.standbys[1].url, SETTINGS),
        ]
        routing = ReplicaSet(primary, replicas, **FAST_CHECKS)
        await routing.start()
        try:
            problems = [r.get("problem", "") for r in routing.report()["replicas"]]
            assert "not a standby" in problems[0]
            assert "cannot read its catalog version" in problems[1]
            assert problems[2] == ""
            served = {(await routing.read(server_port)).value for _ in range(4)}
            assert served == {cluster.standbys[1].port}
        finally:
            await routing.close()
            await primary.dispose()

    run(scenario())


async def backend_pid(connection: AsyncConnection) -> int:
    return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


def test_a_requests_reads_share_one_snapshot_on_one_connection(cluster: PgCluster) -> None:
    """All reads of a snapshot see its one version, even when a write lands between them."""
    body = f"one snapshot {time.time()}"

    async def scenario() -> None:
        async with replica_set(cluster) as routing:
            snapshot = await routing.snapshot()
            try:
                assert snapshot.database.role is Role.REPLICA
                first_pid = await snapshot.run(backend_pid)
                assert await snapshot.run(has_note(body)) is False
                version = write(cluster, body)
                for standby in cluster.standbys:
                    cluster.wait_replayed(standby)
                assert await snapshot.run(has_note(body)) is False  # still its version
                assert await snapshot.run(backend_pid) == first_pid
                assert snapshot.version == version - 1
            finally:
                await snapshot.close()
            after = await routing.snapshot()
            try:
                assert await after.run(has_note(body)) is True
                assert after.version == version
            finally:
                await after.close()

    run(scenario())


def test_a_snapshot_whose_replica_fails_mid_request_is_lost_and_the_read_moves_on(
    cluster: PgCluster,
) -> None:
    async def scenario() -> None:
        async with replica_set(cluster) as routing:
            snapshot = await routing.snapshot()
            try:
                assert snapshot.database.role is Role.REPLICA
                pid = await snapshot.run(backend_pid)
                standby = next(s for s in cluster.standbys if s.port == port_of_db(snapshot))
                standby.query("SELECT pg_terminate_backend(%s)", (pid,))
                with pytest.raises(SnapshotLost):
                    await snapshot.run(server_port)
                # Its other reads fail at once, without touching a database.
                with pytest.raises(SnapshotLost):
                    await snapshot.run(server_port)
            finally:
                await snapshot.close()
            assert status(routing, standby) == "down"
            # A fresh read goes to a database that serves.
            served = await routing.read(server_port)
            assert served.value != standby.port

    run(scenario())


def port_of_db(snapshot: Snapshot) -> int:
    return int(snapshot.database.name.split(":")[1].split("/")[0])
