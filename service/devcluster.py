"""A throwaway PostgreSQL primary and streaming standby on loopback, for tests and benchmarks.

Built only from PostgreSQL's own tools: `initdb` makes the primary, `pg_basebackup -R` clones
it into a standby that streams from it, `pg_ctl` starts and stops both. Everything lives in one
temporary directory that `close()` removes after stopping both servers.

PostgreSQL refuses to run as root, so under root the servers run as an unprivileged OS user
(`postgres`, which Debian's packages create) and the directory is handed to that user.

    python -m service.devcluster               # start a pair, print their URLs, stop on Ctrl-C
    python -m service.devcluster --measure 500 # print the replication delay, then stop
"""

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import psycopg

from service.embedded import pid_alive

DEBIAN_BINDIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
NEEDED_TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
ROOT_FALLBACK_USER = "postgres"
DIR_PREFIX = "modelcat-pg-"
OWNER_FILE = "owner.pid"
START_TIMEOUT_S = 30
PORT_ATTEMPTS = 5

# Durability is worthless in a cluster that is deleted at the end; speed is not.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "full_page_writes": "off",
    "shared_buffers": "'32MB'",
    "max_connections": "60",
    "max_wal_senders": "5",
    "wal_level": "replica",
    "hot_standby": "on",
    "wal_receiver_status_interval": "'1s'",
    # A standby whose primary went away tries again this often (default 5 s).
    "wal_retrieve_retry_interval": "'200ms'",
    "log_min_messages": "warning",
    "log_line_prefix": "'%m [%p] '",
}


class ClusterError(RuntimeError):
    """The cluster could not be started or driven; the message says which step failed."""


def find_bindir() -> Path:
    """PG_BINDIR, else the newest Debian PostgreSQL, else the embedded server's binaries."""
    candidates: list[Path] = []
    if override := os.environ.get("PG_BINDIR"):
        candidates.append(Path(override))
    candidates.extend(DEBIAN_BINDIRS)
    with contextlib.suppress(ImportError):
        from service.embedded import pgserver  # without its runtime-dir warning

        candidates.append(Path(pgserver().__file__ or "").parent / "pginstall" / "bin")
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in NEEDED_TOOLS):
            return bindir
    raise ClusterError(
        "no PostgreSQL binaries with initdb, pg_ctl and pg_basebackup found in "
        + ", ".join(str(c) for c in candidates)
        + "; install postgresql (Debian) or set PG_BINDIR"
    )


def reap_abandoned() -> list[Path]:
    """Stop the servers and delete the directory of clusters whose owning process died.

    A test run killed before its teardown (a timeout, SIGKILL) leaves its servers running;
    the next cluster started on the machine ends them.
    """
    reaped = []
    for root in Path(tempfile.gettempdir()).glob(f"{DIR_PREFIX}*"):
        try:
            owner = int((root / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if pid_alive(owner):
            continue
        for pidfile in root.glob("*/postmaster.pid"):
            with contextlib.suppress(OSError, ValueError, ProcessLookupError, PermissionError):
                os.kill(int(pidfile.read_text().split()[0]), signal.SIGQUIT)
        shutil.rmtree(root, ignore_errors=True)
        reaped.append(root)
    return reaped


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class OsUser:
    """Who the servers run as: the caller, or an unprivileged user when the caller is root."""

    uid: int
    gid: int
    name: str

    @classmethod
    def for_servers(cls, name: str | None = None) -> Self:
        if os.geteuid() != 0:
            return cls(os.geteuid(), os.getegid(), pwd.getpwuid(os.geteuid()).pw_name)
        wanted = name or os.environ.get("PG_CLUSTER_OS_USER", ROOT_FALLBACK_USER)
        try:
            entry = pwd.getpwnam(wanted)
        except KeyError:
            raise ClusterError(
                f"running as root, PostgreSQL must run as another OS user, and {wanted!r} "
                "does not exist; create it or set PG_CLUSTER_OS_USER"
            ) from None
        return cls(entry.pw_uid, entry.pw_gid, entry.pw_name)

    @property
    def is_caller(self) -> bool:
        return self.uid == os.geteuid()

    def own(self, path: Path) -> None:
        if not self.is_caller:
            os.chown(path, self.uid, self.gid)


@dataclass
class Server:
    """One PostgreSQL server of the cluster: its data directory, port and log."""

    name: str
    datadir: Path
    port: int
    logfile: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def connect(self, timeout: float = 3) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, int(timeout)))

    def query(self, sql: str, params: Sequence[object] = ()) -> object:
        """The first column of the first row of a statement run in its own connection."""
        with self.connect() as connection:
            cursor = connection.execute(sql, params)
            row = cursor.fetchone() if cursor.description else None
            return None if row is None else row[0]

    def answers(self) -> bool:
        try:
            self.query("SELECT 1")
            return True
        except psycopg.OperationalError:
            return False


