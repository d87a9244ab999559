"""`modelcat start` with two workers: connections opened at once spread over both workers."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import psutil

from service.config import PROJECT_ROOT
from tests.conftest import eventually
from tests.test_cli import _free_port

CONNECTIONS = 16


def _listening_workers(master: psutil.Process, port: int) -> set[int]:
    """The worker processes holding a listening socket on the port."""
    pids = set()
    for child in master.children():
        try:
            listening = [
                connection
                for connection in child.net_connections(kind="tcp")
                if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port
            ]
        except psutil.NoSuchProcess:
            continue
        if listening:
            pids.add(child.pid)
    return pids


def _accept_queue(pid: int, port: int) -> int:
    """Connections waiting in the accept queues of the listening sockets this process holds
    on the port (/proc/net/tcp gives a listening socket's queue length as its rx_queue)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    waiting = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "0A" and fields[9] in inodes:
                waiting += int(fields[4].split(":")[1], 16)
    return waiting


def _server_side_pid(workers: set[int], client: socket.socket | None) -> int | None:
    """Which worker holds the server end of this client's connection."""
    assert client is not None
    client_port = client.getsockname()[1]
    for pid in workers:
        for connection in psutil.Process(pid).net_connections(kind="tcp"):
            if connection.raddr and connection.raddr.port == client_port:
                return pid
    return None


def _ask(client: http.client.HTTPConnection) -> int:
    """One request on the kept-alive connection: its status."""
    client.request("GET", "/healthz")
    response = client.getresponse()
    response.read()
    assert not response.will_close, "the server closed a keep-alive connection"
    return response.status


def _connect(port: int) -> http.client.HTTPConnection:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    client.connect()
    return client


def test_two_workers_each_serve_some_of_sixteen_keep_alive_connections(
    seeded_db_url: str,
) -> None:
    port = _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": seeded_db_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": "2",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "start"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    clients: list[http.client.HTTPConnection] = []
    try:
        master = psutil.Process(server.pid)  # `start` execs gunicorn: same pid
        eventually(
            lambda: server.poll() is not None or len(_listening_workers(master, port)) == 2,
            "two workers did not start listening",
            seconds=90,
        )
        assert server.poll() is None, server.communicate()[0]
        workers = _listening_workers(master, port)
        # The connections arrive at once, as a load generator opens them, and the first worker
        # to wake accepts what is waiting: the workers are paused while the kernel completes all
        # sixteen handshakes, then one resumes and empties its accept queue before the other
        # resumes. With one listening socket shared by the workers, that queue held all sixteen.
        first = min(workers)
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        try:
            clients = [_connect(port) for _ in range(CONNECTIONS)]
            os.kill(first, signal.SIGCONT)
            eventually(
                lambda: _accept_queue(first, port) == 0,
                "the first worker did not accept its connections",
                seconds=10,
            )
        finally:
            for pid in workers:
                os.kill(pid, signal.SIGCONT)
        assert [_ask(client) for client in clients] == [200] * CONNECTIONS
        served_by = Counter(_server_side_pid(workers, client.sock) for client in clients)
        # A second request on each: the connections stay open (on the same worker).
        assert [_ask(client) for client in clients] == [200] * CONNECTIONS
    finally:
        for client in clients:
            client.close()
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert None not in served_by, (served_by, output)
    assert set(served_by) == workers, served_by
    assert all(count > 0 for count in served_by.values()), served_by
    assert sum(served_by.values()) == CONNECTIONS
