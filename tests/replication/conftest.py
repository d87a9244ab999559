"""A real primary and two streaming standbys (PostgreSQL's initdb, pg_basebackup -R, pg_ctl).

One cluster per test session (about two seconds to start); it lives in a temporary directory
that is removed, with every server stopped, when the session ends.
"""

from collections.abc import Iterator

import pytest

from service.devcluster import PgCluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    with PgCluster(standbys=2) as cluster:
        yield cluster


@pytest.fixture
def standby_running(pg_cluster: PgCluster) -> Iterator[PgCluster]:
    """The cluster with every server up, streaming and replaying, before and after the test."""
    restore(pg_cluster)
    yield pg_cluster
    restore(pg_cluster)


def restore(cluster: PgCluster) -> None:
    for server in [cluster.primary, *cluster.standbys]:
        if (server.datadir / "postmaster.pid").exists():
            cluster.thaw(server)
    if not cluster.primary.answers():
        cluster.start_server(cluster.primary)
    for standby in cluster.standbys:
        if not standby.answers():
            cluster.start_server(standby)
        if standby.query("SELECT pg_get_wal_replay_pause_state()") != "not paused":
            cluster.resume_replay(standby)
    for standby in cluster.standbys:
        cluster.wait_streaming(standby)
        cluster.wait_replayed(standby)
