"""GraphiQL's files: fetched whole and verified or not at all, served only as the manifest lists.

A local HTTP server stands for the npm registry; a package built here (with its real
integrity) stands for the manifest's when a test needs one that installs.
"""

import base64
import hashlib
import io
import logging
import re
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from strawberry.http.ides import get_graphql_ide_html

from service.app import create_app
from service.graphql import ide_assets
from service.graphql.ide_assets import AssetError, NpmPackage
from tests.conftest import run_cli, shared_app_settings
from tests.web.live import free_port

SCRIPT = b"window.offlineWidget = 42;\n"


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in files.items():
            member = tarfile.TarInfo(f"package/{name}")
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))
    return buffer.getvalue()


def _integrity(tarball: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()


def _publish(registry: Path, package: NpmPackage, tarball: bytes) -> None:
    """Lay the tarball out where the registry keeps it: <name>/-/<base>-<version>.tgz."""
    url_path = package.tarball_url("http://registry").removeprefix("http://registry/")
    target = registry / url_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(tarball)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server for the npm registry: its URL and the folder it serves."""
    folder = tmp_path / "registry"
    folder.mkdir()
    handler = partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def widget(monkeypatch: pytest.MonkeyPatch) -> tuple[NpmPackage, bytes]:
    """A scoped package whose tarball and integrity agree, standing for the manifest's."""
    tarball = _tarball({"dist/widget.min.js": SCRIPT, "package.json": b"{}"})
    package = NpmPackage("@demo/widget", "1.2.3", _integrity(tarball), ("dist/widget.min.js",))
    monkeypatch.setattr(ide_assets, "packages", lambda: (package,))
    return package, tarball


def test_a_verified_package_is_installed_whole(
    registry: tuple[str, Path], widget: tuple[NpmPackage, bytes], tmp_path: Path
) -> None:
    url, folder = registry
    package, tarball = widget
    _publish(folder, package, tarball)
    root = tmp_path / "assets"
    assert ide_assets.fetch(root, url) == ["@demo/widget@1.2.3"]
    assert ide_assets.asset_file(root, "@demo/widget@1.2.3/dist/widget.min.js") is not None
    assert ide_assets.installed(root)
    assert ide_assets.fetch(root, url) == []  # nothing left to fetch
    assert sorted(p.name for p in root.iterdir()) == ["@demo+widget@1.2.3"]


def test_an_integrity_mismatch_installs_nothing(
    registry: tuple[str, Path], widget: tuple[NpmPackage, bytes], tmp_path: Path
) -> None:
    url, folder = registry
    package, _ = widget
    _publish(folder, package, _tarball({"dist/widget.min.js": b"window.tampered = 1;\n"}))
    root = tmp_path / "assets"
    with pytest.raises(AssetError, match=r"@demo/widget@1\.2\.3: the tarball's integrity is"):
        ide_assets.fetch(root, url)
    assert list(root.iterdir()) == []  # no package folder, no partial one
    assert not ide_assets.installed(root)


def test_the_real_manifest_refuses_a_forged_tarball(
    registry: tuple[str, Path], tmp_path: Path
) -> None:
    url, folder = registry
    first = ide_assets.packages()[0]
    _publish(folder, first, _tarball({name: b"alert(1)" for name in first.files}))
    with pytest.raises(AssetError, match="integrity"):
        ide_assets.fetch(tmp_path / "assets", url)
    assert list((tmp_path / "assets").iterdir()) == []


def test_the_command_refuses_a_forged_tarball_and_says_why(
    registry: tuple[str, Path], tmp_path: Path
) -> None:
    url, folder = registry
    for package in ide_assets.packages():
        _publish(folder, package, _tarball({name: b"alert(1)" for name in package.files}))
    root = tmp_path / "assets"
    result = run_cli(
        "graphiql", "fetch", database_url=None, GRAPHIQL_ASSETS_DIR=str(root), NPM_REGISTRY_URL=url
    )
    assert result.returncode == 1
    assert "cannot fetch GraphiQL's files" in result.stderr
    first = ide_assets.packages()[0].spec
    assert f"{first}: the tarball's integrity is sha512-" in " ".join(result.stderr.split())
    assert list(root.iterdir()) == []


def test_a_download_over_the_limit_is_refused(
    registry: tuple[str, Path], widget: tuple[NpmPackage, bytes], tmp_path: Path
) -> None:
    url, folder = registry
    package, tarball = widget
    _publish(folder, package, tarball)
    with pytest.raises(AssetError, match="is larger than 64 bytes"):
        ide_assets.fetch(tmp_path / "assets", url, limit=64)
    assert list((tmp_path / "assets").iterdir()) == []


def test_an_unreachable_registry_logs_one_warning(
    widget: tuple[NpmPackage, bytes], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = shared_app_settings(
        "postgresql://unused/db",
        graphiql_assets_dir=tmp_path / "assets",
        npm_registry_url=f"http://127.0.0.1:{free_port()}",
    )
    with caplog.at_level(logging.INFO, logger=ide_assets.__name__):
        assert ide_assets.fetch_logged(settings) is False
    levels = [record.levelname for record in caplog.records]
    assert levels == ["INFO", "WARNING"]
    assert "cannot download" in caplog.records[1].getMessage()
    assert "loads them from https://unpkg.com" in caplog.records[1].getMessage()


def test_the_manifest_covers_every_file_strawberrys_page_loads() -> None:
    """Upgrading Strawberry to a page naming other versions fails here: update the manifest."""
    named = set(re.findall(r"https://unpkg\.com/([^\"']+)", get_graphql_ide_html("graphiql")))
    listed = {f"{p.spec}/{name}" for p in ide_assets.packages() for name in p.files}
    assert named == listed
    assert all(p.integrity.startswith("sha512-") for p in ide_assets.packages())


@pytest.fixture
def ide(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    root = tmp_path / "assets"
    settings = shared_app_settings(str(engine.url), graphiql=True, graphiql_assets_dir=root)
    with TestClient(create_app(engine, settings)) as client:
        yield client, root


def _install_widget(
    registry: tuple[str, Path], widget: tuple[NpmPackage, bytes], root: Path
) -> None:
    url, folder = registry
    _publish(folder, *widget)
    ide_assets.fetch(root, url)


def test_an_installed_file_is_served_for_good(
    ide: tuple[TestClient, Path],
    registry: tuple[str, Path],
    widget: tuple[NpmPackage, bytes],
) -> None:
    client, root = ide
    path = "/graphiql/assets/@demo/widget@1.2.3/dist/widget.min.js"
    assert client.get(path).status_code == 404  # not fetched yet
    _install_widget(registry, widget, root)
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == SCRIPT
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "path",
    [
        "@demo/widget@1.2.3/package.json",  # in the tarball, not listed
        "@demo/widget@1.2.4/dist/widget.min.js",  # another version
        "left-pad@1.3.0/index.js",  # another package
        "@demo/widget@1.2.3/dist/../package.json",
        "@demo/widget@1.2.3/dist/%2e%2e/package.json",
        "@demo/widget@1.2.3/..%2F..%2F..%2Fetc/passwd",
        "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_only_listed_files_are_served(
    ide: tuple[TestClient, Path],
    registry: tuple[str, Path],
    widget: tuple[NpmPackage, bytes],
    path: str,
) -> None:
    client, root = ide
    _install_widget(registry, widget, root)
    response = client.get(f"/graphiql/assets/{path}")
    assert response.status_code == 404
    assert b"root:" not in response.content  # no line of /etc/passwd
    assert response.content != b"{}"  # nor the package's unlisted package.json


def test_the_page_loads_its_files_from_here_once_installed(ide: tuple[TestClient, Path]) -> None:
    client, root = ide
    html = {"Accept": "text/html"}
    before = client.get("/graphql", headers=html).text
    assert "Loading... (GraphiQL's files come from https://unpkg.com" in before
    assert "modelcat graphiql fetch" in before
    for package in ide_assets.packages():  # as `modelcat graphiql fetch` leaves them
        for name in package.files:
            (package.folder(root) / name).parent.mkdir(parents=True, exist_ok=True)
            (package.folder(root) / name).write_text("/* here */")
    after = client.get("/graphql", headers=html).text
    assert "unpkg.com" not in after and "modelcat graphiql fetch" not in after
    assert '<div id="graphiql" class="graphiql-container">Loading...</div>' in after
    for package in ide_assets.packages():
        for name in package.files:
            assert f'"/graphiql/assets/{package.spec}/{name}"' in after
