"""X12 acknowledgements we send: 997, 999 and TA1, built from the issues found in what we got.

997 Functional Acknowledgment (X12.6 syntax; 004010 and 005010):
  AK1 group response header: AK101 GS01, AK102 GS06, AK103 GS08 (005010 on);
  AK2 loop, one per received set: AK201 ST01, AK202 ST02, AK203 ST03 (005010 on);
    AK3 data segment note: AK301 segment id, AK302 position in the set (ST = 1), AK303 loop id,
      AK304 segment syntax error code (720);
    AK4 data element note (up to 99 per AK3): AK401 C030 (C03001 element position, C03002
      component position, C03003 repeat position), AK402 data element reference number,
      AK403 element syntax error code (723), AK404 copy of the bad data element (AN 1-99);
    AK5 set response trailer: AK501 A/E/R (717), AK502-AK506 set syntax error codes (718);
  AK9 group response trailer: AK901 A/E/P/R (715), AK902 GE01 as received, AK903 sets
    received, AK904 sets accepted, AK905-AK909 group syntax error codes (716).
999 Implementation Acknowledgment (005010X231A1): the same with IK3/IK4/IK5 for AK3/AK4/AK5,
  AK103 and (when ST03 was sent) AK203 required, and a CTX after IK3 for the business unit.
TA1 Interchange Acknowledgment (X12.5): TA101 ISA13, TA102 ISA09, TA103 ISA10, TA104 A/E/R,
  TA105 interchange note code (000 no error).

Choices the standard leaves open, made here:
- Every received set gets an AK2/AK5 (IK5) pair, accepted ones too, so that the partner can
  reconcile each set it sent without counting.
- A group-level error (AK905) rejects the group and every set in it (AK904 = 0); a set with
  no error of its own then gets AK5 R with no AK502 code.
- Issues whose codes are not X12 syntax codes (partner agreement, mapping, business rules)
  still reject their set, but have no AK502 code of their own, except `partner.message_type`
  (the partner may not send this set to us), which is 718 code 1 "transaction set not
  supported". Such a set gets AK5 R with no AK502, which the 997 allows (AK502 is optional).
  The 999 TR3 (X231A1) wants IK502 with IK501 R, but excludes application-level errors from
  the 999 altogether: callers should answer those with an 824 instead of passing them here.
- A group's issue whose code is no group code (716) and that lies in none of its sets still
  rejects the group, with no AK905 code.
- Warnings never appear; only issues of severity "error" count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from gateway.errors import Issue
from gateway.formats.segments import Segment, segment
from gateway.formats.x12_codes import (
    ELEMENT_ERRORS,
    ELEMENTS_IN_ERROR,
    GROUP_ERRORS,
    SEGMENT_ERRORS,
    SEGMENTS_IN_ERROR,
    SET_ERRORS,
    TA1_NOTES,
    level_of,
)
from gateway.formats.x12_envelope import X12Delimiters, X12Group, X12Header, X12Transaction
from gateway.model.documents import AckError, AckStatus, FunctionalAck, MessageAck

# Codes outside x12_codes.py that still have a fitting standard code.
_AGREEMENT_SET_ERRORS = {"partner.message_type": "1"}  # 718: transaction set not supported
_AGREEMENT_NOTES = {"partner.sender": "006"}  # TA105: invalid interchange sender id

# The business unit identifier of each set we handle, for the 999 CTX (X231A1 2100 CTX
# "Business Unit Identifier"; the TR3 names the element, e.g. CLM01 for an 837 claim): the
# purchase order number for orders and order acknowledgements, the shipment and invoice ids.
BUSINESS_UNITS: dict[str, tuple[str, int]] = {
    "850": ("BEG", 3),  # BEG03 purchase order number
    "855": ("BAK", 3),  # BAK03 purchase order number
    "856": ("BSN", 2),  # BSN02 shipment identification
    "810": ("BIG", 2),  # BIG02 invoice number
    "860": ("BCH", 3),  # BCH03 purchase order number
    "865": ("BCA", 3),  # BCA03 purchase order number
}

_SET_CODES = {
    AckStatus.ACCEPTED: "A",
    AckStatus.ACCEPTED_WITH_ERRORS: "E",
    AckStatus.REJECTED: "R",
}
_GROUP_CODES = {**_SET_CODES, AckStatus.PARTIALLY_ACCEPTED: "P"}
# AK5/IK5 and AK9 carry at most five error codes; AK4/IK4 repeat at most 99 times per AK3.
_MAX_CODES = 5
_MAX_ELEMENT_NOTES = 99
_MAX_COPY = 99  # AK404/IK404 AN 1-99
_MAX_CONTEXT = 35  # CTX01-2 (C998 2002) AN 1-35: X12 RFI 2293 says truncate to the first 35


@dataclass(frozen=True)
class SetOutcome:
    """One received transaction set and the issues found in it (reader, validator, policy)."""

    transaction: X12Transaction
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class GroupOutcome:
    """One received functional group: its sets, its own issues and GE01 as received."""

    header: X12Header
    group: X12Group
    sets: tuple[SetOutcome, ...]
    issues: tuple[Issue, ...] = ()
    sets_included: int | None = None  # GE01; None when the GE is missing


def ack_transaction_id(version: str) -> str:
    """The acknowledgement for a group of this GS08: 997 up to 004xxx, 999 from 005010 on."""
    base = version[:6]
    return "999" if base.isdigit() and base >= "005010" else "997"


def functional_ack_for_group(
    outcome: GroupOutcome, received_at: datetime, *, accept_with_errors: bool = False
) -> FunctionalAck:
    """The 997/999 content for one group: a MessageAck per set and the group's own errors."""
    per_set, group_errors = _collect(outcome)
    group_rejected = bool(group_errors) and not accept_with_errors
    messages = tuple(
        _message_ack(s.transaction, per_set[i], group_rejected, accept_with_errors)
        for i, s in enumerate(outcome.sets)
    )
    header, group = outcome.header, outcome.group
    return FunctionalAck(
        interchange_ref=header.control_ref,
        sender_id=header.sender_id,
        sender_qualifier=header.sender_qualifier_or_none,
        recipient_id=header.recipient_id,
        recipient_qualifier=header.recipient_qualifier_or_none,
        status=_group_status(messages, group_errors, group_rejected),
        received_at=received_at,
        messages=messages,
        errors=tuple(group_errors),
        group_ref=group.control_ref,
        syntax_version=group.version,
        functional_id=group.functional_id,
        sets_included=outcome.sets_included,
        interchange_date=header.date,
        interchange_time=header.time,
    )


