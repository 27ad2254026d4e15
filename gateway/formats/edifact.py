"""UN/EDIFACT interchanges (ISO 9735): read bytes into envelopes and segments, write them back.

The layers, as in pydifact: characters and tokenizer (`edifact_syntax`), envelopes
(`edifact_envelope`), writing (`edifact_writer`) and the CONTRL acknowledgement (`contrl`).
This module reads; it re-exports the rest so callers import from one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from gateway.errors import Issue, Location, ParseError
from gateway.formats.contrl import acknowledgement_for, render_contrl
from gateway.formats.edifact_envelope import EdifactInterchange, EdifactMessage, EnvelopeReader
from gateway.formats.edifact_syntax import (
    Delimiters,
    RawSegment,
    Repeat,
    codec_for,
    count_terminators,
    read_una,
    split_segments,
)
from gateway.formats.edifact_writer import (
    InterchangeHeader,
    message_segments,
    serialize_interchange,
)
from gateway.formats.segments import Segment

__all__ = [
    "Delimiters",
    "EdifactInterchange",
    "EdifactMessage",
    "InterchangeHeader",
    "acknowledgement_for",
    "message_segments",
    "parse_interchange",
    "read_interchange_header",
    "render_contrl",
    "serialize_interchange",
]

UTF8_BOM = b"\xef\xbb\xbf"


def parse_interchange(data: bytes, filename: str | None = None) -> EdifactInterchange:
    """Read one EDIFACT interchange; envelope problems go to `issues`, syntax ones raise."""
    where = Location(file=filename)
    start = _skip_preamble(data)
    delimiters, una_present, unb_start = _service_string_advice(data, start, where)
    identifier, version = _syntax_identifier(data, unb_start, delimiters, where)
    if not una_present:
        delimiters = Delimiters.default_for(version)
    codec = codec_for(identifier, Location(filename, 1, "UNB", 1, 1, offset=unb_start))
    text = _decode(data, unb_start, codec, delimiters, filename)
    offset_of = _offset_function(text, unb_start, codec)
    raws = split_segments(text, delimiters, where, offset_of)
    return _interchange(raws, delimiters, una_present, filename, offset_of)


def read_interchange_header(data: bytes, filename: str | None = None) -> EdifactInterchange | None:
    """Only UNA and UNB, leniently: enough to address a CONTRL when the rest cannot be read."""
    where = Location(file=filename)
    try:
        start = _skip_preamble(data)
        delimiters, una_present, unb_start = _service_string_advice(data, start, where)
        _, version = _syntax_identifier(data, unb_start, delimiters, where)
        if not una_present:
            delimiters = Delimiters.default_for(version)
        # UNB itself is in the basic character set; Latin-1 decodes any byte, so a bad byte
        # later in the file does not stop us from reading who sent it.
        text = _first_segment(data[unb_start:].decode("latin-1"), delimiters)
        raws = split_segments(text, delimiters, where, lambda index: unb_start + index)
        header = _interchange(raws[:1], delimiters, una_present, filename, lambda i: unb_start + i)
    except ParseError:
        return None
    # Only the header was read: what it says of the missing rest is not news.
    return replace(header, issues=())


def _first_segment(text: str, delimiters: Delimiters) -> str:
    # The first segment terminator that the release character does not escape ends UNB.
    index = 0
    while index < len(text):
        char = text[index]
        if char == delimiters.release:
            index += 2
            continue
        if char == delimiters.segment:
            return text[: index + 1]
        index += 1
    raise ParseError("UNB has no segment terminator")


def _skip_preamble(data: bytes) -> int:
    # A UTF-8 byte order mark and blank lines before UNA/UNB are editor or transport noise.
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    while start < len(data) and data[start : start + 1] in (b" ", b"\t", b"\r", b"\n"):
        start += 1
    return start


def _service_string_advice(
    data: bytes, start: int, where: Location
) -> tuple[Delimiters, bool, int]:
    # UNA (ISO 9735 clause 7) is always in the basic set, so it is read before any decoding.
    if data[start : start + 3] != b"UNA":
        unb_start = start
        delimiters, una_present = Delimiters(), False
    else:
        una_where = Location(where.file, offset=start, segment_tag="UNA")
        delimiters = read_una(data[start : start + 9].decode("latin-1"), una_where)
        unb_start, una_present = start + 9, True
        while data[unb_start : unb_start + 1] in (b"\r", b"\n"):
            unb_start += 1
    if data[unb_start : unb_start + 3] != b"UNB":
        found = data[unb_start : unb_start + 20].decode("latin-1") or "the end of the file"
        message = (
            f"no UNB: expected the interchange header UNB at byte {unb_start}, found {found!r}"
        )
        issue = Issue("edifact.no_unb", message, Location(where.file, offset=unb_start))
        raise ParseError(message, [issue])
    return delimiters, una_present, unb_start


def _syntax_identifier(
    data: bytes, unb_start: int, delimiters: Delimiters, where: Location
) -> tuple[str, str]:
    # UNB S001 (0001 syntax identifier : 0002 version) decides the charset of everything
    # else; it is plain ASCII, so it is read from the raw bytes before decoding.
    head = data[unb_start : unb_start + 200].decode("latin-1")
    body = head[4:].split(delimiters.element, 1)[0].split(delimiters.segment, 1)[0]
    parts = body.split(delimiters.component)
    if len(head) < 4 or head[3] != delimiters.element or not parts[0] or len(parts) < 2:
        message = (
            f"UNB S001 syntax identifier and version not found in {head[:40]!r}; expected "
            f"e.g. UNB{delimiters.element}UNOC{delimiters.component}3"
        )
        location = Location(where.file, 1, "UNB", 1, offset=unb_start)
        raise ParseError(message, [Issue("edifact.syntax_identifier", message, location)])
    return parts[0], parts[1]


def _decode(
    data: bytes, unb_start: int, codec: str, delimiters: Delimiters, filename: str | None
) -> str:
    try:
        return data[unb_start:].decode(codec)
    except UnicodeDecodeError as exc:
        offset = unb_start + exc.start
        before = data[unb_start:offset].decode("latin-1")
        position = count_terminators(before, delimiters) + 1
        message = (
            f"byte {offset} (0x{data[offset]:02X}) in segment {position} cannot be decoded "
            f"as {codec}, the character set the UNB syntax identifier announces; the "
            "partner must send the charset it declares (or declare the one it sends)"
        )
        location = Location(filename, position, offset=offset)
        raise ParseError(message, [Issue("edifact.charset", message, location)]) from exc


def _offset_function(text: str, unb_start: int, codec: str) -> Callable[[int], int]:
    # Byte offset of a character: direct for the one-byte ISO 8859 sets, re-encoded otherwise.
    if codec in ("utf_8", "iso2022_jp_2"):
        return lambda index: unb_start + len(text[:index].encode(codec))
    return lambda index: unb_start + index


def _interchange(
    raws: list[RawSegment],
    delimiters: Delimiters,
    una_present: bool,
    filename: str | None,
    offset_of: Callable[[int], int],
) -> EdifactInterchange:
    segments = [raw.to_segment(position) for position, raw in enumerate(raws, start=1)]
    unb = segments[0]
    fields = _required_fields(unb, filename)
    header_issues: list[Issue] = []
    reader = EnvelopeReader(unb, filename, [offset_of(raw.offset) for raw in raws])
    reader.read(segments[1:])
    repetitions = tuple(
        (position, number, repeats)
        for position, raw in enumerate(raws, start=1)
        for number, repeats in enumerate(raw.elements, start=1)
        if len(repeats) > 1
    )
    return EdifactInterchange(
        syntax_identifier=fields[0],
        syntax_version=fields[1],
        sender_id=fields[2],
        sender_qualifier=unb.value(2, 2),
        recipient_id=fields[3],
        recipient_qualifier=unb.value(3, 2),
        prepared_at=_prepared_at(unb, filename, header_issues),
        control_ref=fields[4],
        application_ref=unb.value(7),
        ack_requested=unb.value(9) == "1",
        test=unb.value(11) == "1",
        delimiters=delimiters,
        una_present=una_present,
        messages=tuple(_with_repetitions(m, repetitions) for m in reader.messages),
        segments=tuple(segments),
        issues=tuple(header_issues + reader.issues),
        repetitions=repetitions,
    )


def _with_repetitions(
    message: EdifactMessage, repetitions: tuple[tuple[int, int, tuple[Repeat, ...]], ...]
) -> EdifactMessage:
    first, last = message.segments[0].position, message.segments[-1].position
    own = tuple(r for r in repetitions if first <= r[0] <= last)
    return replace(message, repetitions=own) if own else message


# UNB mandatory values: S001.0001, S001.0002, S002.0004, S003.0010, 0020.
_UNB_REQUIRED = (
    (1, 1, "S001.0001 syntax identifier"),
    (1, 2, "S001.0002 syntax version"),
    (2, 1, "S002.0004 sender identification"),
    (3, 1, "S003.0010 recipient identification"),
    (5, 1, "0020 interchange control reference"),
)


def _required_fields(unb: Segment, filename: str | None) -> list[str]:
    fields: list[str] = []
    for element, component, name in _UNB_REQUIRED:
        value = unb.value(element, component)
        if value is None:
            message = f"UNB {name} is missing; it is mandatory (ISO 9735)"
            location = Location(filename, 1, "UNB", element, component)
            raise ParseError(message, [Issue("edifact.unb_missing", message, location)])
        fields.append(value)
    return fields


def _prepared_at(unb: Segment, filename: str | None, issues: list[Issue]) -> datetime | None:
    # UNB S004: 0017 date YYMMDD (syntax 1-3) or CCYYMMDD (syntax 4), 0019 time HHMM.
    date, time = unb.value(4, 1), unb.value(4, 2)
    if date is None or time is None:
        message = "UNB S004 date/time of preparation is missing; expected YYMMDD:HHMM"
        issues.append(Issue("edifact.unb_date_missing", message, Location(filename, 1, "UNB", 4)))
        return None
    pattern = {6: "%y%m%d%H%M", 8: "%Y%m%d%H%M"}.get(len(date), "")
    try:
        return datetime.strptime(date + time, pattern)  # naive: UNB S004 has no time zone
    except ValueError:
        message = f"UNB S004 {date}:{time} is not a date and time; expected YYMMDD:HHMM"
        issues.append(Issue("edifact.unb_date", message, Location(filename, 1, "UNB", 4)))
        return None
