"""Reading the pages' GET forms: workload token counts and catalog filters, with plain errors."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from starlette.datastructures import QueryParams

from service.web.api_client import Category, ModelFilter, WorkloadInput

# GraphQL's Int is 32-bit signed.
MAX_TOKENS = 2_000_000_000
DEFAULT_WORKLOAD = {"input": 1_000_000, "output": 1_000_000, "cached": 0}
WORKLOAD_LABELS = {
    "input": "Input tokens",
    "output": "Output tokens",
    "cached": "Cached input tokens",
}
CATEGORIES = {"open": Category.OPEN, "closed": Category.CLOSED}


@dataclass
class Workload:
    counts: dict[str, int]
    typed: dict[str, str]
    errors: list[str] = field(default_factory=list)

    def as_input(self) -> WorkloadInput:
        # By the fields' GraphQL names (their aliases): the names the type checker knows.
        return WorkloadInput(
            inputTokens=self.counts["input"],
            outputTokens=self.counts["output"],
            cachedInputTokens=self.counts["cached"],
        )


def _token_count(text: str) -> int | None:
    digits = text.replace(",", "").replace("_", "").replace(" ", "")
    if not digits.isdigit():
        return None
    return int(digits)


def read_workload(params: QueryParams) -> Workload:
    """The workload in the query string; defaults where a count is absent or empty."""
    counts = dict(DEFAULT_WORKLOAD)
    typed = {name: f"{value}" for name, value in DEFAULT_WORKLOAD.items()}
    errors = []
    for name, label in WORKLOAD_LABELS.items():
        text = params.get(name, "").strip()
        if not text:
            continue
        typed[name] = text
        count = _token_count(text)
        if count is None:
            errors.append(f"{label}: {text!r} is not a whole number of tokens (0 or more).")
        elif count > MAX_TOKENS:
            errors.append(f"{label}: at most {MAX_TOKENS:,} tokens.")
        else:
            counts[name] = count
    return Workload(counts=counts, typed=typed, errors=errors)


@dataclass
class CatalogQuery:
    """The /models form as typed, the API filter it makes, and what could not be read."""

    typed: dict[str, str]
    filter: ModelFilter
    after: str | None
    before: str | None = None
    errors: list[str] = field(default_factory=list)


def _price(text: str, label: str, errors: list[str]) -> Decimal | None:
    try:
        value = Decimal(text.replace("$", "").replace(",", ""))
    except InvalidOperation:
        errors.append(f"{label}: {text!r} is not a price.")
        return None
    if not value.is_finite() or value < 0:
        errors.append(f"{label}: a price is 0 or more.")
        return None
    return value


def read_catalog_query(params: QueryParams) -> CatalogQuery:
    names = ("q", "organization", "provider", "category", "task", "max_input", "max_output")
    typed = {name: params.get(name, "").strip() for name in names}
    errors: list[str] = []
    # Only the conditions set here are sent: the model keeps track of which fields were set.
    wanted = ModelFilter()
    if typed["q"]:
        wanted.search = typed["q"]
    if typed["organization"]:
        wanted.organizations = [typed["organization"]]
    if typed["provider"]:
        wanted.provider = [typed["provider"]]
    if typed["category"] in CATEGORIES:
        wanted.category = CATEGORIES[typed["category"]]
    elif typed["category"]:
        errors.append(f"Category: {typed['category']!r} is neither open nor closed.")
    if typed["task"]:
        wanted.task = typed["task"]
    for name, label in (("max_input", "Max input $/1M"), ("max_output", "Max output $/1M")):
        price = _price(typed[name], label, errors) if typed[name] else None
        if price is not None and name == "max_input":
            wanted.max_input_price = price
        elif price is not None:
            wanted.max_output_price = price
    # Research results (neither an API nor weights) are hidden unless asked for: research=show.
    show_research = params.get("research", "").strip().lower() == "show"
    if show_research:
        typed["research"] = "show"
    else:
        wanted.research_only = False
    return CatalogQuery(
        typed=typed,
        filter=wanted,
        after=params.get("after") or None,
        before=None if params.get("after") else params.get("before") or None,
        errors=errors,
    )
