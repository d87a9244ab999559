"""fact_claims.cloud_only: the claim rests only on a company cloud's entry (Azure, Bedrock, ...)

Revision ID: b7d4e2a91c05
Revises: 5e1f0c2a7b34
Create Date: 2026-11-29 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d4e2a91c05"
down_revision: str | None = "5e1f0c2a7b34"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "fact_claims",
        sa.Column(
            "cloud_only",
            sa.Boolean(),
            server_default=sa.text("false"),
            nullable=False,
            comment="stated only by a cloud of the maker's company, not by the maker's own entry",
        ),
    )


def downgrade() -> None:
    op.drop_column("fact_claims", "cloud_only")
