"""Remote transports: files fetched from partners' servers (remote_receipts) and each partner
transport's health and poll lease (transport_states).

Revision ID: 0007_transport
Revises: 0006_fulfilment
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gateway.store.tables import UTCDateTime

revision: str = "0007_transport"
down_revision: str | None = "0006_fulfilment"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "remote_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=100), nullable=False),
        sa.Column("remote_name", sa.String(length=255), nullable=False),
        sa.Column("remote_path", sa.String(length=1000), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("cleaned_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remote_receipts")),
    )
    op.create_index(
        op.f("ix_remote_receipts_partner_remote_name_sha256"),
        "remote_receipts",
        ["partner", "remote_name", "sha256"],
        unique=False,
    )
    op.create_table(
        "transport_states",
        sa.Column("partner", sa.String(length=100), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_failure_at", UTCDateTime(), nullable=True),
        sa.Column("last_success_at", UTCDateTime(), nullable=True),
        sa.Column("unhealthy_since", UTCDateTime(), nullable=True),
        sa.Column("next_poll_at", UTCDateTime(), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("leased_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("partner", name=op.f("pk_transport_states")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("transport_states")
    op.drop_index(
        op.f("ix_remote_receipts_partner_remote_name_sha256"), table_name="remote_receipts"
    )
    op.drop_table("remote_receipts")
