"""catalog version: one row bumped once per writing transaction, in commit order, and NOTIFYed

Revision ID: 5e1f0c2a7b34
Revises: 1d2592871232
Create Date: 2026-11-28 20:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1f0c2a7b34"
down_revision: str | None = "1d2592871232"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The row is created by the first write (an empty catalog has none: version 0).
# The UPDATE takes the row lock, so a second writer waits until the first commits and then
# reads the committed version: versions follow commit order. Only the transaction's first
# audit row bumps it. pg_notify is delivered at commit, never for a rolled-back transaction.
BUMP = """
CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_version bigint;
BEGIN
    INSERT INTO catalog_state AS state (one, version, transaction_id)
    VALUES (true, 1, txid_current())
    ON CONFLICT (one) DO UPDATE
       SET version = state.version + 1, transaction_id = txid_current()
     WHERE state.transaction_id IS DISTINCT FROM txid_current()
    RETURNING version INTO new_version;
    IF new_version IS NOT NULL THEN
        PERFORM pg_notify('catalog_version', new_version::text);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "catalog_state",
        sa.Column("one", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "transaction_id",
            sa.BigInteger(),
            nullable=True,
            comment="txid_current() of the transaction that set version",
        ),
        sa.CheckConstraint("one", name=op.f("ck_catalog_state_single_row")),
        sa.PrimaryKeyConstraint("one", name=op.f("pk_catalog_state")),
    )
    op.execute(
        "INSERT INTO catalog_state (one, version) SELECT true, max(id) FROM audit_log "
        "HAVING max(id) IS NOT NULL"
    )
    op.execute(BUMP)
    op.execute(
        "CREATE TRIGGER audit_log_bumps_catalog_version AFTER INSERT ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_bumps_catalog_version ON audit_log")
    op.execute("DROP FUNCTION bump_catalog_version()")
    op.drop_table("catalog_state")
