"""GraphiQL's files, served by the service from pinned npm packages instead of a CDN.

Strawberry's GraphiQL page loads React, GraphiQL and its explorer plugin from unpkg.com, which
a machine without internet access cannot reach. ide_assets.json lists the npm packages the
page names, each with the registry's `integrity` of its tarball and the files the page loads.
`modelcat graphiql fetch` (run by the Dockerfile; `serve` and `start` run it in the background
when files are missing) downloads each tarball from NPM_REGISTRY_URL, checks its integrity and
unpacks the listed files into GRAPHIQL_ASSETS_DIR, through a temporary folder renamed into
place once complete: a partial or corrupted download is never served. The page then loads
them from ASSETS_PATH; until they are installed it loads them from the CDN, and says so.
"""

import base64
import hashlib
import io
import json
import logging
import shutil
import tarfile
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import httpx

from service.config import Settings

ASSETS_PATH = "/graphiql/assets"
CDN = "https://unpkg.com"
MANIFEST = Path(__file__).with_name("ide_assets.json")
# graphiql's tarball, the largest, is 3.7 MB; a file unpacked from one is bounded the same way.
MAX_TARBALL_BYTES = 16 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# A file's URL names its package's exact version: it never changes.
IMMUTABLE = "public, max-age=31536000, immutable"
USER_AGENT = "model-catalog (modelcat graphiql fetch)"

log = logging.getLogger(__name__)


class AssetError(Exception):
    """A package could not be had whole and verified; nothing of it was kept."""


@dataclass(frozen=True)
class NpmPackage:
    name: str
    version: str
    integrity: str
    files: tuple[str, ...]

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    def tarball_url(self, registry: str) -> str:
        # The registry's layout: a scoped package's tarball is named without its scope.
        base = self.name.rpartition("/")[2]
        return f"{registry.rstrip('/')}/{self.name}/-/{base}-{self.version}.tgz"

    def folder(self, root: Path) -> Path:
        return root / self.spec.replace("/", "+")

    def installed(self, root: Path) -> bool:
        folder = self.folder(root)
        return all((folder / name).is_file() for name in self.files)


@lru_cache(maxsize=1)
def packages() -> tuple[NpmPackage, ...]:
    """The packages ide_assets.json declares."""
    listed = json.loads(MANIFEST.read_text(encoding="utf-8"))["packages"]
    return tuple(
        NpmPackage(p["name"], p["version"], p["integrity"], tuple(p["files"])) for p in listed
    )


def installed(root: Path) -> bool:
    return all(package.installed(root) for package in packages())


def fetch(
    root: Path,
    registry: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    limit: int = MAX_TARBALL_BYTES,
) -> list[str]:
    """Install each package root lacks; the ones installed now. AssetError on the first failure."""
    root.mkdir(parents=True, exist_ok=True)
    done = []
    headers = {"User-Agent": USER_AGENT}
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as http:
        for package in packages():
            if package.installed(root):
                continue
            tarball = _download(http, package.tarball_url(registry), limit)
            _verify(package, tarball)
            _install(package, tarball, root, limit)
            done.append(package.spec)
    return done


def _download(http: httpx.Client, url: str, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise AssetError(f"{url} answered HTTP {response.status_code}")
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise AssetError(f"{url} is larger than {limit:,} bytes")
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise AssetError(f"{url} did not answer in time") from None
    except httpx.HTTPError as exc:
        raise AssetError(f"cannot download {url}: {exc or type(exc).__name__}") from None
    return b"".join(chunks)


def _verify(package: NpmPackage, tarball: bytes) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    if algorithm != "sha512":
        raise AssetError(f"{package.spec}: integrity {package.integrity!r} is not a sha512 digest")
    actual = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if actual != expected:
        raise AssetError(
            f"{package.spec}: the tarball's integrity is sha512-{actual}, not the "
            f"{package.integrity} the registry published; not installed"
        )


def _install(package: NpmPackage, tarball: bytes, root: Path, limit: int) -> None:
    """Unpack the listed files into a temporary folder, then rename it into place."""
    target = package.folder(root)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=root))
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
            for name in package.files:
                member = tar.getmember(f"package/{name}")
                source = tar.extractfile(member) if member.isfile() else None
                if source is None or member.size > limit:
                    raise AssetError(f"{package.spec}: {name} is not a file of a sane size")
                destination = staging / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                with source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out)
        staging.chmod(0o755)  # readable by the user the service runs as (the image's)
        if package.installed(root):
            return  # another process installed it meanwhile
        if target.exists():
            shutil.rmtree(target)  # an incomplete folder someone left; never served
        staging.rename(target)
    except (KeyError, tarfile.TarError, OSError, EOFError) as exc:
        if not package.installed(root):  # another process may have installed it meanwhile
            raise AssetError(f"{package.spec}: cannot unpack its tarball: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def asset_file(root: Path, path: str) -> Path | None:
    """The installed file `<package>@<version>/<file>` names, if the manifest lists it."""
    for package in packages():
        name = path.removeprefix(f"{package.spec}/")
        if name != path and name in package.files and package.installed(root):
            return package.folder(root) / name
    return None


def content_type(file: Path) -> str:
    return CONTENT_TYPES.get(file.suffix, "application/octet-stream")


def ide_page(html: str, root: Path) -> str:
    """Strawberry's GraphiQL page, loading its files from this service once they are here."""
    if not installed(root):
        note = (
            f"Loading... (GraphiQL's files come from {CDN}, which needs internet access; "
            "`modelcat graphiql fetch` lets this service serve them)"
        )
        return html.replace(">Loading...<", f">{note}<", 1)
    for package in packages():
        for name in package.files:
            html = html.replace(
                f"{CDN}/{package.spec}/{name}", f"{ASSETS_PATH}/{package.spec}/{name}"
            )
    return html


def fetch_logged(settings: Settings) -> bool:
    """Fetch what is missing, logging one INFO line, or one WARNING if it cannot."""
    root, registry = settings.graphiql_assets_dir, settings.npm_registry_url
    log.info("fetching GraphiQL's files from %s into %s", registry, root)
    try:
        fetch(root, registry)
    except AssetError as exc:
        log.warning(
            "GraphiQL's files could not be fetched (%s); the GraphiQL page loads them from %s",
            exc,
            CDN,
        )
        return False
    return True


def fetch_in_background(settings: Settings) -> threading.Thread | None:
    """Start fetching GraphiQL's files when the IDE is on and they are missing."""
    if not settings.graphiql_on or installed(settings.graphiql_assets_dir):
        return None
    thread = threading.Thread(
        target=fetch_logged, args=(settings,), name="graphiql-fetch", daemon=True
    )
    thread.start()
    return thread
