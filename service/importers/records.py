"""What a format module hands to the writer: models as one source states them."""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from pathlib import Path

from service.catalog.identity import fold_family, model_key, name_key, release_month
from service.catalog.seed_schema import parse_release

PER_MTOK_PLACES = Decimal("0.000001")  # prices are NUMERIC(18, 6) per 1M tokens


@dataclass(frozen=True)
class SourceInfo:
    """One data set at one commit: becomes a `sources` row."""

    slug: str
    title: str
    url: str
    version: str
    note: str


@dataclass(frozen=True)
class PriceClaim:
    """USD per 1M tokens, exact."""

    input: Decimal | None
    output: Decimal | None
    cached_input: Decimal | None

    def text(self) -> str:
        parts = {"input": self.input, "output": self.output, "cached_input": self.cached_input}
        return ";".join(f"{k}={_plain(v)}" for k, v in parts.items() if v is not None)

    @classmethod
    def parse(cls, text: str) -> "PriceClaim":
        parts = dict(part.split("=", 1) for part in text.split(";"))
        return cls(
            **{k: Decimal(parts[k]) if k in parts else None for k in ("input", "output")},
            cached_input=Decimal(parts["cached_input"]) if "cached_input" in parts else None,
        )


def _plain(value: Decimal) -> str:
    """2.500000 -> '2.5', 10 -> '10': one text per amount, whatever its exponent."""
    text = format(value.normalize(), "f")
    return text


_FREE = re.compile(r"(^|[^a-z])free($|[^a-z])")


def says_free(*names: str) -> bool:
    """Whether a listing says its model is free: a ':free' tier or the word "free" in the
    route or name ("openrouter/…/llama-3.2-3b-instruct:free", "Qwen3 Coder (free)")."""
    return any(_FREE.search(name.lower()) for name in names if name)


def stated_price(amounts: dict[str, Decimal | None], *, free: bool) -> "PriceClaim | None":
    """The price a listing states, or None.

    $0 is a price only where the listing says the model is free (`says_free`): price tables
    write 0 for "not priced here" (a free trial, a placeholder, a per-request price), and a
    $0 shown with confidence wins every "cheaper". Elsewhere a zero amount is unstated; a
    listing whose amounts are all unstated states no price (an embedding model's output 0
    is "no output billed": unstated too).
    """
    kept = {
        name: None if amount is None or (amount == 0 and not free) else amount
        for name, amount in amounts.items()
    }
    if kept.get("input") is None and kept.get("output") is None:
        return None  # a cached price alone, without the price it discounts, is not shown
    return PriceClaim(
        input=kept.get("input"), output=kept.get("output"), cached_input=kept.get("cached_input")
    )


# No model reads more than this at once (the largest stated windows are ~10M tokens); a larger
# figure is a typo or a placeholder, not a fact.
MAX_TOKENS = 100_000_000