class PgCluster:
    """A primary and N streaming standbys on free loopback ports, in one temporary directory."""

    def __init__(
        self,
        *,
        standbys: int = 1,
        bindir: Path | None = None,
        os_user: str | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.bindir = bindir or find_bindir()
        self.user = OsUser.for_servers(os_user)
        self.settings = {**SERVER_SETTINGS, **(settings or {})}
        self.standby_count = standbys
        reap_abandoned()
        self.root = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
        (self.root / OWNER_FILE).write_text(str(os.getpid()))
        self.user.own(self.root)
        self.primary = Server("primary", self.root / "primary", 0, self.root / "primary.log")
        self.standbys: list[Server] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """initdb, start the primary, clone and start every standby, wait until all stream."""
        try:
            self._initdb()
            self._start_new(self.primary)
            for index in range(self.standby_count):
                standby = self._clone(f"standby{index + 1}")
                self.standbys.append(standby)
                self._start_new(standby)
            for standby in self.standbys:
                self.wait_streaming(standby)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Stop every server (fast, no checkpoint) and delete the directory."""
        for server in [*self.standbys, self.primary]:
            if (server.datadir / "postmaster.pid").exists():
                with contextlib.suppress(OSError, ValueError):
                    self.thaw(server)
                self._pg_ctl(server, "stop", "-m", "immediate", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def standby(self) -> Server:
        return self.standbys[0]

    def stop(self, server: Server, mode: str = "fast") -> None:
        """Stop one server (`fast` closes sessions cleanly, `immediate` is a crash)."""
        self._pg_ctl(server, "stop", "-m", mode)

    def start_server(self, server: Server) -> None:
        """Start a stopped server again on its port; a standby resumes streaming by itself."""
        self._pg_ctl(server, "start", "-l", str(server.logfile))

    # -- replication -----------------------------------------------------------------------

    def wait_streaming(self, standby: Server, timeout: float = START_TIMEOUT_S) -> None:
        """Block until the standby's WAL receiver streams from the primary."""
        self._wait(
            lambda: standby.query("SELECT status FROM pg_stat_wal_receiver") == "streaming",
            timeout,
            f"{standby.name} did not start streaming from the primary",
            standby,
        )

    def replay_lag_bytes(self, standby: Server) -> int:
        """How many bytes of WAL the primary has written that the standby has not replayed."""
        replayed = standby.query("SELECT pg_last_wal_replay_lsn()::text")
        lag = self.primary.query(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)::bigint", (replayed,)
        )
        if not isinstance(lag, int):
            raise ClusterError(f"no replay position for the standby on port {standby.port}")
        return max(0, lag)

    def wait_replayed(self, standby: Server, timeout: float = 10) -> float:
        """Block until the standby replayed all WAL written so far; return the seconds it took."""
        target = self.primary.query("SELECT pg_current_wal_lsn()::text")
        started = time.monotonic()
        self._wait(
            lambda: bool(standby.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))),
            timeout,
            f"{standby.name} did not replay up to {target}",
            standby,
        )
        return time.monotonic() - started

    def pause_replay(self, standby: Server) -> None:
        """The standby keeps receiving WAL but stops applying it: a lagging replica."""
        standby.query("SELECT pg_wal_replay_pause()")
        self._wait(
            lambda: standby.query("SELECT pg_get_wal_replay_pause_state()") == "paused",
            5,
            f"{standby.name} did not pause replay",
            standby,
        )

    def resume_replay(self, standby: Server) -> None:
        standby.query("SELECT pg_wal_replay_resume()")

    def freeze(self, server: Server) -> None:
        """Suspend the server's every process (SIGSTOP): it accepts TCP but never answers,
        as a host cut off by the network or stalled would.

        The postmaster stops first, so it forks no backend after its children are listed
        (one forked for a new connection in between would have gone on answering)."""
        postmaster, *children = self._processes(server)
        with contextlib.suppress(ProcessLookupError):
            os.kill(postmaster, signal.SIGSTOP)
        for pid in {*children, *self._processes(server)[1:]}:
            with contextlib.suppress(ProcessLookupError):  # it ended since it was listed
                os.kill(pid, signal.SIGSTOP)

    def thaw(self, server: Server) -> None:
        for pid in self._processes(server):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def _processes(self, server: Server) -> list[int]:
        postmaster = int((server.datadir / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                # The parent pid is the second field after the parenthesised command name.
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                    children.append(int(stat.parent.name))
        return [postmaster, *children]

    # -- internals -------------------------------------------------------------------------

    def _initdb(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.primary.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        settings = {**self.settings, "unix_socket_directories": f"'{self.root}'"}
        with (self.primary.datadir / "postgresql.conf").open("a") as conf:
            conf.write("\n# model-catalog dev cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def _clone(self, name: str) -> Server:
        standby = Server(name, self.root / name, 0, self.root / f"{name}.log")
        self._run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary.port),
            "-U",
            "postgres",
            "-D",
            str(standby.datadir),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        return standby

    def _start_new(self, server: Server) -> None:
        """Start a server on a free port, trying another port if one was taken meanwhile."""
        for _attempt in range(PORT_ATTEMPTS):
            server.port = free_port()
            with (server.datadir / "postgresql.conf").open("a") as conf:
                conf.write(f"port = {server.port}\n")
            if self._pg_ctl(server, "start", "-l", str(server.logfile), check=False) == 0:
                return
            if "could not bind" not in self.log_tail(server):
                break
        raise ClusterError(f"{server.name} did not start:\n{self.log_tail(server)}")

    def _pg_ctl(self, server: Server, action: str, *args: str, check: bool = True) -> int:
        return self._run(
            "pg_ctl", "-D", str(server.datadir), "-w", "-t", str(START_TIMEOUT_S), action, *args,
            check=check,
        )  # fmt: skip

    def _run(self, tool: str, *args: str, check: bool = True) -> int:
        """Run a PostgreSQL tool as the servers' OS user, its output kept for the error."""
        # Output goes to a file, never a pipe: a postmaster started by pg_ctl would inherit
        # the pipe and keep it open, and the read would never end.
        with tempfile.TemporaryFile("w+") as output:
            result = subprocess.run(
                [str(self.bindir / tool), *args],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.root,
                env={**os.environ, "LC_ALL": "C", "PGCONNECT_TIMEOUT": "5"},
                user=None if self.user.is_caller else self.user.uid,
                group=None if self.user.is_caller else self.user.gid,
                extra_groups=None if self.user.is_caller else [],
                check=False,
                timeout=START_TIMEOUT_S * 2,
            )
            if check and result.returncode != 0:
                output.seek(0)
                raise ClusterError(f"{tool} {' '.join(args)} failed:\n{output.read()}")
            return result.returncode

    def log_tail(self, server: Server, lines: int = 20) -> str:
        try:
            return "\n".join(server.logfile.read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _wait(
        self, done: Callable[[], object], timeout: float, failure: str, server: Server
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(psycopg.OperationalError):
                if done():
                    return
            time.sleep(0.02)
        raise ClusterError(f"{failure} within {timeout:g} s:\n{self.log_tail(server)}")


@contextlib.contextmanager
def running_cluster(standbys: int = 1) -> Iterator[PgCluster]:
    with PgCluster(standbys=standbys) as cluster:
        yield cluster


def replication_delays(cluster: PgCluster, samples: int) -> list[float]:
    """Seconds from a committed insert on the primary until a standby session sees the row."""
    cluster.primary.query("CREATE TABLE IF NOT EXISTS replication_probe (id bigint PRIMARY KEY)")
    cluster.wait_replayed(cluster.standby)
    delays = []
    with cluster.primary.connect() as primary, cluster.standby.connect() as standby:
        for probe in range(samples):
            primary.execute("INSERT INTO replication_probe VALUES (%s)", (probe,))
            committed = time.perf_counter()
            while not standby.execute(
                "SELECT 1 FROM replication_probe WHERE id = %s", (probe,)
            ).fetchone():
                pass
            delays.append(time.perf_counter() - committed)
    return delays


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--standbys", type=int, default=1, help="how many standbys (default 1)")
    parser.add_argument(
        "--measure",
        type=int,
        metavar="N",
        default=0,
        help="measure the replication delay over N writes, print it and exit",
    )
    args = parser.parse_args()
    started = time.monotonic()
    with running_cluster(args.standbys) as cluster:
        print(f"primary and standbys streaming after {time.monotonic() - started:.2f} s")
        print(f"  DATABASE_URL={cluster.primary.url}")
        print(f"  DATABASE_REPLICA_URLS={','.join(s.url for s in cluster.standbys)}")
        if args.measure:
            delays = [d * 1000 for d in replication_delays(cluster, args.measure)]
            print(
                f"replication delay over {len(delays)} writes (commit on the primary until "
                f"visible on the standby): median {statistics.median(delays):.2f} ms, "
                f"p95 {_percentile(delays, 0.95):.2f} ms, max {max(delays):.2f} ms"
            )
            return
        print(f"  data and logs in {cluster.root} (deleted on exit); Ctrl-C stops all")
        stop = False

        def _stop(*_args: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        with contextlib.suppress(KeyboardInterrupt):
            while not stop:
                time.sleep(0.5)
    print("stopped; directory removed")


if __name__ == "__main__":
    main()
