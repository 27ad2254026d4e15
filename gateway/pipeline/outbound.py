"""Outbound stages, the one path for every document we send: render (map, envelope), send."""

from __future__ import annotations

import logging
from datetime import datetime

from gateway.app import Gateway
from gateway.config import OutboundDocument, Partner
from gateway.errors import Issue, Location, MappingError
from gateway.model.codec import document_from_json
from gateway.pipeline import status
from gateway.pipeline.inbound import partner_of
from gateway.pipeline.push import send_file
from gateway.pipeline.stages import OutboundPlan, render_edifact
from gateway.pipeline.x12_render import X12Plan, next_x12_numbers, render_x12
from gateway.pipeline.xml_render import XmlPlan, render_xml
from gateway.store import MessageRecord

log = logging.getLogger(__name__)

# What we send that is never itself acknowledged (ISO 9735-4; X12: no 997 answers a 997).
ACKNOWLEDGEMENTS = ("CONTRL", "997", "999", "TA1")
# UNB 0020 is an..14 and UNH 0062 an..14: counters wrap before they outgrow the field.
EDIFACT_REF_WRAP = 99_999_999_999_999


def advance_outbound(gateway: Gateway, record: MessageRecord) -> MessageRecord:
    """Run the outbound stages from the last checkpoint: created -> rendered -> sent."""
    if record.stage == status.CREATED:
        record = _render(gateway, record)
    if record.stage == status.RENDERED:
        record = _send(gateway, record)
    return record


def _render(gateway: Gateway, record: MessageRecord) -> MessageRecord:
    partner = partner_of(gateway, record)
    if record.standard == "X12":
        return _render_x12(gateway, record, partner)
    if record.standard in ("UBL", "CXML"):
        return _render_xml(gateway, record, partner)
    if record.standard != "EDIFACT":
        raise MappingError(
            f"{record.standard} output is not available yet",
            [Issue("render.standard", f"no renderer for {record.standard}")],
        )
    stored = record.document if isinstance(record.document, dict) else {}
    document = document_from_json(stored["type"], stored["document"])
    control_ref = str(
        gateway.store.next_control_number(
            partner.id, "edifact.interchange", wrap_at=EDIFACT_REF_WRAP
        )
    )
    message_ref = str(
        gateway.store.next_control_number(partner.id, "edifact.message", wrap_at=EDIFACT_REF_WRAP)
    )
    now = gateway.clock()
    plan = OutboundPlan(
        partner,
        gateway.settings.identity,
        control_ref,
        message_ref,
        now,
        test=bool(stored.get("test")),
        ack_requested=_expects_ack(partner, record),
        receipt_only=bool(stored.get("receipt")),
    )
    data = render_edifact(
        document, plan, gateway.mappings, record.message_type or "", record.version or ""
    )
    filename = _filename(partner.transport.filename_pattern, partner.id, record, control_ref, now)
    with gateway.store.unit_of_work() as uow:
        uow.set_raw(record.id, data)
        return uow.update_message(
            record.id,
            actor="runner",
            stage=status.RENDERED,
            filename=filename,
            interchange_ref=control_ref,
            message_ref=message_ref,
            reason=f"rendered {len(data)} bytes as {filename}",
        )


def _render_x12(gateway: Gateway, record: MessageRecord, partner: Partner) -> MessageRecord:
    stored = record.document if isinstance(record.document, dict) else {}
    document = document_from_json(stored["type"], stored["document"])
    numbers = next_x12_numbers(gateway.store, partner.id)
    now = gateway.clock()
    plan = X12Plan(partner, gateway.settings.identity, numbers, now, test=bool(stored.get("test")))
    data = render_x12(
        document, plan, gateway.mappings, record.message_type or "", record.version or ""
    )
    control_ref = f"{numbers.interchange:09d}"
    filename = _filename(partner.transport.filename_pattern, partner.id, record, control_ref, now)
    with gateway.store.unit_of_work() as uow:
        uow.set_raw(record.id, data)
        return uow.update_message(
            record.id,
            actor="runner",
            stage=status.RENDERED,
            filename=filename,
            interchange_ref=control_ref,
            group_ref=str(numbers.group),
            message_ref=f"{numbers.transaction:04d}",
            reason=f"rendered {len(data)} bytes as {filename}",
        )


