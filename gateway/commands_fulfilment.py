"""What `gateway orders release|pick|pack|ship|deliver` and `gateway warehouse take` do."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gateway.commands import EXIT_FAILED, EXIT_OK, CommandFailed, Context, _gateway, guarded
from gateway.commands_engine import ACTOR, print_decided
from gateway.errors import BusinessRuleError
from gateway.fulfilment.packing import parse_packing, parse_packing_file
from gateway.fulfilment.shipping import GivenCarton, Packing, ShipDetails
from gateway.orders.amounts import quantity_text
from gateway.pipeline.fulfilment_actions import (
    ReleaseOutcome,
    Shipped,
    deliver_shipment,
    pack_shipment,
    pick_shipment,
    release_orders,
    run_invoices,
    ship_shipment,
    write_labels,
)
from gateway.pipeline.order_actions import release_order
from gateway.pipeline.warehouse_inbox import WarehouseFile, take_warehouse_files
from gateway.store.tables import OrderRow


@guarded
def cmd_orders_release(ctx: Context) -> int:
    """Confirm held orders; release the others' ready lines to the warehouse."""
    a = ctx.args
    if not a.id and not a.all:
        raise CommandFailed("name the orders to release (order ids) or give --all", EXIT_FAILED)
    with _gateway(ctx) as gateway:
        held, others = _held_and_others(gateway.store, a.id)
        for order_id in held:
            print_decided(release_order(gateway, order_id, ACTOR, a.reason), "released")
        if not others and not a.all:
            return EXIT_OK
        outcome = release_orders(gateway, None if a.all else others, ACTOR)
    _print_release(outcome, a.json)
    return EXIT_OK if outcome.released.shipments or held else EXIT_FAILED


@guarded
def cmd_orders_pick(ctx: Context) -> int:
    """Confirm a shipment's pick."""
    a = ctx.args
    picked = dict(a.line) if a.line else None
    with _gateway(ctx) as gateway:
        notes = pick_shipment(gateway, a.shipment, picked, ACTOR)
    _say(
        a.json,
        {"shipment": a.shipment, "status": "picked", "short_picks": notes},
        [f"shipment {a.shipment} picked", *(f"  {note}" for note in notes)],
    )
    return EXIT_OK


@guarded
def cmd_orders_pack(ctx: Context) -> int:
    """Pack a shipment into cartons (by rules, or as given) and write its labels."""
    a = ctx.args
    given = _given_cartons(a.cartons, a.file)
    with _gateway(ctx) as gateway:
        packing, files = pack_shipment(gateway, a.shipment, given, ACTOR)
    _print_packing(a.shipment, packing, files, a.json)
    return EXIT_OK


@guarded
def cmd_orders_ship(ctx: Context) -> int:
    """Confirm a shipment left; its ship notice (and a per-shipment invoice) are queued."""
    a = ctx.args
    details = ShipDetails(a.carrier, a.tracking, a.service, a.date, a.weight)
    with _gateway(ctx) as gateway:
        shipped = ship_shipment(gateway, a.shipment, details, ACTOR)
    _print_shipped(shipped, a.json)
    return EXIT_OK


@guarded
def cmd_orders_deliver(ctx: Context) -> int:
    """Record proof of delivery."""
    a = ctx.args
    with _gateway(ctx) as gateway:
        status = deliver_shipment(
            gateway, a.shipment, a.date, ACTOR, received_by=a.received_by, note=a.note
        )
    _say(
        a.json,
        {"shipment": a.shipment, "status": "delivered", "order_status": status},
        [f"shipment {a.shipment} delivered; the order is now {status}"],
    )
    return EXIT_OK


@guarded
def cmd_warehouse_take(ctx: Context) -> int:
    """Apply the warehouse inbox's files now; exit 1 when any was refused."""
    with _gateway(ctx) as gateway:
        results = take_warehouse_files(gateway)
    _print_files(results, ctx.args.json)
    return EXIT_FAILED if any(result.errors for result in results) else EXIT_OK


def _held_and_others(store: Any, ids: Sequence[int]) -> tuple[list[int], list[int]]:
    held: list[int] = []
    others: list[int] = []
    with store.read() as session:
        for order_id in ids:
            order = session.get(OrderRow, order_id)
            if order is None:
                raise CommandFailed(f"no order {order_id}", EXIT_FAILED)
            (held if order.status == "on_hold" else others).append(order_id)
    return held, others


def _given_cartons(spec: str | None, file: str | None) -> list[GivenCarton] | None:
    if spec is None and file is None:
        return None
    try:
        cartons = parse_packing(spec) if spec is not None else parse_packing_file(Path(file or ""))
    except BusinessRuleError as exc:
        raise CommandFailed(exc.message, EXIT_FAILED) from exc
    return [GivenCarton(lines) for lines in cartons]


def _say(as_json: bool, data: dict[str, Any], lines: Sequence[str]) -> None:
    if as_json:
        print(json.dumps(data, indent=2))
    else:
        print("\n".join(lines))


