"""Which of a source's entries state the maker's facts, and what they state when they disagree.

Rule (the same for models.dev and LiteLLM):

- The maker's **own** entries: the lab's file (models.dev `models/<lab>/`) and a provider of the
  maker's company that serves only that maker's models (OpenAI's API, Mistral's, Google's Gemini
  API). Which providers serve one maker only is read from the data set itself.
- A **cloud** of the maker's company (a provider of that company, or of a company it owns, that
  also serves other makers' models: Azure, Bedrock, Vertex AI, GitHub Models) counts as the
  maker's entry only when no own entry states the fact.
- A fact only a cloud states is marked so (`ModelRecord.cloud_only`): when another data set
  states it otherwise, beyond rounding, the catalog shows it as unknown and records the conflict
  (service.importers.claims.chosen), as for entries of one data set that disagree.
- Entries of the same rank that disagree beyond rounding (token counts within 2.5%, dates a day
  apart or at different precision) state nothing: the fact stays unknown from this source and the
  disagreement is recorded as a conflict (`ModelRecord.disputed`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from service.catalog.identity import synonyms
from service.catalog.seed_schema import release_period

TOKEN_TOLERANCE = Decimal("0.025")  # 128,000 and 131,072 are two spellings of 128K


def tokens_agree(a: int, b: int) -> bool:
    """128,000 and 131,072 agree (two ways of writing 128K); 128,000 and 200,000 do not."""
    return abs(a - b) <= TOKEN_TOLERANCE * max(a, b)


def dates_agree(a: str, b: str) -> bool:
    """Dates agree at the coarser one's precision ("2024-05" and "2024-05-13"), and a day apart
    (an announcement late in one time zone is the next day in another)."""
    if a.startswith(b) or b.startswith(a):
        return True
    if len(a) == len(b) == 10:
        return abs(date.fromisoformat(a) - date.fromisoformat(b)) <= timedelta(days=1)
    return False


# Two data sets' release dates further apart than this name different events (an announcement
# and a later release, a successor's date, a typo in the year), not one release seen twice.
RELEASE_GAP = timedelta(days=31)


def dates_far_apart(a: str, b: str) -> bool:
    """Whether two release dates (at their own precision) lie more than RELEASE_GAP apart:
    "2023-03-15" and "2023-11-06" do; "2024-05" and "2024-05-14" or "2024-06-12" do not."""
    try:
        (a_first, a_last), (b_first, b_last) = release_period(a), release_period(b)
    except ValueError:
        return a != b
    gap = max(a_first - b_last, b_first - a_last, timedelta(0))
    return gap > RELEASE_GAP


def company_of(org: str | None) -> str | None:
    """The company an organization belongs to (`owner:` in the synonyms file): GitHub is
    Microsoft's; an organization with no owner is its own company."""
    if org is None:
        return None
    return synonyms().owners.get(org, org)


def clouds(provider_makers: dict[str, set[str]]) -> frozenset[str]:
    """Providers that serve models of more than one maker (read from the data set)."""
    return frozenset(p for p, makers in provider_makers.items() if len(makers) > 1)


@dataclass(frozen=True)
class Entry:
    """One entry of the maker's, with its rank: 0 the maker's own, 1 a cloud of its company."""

    route: str
    rank: int
    data: Any


def ranked(entries: Iterable[Entry]) -> list[list[Entry]]:
    """The entries grouped by rank, own entries first."""
    tiers: dict[int, list[Entry]] = {}
    for entry in entries:
        tiers.setdefault(entry.rank, []).append(entry)
    return [tiers[rank] for rank in sorted(tiers)]


def agreed(
    tiers: list[list[Entry]],
    get: Callable[[Any], Any],
    agree: Callable[[Any, Any], bool],
) -> tuple[Any, list[tuple[str, Any]]]:
    """The value the best-ranked entries stating it agree on, and the disagreement if they do
    not: (value, []) or (None, [(route, value), ...])."""
    value, stated, _ = agreed_rank(tiers, get, agree)
    return value, stated


def agreed_rank(
    tiers: list[list[Entry]],
    get: Callable[[Any], Any],
    agree: Callable[[Any, Any], bool],
) -> tuple[Any, list[tuple[str, Any]], int | None]:
    """`agreed`, with the rank of the entries that state the value (1: only a cloud does)."""
    for tier in tiers:
        stated = [(e.route, v) for e in tier if (v := get(e.data)) is not None]
        if not stated:
            continue
        first = stated[0][1]
        if all(agree(first, v) and agree(v, first) for _, v in stated):
            return first, [], tier[0].rank
        return None, stated, None
    return None, [], None


def first_ranked(entries: Iterable[Entry], get: Callable[[Any], Any]) -> tuple[Any, int | None]:
    """The best-ranked entry's value and its rank (entries in rank order)."""
    for entry in entries:
        if (value := get(entry.data)) is not None:
            return value, entry.rank
    return None, None


def same(a: Any, b: Any) -> bool:
    return bool(a == b)


def same_tokens(a: int, b: int) -> bool:
    return tokens_agree(int(a), int(b))


def same_date(a: Any, b: Any) -> bool:
    return dates_agree(str(a), str(b))


def dispute_text(stated: list[tuple[str, Any]]) -> str:
    """'128000 (azure/phi-4); 16000 (github-models/microsoft/phi-4)'."""
    return "; ".join(f"{_canonical(value)} ({route})" for route, value in stated)


def _canonical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(sorted(str(v) for v in value))
    return str(value)
