from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, Timestamped

PRICE = Numeric(18, 6)


class Price(Timestamped, Base):
    """Price per 1M tokens of a model (or one of its variants) over [effective_from, effective_to).

    NULL effective_from means "since an unknown date"; NULL effective_to means "still in force".
    Two prices for the same model and variant may not overlap in time: an exclusion constraint
    over integer ranges enforces it with the built-in GiST range support (no btree_gist needed).
    """

    __tablename__ = "prices"
    __table_args__ = (
        ForeignKeyConstraint(
            ["model_id", "variant_id"],
            ["model_variants.model_id", "model_variants.id"],
            name="fk_prices_variant_of_model",
            ondelete="CASCADE",
        ),
        CheckConstraint("input_per_mtok IS NULL OR input_per_mtok >= 0", name="input_nonneg"),
        CheckConstraint("output_per_mtok IS NULL OR output_per_mtok >= 0", name="output_nonneg"),
        CheckConstraint(
            "cached_input_per_mtok IS NULL OR cached_input_per_mtok >= 0", name="cached_nonneg"
        ),
        CheckConstraint(
            "input_per_mtok IS NOT NULL OR output_per_mtok IS NOT NULL"
            " OR cached_input_per_mtok IS NOT NULL",
            name="some_price",
        ),
        CheckConstraint(
            "effective_from IS NULL OR effective_to IS NULL OR effective_from < effective_to",
            name="effective_range_valid",
        ),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
        ExcludeConstraint(
            (text("int4range(model_id, model_id, '[]')"), "&&"),
            (text("int4range(coalesce(variant_id, 0), coalesce(variant_id, 0), '[]')"), "&&"),
            (text("daterange(effective_from, effective_to, '[)')"), "&&"),
            name="ex_prices_no_overlap",
            using="gist",
        ),
        Index("ix_prices_model_id_effective_from", "model_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    variant_id: Mapped[int | None] = mapped_column(index=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    input_per_mtok: Mapped[Decimal | None] = mapped_column(PRICE)
    output_per_mtok: Mapped[Decimal | None] = mapped_column(PRICE)
    cached_input_per_mtok: Mapped[Decimal | None] = mapped_column(PRICE)
    effective_from: Mapped[date | None] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
