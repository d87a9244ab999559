from datetime import date

from sqlalchemy import CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, Timestamped, lowercase_slug


class Source(Timestamped, Base):
    """Where a fact came from: a web page or a document, and when it was read."""

    __tablename__ = "sources"
    __table_args__ = (
        lowercase_slug("slug", "slug_format"),
        CheckConstraint("url IS NOT NULL OR document IS NOT NULL", name="url_or_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text, comment="commit, release or edition")
    retrieved_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
