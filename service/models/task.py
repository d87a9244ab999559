from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, EnumText, Support, lowercase_slug, one_of


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (lowercase_slug("slug", "slug_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(Text)
    task_group: Mapped[str] = mapped_column(Text, index=True)
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Capability(Base):
    """What a model can do on a task, how, and whether a live demo runs it."""

    __tablename__ = "capabilities"
    __table_args__ = (
        UniqueConstraint("model_id", "task_id"),
        one_of("support", Support, "support_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    support: Mapped[Support] = mapped_column(EnumText(Support, 30), default=Support.UNKNOWN)
    has_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    demo_url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
