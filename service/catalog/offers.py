"""Reads over offers, for the API's `Model.offers`, `providers`, provider filter and
cheapest-offer ordering: SQL building blocks, each one statement whatever the page size."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from service.models import Offer, Organization


def offer_in_force(on: date) -> ColumnElement[bool]:
    """The offers that apply on a date (a NULL start is "since a date the source does not
    give", a NULL end "still in force"), as for prices."""
    return and_(
        or_(Offer.effective_from.is_(None), Offer.effective_from <= on),
        or_(Offer.effective_to.is_(None), Offer.effective_to > on),
    )


def cheapest_offer_subquery(on: date) -> Select[int, Decimal | None, Decimal | None]:
    """model_id with the lowest input and output price per 1M tokens of its offers on a date
    (each minimum over the priced offers: join it to order a listing by cheapest offer)."""
    return (
        select(
            Offer.model_id,
            func.min(Offer.input_per_mtok).label("input_per_mtok"),
            func.min(Offer.output_per_mtok).label("output_per_mtok"),
        )
        .where(offer_in_force(on))
        .group_by(Offer.model_id)
    )


def offered_by(provider_slugs: Sequence[str], on: date) -> Select[int]:
    """Ids of the models that any of these providers offers on a date (a provider filter)."""
    return (
        select(Offer.model_id)
        .join(Organization, Organization.id == Offer.provider_id)
        .where(Organization.slug.in_([s.lower() for s in provider_slugs]), offer_in_force(on))
        .distinct()
    )


def offers_of(session: Session, model_ids: Sequence[int], on: date) -> dict[int, list[Offer]]:
    """Each model's offers on a date, cheapest input first (one statement for all models)."""
    rows = session.scalars(
        select(Offer)
        .where(Offer.model_id.in_(model_ids), offer_in_force(on))
        .order_by(Offer.model_id, Offer.input_per_mtok.asc().nullslast(), Offer.route)
    )
    result: dict[int, list[Offer]] = {model_id: [] for model_id in model_ids}
    for offer in rows:
        result[offer.model_id].append(offer)
    return result


def providers(session: Session) -> list[tuple[str, str, int]]:
    """Every organization that offers a model: slug, name, how many models it offers."""
    rows = session.execute(
        select(Organization.slug, Organization.name, func.count(func.distinct(Offer.model_id)))
        .join(Offer, Offer.provider_id == Organization.id)
        .group_by(Organization.id)
        .order_by(Organization.name)
    )
    return [(slug, name, count) for slug, name, count in rows]
