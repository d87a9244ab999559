from datetime import date

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import (
    Base,
    Category,
    CitedField,
    DatePrecision,
    Disclosure,
    EnumText,
    FactState,
    Modality,
    ModelStatus,
    Origin,
    Relation,
    Timestamped,
    lowercase_slug,
    one_of,
)

_MODALITIES = "ARRAY[" + ", ".join(f"'{m.value}'" for m in Modality) + "]::varchar[]"


class Model(Timestamped, Base):
    """One AI model. Missing values are NULL and their *_state column says why."""

    __tablename__ = "models"
    __table_args__ = (
        lowercase_slug("slug", "slug_format"),
        one_of("category", Category, "category_valid", nullable=True),
        one_of("status", ModelStatus, "status_valid"),
        one_of("release_date_precision", DatePrecision, "release_precision_valid", nullable=True),
        one_of("context_window_state", FactState, "context_window_state_valid"),
        one_of("parameters_state", Disclosure, "parameters_state_valid"),
        one_of("origin", Origin, "origin_valid"),
        CheckConstraint(
            "(release_date IS NULL) = (release_date_precision IS NULL)",
            name="release_date_has_precision",
        ),
        CheckConstraint(
            "context_window IS NULL OR context_window >= 0", name="context_window_nonneg"
        ),
        CheckConstraint(
            "(context_window_state = 'known') = (context_window IS NOT NULL)",
            name="context_window_matches_state",
        ),
        CheckConstraint(
            "parameter_count IS NULL OR parameter_count > 0", name="parameter_count_positive"
        ),
        CheckConstraint(
            "(parameters_state IN ('disclosed', 'estimated')) = (parameter_count IS NOT NULL)",
            name="parameters_match_state",
        ),
        CheckConstraint(
            f"input_modalities IS NULL OR input_modalities <@ {_MODALITIES}",
            name="input_modalities_valid",
        ),
        CheckConstraint(
            f"output_modalities IS NULL OR output_modalities <@ {_MODALITIES}",
            name="output_modalities_valid",
        ),
        Index("ix_models_release_date", "release_date"),
        # the default listing: what people can use, newest first
        Index("ix_models_research_only_release_date", "research_only", "release_date"),
        # the listing by release date, newest or oldest first, missing dates last (the
        # expressions of catalog/search.py's ordering), walked from either end
        Index("ix_models_newest", text("coalesce(release_date, '0001-01-01'::date)"), "id"),
        Index("ix_models_oldest", text("coalesce(release_date, '9999-12-31'::date)"), "id"),
        Index("ix_models_context_window", "context_window"),
        Index("ix_models_lower_name", text("lower(name)")),
        # the name-guard trigger looks slugs up by lower(slug) on every alias it checks
        Index("ix_models_lower_slug", text("lower(slug)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(Text)
    family: Mapped[str | None] = mapped_column(Text)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    category: Mapped[Category | None] = mapped_column(EnumText(Category, 10), index=True)
    open_weights: Mapped[bool | None] = mapped_column(Boolean)
    input_modalities: Mapped[list[Modality] | None] = mapped_column(ARRAY(EnumText(Modality, 10)))
    output_modalities: Mapped[list[Modality] | None] = mapped_column(ARRAY(EnumText(Modality, 10)))
    release_date: Mapped[date | None] = mapped_column(Date)
    release_date_precision: Mapped[DatePrecision | None] = mapped_column(
        EnumText(DatePrecision, 10)
    )
    context_window: Mapped[int | None] = mapped_column(Integer)
    context_window_state: Mapped[FactState] = mapped_column(
        EnumText(FactState, 20), default=FactState.UNKNOWN
    )
    parameter_count: Mapped[int | None] = mapped_column(BigInteger)
    parameters_state: Mapped[Disclosure] = mapped_column(
        EnumText(Disclosure, 20), default=Disclosure.UNKNOWN
    )
    license_id: Mapped[int | None] = mapped_column(ForeignKey("licenses.id"), index=True)
    overview: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ModelStatus] = mapped_column(
        EnumText(ModelStatus, 20), default=ModelStatus.ACTIVE
    )
    version: Mapped[int] = mapped_column(
        Integer, default=1, server_default="1", comment="bumped by every write; guards edits"
    )
    research_only: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default="false",
        comment="neither an API nor open weights: a research result (Epoch), hidden by default",
    )
    origin: Mapped[Origin] = mapped_column(
        EnumText(Origin, 10),
        default=Origin.CURATED,
        server_default=Origin.CURATED.value,
        comment="curated rows are never overwritten by an import",
    )

    aliases: Mapped[list["ModelAlias"]] = relationship(lazy="raise", back_populates="model")
    variants: Mapped[list["ModelVariant"]] = relationship(lazy="raise", back_populates="model")


class ModelAlias(Base):
    """Another name a model answers to. Unique whatever the case, and never another model's slug."""

    __tablename__ = "model_aliases"
    __table_args__ = (
        Index("uq_model_aliases_lower_alias", text("lower(alias)"), unique=True),
        CheckConstraint("alias <> ''", name="alias_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)

    model: Mapped[Model] = relationship(lazy="raise", back_populates="aliases")


class ModelVariant(Base):
    """A released form of a model (a mode, a resolution, a checkpoint) and what differs in it."""

    __tablename__ = "model_variants"
    __table_args__ = (
        lowercase_slug("slug", "slug_format"),
        UniqueConstraint("model_id", "id", name="uq_model_variants_model_id_id"),
        CheckConstraint(
            "input_resolution_px IS NULL OR input_resolution_px > 0", name="resolution_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(Text)
    axis: Mapped[str] = mapped_column(String(50), comment="what the variants of a model differ in")
    differs: Mapped[str | None] = mapped_column(Text, comment="what differs in this variant")
    input_resolution_px: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)

    model: Mapped[Model] = relationship(lazy="raise", back_populates="variants")


class ModelLineage(Base):
    """model <relation> related_model: GPT-5.2 succeeds GPT-5.1; PaliGemma built_from Gemma 2B."""

    __tablename__ = "model_lineage"
    __table_args__ = (
        UniqueConstraint("model_id", "related_model_id", "relation"),
        one_of("relation", Relation, "relation_valid"),
        CheckConstraint("model_id <> related_model_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"), index=True)
    related_model_id: Mapped[int] = mapped_column(
        ForeignKey("models.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[Relation] = mapped_column(EnumText(Relation, 20))
    role: Mapped[str | None] = mapped_column(Text, comment="for built_from: the part's role")
    note: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)


class ModelCitation(Base):
    """A model attribute's source, with the words that state it."""

    __tablename__ = "model_citations"
    __table_args__ = (
        PrimaryKeyConstraint("model_id", "field", "source_id"),
        one_of("field", CitedField, "field_valid"),
    )

    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    field: Mapped[CitedField] = mapped_column(EnumText(CitedField, 30))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    quote: Mapped[str | None] = mapped_column(Text)
