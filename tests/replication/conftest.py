"""A real primary and streaming standby (PostgreSQL's own initdb, pg_basebackup -R, pg_ctl).

One pair per test session (about a second to start); it lives in a temporary directory that
is removed, with both servers stopped, when the session ends.
"""

from collections.abc import Iterator

import pytest

from service.devcluster import PgCluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    with PgCluster(standbys=1) as cluster:
        yield cluster


@pytest.fixture
def standby_running(pg_cluster: PgCluster) -> Iterator[PgCluster]:
    """The cluster with its standby up, streaming and replaying, before and after the test."""
    _restore(pg_cluster)
    yield pg_cluster
    _restore(pg_cluster)


def _restore(cluster: PgCluster) -> None:
    standby = cluster.standby
    if not standby.answers():
        cluster.start_server(standby)
    if standby.query("SELECT pg_get_wal_replay_pause_state()") != "not paused":
        cluster.resume_replay(standby)
    cluster.wait_streaming(standby)
    cluster.wait_replayed(standby)
