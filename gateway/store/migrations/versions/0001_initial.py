"""Initial schema: messages, payloads, history, control numbers, orders.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "control_numbers",
        sa.Column("partner", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("partner", "kind", name=op.f("pk_control_numbers")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("partner", sa.String(length=100), nullable=True),
        sa.Column("standard", sa.String(length=20), nullable=True),
        sa.Column("message_type", sa.String(length=40), nullable=True),
        sa.Column("version", sa.String(length=40), nullable=True),
        sa.Column("document_type", sa.String(length=60), nullable=True),
        sa.Column("interchange_ref", sa.String(length=100), nullable=True),
        sa.Column("group_ref", sa.String(length=100), nullable=True),
        sa.Column("message_ref", sa.String(length=100), nullable=True),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_code", sa.String(length=60), nullable=True),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.Column("error_location", sa.Text(), nullable=True),
        sa.Column("error_issues", sa.JSON(), nullable=False),
        sa.Column("traceback", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("filename", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["messages.id"], name=op.f("fk_messages_parent_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index(op.f("ix_messages_parent_id"), "messages", ["parent_id"], unique=False)
    op.create_index(
        op.f("ix_messages_partner_interchange_ref"),
        "messages",
        ["partner", "interchange_ref"],
        unique=False,
    )
    op.create_index(op.f("ix_messages_sha256"), "messages", ["sha256"], unique=False)
    op.create_index(
        op.f("ix_messages_status_next_attempt_at"),
        "messages",
        ["status", "next_attempt_at"],
        unique=False,
    )

    op.create_table(
        "message_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_stage", sa.String(length=40), nullable=True),
        sa.Column("to_stage", sa.String(length=40), nullable=True),
        sa.Column("from_status", sa.String(length=40), nullable=True),
        sa.Column("to_status", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_events_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_events")),
    )
    op.create_index(
        op.f("ix_message_events_message_id"), "message_events", ["message_id"], unique=False
    )

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=100), nullable=False),
        sa.Column("order_number", sa.String(length=60), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=10), nullable=True),
        sa.Column("requested_delivery_date", sa.Date(), nullable=True),
        sa.Column("buyer_id", sa.String(length=60), nullable=True),
        sa.Column("buyer_scheme", sa.String(length=20), nullable=True),
        sa.Column("buyer_name", sa.String(length=200), nullable=True),
        sa.Column("seller_id", sa.String(length=60), nullable=True),
        sa.Column("ship_to_id", sa.String(length=60), nullable=True),
        sa.Column("bill_to_id", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_orders_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    op.create_index(op.f("ix_orders_message_id"), "orders", ["message_id"], unique=False)
    op.create_index(
        op.f("ix_orders_partner_buyer_id_order_number"),
        "orders",
        ["partner", "buyer_id", "order_number"],
        unique=False,
    )

    op.create_table(
        "payloads",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_payloads_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_payloads")),
    )
    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=False),
        sa.Column("gtin", sa.String(length=35), nullable=True),
        sa.Column("buyer_part", sa.String(length=60), nullable=True),
        sa.Column("seller_part", sa.String(length=60), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("uom", sa.String(length=20), nullable=True),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("requested_delivery_date", sa.Date(), nullable=True),
        sa.Column("confirmed_quantity", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
    )
    op.create_index(op.f("ix_order_lines_order_id"), "order_lines", ["order_id"], unique=False)


def downgrade() -> None:
    """Revert this revision (dropping a table drops its indexes)."""
    for table in (
        "order_lines",
        "orders",
        "payloads",
        "message_events",
        "messages",
        "control_numbers",
    ):
        op.drop_table(table)
