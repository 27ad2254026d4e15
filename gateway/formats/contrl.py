"""CONTRL, the UN/EDIFACT syntax and service report (ISO 9735-4; EANCOM CONTRL).

Message layout (UNH S009 CONTRL:2:2:UN for syntax version 3, CONTRL:4:1:UN for version 4):
  UNH, UCI (interchange response),
  SG1 UCM (message response) - SG2 UCS (segment error) - UCD (data element error),
  or, when the subject interchange has functional groups,
  SG3 UCF (group response) - SG4 UCM - SG5 UCS - UCD,
  UNT.
UCI: 0020 interchange ref, S002 sender, S003 recipient (copied as received), 0083 action,
0085 syntax error, 0013 service segment tag, S011 (0098 element, 0104 component).
UCM: 0062, S009, 0083, 0085, 0013, S011.  UCS: 0096 position (UNH = 1), 0085.
UCD: 0085, S011.  0083: 4 = this level and all lower levels rejected; 7 = this level
acknowledged, next lower level acknowledged if not explicitly rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from gateway.errors import Issue
from gateway.formats.edifact_envelope import EdifactInterchange, EdifactMessage
from gateway.formats.edifact_writer import message_segments, split_version
from gateway.formats.segments import Segment, segment
from gateway.model.documents import AckError, AckStatus, FunctionalAck, MessageAck

# Issue code -> EDIFACT 0085 syntax error code (ISO 9735 service code list).
SYNTAX_ERROR_CODES: dict[str, str] = {
    "edifact.syntax_version": "2",  # syntax version or level not supported
    "edifact.recipient": "7",  # interchange recipient not actual recipient
    "edifact.count_invalid": "12",  # invalid value
    "edifact.unb_date": "12",
    "edifact.code_unknown": "12",
    "edifact.decimal_mark": "12",
    "edifact.unt_missing": "13",  # missing
    "edifact.une_missing": "13",
    "edifact.unz_missing": "13",
    "edifact.count_missing": "13",
    "edifact.unb_date_missing": "13",
    "edifact.segment_missing": "13",
    "edifact.element_missing": "13",
    "edifact.component_missing": "13",
    "edifact.segment_unexpected": "15",  # not supported in this position
    "edifact.element_too_many": "16",  # too many constituents
    "edifact.repetition_too_many": "16",
    "partner.message_type": "17",  # no agreement for this message type/version
    "edifact.charset": "21",  # invalid character(s)
    "edifact.invalid_character": "21",
    "partner.sender": "23",  # unknown interchange sender
    "edifact.duplicate": "26",  # duplicate detected (same interchange received before)
    "edifact.unt_reference": "28",  # references do not match
    "edifact.une_reference": "28",
    "edifact.unz_reference": "28",
    "edifact.unt_count": "29",  # control count does not match number of instances received
    "edifact.une_count": "29",
    "edifact.unz_count": "29",
    "edifact.groups_mixed": "30",  # functional groups and messages mixed
    "edifact.after_unz": "33",  # invalid occurrence outside message or functional group
    "edifact.outside_message": "33",
    "edifact.segment_too_many": "35",  # too many segment repetitions
    "edifact.group_too_many": "36",  # too many segment group repetitions
    "edifact.element_type": "37",  # invalid type of character(s)
    "edifact.element_too_long": "39",  # data element too long
    "edifact.element_too_short": "40",  # data element too short
}

# For issues raised by later layers (validation, mapping) the code's last word decides.
_SUFFIX_CODES = (
    ("_missing", "13"),
    ("_too_long", "39"),  # data element too long
    ("_too_short", "40"),  # data element too short
    ("_character", "21"),
    ("_characters", "21"),
    ("_duplicate", "26"),  # duplicate detected
    ("_too_many", "16"),  # too many constituents
)

# A trailer that is missing is reported against its own tag in 0013, not a segment position.
_MISSING_TRAILER = {
    "edifact.unt_missing": "UNT",
    "edifact.une_missing": "UNE",
    "edifact.unz_missing": "UNZ",
}

_INTERCHANGE_TAGS = ("UNA", "UNB", "UNZ")
_MESSAGE_TAGS = ("UNH", "UNT")


def syntax_error_code(issue: Issue) -> str:
    """The 0085 code for an issue: from the table, the code's suffix, else 12 or 18."""
    if issue.code in SYNTAX_ERROR_CODES:
        return SYNTAX_ERROR_CODES[issue.code]
    for suffix, code in _SUFFIX_CODES:
        if issue.code.endswith(suffix):
            return code
    # 12 invalid value when an element is named, else 18 unspecified error.
    return "12" if issue.location.element is not None else "18"


def acknowledgement_for(
    interchange: EdifactInterchange, issues: Sequence[Issue], received_at: datetime
) -> FunctionalAck:
    """A CONTRL-ready acknowledgement: REJECTED when any issue is an error."""
    errors = [i for i in dict.fromkeys([*interchange.issues, *issues]) if i.severity == "error"]
    per_message: list[list[AckError]] = [[] for _ in interchange.messages]
    top: list[AckError] = []
    for issue in errors:
        index = _message_index(interchange.messages, issue.location.segment_position)
        if index is None:
            top.append(_ack_error(issue, None))
        else:
            per_message[index].append(_ack_error(issue, interchange.messages[index]))
    messages = tuple(
        _message_ack(message, per_message[i], reject=bool(top))
        for i, message in enumerate(interchange.messages)
    )
    groups = {m.group_ref for m in interchange.messages if m.group_ref is not None}
    return FunctionalAck(
        interchange_ref=interchange.control_ref,
        sender_id=interchange.sender_id,
        sender_qualifier=interchange.sender_qualifier,
        recipient_id=interchange.recipient_id,
        recipient_qualifier=interchange.recipient_qualifier,
        status=AckStatus.REJECTED if errors else AckStatus.ACCEPTED,
        received_at=received_at,
        messages=messages,
        errors=tuple(top),
        # FunctionalAck carries one group; several groups are acknowledged under the first.
        group_ref=min(groups) if groups else None,
        syntax_version=interchange.syntax_version,
    )


