"""Acknowledgements both ways: CONTRL we send, CONTRL and APERAK we receive, overdue ones.

Outbound ack states (messages.ack_status): pending (sent, the partner's answer is expected by
ack_due_at), received (CONTRL 0083 = 8: received, not yet checked), accepted, rejected (the
message goes to the failed queue and an error is logged for ops), overdue (no answer in time).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import Issue, Location
from gateway.formats.edifact import EdifactInterchange, acknowledgement_for
from gateway.formats.edifact_acks import PartnerAck
from gateway.model.codec import to_json
from gateway.pipeline import status
from gateway.pipeline.stages import contrl_version
from gateway.store import MessageRecord, NewMessage, UnitOfWork

log = logging.getLogger(__name__)

PARTNER_ACK = "partner_ack"
# Our acknowledgements are never acknowledged in turn (ISO 9735-4; X12: no 997 for a 997).
NEVER_ACKNOWLEDGED = ("CONTRL", "997", "999", "TA1")


def emit_acknowledgement(
    gateway: Gateway,
    uow: UnitOfWork,
    record: MessageRecord,
    ic: EdifactInterchange,
    issues: Sequence[Issue],
) -> None:
    """Queue a CONTRL for the interchange: positive when no issue is an error."""
    partner = gateway.settings.partners.get(record.partner or "")
    receipt = partner is not None and partner.acknowledge_level == "receipt"
    ack = acknowledgement_for(ic, issues, record.created_at)
    uow.add_message(
        NewMessage(
            direction="out",
            partner=record.partner,
            standard="EDIFACT",
            message_type="CONTRL",
            version=contrl_version(ic.syntax_version),
            stage=status.CREATED,
            status=status.PENDING,
            parent_id=record.id,
            document_type="functional_ack",
            document={
                "type": "functional_ack",
                "document": to_json(ack),
                "test": ic.test,
                "receipt": receipt,
            },
            test=ic.test,
            document_ref=ic.control_ref,
        ),
        actor="runner",
        reason=f"CONTRL {'received' if receipt else ack.status.value} for interchange "
        f"{ic.control_ref}",
    )


def wants_acknowledgement(partner: Partner, ic: EdifactInterchange) -> bool:
    """The partner's policy and UNB 0031, and never a CONTRL for an interchange of CONTRLs.

    ISO 9735-4: a CONTRL is not itself acknowledged by a CONTRL.
    """
    if ic.messages and all(m.message_type == "CONTRL" for m in ic.messages):
        return False
    return partner.acknowledges(ic.ack_requested)


def ack_json(ack: PartnerAck) -> dict[str, Any]:
    """A partner acknowledgement as stored by the map stage."""
    return dataclasses.asdict(ack)


def ack_from_json(data: dict[str, Any]) -> PartnerAck:
    """The stored partner acknowledgement back as a PartnerAck."""
    return PartnerAck(
        kind=str(data["kind"]),
        references=tuple(data.get("references", ())),
        status=str(data["status"]),
        errors=tuple(data.get("errors", ())),
        message_ref=data.get("message_ref"),
    )


def reconcile(
    gateway: Gateway, uow: UnitOfWork, record: MessageRecord, ack: PartnerAck
) -> list[int]:
    """Apply a partner's CONTRL or APERAK to the outbound messages it names; their ids."""
    partner = record.partner or ""
    # Our own CONTRLs are never acknowledged (ISO 9735-4), so they are never the subject.
    targets = {
        m.id: m
        for reference in ack.references
        for m in gateway.store.outbound_by_reference(partner, reference)
        if m.message_type not in NEVER_ACKNOWLEDGED
    }
    targets = {i: m for i, m in targets.items() if _subject_of(ack, m)}
    if not targets:
        log.warning(
            "msg=%s partner=%s %s refers to %s, which we did not send",
            record.id,
            partner,
            ack.kind,
            ", ".join(ack.references) or "nothing",
        )
    for target in targets.values():
        _apply(uow, record, target, ack)
    return sorted(targets)


def _subject_of(ack: PartnerAck, message: MessageRecord) -> bool:
    """Whether the acknowledgement is about this message of ours, by the reference it quotes."""
    if ack.kind in ("CONTRL", "TA1"):
        # UCI 0020 is our UNB 0020; TA101 is our ISA13.
        return message.interchange_ref in ack.references
    if ack.kind in ("997", "999"):
        # AK102 is the GS06 of our group.
        refs = {r.lstrip("0") for r in ack.references}
        return message.standard == "X12" and (message.group_ref or "").lstrip("0") in refs
    return True


def _apply(uow: UnitOfWork, record: MessageRecord, target: MessageRecord, ack: PartnerAck) -> None:
    reason = f"{ack.summary()} (message {record.id})"
    if ack.status in ("rejected", "partially_accepted"):
        log.error(
            "msg=%s partner=%s our %s %s was rejected by the partner's %s: %s",
            target.id,
            target.partner,
            target.message_type,
            target.interchange_ref,
            ack.kind,
            "; ".join(ack.errors) or "no reason given",
        )
        issues = [
            Issue("partner.rejected", text, Location(file=record.filename))
            for text in ack.errors or (f"rejected by {ack.kind} (message {record.id})",)
        ]
        uow.update_message(
            target.id,
            actor="runner",
            status=status.FAILED,
            ack_status=ack.status,
            error_code="partner.rejected",
            error_text=f"rejected by the partner's {ack.kind} (message {record.id})",
            error_issues=issues,
            reason=reason,
        )
        return
    changes: dict[str, object] = {"ack_status": ack.status}
    if ack.status == "accepted":
        changes["stage"] = status.ACKNOWLEDGED
        changes["ack_due_at"] = None
    uow.update_message(target.id, actor="runner", reason=reason, **changes)


def flag_overdue(gateway: Gateway, now: datetime) -> int:
    """Mark sent messages whose acknowledgement did not come in time; how many."""
    overdue = gateway.store.acks_overdue(now)
    for message in overdue:
        log.error(
            "msg=%s partner=%s no acknowledgement for %s %s since %s (due %s)",
            message.id,
            message.partner,
            message.message_type,
            message.interchange_ref,
            message.updated_at.isoformat(timespec="seconds"),
            message.ack_due_at.isoformat(timespec="seconds") if message.ack_due_at else "?",
        )
        with gateway.store.unit_of_work() as uow:
            uow.update_message(
                message.id,
                actor="runner",
                ack_status="overdue",
                reason=f"no acknowledgement by {message.ack_due_at}",
            )
    return len(overdue)
