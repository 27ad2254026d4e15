"""Fulfilment: pick lists, shipments with their bin lines and SSCC cartons, invoices; what of
each order line is released, shipped, delivered and invoiced; items that ship alone.

Revision ID: 0006_fulfilment
Revises: 0005_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gateway.store.tables import ExactDecimal, UTCDateTime

revision: str = "0006_fulfilment"
down_revision: str | None = "0005_jobs"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "pick_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pick_lists")),
        sa.UniqueConstraint("number", name=op.f("uq_pick_lists_number")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=60), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines_total", ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("charges_total", ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("net_total", ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("tax_total", ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("gross_total", ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_invoices_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_invoices_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_issue_date"), ["issue_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoices_order_id"), ["order_id"], unique=False)

    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=100), nullable=False),
        sa.Column("warehouse", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pick_list_id", sa.Integer(), nullable=True),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("carrier", sa.String(length=60), nullable=True),
        sa.Column("service", sa.String(length=60), nullable=True),
        sa.Column("tracking_number", sa.String(length=60), nullable=True),
        sa.Column("ship_date", sa.Date(), nullable=True),
        sa.Column("weight_kg", ExactDecimal(precision=18, scale=4), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("received_by", sa.String(length=100), nullable=True),
        sa.Column("delivery_note", sa.Text(), nullable=True),
        sa.Column("notice_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_message_id"],
            ["messages.id"],
            name=op.f("fk_shipments_notice_message_id_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_shipments_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["pick_list_id"], ["pick_lists.id"], name=op.f("fk_shipments_pick_list_id_pick_lists")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.UniqueConstraint("number", name=op.f("uq_shipments_number")),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipments_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_status"), ["status"], unique=False)

    op.create_table(
        "cartons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("sscc", sa.String(length=18), nullable=False),
        sa.Column("weight_kg", ExactDecimal(precision=18, scale=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_cartons_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartons")),
        sa.UniqueConstraint("sscc", name=op.f("uq_cartons_sscc")),
    )
    with op.batch_alter_table("cartons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cartons_shipment_id"), ["shipment_id"], unique=False)

    op.create_table(
        "shipment_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("bin", sa.String(length=60), nullable=False),
        sa.Column("quantity", ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("picked_quantity", ExactDecimal(precision=18, scale=4), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_shipment_lines_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_shipment_lines_order_line_id_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_shipment_lines_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_lines")),
    )
    with op.batch_alter_table("shipment_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipment_lines_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shipment_lines_order_line_id"), ["order_line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shipment_lines_shipment_id"), ["shipment_id"], unique=False
        )

    op.create_table(
        "carton_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carton_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", ExactDecimal(precision=18, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["carton_id"], ["cartons.id"], name=op.f("fk_carton_lines_carton_id_cartons")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_carton_lines_order_line_id_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carton_lines")),
    )
    with op.batch_alter_table("carton_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carton_lines_carton_id"), ["carton_id"], unique=False)

    with op.batch_alter_table("md_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ships_alone", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "released_quantity",
                ExactDecimal(precision=18, scale=4),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "shipped_quantity",
                ExactDecimal(precision=18, scale=4),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "delivered_quantity",
                ExactDecimal(precision=18, scale=4),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "invoiced_quantity",
                ExactDecimal(precision=18, scale=4),
                server_default="0",
                nullable=False,
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("invoiced_quantity")
        batch_op.drop_column("delivered_quantity")
        batch_op.drop_column("shipped_quantity")
        batch_op.drop_column("released_quantity")

    with op.batch_alter_table("md_items", schema=None) as batch_op:
        batch_op.drop_column("ships_alone")

    with op.batch_alter_table("carton_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carton_lines_carton_id"))

    op.drop_table("carton_lines")
    with op.batch_alter_table("shipment_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_lines_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_shipment_lines_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_shipment_lines_invoice_id"))

    op.drop_table("shipment_lines")
    with op.batch_alter_table("cartons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cartons_shipment_id"))

    op.drop_table("cartons")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipments_status"))
        batch_op.drop_index(batch_op.f("ix_shipments_order_id"))

    op.drop_table("shipments")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_order_id"))
        batch_op.drop_index(batch_op.f("ix_invoices_issue_date"))

    op.drop_table("invoices")
    op.drop_table("pick_lists")
