"""npm packages for the tests that drive the API with JavaScript clients, outside the project.

Packages are installed with npm into a scratch folder under `~/.cache/model-catalog-npm/`
(or `$MODEL_CATALOG_NPM_CACHE`), reused by later runs, never into the repository. Scripts run
with `NODE_PATH` pointing there, so `require()` finds them. Without Node and npm the tests
are skipped on a developer's machine and fail under CI (`CI=true`), where they must run.
"""

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SCRIPTS = Path(__file__).parent / "js"
INSTALL_TIMEOUT_SECONDS = 300
RUN_TIMEOUT_SECONDS = 120


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def scratch_root() -> Path:
    default = Path.home() / ".cache" / "model-catalog-npm"
    return Path(os.environ.get("MODEL_CATALOG_NPM_CACHE", default))


def npm_packages(folder: str, packages: list[str]) -> Path:
    """The `node_modules` of `<scratch>/<folder>` holding `packages`, installed if missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        _unavailable("node and npm are needed to run the JavaScript client tests")
    target = scratch_root() / folder
    target.mkdir(parents=True, exist_ok=True)
    modules = target / "node_modules"
    with open(target / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test workers may want the same folder
        if all((modules / name / "package.json").is_file() for name in packages):
            return modules
        if not (target / "package.json").is_file():
            (target / "package.json").write_text('{"private": true}\n')
        result = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", *packages],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_SECONDS,
        )
        if result.returncode != 0:
            _unavailable(f"npm install {' '.join(packages)} failed: {result.stderr[-2000:]}")
    return modules


def run_script(script: str, modules: Path, *args: str) -> Any:
    """Run tests/graphql/js/<script> under Node; its last output line is JSON, returned."""
    result = subprocess.run(
        ["node", str(SCRIPTS / script), *args],
        env={**os.environ, "NODE_PATH": str(modules), "NODE_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])
