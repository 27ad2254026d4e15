"""Mapped documents in their own table; test flag, document number and partner acks on messages.

Revision ID: 0003_documents_and_acks
Revises: 0002_accept_duplicate
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gateway.store.tables import UTCDateTime

revision: str = "0003_documents_and_acks"
down_revision: str | None = "0002_accept_duplicate"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("test", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("document_ref", sa.String(100), nullable=True))
        batch.add_column(sa.Column("ack_status", sa.String(20), nullable=True))
        batch.add_column(sa.Column("ack_due_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("progress", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_messages_partner_document_ref", ["partner", "document_ref"])
        batch.create_index("ix_messages_ack_status_ack_due_at", ["ack_status", "ack_due_at"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("messages.id", name="fk_documents_message_id_messages"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("envelope", sa.JSON(), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_index("ix_documents_message_id_seq", "documents", ["message_id", "seq"], unique=True)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_documents_message_id_seq", table_name="documents")
    op.drop_table("documents")
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_ack_status_ack_due_at")
        batch.drop_index("ix_messages_partner_document_ref")
        for column in ("progress", "ack_due_at", "ack_status", "document_ref", "test"):
            batch.drop_column(column)
