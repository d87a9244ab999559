"""What each imported data set says about a model, and where the data sets disagree."""

from sqlalchemy import Boolean, ForeignKey, PrimaryKeyConstraint, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CitedField, EnumText, Timestamped, one_of


class FactClaim(Timestamped, Base):
    """One source's value for one attribute of one model, as that source names the model.

    The model's own column shows the value chosen by precedence; every claim is kept here,
    so a value can always be traced to its data set and commit (sources.version).
    """

    __tablename__ = "fact_claims"
    __table_args__ = (
        PrimaryKeyConstraint("model_id", "field", "source_id"),
        one_of("field", CitedField, "field_valid"),
    )

    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    field: Mapped[CitedField] = mapped_column(EnumText(CitedField, 30))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text, comment="canonical text: 2024-05, 128000, true, ...")
    external_id: Mapped[str] = mapped_column(Text, comment="the source's own name for the model")
    cloud_only: Mapped[bool] = mapped_column(
        Boolean,
        server_default=text("false"),
        comment="stated only by a cloud of the maker's company, not by the maker's own entry",
    )


class FactConflict(Timestamped, Base):
    """A source whose value differs from the one the catalog shows."""

    __tablename__ = "fact_conflicts"
    __table_args__ = (
        PrimaryKeyConstraint("model_id", "field", "source_id"),
        one_of("field", CitedField, "field_valid"),
    )

    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    field: Mapped[CitedField] = mapped_column(EnumText(CitedField, 30))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)
    chosen_value: Mapped[str] = mapped_column(Text)
    chosen_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"),
        index=True,
        comment="the source of the value shown; NULL when the curated seed cites none",
    )
    chosen_by: Mapped[str] = mapped_column(Text, comment="why that value won: the precedence rule")
