"""UN/EDIFACT interchanges (ISO 9735): read bytes into envelopes and segments, write them back.

The layers, as in pydifact: bytes and framing (`edifact_framing`), characters and segments
(`edifact_syntax`), envelopes (`edifact_envelope`), the streaming reader (`edifact_reader`),
writing (`edifact_writer`) and the CONTRL acknowledgement (`contrl`). This module reads whole
files in memory on top of the streaming reader and re-exports the rest, so callers import from
one place.
"""

from __future__ import annotations

from gateway.errors import Issue, Location, ParseError
from gateway.formats.contrl import acknowledgement_for, render_contrl
from gateway.formats.edifact_envelope import EdifactHeader, EdifactInterchange, EdifactMessage
from gateway.formats.edifact_reader import (
    InterchangeClosed,
    InterchangeOpened,
    MessageRead,
    read_edifact,
    read_header,
)
from gateway.formats.edifact_syntax import Delimiters
from gateway.formats.edifact_writer import (
    InterchangeHeader,
    message_segments,
    serialize_interchange,
)

__all__ = [
    "Delimiters",
    "EdifactHeader",
    "EdifactInterchange",
    "EdifactMessage",
    "InterchangeHeader",
    "acknowledgement_for",
    "assemble_interchange",
    "message_segments",
    "parse_interchange",
    "parse_interchanges",
    "read_interchange_header",
    "render_contrl",
    "serialize_interchange",
]


def parse_interchanges(
    data: bytes, filename: str | None = None, *, charset: str | None = None
) -> list[EdifactInterchange]:
    """Every interchange in the file; envelope problems go to `issues`, syntax ones raise."""
    interchanges: list[EdifactInterchange] = []
    header: EdifactHeader | None = None
    messages: list[EdifactMessage] = []
    for event in read_edifact([data], filename, charset=charset):
        if isinstance(event, InterchangeOpened):
            header, messages = event.header, []
        elif isinstance(event, MessageRead):
            messages.append(event.message)
        elif header is not None:
            interchanges.append(assemble_interchange(header, messages, event))
    return interchanges


def parse_interchange(
    data: bytes, filename: str | None = None, *, charset: str | None = None
) -> EdifactInterchange:
    """The one interchange of a file; ParseError when the file holds several."""
    interchanges = parse_interchanges(data, filename, charset=charset)
    if len(interchanges) == 1:
        return interchanges[0]
    second = interchanges[1].segments[0]
    message = (
        f"the file holds {len(interchanges)} interchanges (the second starts at byte "
        f"{interchanges[1].offset}); expected one: read it with parse_interchanges"
    )
    where = Location(filename, second.position, "UNB", offset=interchanges[1].offset)
    raise ParseError(message, [Issue("edifact.several_interchanges", message, where)])


def read_interchange_header(
    data: bytes, filename: str | None = None, *, charset: str | None = None
) -> EdifactInterchange | None:
    """Only UNA and UNB, leniently: enough to address a CONTRL when the rest cannot be read."""
    try:
        header = read_header([data], filename, charset=charset)
    except ParseError:
        return None
    # Only the header was read: what it says of the missing rest is not news.
    return assemble_interchange(header, [], InterchangeClosed((), 0, None))


def assemble_interchange(
    header: EdifactHeader, messages: list[EdifactMessage], closed: InterchangeClosed
) -> EdifactInterchange:
    """The whole interchange from what the streaming reader reported of it."""
    segments = [header.unb, *closed.groups, *(s for m in messages for s in m.segments)]
    if closed.unz is not None:
        segments.append(closed.unz)
    segments.sort(key=lambda seg: seg.position)
    return EdifactInterchange(
        syntax_identifier=header.syntax_identifier,
        syntax_version=header.syntax_version,
        sender_id=header.sender_id,
        sender_qualifier=header.sender_qualifier,
        recipient_id=header.recipient_id,
        recipient_qualifier=header.recipient_qualifier,
        prepared_at=header.prepared_at,
        control_ref=header.control_ref,
        application_ref=header.application_ref,
        ack_requested=header.ack_requested,
        test=header.test,
        delimiters=header.delimiters,
        una_present=header.una_present,
        messages=tuple(messages),
        segments=tuple(segments),
        issues=closed.issues,
        repetitions=tuple(r for m in messages for r in m.repetitions),
        offset=header.offset,
        index=header.index,
        codec=header.codec,
    )
