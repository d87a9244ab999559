"""What a format module hands to the writer: models as one source states them."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from service.catalog.seed_schema import parse_release
from service.importers.identity import model_key

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


def token_count(value: object, field: str) -> int | None:
    """A token limit: a whole, non-negative number (JSON may write 2000000 as 2000000.0)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(f"{field} {value!r} is not a token count")
    if value < 0 or value != int(value):
        raise ValueError(f"{field} {value} is not a whole, non-negative token count")
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

    @property
    def keys(self) -> list[str]:
        """Identity keys, most telling first: the source's id, its display name, other names."""
        keys = [model_key(self.external_id, route=self.routes), model_key(self.name, route=False)]
        keys += [model_key(name, route=self.routes) for name in self.names]
        return list(dict.fromkeys(k for k in keys if k))

    def __post_init__(self) -> None:
        if self.release_date is not None:
            parse_release(self.release_date)  # raises ValueError on a date that is not real


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
