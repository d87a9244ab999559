"""Which data set a file is, at which commit, and which source wins when sources disagree."""

import re
from pathlib import Path

from service.catalog.precedence import CURATED, PRECEDENCE, rank
from service.importers.records import SourceInfo

_COMMIT = re.compile(r"Commit[^\n`]*`([0-9a-f]{40})`")

# The order itself lives with the catalog's fill rule (service.catalog.precedence).
__all__ = ["CURATED", "PRECEDENCE", "rank", "source_info", "stated_commit"]


def stated_commit(path: Path, default: str) -> str:
    """The commit that the data set's SOURCE.md names (next to it or up to two folders up)."""
    folder = path if path.is_dir() else path.parent
    for candidate in [folder, *list(folder.parents)[:2]]:
        source_md = candidate / "SOURCE.md"
        if source_md.is_file():
            match = _COMMIT.search(source_md.read_text(encoding="utf-8", errors="replace"))
            if match:
                return match.group(1)
    return default


def source_info(path: Path, slug: str, title: str, url: str, default: str, note: str) -> SourceInfo:
    return SourceInfo(slug, title, url, stated_commit(path, default), note)
