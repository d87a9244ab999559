"""The read helpers the API builds offers on, over the imported excerpts."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalog.offers import cheapest_offer_subquery, offered_by, offers_of, providers
from service.models import Model
from tests.importers.conftest import Imported


def _model_id(session: Session, slug: str) -> int:
    return session.scalars(select(Model.id).where(Model.slug == slug)).one()


def test_a_models_offers_cheapest_first(imported: Imported) -> None:
    with Session(imported.engine) as session:
        gemma = _model_id(session, "gemma-3-27b-it")
        offers = offers_of(session, [gemma], date.today())[gemma]
        prices = [o.input_per_mtok for o in offers]
    # DeepInfra, OpenRouter, Bedrock twice (one offer per source: LiteLLM's and models.dev's),
    # then Google's own route: its 0/0 does not say free, so it states no price (last)
    assert prices == [
        Decimal("0.08"),
        Decimal("0.09"),
        Decimal("0.12"),
        Decimal("0.23"),
        None,
    ]


def test_cheapest_offer_and_provider_filter(imported: Imported) -> None:
    today = date.today()
    with Session(imported.engine) as session:
        gemma = _model_id(session, "gemma-3-27b-it")
        cheapest = dict(
            (row.model_id, row.input_per_mtok)
            for row in session.execute(cheapest_offer_subquery(today))
        )
        by_openrouter = set(session.scalars(offered_by(["OpenRouter"], today)))
        later = set(session.scalars(offered_by(["openrouter"], today + timedelta(days=365))))
        names = {slug for slug, _, _ in providers(session)}
    assert cheapest[gemma] == Decimal("0.08")  # a 0/0 that does not say free is no price
    assert gemma in by_openrouter and by_openrouter == later
    assert {"openai", "openrouter", "amazon", "microsoft"} <= names