def interchange_ack(
    header: X12Header,
    issues: Sequence[Issue],
    received_at: datetime,
    *,
    accept_with_errors: bool = False,
) -> FunctionalAck:
    """The TA1 content for one interchange: its ISA/IEA errors, the first one as TA105."""
    errors = [
        AckError(
            TA1_NOTES.get(i.code) or _AGREEMENT_NOTES[i.code],
            i.message,
            i.location.segment_position,
            i.location.segment_tag,
            i.location.element,
            i.location.component,
            i.value,
        )
        for i in _errors(issues)
        if i.code in TA1_NOTES or i.code in _AGREEMENT_NOTES
    ]
    status = AckStatus.ACCEPTED
    if errors:
        status = AckStatus.ACCEPTED_WITH_ERRORS if accept_with_errors else AckStatus.REJECTED
    return FunctionalAck(
        interchange_ref=header.control_ref,
        sender_id=header.sender_id,
        sender_qualifier=header.sender_qualifier_or_none,
        recipient_id=header.recipient_id,
        recipient_qualifier=header.recipient_qualifier_or_none,
        status=status,
        received_at=received_at,
        errors=tuple(errors),
        syntax_version=header.version,
        interchange_date=header.date,
        interchange_time=header.time,
    )


# The data element reference number at a place: version, tag, element, component.
ElementRefs = Callable[[str, str, int, int | None], str | None]


