"""EDIFACT envelopes: messages (UNH..UNT), functional groups (UNG..UNE) and the UNZ trailer.

Service segment layouts follow ISO 9735 (syntax versions 3 and 4):
UNH 0062 message reference, S009 message identifier (0065 type, 0052 version, 0054 release,
0051 agency, 0057 association); UNT 0074 segment count (UNH..UNT inclusive), 0062;
UNG 0038, S006, S007, S004, 0048 group reference, ...; UNE 0060 message count, 0048;
UNZ 0036 count (messages, or groups when groups are used), 0020 interchange reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

from gateway.errors import Issue, Location, ParseError
from gateway.formats.edifact_syntax import Delimiters, Repeat
from gateway.formats.segments import Segment


@dataclass(frozen=True)
class EdifactMessage:
    """One message, UNH..UNT; segment positions are ordinals in the interchange (UNB = 1)."""

    reference: str
    message_type: str
    version: str
    agency: str
    association: str | None
    segments: tuple[Segment, ...]
    group_ref: str | None = None
    # Syntax version 4 repeating data elements of this message: (segment position, element,
    # every repeat); `Segment.elements` holds only the first repeat.
    repetitions: tuple[tuple[int, int, tuple[Repeat, ...]], ...] = ()

    def repeats(self, segment: Segment, element: int) -> tuple[Repeat, ...]:
        """Every repeat of a 1-based element of a segment (one, or none when absent)."""
        return _repeats(self.repetitions, segment, element)


def _repeats(
    repetitions: tuple[tuple[int, int, tuple[Repeat, ...]], ...], segment: Segment, element: int
) -> tuple[Repeat, ...]:
    for position, number, repeats in repetitions:
        if position == segment.position and number == element:
            return repeats
    composite = segment.composite(element)
    return (composite,) if composite else ()


@dataclass(frozen=True)
class EdifactInterchange:
    """One interchange, UNB..UNZ, with the envelope problems found while reading it."""

    syntax_identifier: str
    syntax_version: str
    sender_id: str
    sender_qualifier: str | None
    recipient_id: str
    recipient_qualifier: str | None
    prepared_at: datetime | None
    control_ref: str
    application_ref: str | None
    ack_requested: bool
    test: bool
    delimiters: Delimiters
    una_present: bool
    messages: tuple[EdifactMessage, ...]
    segments: tuple[Segment, ...]
    issues: tuple[Issue, ...]
    # Syntax version 4 repeating data elements: (segment position, element, every repeat).
    # `Segment.elements` holds the first repeat so that element positions stay those of the
    # directory; the others are here.
    repetitions: tuple[tuple[int, int, tuple[Repeat, ...]], ...] = field(default=())

    def repeats(self, segment: Segment, element: int) -> tuple[Repeat, ...]:
        """Every repeat of a 1-based element of a segment (one, or none when absent)."""
        return _repeats(self.repetitions, segment, element)


def message_header(unh: Segment, file: str | None) -> tuple[str, str, str, str, str | None]:
    """UNH 0062 and S009 (type, version+release, agency, association), ParseError if absent."""
    reference = unh.value(1)
    message_type = unh.value(2, 1)
    if reference is None or message_type is None:
        missing = "0062 message reference" if reference is None else "S009.0065 message type"
        message = f"UNH at segment {unh.position} has no {missing}; expected UNH+ref+TYPE:D:96A:UN"
        where = Location(file, unh.position, "UNH", 1 if reference is None else 2)
        raise ParseError(message, [Issue("edifact.unh", message, where)])
    version = (unh.value(2, 2) or "") + (unh.value(2, 3) or "")
    return reference, message_type, version, unh.value(2, 4) or "", unh.value(2, 5)


class EnvelopeReader:
    """Walks the segments after UNB, cutting messages and checking trailers against headers."""

    def __init__(self, unb: Segment, file: str | None, offsets: Sequence[int]) -> None:
        self.unb = unb
        self.file = file
        self.offsets = offsets
        self.messages: list[EdifactMessage] = []
        self.issues: list[Issue] = []
        self.open: list[Segment] | None = None
        self.group: Segment | None = None
        self.group_messages = 0
        self.groups = 0
        self.loose_messages = 0
        self.unz: Segment | None = None

    def read(self, segments: Sequence[Segment]) -> None:
        """Read every segment after UNB, then check what is left open at the end."""
        for seg in segments:
            self._feed(seg)
        last = segments[-1] if segments else self.unb
        if self.open is not None:
            self._unt_missing(self.open, last)
        if self.group is not None:
            self._une_missing(self.group, last)
        if self.unz is None:
            message = (
                f"UNZ missing: the interchange ends after segment {last.position} ({last.tag}); "
                "expected UNZ with the message count and the UNB 0020 reference"
            )
            self._issue("edifact.unz_missing", message, None, "UNZ")

    def _feed(self, seg: Segment) -> None:
        if self.unz is not None:
            self._fail(
                seg,
                "edifact.after_unz",
                f"{seg.tag} after UNZ; expected the end of the file (one interchange per file)",
            )
        if self.open is not None:
            self._in_message(self.open, seg)
        elif seg.tag == "UNH":
            self.open = [seg]
        elif seg.tag == "UNG":
            self._open_group(seg)
        elif seg.tag == "UNE":
            self._close_group(seg)
        elif seg.tag == "UNZ":
            self._close_interchange(seg)
        else:
            self._fail(
                seg,
                "edifact.outside_message",
                f"{seg.tag} outside a message; expected UNH, UNG, UNE or UNZ between messages",
            )

    def _in_message(self, open_: list[Segment], seg: Segment) -> None:
        if seg.tag == "UNH":
            self._fail(
                seg,
                "edifact.unh_in_message",
                "UNH inside a message; expected UNT "
                f"to close the message opened at segment {open_[0].position}",
            )
        if seg.tag in ("UNB", "UNG"):
            self._fail(
                seg,
                "edifact.outside_message",
                f"{seg.tag} inside a message; expected "
                f"UNT to close the message opened at segment {open_[0].position}",
            )
        if seg.tag in ("UNE", "UNZ"):
            self._unt_missing(open_, open_[-1])
            self._feed(seg)
            return
        open_.append(seg)
        if seg.tag == "UNT":
            self._check_unt(open_)
            self._close_message(open_)

    def _close_message(self, open_: list[Segment]) -> None:
        unh = open_[0]
        reference, message_type, version, agency, association = message_header(unh, self.file)
        group_ref = self.group.value(5) if self.group is not None else None
        self.messages.append(
            EdifactMessage(
                reference,
                message_type,
                version,
                agency,
                association,
                tuple(open_),
                group_ref,
            )
        )
        if self.group is not None:
            self.group_messages += 1
        else:
            self.loose_messages += 1
        self.open = None

    def _check_unt(self, segments: list[Segment]) -> None:
        unh, unt = segments[0], segments[-1]
        self._check_count(
            unt,
            "0074",
            len(segments),
            what="segments",
            has="the message has",
            code="edifact.unt_count",
        )
        self._check_reference(unt, "0062", unh, 1, "edifact.unt_reference")

    def _unt_missing(self, open_: list[Segment], last: Segment) -> None:
        unh = open_[0]
        message = (
            f"UNT missing: the message opened by UNH at segment {unh.position} ends at segment "
            f"{last.position} ({last.tag}) without UNT; expected UNT with the segment count"
        )
        self._issue("edifact.unt_missing", message, unh.position, "UNH")
        self._close_message(open_)

    def _open_group(self, ung: Segment) -> None:
        if self.group is not None:
            self._fail(
                ung,
                "edifact.ung_in_group",
                "UNG inside a functional group; expected "
                f"UNE to close the group opened at segment {self.group.position}",
            )
        self.group, self.group_messages = ung, 0

    def _close_group(self, une: Segment) -> None:
        if self.group is None:
            self._fail(une, "edifact.outside_message", "UNE without UNG; expected UNH or UNZ")
        self._check_count(
            une,
            "0060",
            self.group_messages,
            what="messages",
            has="the group has",
            code="edifact.une_count",
        )
        self._check_reference(une, "0048", self.group, 5, "edifact.une_reference")
        self.group = None
        self.groups += 1

    def _une_missing(self, group: Segment, last: Segment) -> None:
        message = (
            f"UNE missing: the functional group opened by UNG at segment {group.position} "
            f"ends at segment {last.position} ({last.tag}) without UNE"
        )
        self._issue("edifact.une_missing", message, group.position, "UNG")
        self.group = None
        self.groups += 1

    def _close_interchange(self, unz: Segment) -> None:
        if self.group is not None:
            self._une_missing(self.group, unz)
        self.unz = unz
        if self.groups and self.loose_messages:
            message = (
                f"the interchange mixes {self.groups} functional groups with "
                f"{self.loose_messages} messages outside groups; expected one or the other"
            )
            self._issue("edifact.groups_mixed", message, unz.position, "UNZ")
        count, what = (self.groups, "groups") if self.groups else (len(self.messages), "messages")
        self._check_count(
            unz, "0036", count, what=what, has="the interchange has", code="edifact.unz_count"
        )
        self._check_reference(unz, "0020", self.unb, 5, "edifact.unz_reference")

    def _check_count(
        self, trailer: Segment, name: str, actual: int, *, what: str, has: str, code: str
    ) -> None:
        declared = trailer.value(1)
        tag = trailer.tag
        if declared is None:
            message = f"{tag} {name} (number of {what}) is missing; {has} {actual}"
            self._issue("edifact.count_missing", message, trailer.position, tag, 1)
        elif not declared.isdigit():
            message = f"{tag} {name} {declared!r} is not a number; {has} {actual} {what}"
            self._issue("edifact.count_invalid", message, trailer.position, tag, 1)
        elif int(declared) != actual:
            suffix = " (UNH..UNT)" if tag == "UNT" else ""
            message = f"{tag} {name} says {int(declared)} {what} but {has} {actual}{suffix}"
            self._issue(code, message, trailer.position, tag, 1)

    def _check_reference(
        self, trailer: Segment, name: str, header: Segment, element: int, code: str
    ) -> None:
        found, expected = trailer.value(2), header.value(element)
        if found != expected:
            message = (
                f"{trailer.tag} {name} {found or ''!r} does not match {header.tag} {name} "
                f"{expected or ''!r} (segment {header.position})"
            )
            self._issue(code, message, trailer.position, trailer.tag, 2)

    def _issue(
        self, code: str, message: str, position: int | None, tag: str, element: int | None = None
    ) -> None:
        self.issues.append(Issue(code, message, Location(self.file, position, tag, element)))

    def _fail(self, seg: Segment, code: str, what: str) -> NoReturn:
        message = f"segment {seg.position}: {what}"
        offset = self.offsets[seg.position - 1] if seg.position <= len(self.offsets) else None
        where = Location(self.file, seg.position, seg.tag, offset=offset)
        raise ParseError(message, [Issue(code, message, where)])
