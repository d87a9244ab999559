"""The two documented models, read back from the database as the source page states them."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import (
    Capability,
    Collection,
    CollectionMember,
    License,
    Model,
    ModelAlias,
    ModelCitation,
    ModelLineage,
    ModelVariant,
    Organization,
    Price,
    Source,
    Task,
)


def _model(session: Session, slug: str) -> Model:
    return session.scalars(select(Model).where(Model.slug == slug)).one()


def _org(session: Session, model: Model) -> str | None:
    return session.scalar(select(Organization.name).where(Organization.id == model.organization_id))


def _license(session: Session, model: Model) -> License:
    return session.scalars(select(License).where(License.id == model.license_id)).one()


def _tasks(session: Session, model: Model) -> dict[str, tuple[str, bool]]:
    rows = session.execute(
        select(Task.slug, Capability.support, Capability.has_demo)
        .join(Capability, Capability.task_id == Task.id)
        .where(Capability.model_id == model.id)
    )
    return {slug: (support, demo) for slug, support, demo in rows}


def _collections(session: Session, model: Model) -> set[str]:
    return set(
        session.scalars(
            select(Collection.name)
            .join(CollectionMember, CollectionMember.collection_id == Collection.id)
            .where(CollectionMember.model_id == model.id)
        )
    )


def _lineage(session: Session, model: Model) -> set[tuple[str, str, str | None]]:
    rows = session.execute(
        select(ModelLineage.relation, Model.slug, ModelLineage.role)
        .join(Model, Model.id == ModelLineage.related_model_id)
        .where(ModelLineage.model_id == model.id)
    )
    return {tuple(row) for row in rows}


def test_gpt_5_2_as_the_page_states_it(session: Session) -> None:
    gpt = _model(session, "gpt-5.2")
    assert gpt.name == "GPT-5.2"
    assert _org(session, gpt) == "OpenAI"
    assert gpt.category == "closed"
    assert gpt.open_weights is False
    assert gpt.input_modalities == ["text", "image"]
    assert gpt.output_modalities == ["text"]
    assert (gpt.release_date, gpt.release_date_precision) == (date(2025, 12, 1), "month")
    assert (gpt.context_window, gpt.context_window_state) == (400_000, "known")
    # The "3B" in GPT-5.2's column of the captured table is PaliGemma's value.
    assert (gpt.parameter_count, gpt.parameters_state) == (None, "undisclosed")
    license_ = _license(session, gpt)
    assert (license_.name, license_.kind) == ("Proprietary", "proprietary")
    assert gpt.overview and gpt.overview.startswith("GPT-5.2 is OpenAI’s latest flagship")
    assert "Relative to GPT-5.1" in gpt.overview


def test_gpt_5_2_price_is_exact(session: Session) -> None:
    gpt = _model(session, "gpt-5.2")
    prices = session.scalars(select(Price).where(Price.model_id == gpt.id)).all()
    assert len(prices) == 1
    price = prices[0]
    assert price.input_per_mtok == Decimal("1.75")
    assert price.output_per_mtok == Decimal("14.00")
    assert price.cached_input_per_mtok is None  # not on the page
    assert (price.currency, price.effective_from, price.effective_to) == ("USD", None, None)


def test_gpt_5_2_variants_tasks_lineage_collections(session: Session) -> None:
    gpt = _model(session, "gpt-5.2")
    variants = session.scalars(
        select(ModelVariant.name)
        .where(ModelVariant.model_id == gpt.id)
        .order_by(ModelVariant.sort_order)
    ).all()
    assert variants == ["GPT-5.2 Instant", "GPT-5.2 Thinking", "GPT-5.2 Pro"]
    demo_tasks = {
        "image-captioning",
        "visual-question-answering",
        "image-classification",
        "object-detection",
        "ocr",
    }
    assert _tasks(session, gpt) == {t: ("out_of_the_box", True) for t in demo_tasks}
    assert _lineage(session, gpt) == {("succeeds", "gpt-5.1", None)}
    assert _collections(session, gpt) == {"LLMs with Vision Capabilities", "Multimodal Vision"}


def test_paligemma_as_the_page_states_it(session: Session) -> None:
    pali = _model(session, "paligemma")
    assert _org(session, pali) == "Google"  # empty in the table, stated in the overview
    assert pali.category == "open"
    assert pali.open_weights is True
    assert pali.input_modalities == ["image", "text"]
    assert pali.output_modalities == ["text"]
    assert (pali.release_date, pali.release_date_precision) == (date(2024, 5, 1), "month")
    assert (pali.context_window, pali.context_window_state) == (None, "unknown")
    assert (pali.parameter_count, pali.parameters_state) == (3_000_000_000, "disclosed")
    license_ = _license(session, pali)
    assert (license_.name, license_.kind, license_.spdx_id) == ("Gemma license", "custom", None)
    assert license_.commercial_use == "conditional"
    assert "Gemma Prohibited Use Policy" in (license_.commercial_terms or "")
    assert session.scalars(select(Price).where(Price.model_id == pali.id)).all() == []


def test_paligemma_variants_tasks_lineage_collections(session: Session) -> None:
    pali = _model(session, "paligemma")
    variants = session.execute(
        select(ModelVariant.slug, ModelVariant.axis, ModelVariant.input_resolution_px)
        .where(ModelVariant.model_id == pali.id)
        .order_by(ModelVariant.sort_order)
    ).all()
    assert [tuple(v) for v in variants] == [
        ("paligemma-224", "input_resolution", 224),
        ("paligemma-448", "input_resolution", 448),
        ("paligemma-896", "input_resolution", 896),
        ("paligemma-pt", "checkpoint", None),
        ("paligemma-mix", "checkpoint", None),
    ]
    tasks = _tasks(session, pali)
    assert tasks == {
        t: ("after_fine_tuning", False)
        for t in (
            "image-captioning",
            "visual-question-answering",
            "ocr",
            "object-detection",
            "referring-expression-segmentation",
        )
    }
    assert "image-classification" not in tasks
    assert _lineage(session, pali) == {
        ("built_from", "siglip-so400m", "vision encoder"),
        ("built_from", "gemma-2b", "language model"),
        ("inspired_by", "pali-3", None),
    }
    successor = _model(session, "paligemma-2")
    assert _lineage(session, successor) == {("succeeds", "paligemma", None)}
    assert (successor.release_date, successor.release_date_precision) == (
        date(2024, 12, 1),
        "month",
    )
    assert _collections(session, pali) == {"Multimodal Vision", "Foundation Vision"}


def test_aliases_resolve_to_models(session: Session) -> None:
    rows = session.execute(
        select(ModelAlias.alias, Model.slug).join(Model, Model.id == ModelAlias.model_id)
    ).all()
    assert dict(rows) == {"paligemma-3b": "paligemma", "gpt-5-2": "gpt-5.2"}


def test_every_stated_fact_cites_the_page(session: Session) -> None:
    page = session.scalars(
        select(Source).where(Source.slug == "compare-gpt-5.2-vs-paligemma")
    ).one()
    for slug in ("gpt-5.2", "paligemma"):
        model = _model(session, slug)
        cited = dict(
            session.execute(
                select(ModelCitation.field, ModelCitation.source_id).where(
                    ModelCitation.model_id == model.id
                )
            ).all()
        )
        assert set(cited) == {
            "organization",
            "category",
            "open_weights",
            "input_modalities",
            "output_modalities",
            "release_date",
            "context_window",
            "parameters",
            "license",
            "overview",
        }
        assert set(cited.values()) == {page.id}
        for table in (Price, ModelVariant, Capability, CollectionMember):
            sources = set(
                session.scalars(select(table.source_id).where(table.model_id == model.id))
            )
            assert sources <= {page.id}
