"""Writing EDIFACT: UNH/UNT around a message body, UNA/UNB/UNZ around messages, escaping."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from gateway.errors import Issue, Location, MappingError
from gateway.formats.edifact_syntax import CHARSETS, UNOA_PATTERN, Delimiters
from gateway.formats.segments import Segment, segment


@dataclass(frozen=True)
class InterchangeHeader:
    """What UNB needs for an outbound interchange, and how to lay the file out."""

    syntax_identifier: str
    syntax_version: str
    sender_id: str
    sender_qualifier: str | None
    recipient_id: str
    recipient_qualifier: str | None
    prepared_at: datetime
    control_ref: str
    application_ref: str | None = None
    ack_requested: bool = False
    test: bool = False
    delimiters: Delimiters = field(default_factory=Delimiters)
    write_una: bool = True
    segment_suffix: str = "\n"


def message_segments(  # noqa: PLR0917 - positional signature agreed with the pipeline
    reference: str,
    message_type: str,
    version: str,
    agency: str,
    association: str | None,
    body: Sequence[Segment],
) -> list[Segment]:
    """UNH + body + UNT; UNT 0074 counts UNH and UNT too (ISO 9735 clause 9)."""
    directory, release = split_version(version)
    s009 = [message_type, directory, release, agency]
    if association:
        s009.append(association)
    unh = segment("UNH", reference, s009)
    unt = segment("UNT", str(len(body) + 2), reference)
    return [unh, *body, unt]


def split_version(version: str) -> tuple[str, str]:
    """S009.0052 and .0054 from "D96A" (D + 96A), "2:2" or "22" (2 + 2)."""
    if ":" in version:
        directory, _, release = version.partition(":")
        return directory, release
    return version[:1], version[1:]


def serialize_interchange(
    header: InterchangeHeader, messages: Sequence[Sequence[Segment]]
) -> bytes:
    """UNA (when asked), UNB, the messages (each UNH..UNT), UNZ; encoded per S001.0001."""
    codec = CHARSETS.get(header.syntax_identifier)
    if codec is None:
        raise MappingError(
            f"cannot write syntax identifier {header.syntax_identifier!r}; expected one of "
            f"{', '.join(CHARSETS)}"
        )
    d = header.delimiters
    _check_una(header)
    parts = [d.service_string_advice() + header.segment_suffix] if header.write_una else []
    segments = [_unb(header), *(s for m in messages for s in m)]
    segments.append(segment("UNZ", str(len(messages)), header.control_ref))
    for seg in segments:
        parts.append(render_segment(seg, d, header.syntax_identifier) + header.segment_suffix)
    return "".join(parts).encode(codec)


def _check_una(header: InterchangeHeader) -> None:
    # Without UNA the receiver assumes the ISO 9735 defaults, so other characters need UNA.
    if not header.write_una and header.delimiters != Delimiters.default_for(header.syntax_version):
        raise MappingError(
            f"delimiters {header.delimiters.service_string_advice()[3:]!r} differ from the "
            "ISO 9735 defaults, so UNA must be written (set write_una)"
        )


def _unb(h: InterchangeHeader) -> Segment:
    # UNB: S001, S002, S003, S004, 0020, S005, 0026, 0029, 0031, 0032, 0035 (ISO 9735 clause 10).
    date_format = "%Y%m%d" if h.syntax_version.strip() == "4" else "%y%m%d"
    return segment(
        "UNB",
        [h.syntax_identifier, h.syntax_version],
        [h.sender_id, h.sender_qualifier or ""],
        [h.recipient_id, h.recipient_qualifier or ""],
        [h.prepared_at.strftime(date_format), h.prepared_at.strftime("%H%M")],
        h.control_ref,
        "",
        h.application_ref or "",
        "",
        "1" if h.ack_requested else "",
        "",
        "1" if h.test else "",
    )


def render_segment(seg: Segment, d: Delimiters, syntax_identifier: str) -> str:
    """One segment with its terminator; trailing empty elements and components are dropped."""
    elements = [
        _trim([escape(v, d, seg, syntax_identifier) for v in element], d.component)
        for element in seg.elements
    ]
    while elements and not elements[-1]:
        elements.pop()
    return d.element.join([seg.tag, *elements]) + d.segment


def _trim(values: list[str], separator: str) -> str:
    while values and not values[-1]:
        values.pop()
    return separator.join(values)


def escape(value: str, d: Delimiters, seg: Segment, syntax_identifier: str) -> str:
    """The value with each service character preceded by the release character."""
    _check_repertoire(value, seg, syntax_identifier)
    specials = d.specials()
    return "".join(d.release + c if c in specials else c for c in value)


def _check_repertoire(value: str, seg: Segment, syntax_identifier: str) -> None:
    # UNOA is ISO 646 upper case plus a few marks; the others are limited by their codec.
    if syntax_identifier == "UNOA":
        bad = next((c for c in value if not UNOA_PATTERN.fullmatch(c)), None)
    else:
        try:
            value.encode(CHARSETS[syntax_identifier])
            bad = None
        except UnicodeEncodeError as exc:
            bad = value[exc.start]
    if bad is not None:
        message = (
            f"{seg.tag} value {value!r} contains {bad!r}, which syntax identifier "
            f"{syntax_identifier} cannot carry; change the value or agree on a wider "
            "character set (e.g. UNOC, UNOW) with the partner"
        )
        location = Location(segment_position=seg.position or None, segment_tag=seg.tag)
        raise MappingError(message, [Issue("edifact.charset", message, location)])
