"""The fulfilment jobs the scheduler runs: the invoice run and the demo mode's warehouse."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import select

from gateway.app import Gateway
from gateway.errors import GatewayError
from gateway.fulfilment.shipping import ShipDetails
from gateway.pipeline.fulfilment_actions import (
    deliver_shipment,
    pack_shipment,
    pick_shipment,
    release_orders,
    run_invoices,
    ship_shipment,
)
from gateway.store.fulfilment_store import shipment_numbers
from gateway.store.tables_orders import CarrierRow

log = logging.getLogger(__name__)
DEMO = "demo"


def invoice_run(gateway: Gateway, now: datetime) -> Mapping[str, int]:
    """Invoice every shipped, uninvoiced line whose partner's invoicing period has ended."""
    invoiced = run_invoices(gateway, now.date(), actor="scheduler")
    return {
        "invoices": len(invoiced),
        "sent": sum(1 for one in invoiced if one.message is not None),
    }


def demo_advance(gateway: Gateway, now: datetime) -> Mapping[str, int]:
    """Demo mode: play the warehouse. Each run moves every shipment one step on (picked,
    packed, shipped with the default carrier, delivered) and releases what is ready."""
    counts = {"delivered": 0, "shipped": 0, "packed": 0, "picked": 0, "released": 0}
    with gateway.store.read() as session:
        stages = {
            status: shipment_numbers(session, status)
            for status in ("shipped", "packed", "picked", "released")
        }
        carrier = (
            gateway.settings.fulfilment.default_carrier
            or session.scalars(select(CarrierRow.id).order_by(CarrierRow.id)).first()
        )
    for number in stages["shipped"]:
        counts["delivered"] += _step(deliver_shipment, gateway, number, now.date(), DEMO)
    for number in stages["packed"]:
        details = ShipDetails(carrier=carrier or "", tracking_number=f"DEMO{number[3:]}")
        counts["shipped"] += _step(ship_shipment, gateway, number, details, DEMO)
    for number in stages["picked"]:
        counts["packed"] += _step(pack_shipment, gateway, number, None, DEMO)
    for number in stages["released"]:
        counts["picked"] += _step(pick_shipment, gateway, number, None, DEMO)
    counts["released"] = len(release_orders(gateway, None, DEMO).released.shipments)
    return counts


def _step(action: Callable[..., object], gateway: Gateway, number: str, *args: object) -> int:
    """One demo step on one shipment; a refused step is logged and the others go on."""
    try:
        action(gateway, number, *args)
    except GatewayError as exc:
        log.warning(
            "demo mode: %s %s: %s", getattr(action, "__name__", "step"), number, exc.message
        )
        return 0
    return 1
