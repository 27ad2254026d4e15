"""Mapped documents in their own table; test flag, document number and partner acks on messages;
raw bytes stored in pieces (payload_chunks) so that large files are never whole in memory.

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
    op.create_table(
        "payload_chunks",
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("messages.id", name="fk_payload_chunks_message_id_messages"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", "seq", name="pk_payload_chunks"),
    )
    op.execute(
        "INSERT INTO payload_chunks (message_id, seq, data) "
        "SELECT message_id, 0, data FROM payloads"
    )
    with op.batch_alter_table("payloads") as batch:
        batch.drop_column("data")


def downgrade() -> None:
    """Revert this revision (the pieces of each payload are joined again, one at a time)."""
    with op.batch_alter_table("payloads") as batch:
        batch.add_column(sa.Column("data", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    ids = bind.execute(sa.text("SELECT message_id FROM payloads")).scalars().all()
    for message_id in ids:
        pieces = bind.execute(
            sa.text("SELECT data FROM payload_chunks WHERE message_id = :m ORDER BY seq"),
            {"m": message_id},
        ).scalars()
        bind.execute(
            sa.text("UPDATE payloads SET data = :d WHERE message_id = :m"),
            {"d": b"".join(bytes(p) for p in pieces), "m": message_id},
        )
    op.drop_table("payload_chunks")
    op.drop_index("ix_documents_message_id_seq", table_name="documents")
    op.drop_table("documents")
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_ack_status_ack_due_at")
        batch.drop_index("ix_messages_partner_document_ref")
        for column in ("progress", "ack_due_at", "ack_status", "document_ref", "test"):
            batch.drop_column(column)
