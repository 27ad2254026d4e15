"""What the CLI prints: tables for people, JSON for scripts, the stable translate contract."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from gateway.errors import Location
from gateway.formats.edifact_acks import PartnerAck
from gateway.model import PurchaseOrder, document_type
from gateway.model.codec import to_json
from gateway.output_transport import TransportHealth, transport_json, transport_lines
from gateway.store import MessageRecord, Store

if TYPE_CHECKING:
    from gateway.pipeline.runner import PassSummary
    from gateway.pipeline.translate import MappedDocument, Translation

PARTY_ROLES = ("buyer", "seller", "ship_to", "bill_to")
ORDER_FIELDS = ("order_number", "order_date", "currency", "requested_delivery_date")
LINE_FIELDS = (
    "line_number",
    "gtin",
    "buyer_part",
    "seller_part",
    "description",
    "quantity",
    "uom",
    "unit_price",
    "requested_delivery_date",
)


def translation_json(result: Translation) -> dict[str, Any]:
    """The `translate` contract: {"documents": [...], "errors": [...], "warnings": [...]}."""
    return {
        "documents": [_document_json(d) for d in result.documents],
        "errors": [_issue_json(i) for i in result.issues if i.severity == "error"],
        "warnings": [_issue_json(i) for i in result.issues if i.severity != "error"],
    }


def _issue_json(issue: Any) -> dict[str, Any]:
    return {"code": issue.code, "message": issue.message, "location": str(issue.location)}


def _document_json(mapped: MappedDocument) -> dict[str, Any]:
    env = mapped.envelope
    document = mapped.document
    doc: dict[str, Any] = {
        "type": "partner_ack" if isinstance(document, PartnerAck) else document_type(document),
        "standard": env.standard,
        "message_type": env.message_type,
        "version": env.version,
        "envelope": {
            "sender": env.sender,
            "receiver": env.receiver,
            "control_ref": env.control_ref,
            "message_ref": env.message_ref,
            "test": env.test,
        },
    }
    if isinstance(document, PurchaseOrder):
        doc["order"] = order_json(document)
    if isinstance(document, PartnerAck):
        doc["acknowledgement"] = dataclasses.asdict(document)
    return doc


def order_json(order: PurchaseOrder) -> dict[str, Any]:
    """An order as the translate contract spells it: parties only with the keys present."""
    full = to_json(order)
    result: dict[str, Any] = {k: full[k] for k in ORDER_FIELDS}
    for role in PARTY_ROLES:
        party = full[role]
        result[role] = {k: v for k, v in party.items() if v is not None} if party else None
    result["notes"] = full["notes"]
    result["lines"] = [{k: line[k] for k in LINE_FIELDS} for line in full["lines"]]
    return result


def message_json(record: MessageRecord) -> dict[str, Any]:
    """A message row as JSON (documents and tracebacks left to `show`)."""
    data = to_json(record)
    data.pop("document", None)
    return dict(data)


MESSAGE_COLUMNS = (
    ("ID", "id"),
    ("DIR", "direction"),
    ("PARTNER", "partner"),
    ("TYPE", "message_type"),
    ("VERSION", "version"),
    ("REF", "interchange_ref"),
    ("STAGE", "stage"),
    ("STATUS", "status"),
    ("ACK", "ack_status"),
    ("PARENT", "parent_id"),
    ("FILE", "filename"),
)
# What the partner's acknowledgement of an outbound message means, for `messages show`.
ACK_MEANINGS = {
    "pending": "sent; waiting for the partner's acknowledgement (CONTRL, 997/999) until {due}",
    "received": "the partner's CONTRL says received (0083 = 8), not yet checked; due {due}",
    "accepted": "accepted by the partner",
    "rejected": "REJECTED by the partner: see the error below; it is in the failed queue",
    "partially_accepted": "PARTIALLY ACCEPTED by the partner (997/999 AK9 = P): the rejected "
    "transaction sets are named below; it is in the failed queue",
    "overdue": "OVERDUE: no acknowledgement from the partner by {due}",
}


def _print_rejected_sets(record: MessageRecord) -> None:
    """The transaction sets an X12 interchange was partly accepted without (997/999 AK5 = R)."""
    stored = record.document if isinstance(record.document, dict) else {}
    verdict = stored.get("x12") if record.direction == "in" else None
    if not isinstance(verdict, dict):
        return
    groups, sets = verdict.get("groups") or {}, verdict.get("sets") or {}
    if not groups and not sets:
        return
    print("\nrejected, answered in the 997/999 (the partner must resend them):")
    for control, issues in groups.items():
        print(f"  group {control} (GS06), every set in it:")
        print("\n".join(f"    - {_stored_issue(i)}" for i in issues))
    for key, rejected in sets.items():
        control, index = key.split("/", 1)
        print(
            f"  {rejected.get('set_id', '')} {rejected.get('control_ref', '')} (ST02; set "
            f"{index} of group {control}):"
        )
        print("\n".join(f"    - {_stored_issue(i)}" for i in rejected.get("issues", ())))


def _stored_issue(data: Mapping[str, Any]) -> str:
    where = str(Location(**data.get("location", {})))
    return f"{where}: {data['message']}" if where else str(data["message"])


def print_messages(
    records: Sequence[MessageRecord], as_json: bool, with_error: bool = False
) -> None:
    """A table of messages, or a JSON list."""
    if as_json:
        print(json.dumps([message_json(r) for r in records], indent=2))
        return
    columns = [*MESSAGE_COLUMNS, ("ERROR", "error_text")] if with_error else MESSAGE_COLUMNS
    rows = [[_cell(getattr(r, attr)) for _, attr in columns] for r in records]
    print(_table([h for h, _ in columns], rows) if rows else "no messages")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def print_message_detail(store: Store, record: MessageRecord, as_json: bool) -> None:
    """One message with its errors, linked messages, orders and history."""
    children = store.children(record.id)
    history = store.history(record.id)
    if as_json:
        data = to_json(record)
        data["children"] = [message_json(c) for c in children]
        data["history"] = to_json(history)
        data["orders"] = to_json(store.orders_for(record.id))
        print(json.dumps(data, indent=2))
        return
    for label, attr in (
        *MESSAGE_COLUMNS,
        ("TEST", "test"),
        ("DOCUMENT", "document_ref"),
        ("SHA256", "sha256"),
        ("SIZE", "size"),
        ("ATTEMPTS", "attempts"),
        ("NEXT ATTEMPT", "next_attempt_at"),
        ("CREATED", "created_at"),
        ("UPDATED", "updated_at"),
    ):
        print(f"{label:<13} {_cell(getattr(record, attr))}")
    if record.ack_status:
        due = f"{record.ack_due_at:%Y-%m-%d %H:%M} UTC" if record.ack_due_at else "-"
        meaning = ACK_MEANINGS.get(record.ack_status, record.ack_status).format(due=due)
        print(f"\nacknowledgement: {meaning}")
    _print_errors(record)
    _print_rejected_sets(record)
    _print_orders(store, record)
    if children:
        print("\nlinked messages:")
        print(
            _table(
                [h for h, _ in MESSAGE_COLUMNS],
                [[_cell(getattr(c, a)) for _, a in MESSAGE_COLUMNS] for c in children],
            )
        )
    print("\nhistory:")
    for e in history:
        print(
            f"  {e.at:%Y-%m-%d %H:%M:%S} {e.actor:<8} {e.from_stage or '-'}/"
            f"{e.from_status or '-'} -> {e.to_stage or '-'}/{e.to_status or '-'}  {e.reason}"
        )


def _print_errors(record: MessageRecord) -> None:
    if record.error_text:
        print(f"\nerror: {record.error_text}")
        for issue in record.error_issues:
            print(f"  - [{issue.get('code')}] {issue.get('location')}: {issue.get('message')}")
    if record.traceback:
        print("\ntraceback (for the developers):\n" + record.traceback)


def _print_orders(store: Store, record: MessageRecord) -> None:
    for order, lines in store.orders_for(record.id):
        print(f"\norder {order.order_number} ({order.status}), buyer {order.buyer_id or '-'}:")
        for line in lines:
            confirmed = "-" if line.confirmed_quantity is None else line.confirmed_quantity
            item = line.gtin or line.seller_part or "-"
            print(
                f"  line {line.line_number:<4} {item:<16} ordered {line.quantity} "
                f"{line.uom or ''}  confirmed {confirmed}  {line.status}"
            )


@dataclass(frozen=True)
class StatusReport:
    """What `gateway status` shows."""

    counts: Mapping[tuple[str, str], int]
    acks: Mapping[str, int]
    waiting: int
    unknown_folders: Sequence[str]
    # Orders by status (on_hold ones wait for `gateway orders release|reject`).
    orders: Mapping[str, int] = field(default_factory=dict)
    shipments: Mapping[str, int] = field(default_factory=dict)
    # Warehouse files refused and moved to warehouse/failed/ (each with its .errors.txt).
    warehouse_failed: Sequence[str] = ()
    # Partners' SFTP transports and their health.
    transports: Sequence[TransportHealth] = ()


def print_status(report: StatusReport, as_json: bool) -> None:
    """Message counts by direction and status, partner acks, files waiting, stray folders."""
    if as_json:
        messages = [
            {"direction": d, "status": s, "count": n} for (d, s), n in sorted(report.counts.items())
        ]
        data = {
            "messages": messages,
            "acknowledgements": dict(sorted(report.acks.items())),
            "inbox_waiting": report.waiting,
            "unknown_folders": report.unknown_folders,
            "orders": dict(sorted(report.orders.items())),
            "shipments": dict(sorted(report.shipments.items())),
            "warehouse_failed": list(report.warehouse_failed),
            "transports": transport_json(report.transports),
        }
        print(json.dumps(data, indent=2))
        return
    rows = [[d, s, str(n)] for (d, s), n in sorted(report.counts.items())]
    print(_table(["DIR", "STATUS", "COUNT"], rows) if rows else "no messages yet")
    if report.acks:
        states = ", ".join(f"{n} {state}" for state, n in sorted(report.acks.items()))
        print(f"partner acknowledgements of what we sent: {states}")
    print(f"files waiting in inboxes: {report.waiting}")
    if report.orders:
        states = ", ".join(f"{n} {state}" for state, n in sorted(report.orders.items()))
        print(f"orders: {states}")
        held = report.orders.get("on_hold", 0)
        if held:
            print(f"{held} order(s) on hold: gateway orders list --status on_hold")
    if report.shipments:
        states = ", ".join(f"{n} {state}" for state, n in sorted(report.shipments.items()))
        print(f"shipments: {states}")
    if report.warehouse_failed:
        print(
            f"{len(report.warehouse_failed)} warehouse file(s) refused, see the .errors.txt "
            "beside each in warehouse/failed/: " + ", ".join(report.warehouse_failed)
        )
    for line in transport_lines(report.transports):
        print(line)
    if report.unknown_folders:
        print(
            "inbox folders without a partner profile (their files are never taken): "
            + ", ".join(report.unknown_folders)
        )


def summary_line(outcomes: Mapping[str, int]) -> str:
    """`batch: 2 done, 1 failed` (or nothing to do)."""
    if not outcomes:
        return "batch: nothing to do"
    return "batch: " + ", ".join(f"{n} {s}" for s, n in sorted(outcomes.items()))


class Progress:
    """A one-line progress bar on a terminal; silent when stderr is a file or a pipe."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.shown = False

    def tick(self, summary: PassSummary) -> None:
        """Redraw after one more message; the total grows as outbound messages are created."""
        if not self.enabled:
            return
        done, total = summary.total, max(summary.claimed, 1)
        filled = self.WIDTH * done // total
        failed = f", {summary.failed} failed" if summary.failed else ""
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{summary.claimed} messages{failed}")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        """End the progress line."""
        if self.shown:
            self.stream.write("\n")
