"""`modelcat import SOURCE` with no path: the published file, downloaded from a local server."""

import http.server
import io
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import text

from service.db import make_engine
from service.importers import fetch
from tests.conftest import run_cli
from tests.importers.conftest import EXCERPTS

NO_DATABASE = "postgresql://postgres@127.0.0.1:1/never_opened"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        if self.path == "/truncated.json":
            # Announces more than it sends, then hangs up: an interrupted download.
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"gpt-4o": {')
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


def models_dev_archive(target: Path) -> None:
    """The excerpt tree as GitHub publishes a repository: a .tar.gz with one top folder."""
    with tarfile.open(
        target, "w:gz", format=tarfile.PAX_FORMAT, pax_headers={"comment": COMMIT}
    ) as tar:
        tar.add(EXCERPTS["models-dev"], arcname="models.dev-main")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local HTTP server holding each source's published file."""
    root = tmp_path_factory.mktemp("published")
    (root / "litellm.json").write_bytes(EXCERPTS["litellm"].read_bytes())
    (root / "epoch.csv").write_bytes(EXCERPTS["epoch"].read_bytes())
    models_dev_archive(root / "models.dev.tar.gz")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _models(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("select count(*) from models")).scalar_one())
    finally:
        engine.dispose()


def _import(source: str, url: str, tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    result = run_cli("import", source, *args, database_url=url, TMPDIR=str(temp), **env)
    # Downloaded or not, nothing stays behind in the temporary folder.
    assert list(temp.iterdir()) == []
    return result.returncode, result.stdout, result.stderr


def test_each_source_is_downloaded_and_imported(
    published: str, seeded_db_url: str, tmp_path: Path
) -> None:
    before = _models(seeded_db_url)
    code, out, err = _import(
        "models-dev", seeded_db_url, tmp_path, MODELS_DEV_URL=f"{published}/models.dev.tar.gz"
    )
    assert code == 0, err
    # The archive's commit (git writes it in the pax header) is the data set's version.
    assert f"import models-dev @ {COMMIT}: done" in out
    after_models_dev = _models(seeded_db_url)
    assert after_models_dev > before

    code, out, err = _import(
        "litellm", seeded_db_url, tmp_path, LITELLM_URL=f"{published}/litellm.json"
    )
    assert code == 0, err
    assert "import litellm @" in out and "done;" in out
    after_litellm = _models(seeded_db_url)
    assert after_litellm > after_models_dev

    code, out, err = _import(
        "epoch", seeded_db_url, tmp_path, "--dry-run", EPOCH_URL=f"{published}/epoch.csv"
    )
    assert code == 0, err
    assert "import epoch-ai-all-models @" in out and "dry run: nothing written" in out
    assert _models(seeded_db_url) == after_litellm


@pytest.mark.parametrize(
    ("path", "env", "says"),
    [
        ("/missing.json", {}, "answered HTTP 404; nothing was kept"),
        ("/truncated.json", {}, "nothing was kept"),
        ("/litellm.json", {"IMPORT_MAX_DOWNLOAD_MB": "0.001"}, "is larger than 0.001 MB"),
    ],
    ids=["not-found", "interrupted", "too-large"],
)
def test_a_failed_download_writes_nothing(
    published: str, tmp_path: Path, path: str, env: dict[str, str], says: str
) -> None:
    # The download fails before the database is ever opened: this one does not even exist.
    code, _, err = _import(
        "litellm", NO_DATABASE, tmp_path, LITELLM_URL=f"{published}{path}", **env
    )
    assert code == 1
    assert "download failed:" in err and says in err
    assert "Traceback" not in err


def test_offline_is_a_clear_error(tmp_path: Path) -> None:
    # Nothing listens on port 9 (discard) here: what a machine without internet meets.
    code, _, err = _import(
        "litellm", NO_DATABASE, tmp_path, LITELLM_URL="http://127.0.0.1:9/litellm.json"
    )
    assert code == 1
    assert "cannot reach 127.0.0.1:9" in err
    assert "Are you offline? Pass the path of a local copy instead, or point LITELLM_URL" in err


def test_help_names_the_setting_and_its_default() -> None:
    result = run_cli("import", "litellm", "--help", database_url=None, COLUMNS="300")
    assert "LITELLM_URL" in result.stdout
    assert "raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window" in (
        result.stdout
    )


def test_an_archive_reaching_outside_its_folder_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"x"
        member = tarfile.TarInfo("../outside.toml")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    with pytest.raises(fetch.FetchError, match=r"not a readable \.tar\.gz archive"):
        fetch.unpack(archive, tmp_path / "tree", limit=1_000_000)
    assert not (tmp_path / "outside.toml").exists()


def test_a_download_without_a_server_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "file.json"
    with pytest.raises(fetch.FetchError):
        fetch.download("http://127.0.0.1:9/x.json", target, limit=10, timeout=5, console=Console())
    assert list(tmp_path.iterdir()) == []
