"""How values read on a comparison page: "400K", "3B", "Dec 2025", "$1.75"."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from service.models.base import DatePrecision, Modality

MISSING = {
    "unknown": "—",
    "undisclosed": "Undisclosed",
    "not_applicable": "N/A",
}
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}


def missing(state: str) -> str:
    return MISSING.get(state, "—")


def _scaled(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text


def tokens(count: int) -> str:
    """400000 -> '400K', 1048576 -> '1M', 131072 -> '131K', 2000 -> '2K', 512 -> '512'."""
    if count >= 1_000_000:
        return _scaled(round(count / 1_000_000, 1)) + "M"
    if count >= 1_000:
        return str(round(count / 1_000)) + "K"
    return str(count)


def parameters(count: int) -> str:
    """3000000000 -> '3B', 1500000000 -> '1.5B', 400000000 -> '400M', 1.8e12 -> '1.8T'."""
    for size, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if count >= size:
            return _scaled(count / size) + suffix
    return str(count)


# English month abbreviations, whatever the process's locale (strftime's %b follows it).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def release(value: date, precision: str) -> str:
    """'2025', 'Dec 2025' or 'Dec 11, 2025', by the precision the source gives."""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    month = _MONTHS[value.month - 1]
    if precision == DatePrecision.MONTH:
        return f"{month} {value.year}"
    return f"{month} {value.day}, {value.year}"


def money(amount: Decimal, currency: str) -> str:
    """At least two decimals, more when the amount needs them: $14.00, $0.075, $0.0000125."""
    normal = amount.normalize()
    exponent = normal.as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 2)
    text = f"{amount:,.{places}f}"
    sign = _CURRENCY_SIGNS.get(currency)
    return f"{sign}{text}" if sign else f"{text} {currency}"


def label(value: str) -> str:
    """'open_source' -> 'Open source'."""
    return value.replace("_", " ").capitalize()


def plain(amount: Decimal | None) -> Decimal | None:
    """Drop trailing zeros without switching to exponent form: 1.750000 -> 1.75, 14.0 -> 14."""
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.normalize()


@dataclass(frozen=True, slots=True)
class Shown:
    """A fact's state and the text a page prints for it; built here for every door."""

    state: str
    display: str


def _known(text: str) -> Shown:
    return Shown("known", text)


def _absent(state: str = "unknown") -> Shown:
    return Shown(state, missing(state))


def parameters_fact(count: int | None, disclosure: str) -> Shown:
    """3B; '~3B (estimated)' for an estimate; 'Undisclosed' or '—' without a count."""
    if count is None:
        return _absent(disclosure)
    text = parameters(count)
    return _known(f"~{text} (estimated)" if disclosure == "estimated" else text)


def context_window_fact(count: int | None, state: str) -> Shown:
    return _absent(state) if count is None else _known(tokens(count))


def release_fact(value: date | None, precision: str | None) -> Shown:
    if value is None or precision is None:
        return _absent()
    return _known(release(value, precision))


def modalities_fact(values: Sequence[str] | None) -> Shown:
    """In one fixed order (text, image, audio, video, file), so two models that take the same
    modalities read the same and a comparison does not mark them as different."""
    if not values:
        return _absent()
    order = {modality.value: rank for rank, modality in enumerate(Modality)}
    return _known(", ".join(sorted(values, key=lambda v: (order.get(v, len(order)), v))))


def yes_no_fact(flag: bool | None) -> Shown:
    return _absent() if flag is None else _known("Yes" if flag else "No")


def text_fact(value: str | None) -> Shown:
    return _absent() if not value else _known(value)
