"""What `gateway orders reject` and `gateway stock receive|adjust` do."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from gateway.commands import EXIT_OK, Context, _gateway, guarded
from gateway.orders.amounts import quantity_text
from gateway.orders.port import StockChange, StockResult
from gateway.pipeline.order_actions import (
    Decided,
    adjust_stock,
    receive_stock,
    reject_order,
)

ACTOR = "cli"


@guarded
def cmd_orders_reject(ctx: Context) -> int:
    """Reject a held order and queue the rejecting order response."""
    a = ctx.args
    with _gateway(ctx) as gateway:
        decided = reject_order(gateway, a.id, a.reason, a.text, ACTOR)
    print_decided(decided, "rejected")
    return EXIT_OK


def print_decided(decided: Decided, verb: str) -> None:
    """An order decision for people: status, findings, the response queued."""
    placement = decided.placement
    print(f"order {placement.order_id} ({placement.order_number}) {verb}: {placement.status}")
    for finding in placement.findings:
        where = f"line {finding.line_number}: " if finding.line_number else ""
        print(f"  {finding.effect}: {where}{finding.text}")
    if decided.response is not None:
        number = decided.response.document_ref
        print(f"order response {number} queued as message {decided.response.id}")
    else:
        print("no order response is sent (the partner takes none)")


@guarded
def cmd_stock_receive(ctx: Context) -> int:
    """Book arrived stock and serve the backlog."""
    a = ctx.args
    change = StockChange(a.sku, a.quantity, a.warehouse, a.bin, a.reference, "received")
    with _gateway(ctx) as gateway:
        result = receive_stock(gateway, change, ACTOR)
    _print_stock(result, a.json)
    return EXIT_OK


@guarded
def cmd_stock_adjust(ctx: Context) -> int:
    """Correct on-hand stock."""
    a = ctx.args
    change = StockChange(a.sku, a.quantity, a.warehouse, a.bin, None, a.reason)
    with _gateway(ctx) as gateway:
        result = adjust_stock(gateway, change, ACTOR)
    _print_stock(result, a.json)
    return EXIT_OK


def _print_stock(result: StockResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(_stock_json(result), indent=2))
        return
    on_hand = quantity_text(result.on_hand)
    print(f"{result.sku} in {result.warehouse}/{result.bin}: {on_hand} on hand")
    for served in result.allocated:
        state = "ready to ship" if served.ready else "still backordered"
        print(
            f"  order {served.order_id} ({served.order_number}) line {served.line_number}: "
            f"{quantity_text(served.quantity)} allocated, {state}"
        )


def _stock_json(result: StockResult) -> dict[str, Any]:
    return {
        "sku": result.sku,
        "warehouse": result.warehouse,
        "bin": result.bin,
        "on_hand": quantity_text(result.on_hand),
        "allocated": [
            {
                "order_id": s.order_id,
                "order_number": s.order_number,
                "line_number": s.line_number,
                "quantity": quantity_text(s.quantity),
                "ready": s.ready,
            }
            for s in result.allocated
        ],
    }


HANDLERS: dict[tuple[str, str | None], Callable[[Context], int]] = {
    ("orders", "reject"): cmd_orders_reject,
    ("stock", "receive"): cmd_stock_receive,
    ("stock", "adjust"): cmd_stock_adjust,
}
