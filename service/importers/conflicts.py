"""Where a source's value differs from the one the catalog shows: kept, with the reason."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from service.catalog.import_view import DISPUTED_PREFIX, CatalogView, Claims
from service.catalog.imports import conflicts_of_source
from service.catalog.model_writer import CONFLICTS, ModelWriter
from service.importers.claims import bool_text, chosen, int_text
from service.importers.makers import TOKEN_TOLERANCE, dates_agree, tokens_agree
from service.importers.provenance import CURATED, PRECEDENCE
from service.importers.records import PriceClaim
from service.models import Model
from service.models.base import CitedField as F
from service.models.base import DatePrecision, Disclosure, FactState

# Fields where two sources can disagree in a way a reader must know about. Names, families and
# modality lists are spelled or derived differently by each source, so they are not compared.
CONFLICT_FIELDS = (
    F.ORGANIZATION,
    F.OPEN_WEIGHTS,
    F.RELEASE_DATE,
    F.CONTEXT_WINDOW,
    F.PARAMETERS,
    F.LICENSE,
    F.PRICING,
)
ORDER_TEXT = " > ".join([CURATED, *PRECEDENCE])
__all__ = [
    "TOKEN_TOLERANCE",
    "dates_agree",
    "describe_conflicts",
    "tokens_agree",
    "write_conflicts",
]
API_PRICE = "a price set through the API is never overwritten by an import"
# A source whose maker's entries disagree states no value (service.importers.makers); the
# disagreement is kept as this source's conflict, and survives other sources' imports.
DISPUTED = DISPUTED_PREFIX + "{source} disagree, so {source} states no value"
CLOUD_CONTRADICTED = (
    "the data sets disagree and one rests only on a cloud of the maker's company (not the "
    "maker's own entry), so the catalog shows no value"
)
DATES_APART = (
    "the data sets' release dates lie more than a month apart (different events, or one is "
    "wrong), so the catalog shows no value"
)


if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def write_conflicts(
    writer: ModelWriter,
    model_ids: Iterable[int],
    claims: dict[int, Claims],
    catalog: CatalogView,
    source_id: int | None = None,
    disputes: dict[int, dict[str, str]] | None = None,
    cloud: dict[int, set[tuple[str, int]]] | None = None,
) -> None:
    """For each model, every claim that differs from the value the catalog shows, and every
    source whose maker's entries disagree among themselves (`disputes`: this run's; other
    sources' are kept as the catalog holds them)."""
    desired: dict[int, list[dict[str, Any]]] = {}
    for model_id in model_ids:
        model_claims = claims.get(model_id, {})
        shown: dict[str, tuple[str | None, int | None]]
        unsettled: set[str] = set()  # fields a contested claim leaves unknown (`chosen`)
        clouded: set[tuple[str, int]] = set()
        if catalog.is_curated(model_id):
            model = catalog.by_id[model_id]
            shown = {
                name: (value, catalog.citations.get((model_id, name)))
                for name in CONFLICT_FIELDS
                if (value := _curated_text(model, name, catalog)) is not None
            }
        else:
            clouded = (cloud or {}).get(model_id, set())
            shown = {k: (v, s) for k, (v, s) in chosen(model_claims, clouded, agrees).items()}
            unsettled = set(chosen(model_claims)) - set(shown)
        filled = catalog.filled.get(model_id, {})
        for name, (value, filler) in filled.items():  # a curated unknown, filled
            shown[name] = (value, filler)
        api_price = model_id in catalog.api_priced and model_id in catalog.curated_prices
        if api_price and not catalog.is_curated(model_id):
            shown[F.PRICING] = (_price_text(catalog, model_id), None)
        items = _disputed(model_id, shown, catalog, source_id, (disputes or {}).get(model_id, {}))
        items += _contested(model_claims, unsettled, clouded)
        for (name, claimant), (value, source_slug) in sorted(model_claims.items()):
            if name not in CONFLICT_FIELDS or name not in shown:
                continue
            chosen_value, chosen_source = shown[name]
            if chosen_value is None:
                continue
            if chosen_source == claimant or agrees(name, value, chosen_value):
                continue
            items.append(
                {
                    "field": name,
                    "source_id": claimant,
                    "value": value,
                    "chosen_value": chosen_value,
                    "chosen_source_id": chosen_source,
                    "chosen_by": (
                        API_PRICE
                        if api_price and name == F.PRICING
                        else _why(catalog, model_id, chosen_source, source_slug)
                    ),
                }
            )
        desired[model_id] = items
    writer.children(CONFLICTS, desired, lambda mid, item: f"{catalog.slug_of(mid)}.{item['field']}")


