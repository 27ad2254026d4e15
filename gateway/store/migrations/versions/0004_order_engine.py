"""The order engine: master data, stock levels, replenishments and movements; findings and
history per order; what the engine decided per order line; outbound messages linked to orders.

Revision ID: 0004_order_engine
Revises: 0003_documents_and_acks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gateway.store.tables import ExactDecimal, UTCDateTime

revision: str = "0004_order_engine"
down_revision: str | None = "0003_documents_and_acks"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:  # noqa: PLR0915 - one statement per table and column
    """Apply this revision."""
    op.create_table(
        "md_bins",
        sa.Column("warehouse", sa.String(length=60), nullable=False),
        sa.Column("bin", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("warehouse", "bin", name=op.f("pk_md_bins")),
    )
    op.create_table(
        "md_buyer_parts",
        sa.Column("customer", sa.String(length=60), nullable=False),
        sa.Column("buyer_part", sa.String(length=60), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("customer", "buyer_part", name=op.f("pk_md_buyer_parts")),
    )
    op.create_table(
        "md_carriers",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scac", sa.String(length=4), nullable=True),
        sa.Column("gln", sa.String(length=13), nullable=True),
        sa.Column("service", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_md_carriers")),
    )
    op.create_table(
        "md_customer_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_md_customer_identifiers")),
    )
    with op.batch_alter_table("md_customer_identifiers") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_md_customer_identifiers_value"), ["value"], unique=False
        )

    op.create_table(
        "md_customers",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("credit_limit", ExactDecimal(precision=18, scale=2), nullable=True),
        sa.Column("open_balance", ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=True),
        sa.Column("payment_terms_text", sa.String(length=200), nullable=True),
        sa.Column("tax_exempt", sa.Boolean(), nullable=False),
        sa.Column("warehouse", sa.String(length=60), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_md_customers")),
    )
    op.create_table(
        "md_item_units",
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("uom", sa.String(length=10), nullable=False),
        sa.Column("factor", ExactDecimal(precision=18, scale=6), nullable=False),
        sa.PrimaryKeyConstraint("sku", "uom", name=op.f("pk_md_item_units")),
    )
    op.create_table(
        "md_items",
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("base_uom", sa.String(length=10), nullable=False),
        sa.Column("weight_kg", ExactDecimal(precision=18, scale=4), nullable=True),
        sa.Column("tax_category", sa.String(length=10), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_md_items")),
    )
    with op.batch_alter_table("md_items") as batch_op:
        batch_op.create_index(batch_op.f("ix_md_items_gtin"), ["gtin"], unique=False)

    op.create_table(
        "md_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("customer", sa.String(length=60), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("min_quantity", ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("uom", sa.String(length=10), nullable=True),
        sa.Column("unit_price", ExactDecimal(precision=18, scale=6), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_md_prices")),
    )
    with op.batch_alter_table("md_prices") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_md_prices_sku_customer"), ["sku", "customer"], unique=False
        )

    op.create_table(
        "md_ship_tos",
        sa.Column("customer", sa.String(length=60), nullable=False),
        sa.Column("location", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.PrimaryKeyConstraint("customer", "location", name=op.f("pk_md_ship_tos")),
    )
    op.create_table(
        "md_tax_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("rate", ExactDecimal(precision=7, scale=4), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_md_tax_rates")),
    )
    op.create_table(
        "md_warehouses",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_md_warehouses")),
    )
    op.create_table(
        "replenishments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("warehouse", sa.String(length=60), nullable=False),
        sa.Column("quantity", ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("expected_date", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replenishments")),
    )
    with op.batch_alter_table("replenishments") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_replenishments_sku_warehouse"), ["sku", "warehouse"], unique=False
        )

    op.create_table(
        "stock_levels",
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("warehouse", sa.String(length=60), nullable=False),
        sa.Column("bin", sa.String(length=60), nullable=False),
        sa.Column("on_hand", ExactDecimal(precision=18, scale=4), nullable=False),
        sa.PrimaryKeyConstraint("sku", "warehouse", "bin", name=op.f("pk_stock_levels")),
    )
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("warehouse", sa.String(length=60), nullable=False),
        sa.Column("bin", sa.String(length=60), nullable=False),
        sa.Column("quantity", ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements") as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_movements_sku"), ["sku"], unique=False)

    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_status", sa.String(length=40), nullable=True),
        sa.Column("to_status", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_events_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
    )
    with op.batch_alter_table("order_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_order_events_order_id"), ["order_id"], unique=False)

    op.create_table(
        "order_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("effect", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_findings_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_findings")),
    )
    with op.batch_alter_table("order_findings") as batch_op:
        batch_op.create_index(batch_op.f("ix_order_findings_order_id"), ["order_id"], unique=False)

    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("order_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_messages_order_id"), ["order_id"], unique=False)

    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.add_column(sa.Column("sku", sa.String(length=60), nullable=True))
        batch_op.add_column(
            sa.Column(
                "factor", ExactDecimal(precision=18, scale=6), server_default="1", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "allocated_quantity",
                ExactDecimal(precision=18, scale=4),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "backordered_quantity",
                ExactDecimal(precision=18, scale=4),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("confirmed_price", ExactDecimal(precision=18, scale=6), nullable=True)
        )
        batch_op.add_column(sa.Column("promised_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("response_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reason_code", sa.String(length=20), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_order_lines_sku_status"), ["sku", "status"], unique=False
        )

    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("hold_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("warehouse", sa.String(length=60), nullable=True))
        batch_op.add_column(
            sa.Column("test", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("responses_sent", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("updated_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("document", sa.JSON(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_orders_customer_id_order_number"), ["customer_id", "order_number"]
        )


def downgrade() -> None:  # noqa: PLR0915 - one statement per table and column
    """Revert this revision."""
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_customer_id_order_number"))
        batch_op.drop_column("document")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("responses_sent")
        batch_op.drop_column("test")
        batch_op.drop_column("warehouse")
        batch_op.drop_column("hold_reason")
        batch_op.drop_column("customer_id")

    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_sku_status"))
        batch_op.drop_column("reason_code")
        batch_op.drop_column("response_status")
        batch_op.drop_column("promised_date")
        batch_op.drop_column("confirmed_price")
        batch_op.drop_column("backordered_quantity")
        batch_op.drop_column("allocated_quantity")
        batch_op.drop_column("factor")
        batch_op.drop_column("sku")

    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_order_id"))
        batch_op.drop_column("order_id")

    with op.batch_alter_table("order_findings") as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_findings_order_id"))

    op.drop_table("order_findings")
    with op.batch_alter_table("order_events") as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_events_order_id"))

    op.drop_table("order_events")
    with op.batch_alter_table("stock_movements") as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movements_sku"))

    op.drop_table("stock_movements")
    op.drop_table("stock_levels")
    with op.batch_alter_table("replenishments") as batch_op:
        batch_op.drop_index(batch_op.f("ix_replenishments_sku_warehouse"))

    op.drop_table("replenishments")
    op.drop_table("md_warehouses")
    op.drop_table("md_tax_rates")
    op.drop_table("md_ship_tos")
    with op.batch_alter_table("md_prices") as batch_op:
        batch_op.drop_index(batch_op.f("ix_md_prices_sku_customer"))

    op.drop_table("md_prices")
    with op.batch_alter_table("md_items") as batch_op:
        batch_op.drop_index(batch_op.f("ix_md_items_gtin"))

    op.drop_table("md_items")
    op.drop_table("md_item_units")
    op.drop_table("md_customers")
    with op.batch_alter_table("md_customer_identifiers") as batch_op:
        batch_op.drop_index(batch_op.f("ix_md_customer_identifiers_value"))

    op.drop_table("md_customer_identifiers")
    op.drop_table("md_carriers")
    op.drop_table("md_buyer_parts")
    op.drop_table("md_bins")
