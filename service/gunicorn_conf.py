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


def on_starting(server: Any) -> None:
    """Start from empty metric files: a restarted container must not count old workers."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
