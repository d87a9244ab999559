"""The catalog version: one row, bumped once by every writing transaction (see the migration)."""

from sqlalchemy import BigInteger, Boolean, CheckConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class CatalogState(Base):
    """A trigger on `audit_log` bumps `version` once per transaction and NOTIFYs it.

    Every write is audited in its own transaction, so the version moves with every change;
    the row lock makes versions follow commit order.
    """

    __tablename__ = "catalog_state"
    __table_args__ = (CheckConstraint("one", name="single_row"),)

    one: Mapped[bool] = mapped_column(Boolean, primary_key=True, server_default=text("true"))
    version: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    transaction_id: Mapped[int | None] = mapped_column(
        BigInteger, comment="txid_current() of the transaction that set version"
    )
