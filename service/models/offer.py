"""Where a model is served and what it costs there: one provider's offer, dated like prices."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, EnumText, ModelStatus, Timestamped, one_of
from service.models.pricing import PRICE


class Offer(Timestamped, Base):
    """A provider (an organization) serving a model under a route, at a price, with its limits.

    A reseller's limits and prices live here, never on the model: the model's own columns hold
    the maker's facts. One offer per model, provider and source at a time: an exclusion
    constraint over integer and date ranges (built-in GiST support, no btree_gist) keeps two
    offers of the same provider for the same model from overlapping in time, as for prices.
    """

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("input_per_mtok IS NULL OR input_per_mtok >= 0", name="input_nonneg"),
        CheckConstraint("output_per_mtok IS NULL OR output_per_mtok >= 0", name="output_nonneg"),
        CheckConstraint(
            "cached_input_per_mtok IS NULL OR cached_input_per_mtok >= 0", name="cached_nonneg"
        ),
        CheckConstraint("context_window IS NULL OR context_window > 0", name="context_positive"),
        CheckConstraint(
            "max_output_tokens IS NULL OR max_output_tokens > 0", name="max_output_positive"
        ),
        CheckConstraint(
            "effective_from IS NULL OR effective_to IS NULL OR effective_from < effective_to",
            name="effective_range_valid",
        ),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
        CheckConstraint("route <> ''", name="route_not_empty"),
        one_of("status", ModelStatus, "status_valid", nullable=True),
        ExcludeConstraint(
            (text("int4range(model_id, model_id, '[]')"), "&&"),
            (text("int4range(provider_id, provider_id, '[]')"), "&&"),
            (text("int4range(coalesce(source_id, 0), coalesce(source_id, 0), '[]')"), "&&"),
            (text("daterange(effective_from, effective_to, '[)')"), "&&"),
            name="ex_offers_no_overlap",
            using="gist",
        ),
        # a model's offers (Model.offers), the providers' models (provider filter), and the
        # cheapest offer per model (ordering by min(input_per_mtok) over offers in force)
        Index("ix_offers_model_id_input_per_mtok", "model_id", "input_per_mtok"),
        Index("ix_offers_provider_id_model_id", "provider_id", "model_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    route: Mapped[str] = mapped_column(Text, comment="the provider's id for the model")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    input_per_mtok: Mapped[Decimal | None] = mapped_column(PRICE)
    output_per_mtok: Mapped[Decimal | None] = mapped_column(PRICE)
    cached_input_per_mtok: Mapped[Decimal | None] = mapped_column(PRICE)
    context_window: Mapped[int | None] = mapped_column(Integer)
    max_output_tokens: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[ModelStatus | None] = mapped_column(EnumText(ModelStatus, 20))
    effective_from: Mapped[date | None] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), index=True
    )
