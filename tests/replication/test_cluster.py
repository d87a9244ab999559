"""The harness gives a real streaming pair: writes on the primary replay on the standby."""

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from service.devcluster import PgCluster, Server, reap_abandoned
from tests.conftest import eventually


def test_a_write_on_the_primary_is_read_back_on_the_standby(standby_running: PgCluster) -> None:
    cluster = standby_running
    cluster.primary.query("CREATE TABLE IF NOT EXISTS harness_probe (id serial, note text)")
    note = f"written at {time.time()}"
    cluster.primary.query("INSERT INTO harness_probe (note) VALUES (%s)", (note,))

    cluster.wait_replayed(cluster.standby, timeout=5)

    assert cluster.standby.query("SELECT count(*) FROM harness_probe WHERE note = %s", (note,))
    assert cluster.replay_lag_bytes(cluster.standby) == 0
    assert cluster.standby.query("SELECT pg_is_in_recovery()") is True


def test_the_standby_refuses_writes(standby_running: PgCluster) -> None:
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        standby_running.standby.query("CREATE TABLE nope (id int)")


def test_paused_replay_holds_back_what_the_primary_wrote(standby_running: PgCluster) -> None:
    cluster = standby_running
    cluster.primary.query("CREATE TABLE IF NOT EXISTS paused_probe (id int)")
    cluster.wait_replayed(cluster.standby)
    cluster.pause_replay(cluster.standby)

    cluster.primary.query("INSERT INTO paused_probe VALUES (1)")
    eventually(lambda: cluster.replay_lag_bytes(cluster.standby) > 0, "no replay lag")

    assert cluster.standby.query("SELECT count(*) FROM paused_probe") == 0
    cluster.resume_replay(cluster.standby)
    cluster.wait_replayed(cluster.standby, timeout=5)
    assert cluster.standby.query("SELECT count(*) FROM paused_probe") == 1


def test_a_stopped_standby_comes_back_streaming(standby_running: PgCluster) -> None:
    cluster = standby_running
    cluster.stop(cluster.standby)
    assert not cluster.standby.answers()
    cluster.primary.query("CREATE TABLE IF NOT EXISTS while_down (id int)")
    cluster.primary.query("INSERT INTO while_down VALUES (7)")

    cluster.start_server(cluster.standby)
    cluster.wait_streaming(cluster.standby)
    cluster.wait_replayed(cluster.standby, timeout=5)

    assert cluster.standby.query("SELECT max(id) FROM while_down") == 7


def test_closing_removes_the_directory_and_stops_both_servers() -> None:
    with PgCluster(standbys=1) as cluster:
        root, servers = cluster.root, [cluster.primary, cluster.standby]
        assert all(server.answers() for server in servers)
    assert not root.exists()
    assert not any(server.answers() for server in servers)


def test_a_cluster_whose_owner_was_killed_is_stopped_and_removed_by_the_next() -> None:
    owner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from service.devcluster import PgCluster, Server, reap_abandoned\n"
            "c = PgCluster(standbys=1).start()\n"
            "print(c.root, c.primary.port, c.standby.port, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert owner.stdout is not None
    root, *ports = owner.stdout.readline().split()
    servers = [
        Server(name, Path(root), int(port), Path(root))
        for name, port in zip("ps", ports, strict=True)
    ]
    assert all(server.answers() for server in servers)
    owner.kill()
    owner.wait()

    reap_abandoned()  # what any cluster starting on the machine does first

    assert not Path(root).exists()
    deadline = time.monotonic() + 5
    while any(server.answers() for server in servers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(server.answers() for server in servers)
