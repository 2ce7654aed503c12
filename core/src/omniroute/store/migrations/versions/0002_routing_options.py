"""Routing options: combo config, account limits and per-model fallback chains.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("combos") as batch:
        batch.add_column(sa.Column("config", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("connections") as batch:
        batch.add_column(sa.Column("limits", sa.JSON(), nullable=True))
    op.create_table(
        "fallback_chains",
        sa.Column("model", sa.String(), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("model"),
    )


def downgrade() -> None:
    op.drop_table("fallback_chains")
    with op.batch_alter_table("connections") as batch:
        batch.drop_column("limits")
    with op.batch_alter_table("combos") as batch:
        batch.drop_column("config")
