"""Enum-like columns read back as their StrEnum members and are stored as the same text."""

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from service.models import License, Model
from service.models.base import CommercialUse, Disclosure, FactState, Modality, ModelStatus


def test_a_model_reads_back_enum_members(session: Session) -> None:
    model = session.scalars(select(Model).where(Model.slug == "paligemma")).one()
    assert type(model.status) is ModelStatus
    assert type(model.context_window_state) is FactState
    assert type(model.parameters_state) is Disclosure
    assert model.input_modalities and all(type(m) is Modality for m in model.input_modalities)
    license_ = session.get(License, model.license_id)
    assert license_ is not None and type(license_.commercial_use) is CommercialUse


def test_members_and_plain_text_are_stored_as_the_same_text(session: Session) -> None:
    model = session.scalars(select(Model).where(Model.slug == "paligemma")).one()
    model.status = ModelStatus.DEPRECATED
    model.input_modalities = [Modality.TEXT, Modality.IMAGE]
    session.flush()
    stored = session.execute(
        text("SELECT status, input_modalities FROM models WHERE slug = 'paligemma'")
    ).one()
    assert (stored.status, stored.input_modalities) == ("deprecated", ["text", "image"])
    session.execute(text("UPDATE models SET status = 'preview' WHERE slug = 'paligemma'"))
    session.expire_all()
    again = session.scalars(select(Model).where(Model.slug == "paligemma")).one()
    assert again.status is ModelStatus.PREVIEW
