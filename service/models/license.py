from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import (
    Base,
    CommercialUse,
    EnumText,
    LicenseKind,
    Timestamped,
    lowercase_slug,
    one_of,
)


class License(Timestamped, Base):
    __tablename__ = "licenses"
    __table_args__ = (
        lowercase_slug("slug", "slug_format"),
        one_of("kind", LicenseKind, "kind_valid"),
        one_of("commercial_use", CommercialUse, "commercial_use_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[LicenseKind] = mapped_column(EnumText(LicenseKind, 20), index=True)
    spdx_id: Mapped[str | None] = mapped_column(String(100))
    commercial_use: Mapped[CommercialUse] = mapped_column(
        EnumText(CommercialUse, 20), default=CommercialUse.UNKNOWN
    )
    commercial_terms: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