def with_element_refs(ack: FunctionalAck, element_ref: ElementRefs) -> FunctionalAck:
    """The acknowledgement with AK402/IK402 filled in for every element error."""
    version = ack.syntax_version or ""

    def named(error: AckError) -> AckError:
        if error.element_position is None or error.segment_tag is None:
            return error
        ref = element_ref(
            version, error.segment_tag, error.element_position, error.component_position
        )
        return replace(error, element_ref=ref)

    messages = tuple(replace(m, errors=tuple(named(e) for e in m.errors)) for m in ack.messages)
    return replace(ack, messages=messages)


def business_unit(transaction: X12Transaction) -> tuple[str, str] | None:
    """The 999 CTX business unit of a set, e.g. ("BEG03", "PO-1"), when the set has one."""
    place = BUSINESS_UNITS.get(transaction.set_id)
    if place is None:
        return None
    tag, element = place
    found = next((s for s in transaction.segments if s.tag == tag), None)
    value = found.value(element) if found is not None else None
    return (f"{tag}{element:02d}", value) if value else None


def render_997(ack: FunctionalAck, *, delimiters: X12Delimiters | None = None) -> list[Segment]:
    """AK1..AK9 of the 997 answering `ack`'s group (the body between ST and SE).

    With `delimiters`, an AK404 copy that holds one of them is left out (X12 cannot escape).
    """
    modern = _is_5010(ack.syntax_version)
    body = [_ak1(ack, modern)]
    for message in ack.messages:
        body.append(_ak2(message, modern))
        body += _segment_notes(message, ("AK3", "AK4"), None, delimiters)
        # 997 AK502 has no implementation ("I") codes: those belong to the 999.
        codes = [c for c in _set_codes(message) if not c.startswith("I")]
        body.append(segment("AK5", _SET_CODES[message.status], *codes))
    body.append(_ak9(ack))
    return body


def render_999(ack: FunctionalAck, *, delimiters: X12Delimiters | None = None) -> list[Segment]:
    """AK1..AK9 of the 999 answering `ack`'s group (the body between ST and SE).

    Each set's business unit (MessageAck.business_unit) is written as the X231A1 CTX business
    unit identifier after each IK3 of that set; the situational-trigger CTX (segment and
    element context) is not written: the gateway's rules name no situational triggers.
    """
    body = [_ak1(ack, True)]
    for message in ack.messages:
        body.append(_ak2(message, True))
        unit = _stored_unit(message)
        body += _segment_notes(message, ("IK3", "IK4"), unit, delimiters)
        body.append(segment("IK5", _SET_CODES[message.status], *_set_codes(message)))
    body.append(_ak9(ack))
    return body


def _stored_unit(message: MessageAck) -> tuple[str, str] | None:
    unit = message.business_unit
    return (unit[0], unit[1]) if len(unit) == 2 else None


def render_ta1(ack: FunctionalAck) -> Segment:
    """The TA1 answering `ack`'s interchange: ISA13, ISA09, ISA10, A/E/R and the note code."""
    code = _SET_CODES.get(ack.status, "E")  # partial acceptance is not an interchange outcome
    note = ack.errors[0].code if ack.errors and ack.errors[0].code else "000"
    return segment(
        "TA1",
        ack.interchange_ref,
        ack.interchange_date or "",
        ack.interchange_time or "",
        code,
        note,
    )


def _errors(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in dict.fromkeys(issues) if i.severity == "error"]


def _collect(outcome: GroupOutcome) -> tuple[list[list[AckError]], list[AckError]]:
    # Each issue goes to the level its code belongs to: a set's issue with a group code
    # answers in AK905, a group's issue with a set code (a duplicate ST02) in its set's loop.
    group_errors: list[AckError] = []
    per_set: list[list[AckError]] = [[] for _ in outcome.sets]
    for index, outcome_set in enumerate(outcome.sets):
        for issue in _errors([*outcome_set.transaction.issues, *outcome_set.issues]):
            _route(issue, outcome_set.transaction, per_set[index], group_errors)
    for issue in _errors(outcome.issues):
        holder = _set_holding(outcome.sets, issue)
        if holder is None or level_of(issue.code) == "group":
            _route(issue, None, [], group_errors)
        else:
            _route(issue, outcome.sets[holder].transaction, per_set[holder], group_errors)
    return per_set, group_errors


