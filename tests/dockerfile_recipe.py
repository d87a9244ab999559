"""Carry out a Dockerfile's steps without a Docker engine, in a folder standing for `/`.

Only what our Dockerfile uses is understood: FROM, ARG, ENV, WORKDIR, COPY (from the context or
an earlier stage), RUN (through bash), USER and EXPOSE (no effect here), HEALTHCHECK,
ENTRYPOINT and CMD. Absolute paths in RUN and ENV are moved under the folder.
Account commands (groupadd, useradd) would change this machine: they are recorded, not run.
pip's `--no-cache-dir` is dropped: the cache changes how fast wheels arrive, not which.
"""

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_ABSOLUTE = re.compile(r"(?<![\w.$/])/(?=[A-Za-z])")


@dataclass
class Image:
    env: dict[str, str] = field(default_factory=dict)
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    workdir: Path | None = None
    user: str = "root"
    accounts: list[str] = field(default_factory=list)


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, arguments = line.strip().partition(" ")
            pairs.append((keyword.upper(), arguments.strip()))
    return pairs


def build(dockerfile: Path, context: Path, root: Path, path_prefix: Path) -> Image:
    """Run every stage's steps under `root`; return the last stage's runtime configuration.

    path_prefix holds a `python` standing for the base image's interpreter.
    """
    image = Image()
    workdir = root
    env: dict[str, str] = {}
    account_log = _account_shims(root / ".recipe-bin")
    path_prefix_text = f"{root / '.recipe-bin'}:{path_prefix}"
    for keyword, arguments in instructions(dockerfile):
        if keyword == "FROM":
            image, workdir = Image(), root
            env = {"PATH": f"{path_prefix_text}:{os.environ['PATH']}"}
        elif keyword == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                env[name] = _under(root, value).replace("$PATH", env["PATH"])
        elif keyword == "WORKDIR":
            workdir = root / arguments.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            _copy(shlex.split(arguments), context, root, workdir)
        elif keyword == "RUN":
            subprocess.run(
                ["bash", "-euo", "pipefail", "-c", _under(root, _with_pip_cache(arguments))],
                cwd=workdir,
                env={**os.environ, **env},
                check=True,
                capture_output=True,
                text=True,
            )
        elif keyword == "USER":
            image.user = arguments
        elif keyword == "HEALTHCHECK":
            image.healthcheck = _exec_form(arguments.partition("CMD ")[2])
        elif keyword == "ENTRYPOINT":
            image.entrypoint = _exec_form(arguments)
        elif keyword == "CMD":
            image.cmd = _exec_form(arguments)
        image.env, image.workdir = env, workdir
    image.accounts = account_log.read_text().splitlines()
    return image


def _account_shims(folder: Path) -> Path:
    folder.mkdir(parents=True)
    log = folder / "accounts.log"
    log.touch()
    for command in ("groupadd", "useradd"):
        shim = folder / command
        shim.write_text(f'#!/bin/sh\necho "{command} $*" >> "{log}"\n')
        shim.chmod(0o755)
    return log


def _with_pip_cache(command: str) -> str:
    return command.replace(" --no-cache-dir", "")


def _under(root: Path, text: str) -> str:
    return _ABSOLUTE.sub(f"{root}/", text)


def _copy(arguments: list[str], context: Path, root: Path, workdir: Path) -> None:
    from_stage = arguments[0].startswith("--from=")
    sources, target = arguments[int(from_stage) : -1], arguments[-1]
    destination = root / target.lstrip("/") if target.startswith("/") else workdir / target
    for source in sources:
        origin = root / source.lstrip("/") if from_stage else context / source
        if origin.resolve() == destination.resolve():
            continue  # one folder stands for every stage's `/`: already in place
        if origin.is_dir():
            shutil.copytree(origin, destination, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            destination.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, destination / origin.name)


def _exec_form(arguments: str) -> list[str]:
    import json

    form = json.loads(arguments)
    assert isinstance(form, list), f"use the JSON (exec) form: {arguments}"
    return [str(part) for part in form]
