"""A person may let a held duplicate through: messages.accept_duplicate.

Revision ID: 0002_accept_duplicate
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_accept_duplicate"
down_revision: str | None = "0001_initial"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(
            sa.Column("accept_duplicate", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("accept_duplicate")