def _contested(
    claims: Claims, fields: set[str], clouded: set[tuple[str, int]]
) -> list[dict[str, Any]]:
    """Each claim of a field `chosen` left unknown: a company cloud's figure, its data set's
    only maker-side statement, contradicted by another data set; or release dates more than a
    month apart (service.importers.claims)."""
    return [
        {
            "field": name,
            "source_id": claimant,
            "value": value,
            "chosen_value": "unknown",
            "chosen_source_id": None,
            "chosen_by": (
                CLOUD_CONTRADICTED if any(field == name for field, _ in clouded) else DATES_APART
            ),
        }
        for (name, claimant), (value, _) in sorted(claims.items())
        if name in fields
    ]


def _disputed(
    model_id: int,
    shown: dict[str, tuple[str | None, int | None]],
    catalog: CatalogView,
    source_id: int | None,
    disputes: dict[str, str],
) -> list[dict[str, Any]]:
    stated = {
        key: value
        for key, value in catalog.disputes.get(model_id, {}).items()
        if key[1] != source_id
    }
    if source_id is not None:
        stated.update({(name, source_id): value for name, value in disputes.items()})
    items = []
    for (name, disputing), value in sorted(stated.items()):
        chosen_value, chosen_source = shown.get(name, (None, None))
        slug = catalog.sources.get(disputing, "?")
        items.append(
            {
                "field": name,
                "source_id": disputing,
                "value": value,
                "chosen_value": chosen_value if chosen_value is not None else "unknown",
                "chosen_source_id": chosen_source if chosen_value is not None else None,
                "chosen_by": DISPUTED.format(source=slug),
            }
        )
    return items


def _why(
    catalog: CatalogView,
    model_id: int,
    chosen_source: int | None,
    loser: str,
) -> str:
    if catalog.is_curated(model_id) and chosen_source not in catalog.sources_ranked:
        return f"the curated seed is never overwritten by an import (precedence: {ORDER_TEXT})"
    winner = catalog.sources.get(chosen_source or 0, "?")
    return f"{winner} ranks above {loser} (precedence: {ORDER_TEXT})"


def _curated_text(model: Model, name: str, catalog: CatalogView) -> str | None:
    """A curated model's shown value, in the claims' canonical text; None when not known."""
    if name == F.ORGANIZATION:
        return catalog.org_slugs.get(model.organization_id or 0)
    if name == F.OPEN_WEIGHTS:
        return bool_text(model.open_weights)
    if name == F.RELEASE_DATE:
        if model.release_date is None:
            return None
        text = model.release_date.isoformat()
        precision = model.release_date_precision
        if precision is None:
            return text
        return {DatePrecision.YEAR: text[:4], DatePrecision.MONTH: text[:7]}.get(
            DatePrecision(precision), text
        )
    if name == F.CONTEXT_WINDOW:  # "undisclosed" and "not_applicable" are statements too
        if model.context_window_state in (FactState.UNDISCLOSED, FactState.NOT_APPLICABLE):
            return str(model.context_window_state)
        return int_text(model.context_window)
    if name == F.PARAMETERS:
        if model.parameters_state == Disclosure.UNDISCLOSED:
            return str(model.parameters_state)
        return int_text(model.parameter_count)
    if name == F.LICENSE:
        return catalog.license_slugs.get(model.license_id or 0)
    if name == F.PRICING:
        return _price_text(catalog, model.id)
    return None


def _price_text(catalog: CatalogView, model_id: int) -> str | None:
    price = catalog.curated_prices.get(model_id)
    if price is None:
        return None
    return PriceClaim(
        price.input_per_mtok, price.output_per_mtok, price.cached_input_per_mtok
    ).text()


def agrees(name: str, a: str, b: str) -> bool:
    if name == F.RELEASE_DATE:
        return dates_agree(a, b)
    if name == F.CONTEXT_WINDOW and a.isdigit() and b.isdigit():
        return tokens_agree(int(a), int(b))
    if name == F.PRICING:  # a price one source leaves out (cached input) is a gap, not a clash
        left, right = PriceClaim.parse(a), PriceClaim.parse(b)
        pairs = [
            (left.input, right.input),
            (left.output, right.output),
            (left.cached_input, right.cached_input),
        ]
        return all(x == y for x, y in pairs if x is not None and y is not None)
    return a == b


def describe_conflicts(session: "Session", source_id: int) -> list[str]:
    """The standing conflicts of this source, one line each, for the run's summary."""
    rows = conflicts_of_source(session, source_id)
    return [
        f"{slug}.{name}: source says {value}, the catalog shows {chosen}"
        for slug, name, value, chosen in rows
    ]
