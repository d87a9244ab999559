"""Download a data set's published file, whole or not at all, for `modelcat import SOURCE`.

Each source publishes one file at a URL that is a setting (MODELS_DEV_URL, LITELLM_URL,
EPOCH_URL). The download streams into a temporary directory with a progress bar, stops at
IMPORT_MAX_DOWNLOAD_MB, and is checked against the length the server announced; only a
complete file is handed to the importer, and the temporary directory is removed afterwards.
models.dev publishes its TOML tree as the repository's archive (a .tar.gz): it is unpacked
safely (no path outside the folder, no devices) under the same size limit.
"""

import contextlib
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from service.config import Settings

CHUNK_BYTES = 64 * 1024
MAX_ARCHIVE_MEMBERS = 100_000
USER_AGENT = "model-catalog (modelcat import)"


@dataclass(frozen=True)
class Published:
    """Where a source publishes its data set, and in which form."""

    source: str
    setting: str
    file_name: str
    archive: bool = False

    def url(self, settings: Settings) -> str:
        value: str = getattr(settings, self.setting.lower())
        return value


PUBLISHED = {
    "models-dev": Published("models-dev", "MODELS_DEV_URL", "models.dev.tar.gz", archive=True),
    "litellm": Published("litellm", "LITELLM_URL", "model_prices_and_context_window.json"),
    "epoch": Published("epoch", "EPOCH_URL", "all_ai_models.csv"),
}


class FetchError(Exception):
    """The published file could not be had whole; nothing was kept."""


@contextlib.contextmanager
def published_file(source: str, settings: Settings, console: Console) -> Iterator[Path]:
    """The source's published data set, downloaded (and unpacked) into a temporary folder."""
    published = PUBLISHED[source]
    url = published.url(settings)
    limit = int(settings.import_max_download_mb * 1_000_000)
    with tempfile.TemporaryDirectory(prefix=f"modelcat-{source}-") as folder:
        target = Path(folder) / published.file_name
        timeout = settings.import_download_timeout
        download(url, target, limit=limit, timeout=timeout, console=console, hint=published.setting)
        if not published.archive:
            yield target
            return
        tree = unpack(target, Path(folder) / "tree", limit=limit)
        target.unlink()
        yield tree


def download(
    url: str,
    target: Path,
    *,
    limit: int,
    timeout: float,
    console: Console,
    hint: str = "the URL setting",
) -> None:
    """Stream url into target; FetchError (and no file) unless it arrives whole."""
    partial = target.with_name(target.name + ".partial")
    where = urlsplit(url).netloc or url
    progress = Progress(
        TextColumn("[bold]downloading {task.fields[name]}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    complete = False
    try:
        with (
            httpx.Client(
                timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
            ) as http,
            http.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise FetchError(f"{url} answered HTTP {response.status_code}; nothing was kept")
            announced = _announced_length(response)
            if announced is not None and announced > limit:
                raise FetchError(_too_large(url, limit, announced))
            received = 0
            with progress, partial.open("wb") as out:
                task = progress.add_task("download", total=announced, name=target.name)
                for chunk in response.iter_bytes(CHUNK_BYTES):
                    received += len(chunk)
                    if received > limit:
                        raise FetchError(_too_large(url, limit, None))
                    out.write(chunk)
                    progress.update(task, advance=len(chunk))
            if announced is not None and received != announced and not _encoded(response):
                raise FetchError(
                    f"{url}: the download stopped at {received:,} of {announced:,} bytes; "
                    "nothing was kept"
                )
        partial.replace(target)
        complete = True
    except httpx.ConnectError as exc:
        raise FetchError(
            f"cannot reach {where} to download {url} ({_reason(exc)}). Are you offline? "
            f"Pass the path of a local copy instead, or point {hint} at a mirror."
        ) from None
    except httpx.TimeoutException:
        raise FetchError(
            f"{where} did not answer within {timeout:g} s (IMPORT_DOWNLOAD_TIMEOUT); "
            "nothing was kept"
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"downloading {url} failed: {_reason(exc)}; nothing was kept") from None
    finally:
        if not complete:
            partial.unlink(missing_ok=True)


def unpack(archive: Path, folder: Path, *, limit: int) -> Path:
    """Unpack a .tar.gz safely; the folder holding providers/ (models.dev's tree root)."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise FetchError(f"{archive.name} holds {len(members):,} entries; too many")
            if sum(m.size for m in members if m.isfile()) > limit:
                raise FetchError(
                    f"{archive.name} unpacks to more than {limit / 1_000_000:g} MB "
                    "(IMPORT_MAX_DOWNLOAD_MB); nothing was kept"
                )
            tar.extractall(folder, filter="data")
            commit = tar.pax_headers.get("comment")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise FetchError(f"{archive.name} is not a readable .tar.gz archive: {exc}") from None
    roots = [p.parent for p in folder.glob("*/providers")] + [
        p.parent for p in folder.glob("providers")
    ]
    if not roots:
        raise FetchError(f"{archive.name} holds no providers/ folder: not a models.dev tree")
    root = roots[0]
    if commit and len(commit) == 40:
        # Provenance reads the data set's commit from a SOURCE.md beside the tree.
        fetched = datetime.now(UTC).date().isoformat()
        (root / "SOURCE.md").write_text(
            f"# models.dev, downloaded {fetched}\n\n- Commit: `{commit}` (from the archive)\n"
        )
    return root


def _announced_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None


def _encoded(response: httpx.Response) -> bool:
    """Content-Length counts compressed bytes when the body is content-encoded."""
    return bool(response.headers.get("content-encoding", "identity") != "identity")


def _too_large(url: str, limit: int, announced: int | None) -> str:
    size = f" ({announced / 1_000_000:,.1f} MB)" if announced else ""
    return (
        f"{url} is larger than {limit / 1_000_000:g} MB{size}, the limit "
        "IMPORT_MAX_DOWNLOAD_MB sets; nothing was kept"
    )


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