def _set_holding(sets: Sequence[SetOutcome], issue: Issue) -> int | None:
    position = issue.location.segment_position
    if position is None:
        return None
    for index, outcome in enumerate(sets):
        segments = outcome.transaction.segments
        if segments and segments[0].position <= position <= segments[-1].position:
            return index
    return None


def _route(
    issue: Issue,
    transaction: X12Transaction | None,
    set_errors: list[AckError],
    group_errors: list[AckError],
) -> None:
    level = level_of(issue.code)
    if level == "interchange":
        return  # answered by the TA1, not the 997/999
    if level == "group" or transaction is None:
        group_errors.append(AckError(GROUP_ERRORS.get(issue.code, ""), issue.message))
    else:
        set_errors.append(_set_error(issue, transaction, level))


def _set_error(issue: Issue, transaction: X12Transaction, level: str | None) -> AckError:
    if level == "transaction":
        return AckError(SET_ERRORS[issue.code], issue.message)
    if level is None:
        return AckError(_AGREEMENT_SET_ERRORS.get(issue.code, ""), issue.message)
    where = issue.location
    position, tag = _place_in_set(transaction, where.segment_position, where.segment_tag)
    if level == "segment":
        return AckError(SEGMENT_ERRORS[issue.code], issue.message, position, tag)
    if where.element is None:
        # An element error that names no element can only be told as "segment has data
        # element errors" (AK304 8): AK401 needs the position.
        return AckError(ELEMENTS_IN_ERROR, issue.message, position, tag)
    return AckError(
        ELEMENT_ERRORS[issue.code],
        issue.message,
        position,
        tag,
        where.element,
        where.component,
        issue.value,
    )


def _place_in_set(
    transaction: X12Transaction, position: int | None, tag: str | None
) -> tuple[int, str]:
    # AK302 counts from ST = 1. A segment error with no position was noticed at the end of
    # the set at the latest, so it is reported at the set's last segment.
    segments = transaction.segments
    start = segments[0].position if segments else 1
    if position is None:
        position = segments[-1].position if segments else start
    found = next((s.tag for s in segments if s.position == position), "")
    return max(position - start + 1, 1), tag or found


def _message_ack(
    transaction: X12Transaction,
    errors: list[AckError],
    group_rejected: bool,
    accept_with_errors: bool,
) -> MessageAck:
    status = AckStatus.ACCEPTED
    if errors:
        status = AckStatus.ACCEPTED_WITH_ERRORS if accept_with_errors else AckStatus.REJECTED
    if group_rejected:
        status = AckStatus.REJECTED
    return MessageAck(
        message_ref=transaction.control_ref,
        message_type=transaction.set_id,
        version=transaction.version,
        status=status,
        errors=tuple(errors),
        implementation=transaction.implementation,
        business_unit=business_unit(transaction) or (),
    )


def _group_status(
    messages: Sequence[MessageAck], group_errors: list[AckError], group_rejected: bool
) -> AckStatus:
    # AK901: R when the group or all its sets are rejected, P when only some are, E when all
    # are accepted but errors were noted, else A.
    rejected = sum(m.status == AckStatus.REJECTED for m in messages)
    if group_rejected or (messages and rejected == len(messages)):
        return AckStatus.REJECTED
    if rejected:
        return AckStatus.PARTIALLY_ACCEPTED
    noted = group_errors or any(m.status == AckStatus.ACCEPTED_WITH_ERRORS for m in messages)
    return AckStatus.ACCEPTED_WITH_ERRORS if noted else AckStatus.ACCEPTED


def _is_5010(version: str | None) -> bool:
    return ack_transaction_id(version or "") == "999"


