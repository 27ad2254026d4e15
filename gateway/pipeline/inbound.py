"""Inbound stages with a checkpoint after each: parse, validate, map, process."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import (
    Issue,
    Location,
    MappingError,
    PermanentError,
    UnknownPartnerError,
    ValidationError,
)
from gateway.formats.edifact import EdifactInterchange, acknowledgement_for
from gateway.model import DOCUMENT_TYPES, Document, PurchaseOrder, document_type
from gateway.model.codec import document_from_json, to_json
from gateway.pipeline import status
from gateway.pipeline.stages import confirm_as_ordered, contrl_version
from gateway.pipeline.translate import map_interchange, parse_file, validate_interchange
from gateway.store import MessageRecord, NewMessage, UnitOfWork

log = logging.getLogger(__name__)

# Earlier messages with the same interchange reference that do not make this one a duplicate:
# duplicates and discarded ones themselves, and failed ones (a rejected interchange may be
# resent under its reference once fixed).
NOT_AN_ORIGINAL = (status.DUPLICATE, status.DISCARDED, *status.FAILED_QUEUE)


class DuplicateInterchange(PermanentError):
    """The same interchange (partner + UNB 0020, or the same bytes) was received before."""

    code = "duplicate"

    def __init__(self, message: str, original_id: int, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message, issues)
        self.original_id = original_id


@dataclass
class InboundWork:
    """One inbound message being worked on, with what earlier stages learnt this run."""

    record: MessageRecord
    interchange: EdifactInterchange | None = None
    warnings: list[Issue] = field(default_factory=list)


def partner_of(gateway: Gateway, record: MessageRecord) -> Partner:
    """The partner whose inbox the file came from."""
    partner = gateway.settings.partners.get(record.partner or "")
    if partner is None:
        raise UnknownPartnerError(
            f"partner {record.partner!r} has no profile in config/partners/",
            [
                Issue(
                    "partner.unknown",
                    f"add config/partners/{record.partner}.toml or move the "
                    "file to a configured partner's inbox",
                    Location(file=record.filename),
                )
            ],
        )
    return partner


def advance_inbound(gateway: Gateway, record: MessageRecord) -> MessageRecord:
    """Run the stages from the last checkpoint to the end."""
    if record.stage == status.RECEIVED:
        _check_same_bytes(gateway, record)
    work = InboundWork(record)
    steps = {
        status.RECEIVED: _parse,
        status.PARSED: _validate,
        status.VALIDATED: _map,
        status.MAPPED: _process,
    }
    while work.record.stage in steps:
        work.record = steps[work.record.stage](gateway, work)
    return work.record


def interchange_of(gateway: Gateway, work: InboundWork) -> EdifactInterchange:
    """The parsed interchange, parsed again from the stored bytes after a restart."""
    if work.interchange is None:
        raw = gateway.store.raw(work.record.id) or b""
        work.interchange = parse_file(raw, work.record.filename)
    return work.interchange


def _check_same_bytes(gateway: Gateway, record: MessageRecord) -> None:
    if record.sha256 is None or record.accept_duplicate:
        return
    original = gateway.store.find_by_sha256(record.sha256, exclude_id=record.id)
    if original is not None and original.id < record.id:
        raise DuplicateInterchange(
            f"the same bytes (sha256 {record.sha256[:12]}...) were received as message "
            f"{original.id} ({original.filename})",
            original.id,
        )


def _parse(gateway: Gateway, work: InboundWork) -> MessageRecord:
    ic = interchange_of(gateway, work)
    partner = partner_of(gateway, work.record)
    earlier = [
        m
        for m in gateway.store.interchange_messages(partner.id, ic.control_ref)
        if m.id < work.record.id
    ]
    original = next((m for m in earlier if m.status not in NOT_AN_ORIGINAL), None)
    if original is not None and not work.record.accept_duplicate:
        _checkpoint_parsed(gateway, work, ic, superseded=[])
        raise DuplicateInterchange(
            f"interchange {ic.control_ref} from {partner.id} was received before as message "
            f"{original.id} ({original.filename})",
            original.id,
        )
    # A partner may resend a rejected interchange under the same reference once it is fixed;
    # the failed copy is then superseded, so that no later retry can process it a second time.
    _checkpoint_parsed(gateway, work, ic, [m for m in earlier if m.status in status.FAILED_QUEUE])
    return work.record


def _checkpoint_parsed(
    gateway: Gateway, work: InboundWork, ic: EdifactInterchange, superseded: list[MessageRecord]
) -> None:
    first = ic.messages[0] if ic.messages else None
    with gateway.store.unit_of_work() as uow:
        for old in superseded:
            uow.update_message(
                old.id,
                actor="runner",
                status=status.DISCARDED,
                reason=f"superseded by message {work.record.id}, a resend of interchange "
                f"{ic.control_ref}",
            )
        work.record = uow.update_message(
            work.record.id,
            actor="runner",
            reason=f"{len(ic.messages)} message(s) parsed",
            standard="EDIFACT",
            stage=status.PARSED,
            message_type=first.message_type if first else None,
            version=first.version if first else None,
            interchange_ref=ic.control_ref,
            group_ref=first.group_ref if first else None,
            message_ref=",".join(m.reference for m in ic.messages) or None,
        )


def _validate(gateway: Gateway, work: InboundWork) -> MessageRecord:
    ic = interchange_of(gateway, work)
    issues = validate_interchange(
        ic, partner_of(gateway, work.record), gateway.settings.identity, work.record.filename
    )
    _raise_errors(ValidationError, "the interchange breaks", issues)
    work.warnings = [i for i in issues if i.severity != "error"]
    with gateway.store.unit_of_work() as uow:
        return uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.VALIDATED,
            reason=_warning_text(work.warnings) or "envelope valid",
        )


def _map(gateway: Gateway, work: InboundWork) -> MessageRecord:
    ic = interchange_of(gateway, work)
    partner = partner_of(gateway, work.record)
    documents, issues = map_interchange(ic, gateway.mappings, partner.id, work.record.filename)
    _raise_errors(MappingError, "the documents could not be mapped", issues)
    with gateway.store.unit_of_work() as uow:
        if partner.acknowledge:
            emit_acknowledgement(gateway, uow, work.record, ic, work.warnings)
        return uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.MAPPED,
            reason=f"{len(documents)} document(s) mapped",
            document_type=document_type(documents[0].document) if documents else None,
            document=[
                {
                    "type": document_type(d.document),
                    "document": to_json(d.document),
                    "envelope": to_json(d.envelope),
                }
                for d in documents
            ],
        )


def _raise_errors(kind: type[PermanentError], what: str, issues: Sequence[Issue]) -> None:
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise kind(
            f"{what}: {errors[0].message}"
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
            errors,
        )


def _warning_text(warnings: Sequence[Issue]) -> str:
    return "; ".join(str(w) for w in warnings)


def stored_documents(record: MessageRecord) -> list[tuple[Document, bool]]:
    """The canonical documents checkpointed at the map stage, each with its test indicator."""
    stored = record.document if isinstance(record.document, list) else []
    return [
        (document_from_json(d["type"], d["document"]), bool(d.get("envelope", {}).get("test")))
        for d in stored
        if d.get("type") in DOCUMENT_TYPES
    ]


def _process(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    today = gateway.clock().date()
    with gateway.store.unit_of_work() as uow:
        for document, test in stored_documents(work.record):
            if isinstance(document, PurchaseOrder):
                _confirm(uow, work.record, partner, document, today=today, test=test)
        record = uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.PROCESSED,
            status=status.DONE,
            reason="orders confirmed",
        )
    log.info(
        "msg=%s partner=%s processed %s %s (interchange %s)",
        record.id,
        partner.id,
        record.message_type,
        record.version,
        record.interchange_ref,
    )
    return record


def _confirm(
    uow: UnitOfWork,
    record: MessageRecord,
    partner: Partner,
    order: PurchaseOrder,
    *,
    today: date,
    test: bool,
) -> None:
    order_id = uow.add_order(record.id, partner.id, order, status="confirmed")
    response = confirm_as_ordered(order, today)
    for line in response.lines:
        uow.set_line_confirmation(
            order_id, line.line_number, line.confirmed_quantity, line.status.value
        )
    spec = partner.outbound_for("order_response")
    if spec is None:
        log.info("msg=%s partner=%s sends no order responses; none created", record.id, partner.id)
        return
    uow.add_message(
        NewMessage(
            direction="out",
            partner=partner.id,
            standard=spec.standard,
            message_type=spec.message_type,
            version=spec.version,
            stage=status.CREATED,
            status=status.PENDING,
            parent_id=record.id,
            document_type="order_response",
            # A response to a test interchange (UNB 0035 = 1) is a test interchange too.
            document={"type": "order_response", "document": to_json(response), "test": test},
        ),
        actor="runner",
        reason=f"order response for order {order.order_number}",
    )


def emit_acknowledgement(
    gateway: Gateway,
    uow: UnitOfWork,
    record: MessageRecord,
    ic: EdifactInterchange,
    issues: Sequence[Issue],
) -> None:
    """Queue a CONTRL for the interchange: positive when no issue is an error."""
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
            document={"type": "functional_ack", "document": to_json(ack), "test": ic.test},
        ),
        actor="runner",
        reason=f"CONTRL {ack.status.value} for interchange {ic.control_ref}",
    )
