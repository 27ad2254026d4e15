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
    # The problems found inside this message (UNT count and reference, undecodable bytes,
    # characters outside the repertoire); the interchange's `issues` has them too.
    issues: tuple[Issue, ...] = ()

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
    # Where the interchange starts in the file (UNA, else UNB) and which one it is (0-based).
    offset: int = 0
    index: int = 0
    # The Python codec the bytes were decoded with (a partner override or the UNB one).
    codec: str = ""

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


@dataclass(frozen=True)
class EdifactHeader:
    """UNA and UNB of one interchange, known before any of its messages is read."""

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
    unb: Segment
    # Byte offsets in the file of the interchange (UNA, else UNB) and of UNB.
    offset: int
    unb_offset: int
    # 0-based rank of the interchange in its file.
    index: int
    # The Python codec the bytes are decoded with (a partner override or the UNB one).
    codec: str


# Service segments the envelope reader acts on (ISO 9735 clauses 9-11).
_SERVICE_TAGS = frozenset(("UNB", "UNG", "UNE", "UNZ", "UNH", "UNT"))


class EnvelopeReader:
    """Follows the segments after UNB one at a time, cutting messages and checking trailers."""

    def __init__(self, unb: Segment, file: str | None, issues: list[Issue]) -> None:
        self.unb = unb
        self.file = file
        # Every issue of the interchange, shared with the caller that adds its own.
        self.issues = issues
        self.open: list[Segment] | None = None
        self.group: Segment | None = None
        self.group_messages = 0
        self.groups = 0
        self.messages = 0
        self.loose_messages = 0
        self.unz: Segment | None = None
        # UNG and UNE: with UNB and UNZ, the only segments allowed outside messages.
        self.groups_read: list[Segment] = []
        self._message_issues: list[Issue] = []
        self._repetitions: list[tuple[int, int, tuple[Repeat, ...]]] = []

    def feed(
        self,
        seg: Segment,
        offset: int,
        repeats: Sequence[tuple[int, tuple[Repeat, ...]]] = (),
        issues: Sequence[Issue] = (),
    ) -> EdifactMessage | None:
        """Take the next segment with its repeats and character issues; a completed message."""
        if self.open is not None and seg.tag not in _SERVICE_TAGS:
            self.open.append(seg)
            if repeats or issues:
                self._keep(seg, repeats, issues)
            return None
        if self.unz is not None:
            self._fail(seg, offset, "edifact.after_unz", f"{seg.tag} after UNZ")
        if self.open is not None:
            return self._service_in_message(self.open, seg, offset, (repeats, issues))
        if seg.tag == "UNH":
            self.open, self._message_issues, self._repetitions = [seg], [], []
            self._keep(seg, repeats, issues)
        else:
            self._between_messages(seg, offset)
        return None

    def finish(self, last: Segment) -> EdifactMessage | None:
        """The input ended after `last`: report what is still open; the message cut short."""
        message = self._unt_missing(self.open, last) if self.open is not None else None
        if self.group is not None:
            self._une_missing(self.group, last)
        if self.unz is None:
            text = (
                f"UNZ missing: the interchange ends after segment {last.position} ({last.tag}); "
                "expected UNZ with the message count and the UNB 0020 reference"
            )
            self._issue("edifact.unz_missing", text, None, "UNZ")
        return message

    def _keep(
        self,
        seg: Segment,
        repeats: Sequence[tuple[int, tuple[Repeat, ...]]],
        issues: Sequence[Issue],
    ) -> None:
        self._message_issues.extend(issues)
        self._repetitions.extend((seg.position, number, each) for number, each in repeats)

    def _service_in_message(
        self,
        open_: list[Segment],
        seg: Segment,
        offset: int,
        extras: tuple[Sequence[tuple[int, tuple[Repeat, ...]]], Sequence[Issue]],
    ) -> EdifactMessage | None:
        opened = f"the message opened at segment {open_[0].position}"
        if seg.tag == "UNH":
            self._fail(
                seg,
                offset,
                "edifact.unh_in_message",
                f"UNH inside a message; expected UNT to close {opened}",
            )
        if seg.tag in ("UNB", "UNG"):
            self._fail(
                seg,
                offset,
                "edifact.outside_message",
                f"{seg.tag} inside a message; expected UNT to close {opened}",
            )
        if seg.tag == "UNT":
            open_.append(seg)
            self._keep(seg, *extras)
            self._check_unt(open_)
            return self._close_message(open_)
        message = self._unt_missing(open_, open_[-1])
        self._between_messages(seg, offset)
        return message

    def _between_messages(self, seg: Segment, offset: int) -> None:
        if seg.tag == "UNG":
            self._open_group(seg, offset)
        elif seg.tag == "UNE":
            self._close_group(seg, offset)
        elif seg.tag == "UNZ":
            self._close_interchange(seg)
        else:
            self._fail(
                seg,
                offset,
                "edifact.outside_message",
                f"{seg.tag} outside a message; expected UNH, UNG, UNE or UNZ between messages",
            )

    def _close_message(self, open_: list[Segment]) -> EdifactMessage:
        unh = open_[0]
        reference, message_type, version, agency, association = message_header(unh, self.file)
        group_ref = self.group.value(5) if self.group is not None else None
        if self.group is not None:
            self.group_messages += 1
        else:
            self.loose_messages += 1
        self.messages += 1
        self.open = None
        return EdifactMessage(
            reference,
            message_type,
            version,
            agency,
            association,
            tuple(open_),
            group_ref,
            tuple(self._repetitions),
            tuple(self._message_issues),
        )

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

    def _unt_missing(self, open_: list[Segment], last: Segment) -> EdifactMessage:
        unh = open_[0]
        message = (
            f"UNT missing: the message opened by UNH at segment {unh.position} ends at segment "
            f"{last.position} ({last.tag}) without UNT; expected UNT with the segment count"
        )
        self._issue("edifact.unt_missing", message, unh.position, "UNH")
        return self._close_message(open_)

    def _open_group(self, ung: Segment, offset: int) -> None:
        if self.group is not None:
            self._fail(
                ung,
                offset,
                "edifact.ung_in_group",
                "UNG inside a functional group; expected "
                f"UNE to close the group opened at segment {self.group.position}",
            )
        self.group, self.group_messages = ung, 0
        self.groups_read.append(ung)

    def _close_group(self, une: Segment, offset: int) -> None:
        if self.group is None:
            self._fail(
                une, offset, "edifact.outside_message", "UNE without UNG; expected UNH or UNZ"
            )
        self.groups_read.append(une)
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
        count, what = (self.groups, "groups") if self.groups else (self.messages, "messages")
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
        issue = Issue(code, message, Location(self.file, position, tag, element))
        self.issues.append(issue)
        if self.open is not None and position is not None and position >= self.open[0].position:
            self._message_issues.append(issue)

    def _fail(self, seg: Segment, offset: int, code: str, what: str) -> NoReturn:
        message = f"segment {seg.position}: {what}"
        where = Location(self.file, seg.position, seg.tag, offset=offset)
        raise ParseError(message, [Issue(code, message, where)])
