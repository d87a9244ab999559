"""A curated `unknown` means the curated file does not know: the best imported claim fills it.

The curated seed states some facts and leaves others unknown (GPT-5.1 is curated with its name
and lineage only). Where it says nothing, the highest-ranked data set that states the fact
fills it, cited to that data set. A curated `undisclosed` or `not applicable` is a statement:
it is never filled (a source contradicting it is a recorded conflict). The seed and every
import apply the same rule, so the shown value depends on the claims, not on which command
ran last.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalog.precedence import rank
from service.catalog.seed_schema import parse_release
from service.models import FactClaim, License, Model, Organization, Source
from service.models.base import Category, Disclosure, FactState
from service.models.base import CitedField as F

# field -> (value, source id): the best claim of each field a source states
Chosen = dict[str, tuple[str, int]]

FILLABLE = (
    F.ORGANIZATION,
    F.OPEN_WEIGHTS,
    F.INPUT_MODALITIES,
    F.OUTPUT_MODALITIES,
    F.RELEASE_DATE,
    F.CONTEXT_WINDOW,
    F.PARAMETERS,
    F.LICENSE,
)


def best_claims(claims: dict[tuple[str, int], tuple[str, str]]) -> Chosen:
    """(field, source id) -> (value, source slug) claims: the best-ranked value per field."""
    best: Chosen = {}
    for (name, source_id), (value, _) in sorted(
        claims.items(), key=lambda item: (rank(item[1][1]), item[0][1])
    ):
        best.setdefault(name, (value, source_id))
    return best


def load_best_claims(session: Session, model_slugs: list[str]) -> dict[str, Chosen]:
    """model slug -> its best claims, read in one query."""
    rows = session.execute(
        select(Model.slug, FactClaim.field, FactClaim.source_id, FactClaim.value, Source.slug)
        .join(Model, Model.id == FactClaim.model_id)
        .join(Source, Source.id == FactClaim.source_id)
        .where(Model.slug.in_(model_slugs))
    )
    claims: dict[str, dict[tuple[str, int], tuple[str, str]]] = {}
    for slug, name, source_id, value, source_slug in rows:
        claims.setdefault(slug, {})[(name, source_id)] = (value, source_slug)
    return {slug: best_claims(c) for slug, c in claims.items()}


def lookups(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Organization and license slug -> id, for the claims' slugs."""
    orgs = {slug: id_ for slug, id_ in session.execute(select(Organization.slug, Organization.id))}
    licenses = {slug: id_ for slug, id_ in session.execute(select(License.slug, License.id))}
    return orgs, licenses


def fill_unknowns(
    values: dict[str, Any], best: Chosen, orgs: dict[str, int], licenses: dict[str, int]
) -> Chosen:
    """Fill the unknown facts of a curated model's column values in place; return what was
    filled, with the value's source."""
    filled: Chosen = {}
    for name in FILLABLE:
        if name not in best:
            continue
        value, source_id = best[name]
        if _fill(name, value, values, orgs, licenses):
            filled[name.value] = (value, source_id)
    return filled


def _fill(
    name: F, value: str, values: dict[str, Any], orgs: dict[str, int], licenses: dict[str, int]
) -> bool:
    if name == F.ORGANIZATION and values.get("organization_id") is None and value in orgs:
        values["organization_id"] = orgs[value]
    elif name == F.OPEN_WEIGHTS and values.get("open_weights") is None:
        values["open_weights"] = value == "true"
        if values.get("category") is None:
            values["category"] = (Category.OPEN if value == "true" else Category.CLOSED).value
    elif name in (F.INPUT_MODALITIES, F.OUTPUT_MODALITIES) and values.get(name.value) is None:
        values[name.value] = [part for part in value.split(",") if part]
    elif name == F.RELEASE_DATE and values.get("release_date") is None:
        day, precision = parse_release(value)
        values["release_date"], values["release_date_precision"] = day, precision.value
    elif name == F.CONTEXT_WINDOW and values.get("context_window_state") == FactState.UNKNOWN:
        values["context_window"] = int(value)
        values["context_window_state"] = FactState.KNOWN.value
    elif name == F.PARAMETERS and values.get("parameters_state") == Disclosure.UNKNOWN:
        values["parameter_count"] = int(value)
        values["parameters_state"] = Disclosure.DISCLOSED.value
    elif name == F.LICENSE and values.get("license_id") is None and value in licenses:
        values["license_id"] = licenses[value]
    else:
        return False
    return True
