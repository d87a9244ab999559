"""The Dockerfile's recipe, carried out without Docker: lint it, build, start, probe, stop."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from service.config import PROJECT_ROOT
from service.graphql import ide_assets
from tests.dockerfile_recipe import build
from tests.test_cli import _free_port

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"

METRICS_TOKEN = "metrics-" + "m" * 32


def _hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HADOLINT), "--no-color", "--failure-threshold", "info", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_dockerfile_passes_hadolint() -> None:
    result = _hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_hadolint_flags_a_careless_dockerfile(tmp_path: Path) -> None:
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN pip install model-catalog\nCMD modelcat start\n")
    result = _hadolint(careless)
    assert result.returncode != 0
    for rule in ("DL3007", "DL3013", "DL3025"):  # latest tag, unpinned pip, shell-form CMD
        assert rule in result.stdout


@pytest.fixture
def image(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The image's filesystem, built by following the Dockerfile under a temporary `/`."""
    root = tmp_path_factory.mktemp("image-root")
    shims = tmp_path_factory.mktemp("base-image-bin")
    (shims / "python").symlink_to(sys.executable)
    (shims / "pip").symlink_to(Path(sys.executable).parent / "pip")
    return root, build(DOCKERFILE, context=PROJECT_ROOT, root=root, path_prefix=shims)


@pytest.mark.slow
def test_image_recipe_migrates_serves_and_stops_cleanly(image, empty_db_url: str) -> None:  # type: ignore[no-untyped-def]
    root, recipe = image
    venv_python = root / "opt/venv/bin/python"
    assert venv_python.exists(), "the runtime stage did not create /opt/venv"
    # Nothing of the project's source tree is used: the wheel and the copied folders are.
    site_packages = next((root / "opt/venv/lib").glob("python*/site-packages"))
    assert (site_packages / "service" / "app.py").is_file()
    assert not list(site_packages.glob("__editable__*"))
    # GraphiQL's files were fetched at build time, where the image's setting points.
    assert recipe.env["GRAPHIQL_ASSETS_DIR"] == str(root / "opt/graphiql")
    assert ide_assets.installed(root / "opt/graphiql")
    port = _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTHONPATH"}},
        **recipe.env,
        "DATABASE_URL": empty_db_url,
        "HOST": "127.0.0.1",  # as `docker run -e HOST=...` would; 0.0.0.0 inside the image
        "PORT": str(port),
        "GRACEFUL_TIMEOUT": "10",
        "METRICS_TOKEN": METRICS_TOKEN,  # production serves /metrics only behind one
    }
    assert recipe.env["ENVIRONMENT"] == "production"
    uid, _, gid = recipe.user.partition(":")
    assert uid != "0" and recipe.user != "root"
    assert any(f"--uid {uid}" in account for account in recipe.accounts), recipe.accounts
    assert any(f"--gid {gid}" in account for account in recipe.accounts), recipe.accounts
    server = subprocess.Popen(
        [*recipe.entrypoint, *recipe.cmd],
        cwd=recipe.workdir,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ready = _wait_for_ready(server, port)
        assert ready.status_code == 200, ready.text
        assert ready.json()["schema"] == "head"

        probe = subprocess.run(
            recipe.healthcheck, cwd=recipe.workdir, env=environment, timeout=30, check=False
        )
        assert probe.returncode == 0, "the image's HEALTHCHECK command failed"

        traced = httpx.get(
            f"http://127.0.0.1:{port}/no-such-page", headers={"X-Request-ID": "op-42"}
        )
        assert traced.status_code == 404
        assert traced.headers["x-request-id"] == "op-42"
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 401
        metrics = httpx.get(
            f"http://127.0.0.1:{port}/metrics",
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
        ).text
        assert 'modelcat_http_requests_total{method="GET",route="/readyz",status="200"}' in (
            metrics
        )
        assert "modelcat_db_pool_connections_open" in metrics
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    logs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(
        entry.get("request_id") == "op-42" and entry.get("status") == 404 for entry in logs
    ), output


def _wait_for_ready(server: subprocess.Popen[str], port: int) -> httpx.Response:
    deadline = time.monotonic() + 90
    while True:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            output = server.stdout.read() if server.stdout else ""
            pytest.fail(f"the entrypoint exited with {server.returncode}:\n{output}")
        assert time.monotonic() < deadline, "not ready within 90 s"
        time.sleep(0.3)
