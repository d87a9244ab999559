from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, Timestamped, lowercase_slug


class Organization(Timestamped, Base):
    """A company: a model's maker, or a provider offering models. A lab is its company."""

    __tablename__ = "organizations"
    __table_args__ = (lowercase_slug("slug", "slug_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)


class OrganizationAlias(Base):
    """Another name an organization goes by ("Google DeepMind", "gemini"), unique in any case."""

    __tablename__ = "organization_aliases"
    __table_args__ = (
        Index("uq_organization_aliases_lower_alias", text("lower(alias)"), unique=True),
        CheckConstraint("alias <> ''", name="alias_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
