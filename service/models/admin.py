from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class ApiToken(Base):
    """An admin token. Only a hash of its secret is kept; the secret is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("length(secret_hash) = 64", name="hash_is_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One change to the catalog: who, when, what, and the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint("action IN ('create', 'update', 'delete')", name="action_valid"),
        Index("ix_audit_log_entity_key", "entity", "entity_key"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    transaction_id: Mapped[int] = mapped_column(
        BigInteger, server_default=text("txid_current()"), index=True
    )
    actor: Mapped[str] = mapped_column(Text, index=True)
    operation: Mapped[str] = mapped_column(Text, comment="mutation name, 'seed' or 'import …'")
    action: Mapped[str] = mapped_column(String(10))
    entity: Mapped[str] = mapped_column(String(50))
    entity_key: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