def token_count(value: object, field: str) -> int | None:
    """A token limit: a whole, non-negative number (JSON may write 2000000 as 2000000.0).

    0 and figures no model has (over 100M) are not known facts: None, as if unstated.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(f"{field} {value!r} is not a token count")
    if value < 0 or value != int(value):
        raise ValueError(f"{field} {value} is not a whole, non-negative token count")
    if value == 0 or value > MAX_TOKENS:
        return None
    return int(value)


def per_mtok(value: Decimal, tokens_per_unit: int = 1) -> Decimal:
    """A price per `tokens_per_unit` tokens, as USD per 1M tokens.

    Raises ValueError when the amount is negative or finer than NUMERIC(18, 6) can hold exactly.
    """
    amount = value * Decimal(1_000_000) / tokens_per_unit
    if amount < 0:
        raise ValueError(f"negative price {value}")
    rounded = amount.quantize(PER_MTOK_PLACES, rounding=ROUND_HALF_EVEN)
    if rounded != amount:
        raise ValueError(f"price {value} is finer than 0.000001 USD per 1M tokens")
    if rounded >= Decimal("1e12"):
        raise ValueError(f"price {value} is too large")
    return rounded


@dataclass(frozen=True)
class OfferClaim:
    """One provider serving the model: its route, its price and its own limits."""

    provider: str  # the provider's id in the source ("openrouter", "fireworks_ai")
    provider_name: str  # its display name
    route: str
    price: PriceClaim | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    status: str | None = None


@dataclass
class ModelRecord:
    """One model as a source states it. None means the source does not say."""

    external_id: str  # the source's own name for it: a route, a file id, an Epoch name
    name: str
    names: list[str] = field(default_factory=list)  # every name the source uses for it
    organization: str | None = None
    family: str | None = None
    open_weights: bool | None = None
    input_modalities: list[str] | None = None
    output_modalities: list[str] | None = None
    release_date: str | None = None  # "2024", "2024-05" or "2024-05-13": the stated precision
    context_window: int | None = None
    parameters: int | None = None
    license: str | None = None
    status: str | None = None
    price: PriceClaim | None = None
    tasks: list[str] = field(default_factory=list)
    routes: bool = True  # external_id and names are provider routes ("azure/gpt-4o")
    access: str | None = None  # "api", "hosted", "open_weights", "unreleased" (Epoch)
    offers: list[OfferClaim] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # ids the data links it to (base_model)
    first_party: bool = True  # stated by the maker's own entry (else only resellers list it)
    # its id may join a model named without its tuning suffix ("x-instruct" -> "x"): False when
    # a listing names both as two models (service.catalog.identity.apart_by_tuning)
    foldable: bool = True
    # field -> what the maker's entries of equal rank state, when they disagree (the field is
    # then left unknown by this source): "128000 (azure/phi-4); 16000 (github-models/…)"
    disputed: dict[str, str] = field(default_factory=dict)
    # facts only a cloud of the maker's company states here (Azure for Phi-4): checked against
    # the other data sets, which they do not outrank (service.importers.claims.chosen)
    cloud_only: set[str] = field(default_factory=set)
    # a copy of a release's record for a tuning variant of its model (matching.share_release):
    # it states the release's facts only, under no name of its own
    shared: bool = False
    # placed by its release month among the dated releases its undated id names: its undated
    # names are not aliases (they would pull the undated routes of the next run into it)
    placed: bool = False

    @cached_property
    def id_keys(self) -> list[str]:
        """Keys of the ids the data states, most telling first: its links, its own id, routes."""
        keys = [model_key(link, route=self.routes) for link in self.links]
        keys.append(model_key(self.external_id, route=self.routes))
        keys += [model_key(name, route=self.routes) for name in self.names]
        return list(dict.fromkeys(k for k in keys if k))

    @cached_property
    def own_keys(self) -> list[str]:
        """Keys of the ids the record states as its own: its links, then its own id (not the
        routes of the providers grouped with it)."""
        ids = [*self.links, self.external_id]
        return list(dict.fromkeys(k for i in ids if (k := model_key(i, route=self.routes))))

    @cached_property
    def name_keys(self) -> list[str]:
        """Looser keys, tried only when no id matches: the display name, and each key's words."""
        keys = [model_key(self.name, route=False), *self.id_keys]
        if self.foldable:  # "Llama 3.1 8B" names "llama-3.1-8b-instruct" (no listing names both)
            keys += [fold_family(k) for k in keys if k]
        return list(dict.fromkeys(name_key(k) for k in keys if k))

    @property
    def keys(self) -> list[str]:
        return list(dict.fromkeys([*self.id_keys, model_key(self.name, route=False)]))

    def __post_init__(self) -> None:
        if self.release_date is not None:
            parse_release(self.release_date)  # raises ValueError on a date that is not real
            if _before_its_id(self.release_date, model_key(self.external_id, route=self.routes)):
                self.release_date = None


def _before_its_id(release: str, key: str) -> bool:
    """Whether a release date precedes the month the record's own dated id names by more than
    a month: models.dev dates mistral-large-2512 2024-11-01 and Qwen3-235B-A22B-Instruct-2507
    2025-04-28 (the dates of earlier releases). Such a date is not the release's: unstated."""
    month = release_month(key)
    if month is None or len(release) < 7:
        return False
    year, number = int(month[:4]), int(month[5:7])
    before = f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"
    return release[:7] < before


@dataclass(frozen=True)
class Skipped:
    where: str  # file and entry
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class Parsed:
    """A data set read in full: its records and the entries it skipped, with reasons."""

    source: SourceInfo
    path: Path
    records: list[ModelRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    entries: int = 0  # entries read, records and skipped