def _ak1(ack: FunctionalAck, with_version: bool) -> Segment:
    version = [ack.syntax_version or ""] if with_version else []
    return segment("AK1", ack.functional_id or "", ack.group_ref or "", *version)


def _ak2(message: MessageAck, with_implementation: bool) -> Segment:
    # AK203 repeats ST03 (005010 on; the 999 TR3 requires it whenever ST03 was sent).
    implementation = (
        [message.implementation] if with_implementation and message.implementation else []
    )
    return segment("AK2", message.message_type, message.message_ref, *implementation)


def _ak9(ack: FunctionalAck) -> Segment:
    received = len(ack.messages)
    included = ack.sets_included if ack.sets_included is not None else received
    accepted = sum(m.status != AckStatus.REJECTED for m in ack.messages)
    codes = list(dict.fromkeys(e.code for e in ack.errors if e.code))[:_MAX_CODES]
    status = _GROUP_CODES[ack.status]
    return segment("AK9", status, str(included), str(received), str(accepted), *codes)


def _set_codes(message: MessageAck) -> list[str]:
    # AK502..AK506: the set's own codes, then 5 "one or more segments in error" when any
    # segment or element is reported below it.
    codes = [e.code for e in message.errors if e.segment_position is None and e.code]
    if any(e.segment_position is not None for e in message.errors):
        codes.append(SEGMENTS_IN_ERROR)
    return list(dict.fromkeys(codes))[:_MAX_CODES]


def _segment_notes(
    message: MessageAck,
    tags: tuple[str, str],
    unit: tuple[str, str] | None,
    delimiters: X12Delimiters | None,
) -> list[Segment]:
    by_place: dict[tuple[int, str], list[AckError]] = {}
    placed = [e for e in message.errors if e.segment_position is not None]
    for error in sorted(placed, key=lambda e: e.segment_position or 0):
        by_place.setdefault((error.segment_position or 0, error.segment_tag or ""), []).append(
            error
        )
    context = _context(message, unit, delimiters)
    out: list[Segment] = []
    for (position, tag), errors in by_place.items():
        own = list(dict.fromkeys(e.code for e in errors if e.element_position is None))
        own = own or [ELEMENTS_IN_ERROR]
        elements = [e for e in errors if e.element_position is not None][:_MAX_ELEMENT_NOTES]
        for number, code in enumerate(own):
            out.append(segment(tags[0], tag, str(position), "", code))
            if context is not None and tag not in ("ST", "SE"):
                out.append(context)
            if number == 0:
                out += [_element_note(tags[1], e, delimiters) for e in elements]
    return out


def _context(
    message: MessageAck, unit: tuple[str, str] | None, delimiters: X12Delimiters | None
) -> Segment | None:
    # CTX01 C998: 2000 context name (the business unit element, e.g. BEG03) and 2002 its
    # value. Left out when that element is itself in error: its value is then not "known"
    # to us (X12 RFI 2293).
    if unit is None:
        return None
    name, value = unit
    tag, element = name[:-2], int(name[-2:]) if name[-2:].isdigit() else 0
    if any(e.segment_tag == tag and e.element_position == element for e in message.errors):
        return None
    value = value[:_MAX_CONTEXT]
    if not _writable(value, delimiters):
        return None
    return segment("CTX", [name, value])


def _element_note(tag: str, error: AckError, delimiters: X12Delimiters | None) -> Segment:
    # C030: C03001 element position, C03002 component position (when in a composite).
    position = [str(error.element_position), str(error.component_position or "")]
    # AK404 is not sent for an invalid character (code 6): the copy would carry it back.
    copy = (error.value or "")[:_MAX_COPY] if error.code != "6" else ""
    if not _writable(copy, delimiters):
        copy = ""
    return segment(tag, position, error.element_ref or "", error.code, copy)


def _writable(value: str, delimiters: X12Delimiters | None) -> bool:
    if delimiters is None:
        return True
    used = (delimiters.element, delimiters.component, delimiters.segment, delimiters.repetition)
    return not any(d and d in value for d in used)
