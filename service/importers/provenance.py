"""Which data set a file is, at which commit, and which source wins when sources disagree."""

import re
from pathlib import Path

from service.importers.records import SourceInfo

_COMMIT = re.compile(r"Commit[^\n`]*`([0-9a-f]{40})`")

# Highest first. The curated seed outranks all of these (it is never overwritten).
PRECEDENCE = [
    "models-dev",
    "epoch-ai-all-models",
    "epoch-ai-notable-models",
    "litellm",
]
CURATED = "the curated seed"


def rank(source_slug: str) -> int:
    return PRECEDENCE.index(source_slug) if source_slug in PRECEDENCE else len(PRECEDENCE)


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