def _render_xml(gateway: Gateway, record: MessageRecord, partner: Partner) -> MessageRecord:
    stored = record.document if isinstance(record.document, dict) else {}
    document = document_from_json(stored["type"], stored["document"])
    number = str(gateway.store.next_control_number(partner.id, "xml.document"))
    now = gateway.clock()
    plan = XmlPlan(
        partner,
        gateway.settings.identity,
        record.id,
        now,
        test=bool(stored.get("test")),
        order_payload_id=_order_payload_id(gateway, record),
    )
    outbound = OutboundDocument(
        stored["type"], record.standard or "", record.message_type or "", record.version or ""
    )
    rendered = render_xml(document, plan, gateway.mappings, outbound)
    filename = _filename(partner.transport.filename_pattern, partner.id, record, number, now)
    with gateway.store.unit_of_work() as uow:
        uow.set_raw(record.id, rendered.data)
        return uow.update_message(
            record.id,
            actor="runner",
            stage=status.RENDERED,
            filename=filename,
            interchange_ref=rendered.reference[:100],
            message_ref=number,
            reason=f"rendered {len(rendered.data)} bytes as {filename}",
        )


def _order_payload_id(gateway: Gateway, record: MessageRecord) -> str:
    """The payloadID of the cXML OrderRequest this document answers (its parent message)."""
    parent = gateway.store.get(record.parent_id) if record.parent_id else None
    if parent is None or parent.standard != "CXML":
        return ""
    return parent.interchange_ref or ""


def _filename(
    pattern: str, partner: str, record: MessageRecord, control_ref: str, now: datetime
) -> str:
    values = {
        "partner": partner,
        "message_type": record.message_type or "",
        "control_ref": control_ref,
        "message_id": str(record.id),
        "timestamp": now.strftime("%Y%m%d%H%M%S"),
    }
    try:
        name = pattern.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise MappingError(
            f"filename_pattern {pattern!r} is not usable: {exc}",
            [
                Issue(
                    "partner.filename_pattern",
                    f"placeholders: {', '.join(values)}",
                    Location(file=f"config/partners/{partner}.toml"),
                )
            ],
        ) from exc
    if "/" in name or name.startswith("."):
        raise MappingError(f"filename_pattern {pattern!r} gives {name!r}, not a plain file name")
    return name


def _send(gateway: Gateway, record: MessageRecord) -> MessageRecord:
    raw = gateway.store.raw(record.id)
    if raw is None or record.filename is None:
        raise MappingError(f"message {record.id} was rendered but has no stored bytes")
    partner = partner_of(gateway, record)
    target = send_file(gateway, partner, record.filename, raw)
    log.info(
        "msg=%s partner=%s sent %s %s to %s",
        record.id,
        record.partner,
        record.message_type,
        record.filename,
        target,
    )
    waiting: dict[str, object] = {}
    if _expects_ack(partner, record):
        waiting = {"ack_status": "pending", "ack_due_at": gateway.clock() + partner.ack_within}
    with gateway.store.unit_of_work() as uow:
        return uow.update_message(
            record.id,
            actor="runner",
            stage=status.SENT,
            status=status.DONE,
            reason=f"written to {target}"
            + (f"; acknowledgement expected within {partner.ack_within}" if waiting else ""),
            **waiting,
        )


def _expects_ack(partner: Partner, record: MessageRecord) -> bool:
    """We wait for the partner's CONTRL or 997/999 on what we send, never on acknowledgements."""
    return partner.expect_ack and record.message_type not in ACKNOWLEDGEMENTS