def _message_index(messages: Sequence[EdifactMessage], position: int | None) -> int | None:
    if position is None:
        return None
    for index, message in enumerate(messages):
        if message.segments[0].position <= position <= message.segments[-1].position:
            return index
    return None


def _ack_error(issue: Issue, message: EdifactMessage | None) -> AckError:
    where = issue.location
    tag = _MISSING_TRAILER.get(issue.code, where.segment_tag)
    position = None if issue.code in _MISSING_TRAILER else where.segment_position
    if position is not None and message is not None:
        # UCS 0096 counts from UNH = 1; a missing segment is reported at the last segment
        # processed before the place where it was expected.
        position = position - message.segments[0].position + 1
        if issue.code == "edifact.segment_missing":
            position = max(position - 1, 1)
    return AckError(
        syntax_error_code(issue), issue.message, position, tag, where.element, where.component
    )


def _message_ack(message: EdifactMessage, errors: list[AckError], reject: bool) -> MessageAck:
    # MessageAck.version keeps S009 0052:0054:0051[:0057] as received, so that UCM repeats it.
    s009 = list(message.segments[0].composite(2)[1:5])
    status = AckStatus.REJECTED if errors or reject else AckStatus.ACCEPTED
    return MessageAck(
        message.reference, message.message_type, ":".join(s009), status, tuple(errors)
    )


def render_contrl(ack: FunctionalAck, reference: str, *, receipt: bool = False) -> list[Segment]:
    """UNH..UNT of the CONTRL message acknowledging or rejecting `ack`'s interchange.

    With `receipt` it only says the interchange was received (UCI 0083 = 8), no message detail.
    """
    version = "4:1" if ack.syntax_version == "4" else "2:2"
    if receipt:
        return message_segments(reference, "CONTRL", version, "UN", None, [_uci(ack, "8")])
    body = [_uci(ack)]
    if ack.group_ref is not None:
        # UCF: 0048 group reference, S006, S007, 0083.
        rejected = any(m.status == AckStatus.REJECTED for m in ack.messages)
        body.append(segment("UCF", ack.group_ref, "", "", "4" if rejected else "7"))
    for message in ack.messages:
        body += _ucm_group(message)
    return message_segments(reference, "CONTRL", version, "UN", None, body)


def _uci(ack: FunctionalAck, action: str | None = None) -> Segment:
    rejected = bool(ack.errors) or (
        ack.status == AckStatus.REJECTED
        and all(m.status == AckStatus.REJECTED for m in ack.messages)
    )
    return segment(
        "UCI",
        ack.interchange_ref,
        [ack.sender_id, ack.sender_qualifier or ""],
        [ack.recipient_id, ack.recipient_qualifier or ""],
        action or ("4" if rejected else "7"),
        *(
            []
            if action
            else _error_fields(ack.errors[0] if ack.errors else None, _INTERCHANGE_TAGS)
        ),
    )


def _ucm_group(message: MessageAck) -> list[Segment]:
    header_errors = [
        e for e in message.errors if e.segment_position is None or e.segment_tag in _MESSAGE_TAGS
    ]
    body_errors = [e for e in message.errors if e not in header_errors]
    parts = (
        message.version.split(":")
        if ":" in message.version
        else [*split_version(message.version), "UN"]
    )
    ucm = segment(
        "UCM",
        message.message_ref,
        [message.message_type, *parts],
        "4" if message.status == AckStatus.REJECTED else "7",
        *_error_fields(header_errors[0] if header_errors else None, _MESSAGE_TAGS),
    )
    return [ucm, *_segment_errors(body_errors)]


def _segment_errors(errors: list[AckError]) -> list[Segment]:
    by_position: dict[int, list[AckError]] = {}
    for error in errors:
        by_position.setdefault(error.segment_position or 0, []).append(error)
    out: list[Segment] = []
    for position, group in list(by_position.items())[:999]:  # SG2/SG5 repeat 999
        whole = next((e for e in group if e.element_position is None), None)
        out.append(segment("UCS", str(position), whole.code if whole else ""))
        out += [segment("UCD", e.code, _s011(e)) for e in group if e.element_position is not None][
            :99
        ]  # UCD repeats 99 per UCS
    return out


def _error_fields(error: AckError | None, service_tags: tuple[str, ...]) -> list[str | list[str]]:
    # 0085 error code, 0013 service segment tag (only for the level's own service segments),
    # S011 erroneous element (0098) and component (0104) position.
    if error is None:
        return []
    tag = error.segment_tag if error.segment_tag in service_tags else ""
    if error.element_position is not None:
        return [error.code, tag, _s011(error)]
    return [error.code, tag] if tag else [error.code]


def _s011(error: AckError) -> list[str]:
    # S011 0098 counts the segment tag as position 1, so data element n is n + 1
    # (ISO 9735-4 UCD/UCS; the same count in UCI and UCM); 0104 counts components from 1.
    element = str((error.element_position or 0) + 1)
    if error.component_position is None:
        return [element]
    return [element, str(error.component_position)]
