"""SIGTERM lets gunicorn's workers finish the requests in flight before the server exits."""

import os
import signal
import subprocess
import sys
import threading
import time

import httpx

from service.config import PROJECT_ROOT
from tests.test_cli import _free_port


def test_a_request_in_flight_finishes_after_sigterm(seeded_db_url: str) -> None:
    port = _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": seeded_db_url,
        "PORT": str(port),
        "WORKERS": "1",
        "GRACEFUL_TIMEOUT": "20",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "python:service.gunicorn_conf"]
    server = subprocess.Popen(
        [*gunicorn, "tests.slow_app:app"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    answers: list[httpx.Response] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.2)
        in_flight = threading.Thread(
            target=lambda: answers.append(
                httpx.get(f"http://127.0.0.1:{port}/test-only/slow", timeout=30)
            )
        )
        in_flight.start()
        time.sleep(1)  # the request is now being served
        server.send_signal(signal.SIGTERM)
        in_flight.join(timeout=30)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert [(answer.status_code, answer.json()) for answer in answers] == [
        (200, {"finished": "yes"})
    ], output
    assert server.returncode == 0, output