def _print_release(outcome: ReleaseOutcome, as_json: bool) -> None:
    released = outcome.released
    number = released.pick_list.number if released.pick_list else None
    lines = (
        [f"pick list {number}: shipments {', '.join(released.shipments)}"]
        if number
        else ["nothing was released"]
    )
    lines += [f"  written: {path}" for path in outcome.files]
    lines += [f"  not released: {reason}" for reason in released.skipped]
    data = {
        "pick_list": number,
        "shipments": list(released.shipments),
        "files": [str(path) for path in outcome.files],
        "skipped": list(released.skipped),
    }
    _say(as_json, data, lines)


def _print_packing(number: str, packing: Packing, files: Sequence[Path], as_json: bool) -> None:
    plan = packing.plan
    cartons: list[dict[str, Any]] = []
    lines = [f"shipment {number} packed in {len(plan.cartons)} carton(s)"]
    for index, (carton, sscc) in enumerate(zip(plan.cartons, packing.ssccs, strict=True), 1):
        contents = {line.line_number: quantity_text(line.quantity) for line in carton.lines}
        weight = quantity_text(carton.weight_kg)
        cartons.append({"sscc": sscc, "weight_kg": weight, "lines": contents})
        shown = ", ".join(f"line {k}: {v}" for k, v in contents.items())
        lines.append(f"  carton {index} (SSCC {sscc}): {shown} ({weight} kg)")
    lines += [f"  warning: {warning}" for warning in plan.warnings]
    lines += [f"  labels: {path}" for path in files]
    data = {
        "shipment": number,
        "cartons": cartons,
        "warnings": list(plan.warnings),
        "files": [str(path) for path in files],
    }
    _say(as_json, data, lines)


def _print_shipped(shipped: Shipped, as_json: bool) -> None:
    notice = shipped.notice
    if shipped.cancelled:
        _say(
            as_json,
            {"shipment": shipped.shipment, "status": "cancelled"},
            [f"shipment {shipped.shipment} cancelled: every line of it was cancelled"],
        )
        return
    lines = [f"shipment {shipped.shipment} shipped"]
    lines.append(
        f"  ship notice queued as message {notice.id}"
        if notice
        else "  no ship notice is sent (the partner takes none)"
    )
    for one in shipped.invoices:
        row = one.billed.row
        sent = f"queued as message {one.message.id}" if one.message else "not sent (no outbound)"
        lines.append(f"  invoice {row.number}: {row.gross_total} {row.currency}, {sent}")
    lines += [f"  labels: {path}" for path in shipped.files]
    data = {
        "shipment": shipped.shipment,
        "ship_notice_message": notice.id if notice else None,
        "invoices": [
            {
                "number": one.billed.row.number,
                "gross_total": str(one.billed.row.gross_total),
                "currency": one.billed.row.currency,
                "message": one.message.id if one.message else None,
            }
            for one in shipped.invoices
        ],
        "files": [str(path) for path in shipped.files],
    }
    _say(as_json, data, lines)


def _print_files(results: Sequence[WarehouseFile], as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "file": result.path.name,
                        "applied": result.applied,
                        "errors": list(result.errors),
                        "moved_to": str(result.moved_to) if result.moved_to else None,
                    }
                    for result in results
                ],
                indent=2,
            )
        )
        return
    if not results:
        print("no warehouse files to apply")
    for result in results:
        if result.errors:
            print(f"{result.path.name}: refused, moved to {result.moved_to}")
            print("".join(f"  {error}\n" for error in result.errors), end="")
        else:
            print(f"{result.path.name}: {result.applied} confirmation(s) applied")


@guarded
def cmd_invoices_run(ctx: Context) -> int:
    """Invoice the shipped lines whose invoicing is due."""
    with _gateway(ctx) as gateway:
        invoiced = run_invoices(gateway, ctx.args.as_of or gateway.clock().date(), ACTOR)
    data = [
        {
            "number": one.billed.row.number,
            "order_id": one.billed.order_id,
            "gross_total": str(one.billed.row.gross_total),
            "currency": one.billed.row.currency,
            "message": one.message.id if one.message else None,
        }
        for one in invoiced
    ]
    lines = [
        f"invoice {d['number']}: {d['gross_total']} {d['currency']} (order {d['order_id']})"
        for d in data
    ] or ["nothing to invoice"]
    _say(ctx.args.json, {"invoices": data}, lines)
    return EXIT_OK


@guarded
def cmd_shipments_labels(ctx: Context) -> int:
    """Write a shipment's carton labels to the warehouse outbox again."""
    with _gateway(ctx) as gateway:
        files = write_labels(gateway, ctx.args.shipment)
    if not files:
        raise CommandFailed(
            f"shipment {ctx.args.shipment} has no packed cartons, or its labels could not be "
            "written (see the log)",
            EXIT_FAILED,
        )
    print("\n".join(f"written: {path}" for path in files))
    return EXIT_OK


HANDLERS: dict[tuple[str, str | None], Callable[[Context], int]] = {
    ("orders", "release"): cmd_orders_release,
    ("orders", "pick"): cmd_orders_pick,
    ("orders", "pack"): cmd_orders_pack,
    ("orders", "ship"): cmd_orders_ship,
    ("orders", "deliver"): cmd_orders_deliver,
    ("warehouse", "take"): cmd_warehouse_take,
    ("invoices", "run"): cmd_invoices_run,
    ("shipments", "labels"): cmd_shipments_labels,
}
