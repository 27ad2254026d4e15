"""What `gateway shipments list|show` and `gateway invoices list|show` print.

The `render_*` functions return the text for people (tests compare it to expected files); the
`print_*` functions choose between it and JSON for scripts. In JSON, decimals are strings and
dates and datetimes ISO 8601 (with their UTC offset). Invoices are in output_fulfilment_invoices.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from gateway.model.codec import to_json
from gateway.orders.amounts import quantity_text
from gateway.output import _table
from gateway.output_orders import NONE, _text, invoice_refs_table
from gateway.store.fulfilment_records import (
    CartonDetail,
    MessageState,
    ShipmentDetail,
    ShipmentLineDetail,
    ShipmentSummary,
)


def status_text(status: str, test: bool) -> str:
    """A status, marked when the record belongs to a test interchange."""
    return f"{status} (test)" if test else status


def message_text(message: MessageState | None) -> str:
    """An outbound message in one cell: id, type, stage/status ("12 DESADV sent/done")."""
    if message is None:
        return NONE
    kind = f" {message.message_type}" if message.message_type else ""
    return f"{message.id}{kind} {message.stage}/{message.status}"


def ack_text(message: MessageState | None) -> str:
    """The partner's acknowledgement of an outbound message, or "-"."""
    return _text(message.ack_status if message else None)


def print_json(data: Any) -> None:
    """JSON for scripts, indented like every other command's."""
    print(json.dumps(data, indent=2))


# -- shipments list ---------------------------------------------------------------------------

LIST_HEADERS = (
    "SHIPMENT",
    "ORDER",
    "ORDER NUMBER",
    "PARTNER",
    "WAREHOUSE",
    "STATUS",
    "CARTONS",
    "QUANTITY",
    "CARRIER",
    "TRACKING",
    "SHIPPED",
    "DELIVERED",
    "INVOICES",
)


def render_shipments(summaries: Sequence[ShipmentSummary]) -> str:
    """The shipment list as a table, or "no shipments"."""
    if not summaries:
        return "no shipments"
    return _table(LIST_HEADERS, [_summary_row(s) for s in summaries])


def _summary_row(s: ShipmentSummary) -> list[str]:
    return [
        s.number,
        str(s.order_id),
        s.order_number,
        s.partner,
        s.warehouse,
        status_text(s.status, s.test),
        str(s.cartons),
        quantity_text(s.quantity),
        _text(s.carrier),
        _text(s.tracking_number),
        _text(s.ship_date),
        _text(s.delivered_on),
        ", ".join(s.invoices) or NONE,
    ]


def shipments_json(summaries: Sequence[ShipmentSummary]) -> list[dict[str, Any]]:
    """The shipment list as JSON objects."""
    return [to_json(s) for s in summaries]


def print_shipments(summaries: Sequence[ShipmentSummary], as_json: bool) -> None:
    """The shipment list for a person, or JSON for a script."""
    if as_json:
        print_json(shipments_json(summaries))
    else:
        print(render_shipments(summaries))


# -- shipments show ---------------------------------------------------------------------------


def render_shipment_detail(detail: ShipmentDetail) -> str:
    """One shipment: header, lines, cartons and its invoices."""
    s = detail.summary
    parts = [f"shipment {s.number} ({status_text(s.status, s.test)})", _header(detail)]
    parts.append("lines:\n" + _lines_table(detail.lines) if detail.lines else "lines: none")
    parts.append(
        "cartons:\n" + _cartons_table(detail.cartons) if detail.cartons else "cartons: none"
    )
    parts.append(
        "invoices:\n" + invoice_refs_table(detail.invoices) if detail.invoices else "invoices: none"
    )
    return "\n\n".join(parts)


def _header(detail: ShipmentDetail) -> str:
    s = detail.summary
    fields = (
        ("ORDER", f"{s.order_id} ({s.order_number})"),
        ("PARTNER", s.partner),
        ("WAREHOUSE", s.warehouse),
        ("PICK LIST", detail.pick_list),
        ("CARRIER", s.carrier),
        ("SERVICE", detail.service),
        ("TRACKING", s.tracking_number),
        ("SHIP DATE", s.ship_date),
        ("WEIGHT KG", detail.weight_kg),
        ("DELIVERED", s.delivered_on),
        ("RECEIVED BY", detail.received_by),
        ("NOTE", detail.delivery_note),
        ("SHIP NOTICE", message_text(detail.notice)),
        ("NOTICE ACK", ack_text(detail.notice)),
        ("CREATED", s.created_at),
        ("UPDATED", detail.updated_at),
    )
    return "\n".join(f"{label:<12} {_text(value)}" for label, value in fields)


def _lines_table(lines: Sequence[ShipmentLineDetail]) -> str:
    rows = [
        [
            line.line_number,
            line.sku,
            line.bin,
            f"{quantity_text(line.released)} {line.uom or ''}".rstrip(),
            _text(line.picked),
        ]
        for line in lines
    ]
    return _table(("LINE", "SKU", "BIN", "RELEASED", "PICKED"), rows)


def _cartons_table(cartons: Sequence[CartonDetail]) -> str:
    rows = [
        [
            str(carton.sequence),
            carton.sscc,
            _text(carton.weight_kg),
            ", ".join(
                f"line {c.line_number} x {quantity_text(c.quantity)}" for c in carton.contents
            )
            or NONE,
        ]
        for carton in cartons
    ]
    return _table(("CARTON", "SSCC", "WEIGHT KG", "CONTENTS"), rows)


def shipment_detail_json(detail: ShipmentDetail) -> dict[str, Any]:
    """{"shipment": {...}, "lines": [...], "cartons": [...], "notice": {...}, "invoices": [...]}."""
    shipment: dict[str, Any] = to_json(detail.summary)
    for name in ("pick_list", "service", "weight_kg", "received_by", "delivery_note"):
        shipment[name] = to_json(getattr(detail, name))
    shipment["updated_at"] = to_json(detail.updated_at)
    return {
        "shipment": shipment,
        "lines": to_json(detail.lines),
        "cartons": to_json(detail.cartons),
        "notice": to_json(detail.notice),
        "invoices": to_json(detail.invoices),
    }


def print_shipment_detail(detail: ShipmentDetail, as_json: bool) -> None:
    """One shipment for a person, or JSON for a script."""
    if as_json:
        print_json(shipment_detail_json(detail))
    else:
        print(render_shipment_detail(detail))
