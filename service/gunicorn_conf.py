"""Gunicorn settings for `modelcat start`, all taken from the service's Settings.

Workers are uvicorn workers; SIGTERM lets each finish its requests in flight for up to
GRACEFUL_TIMEOUT seconds. Metrics from all workers are merged through a shared directory.
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from service.config import get_settings
from service.logging import logging_config

_settings = get_settings()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
worker_class = "uvicorn_worker.UvicornWorker"
graceful_timeout = _settings.graceful_timeout
timeout = _settings.worker_timeout
keepalive = _settings.keepalive
accesslog = None
# Worker heartbeats in memory: a container's /tmp may be a slow or read-only layer.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
logconfig_dict = logging_config(_settings)
# Set before any worker imports prometheus_client: it picks its storage at import time.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="modelcat-metrics-"))
# Each worker's connection failures, so /readyz answers for the instance (service.health's
# BOARD_DIR_ENV; not imported here, so the master loads nothing before it forks).
BOARD_DIR_ENV = "MODELCAT_READINESS_DIR"
os.environ.setdefault(BOARD_DIR_ENV, tempfile.mkdtemp(prefix="modelcat-readiness-"))


def on_starting(server: Any) -> None:
    """Start from empty metric and readiness files: a restarted container must not count
    old workers."""
    for variable in ("PROMETHEUS_MULTIPROC_DIR", BOARD_DIR_ENV):
        folder = Path(os.environ[variable])
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
    (Path(os.environ[BOARD_DIR_ENV]) / str(worker.pid)).unlink(missing_ok=True)


# Spread connections over the workers. With one listening socket shared by all workers, the
# first worker to wake accepts every connection waiting (16 keep-alive connections a load
# generator opens at once end up on one worker while the other idles). With reuse_port,
# gunicorn (24 and later) opens no shared socket: each worker binds its own SO_REUSEPORT
# socket, and the kernel balances new connections over them.
reuse_port = True
