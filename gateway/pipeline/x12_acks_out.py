"""The X12 acknowledgements we send: TA1 per interchange, 997 or 999 per functional group.

Policies (partner profile): `[inbound] acknowledge` says whether groups get a 997/999 (X12 has
no request flag for them, so "requested" answers every group as "always" does); `[x12] ta1`
says whether the interchange gets a TA1: never, when ISA14 = 1 asks for it, or always; an
interchange rejected for its envelope gets a rejecting TA1 unless the policy is never.
`[x12] functional_ack` picks 997 or 999 ("auto": 999 for groups in 005010 and later).
X12 never acknowledges an acknowledgement: no 997/999 for a group of them (GS01 = FA), no TA1
for an interchange that holds only TA1s.
"""

from __future__ import annotations

import logging

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import Issue, ParseError, PermanentError
from gateway.formats.x12_acks import (
    ack_transaction_id,
    functional_ack_for_group,
    interchange_ack,
    with_element_refs,
)
from gateway.formats.x12_envelope import X12Group, X12Header
from gateway.formats.x12_reader import read_x12_header
from gateway.model import FunctionalAck
from gateway.model.codec import to_json
from gateway.pipeline import status
from gateway.pipeline.x12_scan import X12Scan, errors, scan_x12, stored_x12_events
from gateway.pipeline.x12_translate import x12_header_issues, x12_set_issues
from gateway.store import MessageRecord, NewMessage, UnitOfWork

log = logging.getLogger(__name__)

# GS08 of the 999 we send: the 005010 implementation acknowledgement guide (X231A1).
IMPLEMENTATION_ACK_VERSION = "005010X231A1"
# GS01 of acknowledgements (997, 999).
ACKNOWLEDGEMENT_GROUP = "FA"


def emit_x12_acknowledgements(
    gateway: Gateway, uow: UnitOfWork, record: MessageRecord, partner: Partner, ic: X12Scan
) -> None:
    """Queue the TA1 and the 997/999s for an interchange that was (at least partly) accepted."""
    if _wants_ta1(partner, ic.header, rejected=False) and ic.count:
        ack = interchange_ack(ic.header, errors(ic.issues), record.created_at)
        _queue(uow, record, "TA1", ic.header.version, ack, ic.header.control_ref)
    if partner.acknowledge == "never":
        return
    for group in ic.groups:
        if group.group.functional_id == ACKNOWLEDGEMENT_GROUP:
            continue
        ack = functional_ack_for_group(group.outcome(ic.header), record.created_at)
        ack = with_element_refs(ack, gateway.x12_schemas.element_id)
        kind = functional_ack_kind(partner, group.group)
        _queue(uow, record, kind, _ack_version(kind, group.group), ack, group.group.control_ref)


def emit_x12_rejection(
    gateway: Gateway, uow: UnitOfWork, record: MessageRecord, partner: Partner, exc: PermanentError
) -> None:
    """Answer an interchange that failed whole: a TA1 for its envelope, else rejecting 997/999s."""
    try:
        [ic] = scan_x12(
            stored_x12_events(gateway, record),
            lambda _h, tx: x12_set_issues(tx, partner, gateway.x12_schemas, record.filename),
        )
    except (ParseError, ValueError):
        _reject_unreadable(gateway, uow, record, partner, exc)
        return
    identity = gateway.settings.identity
    envelope = errors([*ic.issues, *x12_header_issues(ic.header, partner, identity, None)])
    if envelope:
        if _wants_ta1(partner, ic.header, rejected=True):
            ack = interchange_ack(ic.header, envelope, record.created_at)
            _queue(uow, record, "TA1", ic.header.version, ack, ic.header.control_ref)
        return
    emit_x12_acknowledgements(gateway, uow, record, partner, ic)


def _reject_unreadable(
    gateway: Gateway, uow: UnitOfWork, record: MessageRecord, partner: Partner, exc: PermanentError
) -> None:
    # Past a readable ISA the file could not be read: a TA1 can still say so (TA105 from the
    # error, e.g. 023 premature end of file), addressed from the ISA.
    header = read_x12_header(_head(gateway, record), record.filename)
    if header is None or not _wants_ta1(partner, header, rejected=True):
        return
    issues = list(exc.issues) or [Issue("x12.structure", exc.message)]
    ack = interchange_ack(header, issues, record.created_at)
    _queue(uow, record, "TA1", header.version, ack, header.control_ref)


def _head(gateway: Gateway, record: MessageRecord) -> bytes:
    return next(gateway.store.raw_chunks(record.id), b"")


def _wants_ta1(partner: Partner, header: X12Header, *, rejected: bool) -> bool:
    policy = partner.x12.ta1 if partner.x12 else "never"
    if policy == "never":
        return False
    return policy == "always" or header.ack_requested or rejected


def functional_ack_kind(partner: Partner, group: X12Group) -> str:
    """997 or 999 for a group, per the partner's setting and the group's version."""
    chosen = partner.x12.functional_ack if partner.x12 else "auto"
    if chosen != "auto":
        return chosen
    return ack_transaction_id(group.version)


def _ack_version(kind: str, group: X12Group) -> str:
    # A 997 is written in the version of the group it answers; a 999 exists from 005010 only.
    return IMPLEMENTATION_ACK_VERSION if kind == "999" else group.base_version


def _queue(  # noqa: PLR0917 - one acknowledgement: its kind, version, content and subject
    uow: UnitOfWork,
    record: MessageRecord,
    kind: str,
    version: str,
    ack: FunctionalAck,
    subject: str,
) -> None:
    test = bool(record.test)
    uow.add_message(
        NewMessage(
            direction="out",
            partner=record.partner,
            standard="X12",
            message_type=kind,
            version=version,
            stage=status.CREATED,
            status=status.PENDING,
            parent_id=record.id,
            document_type="functional_ack",
            document={"type": "functional_ack", "document": to_json(ack), "test": test},
            test=test,
            document_ref=subject,
        ),
        actor="runner",
        reason=f"{kind} {ack.status.value} for "
        + (f"interchange {subject}" if kind == "TA1" else f"group {subject}"),
    )
