"""The X12 reader: every interchange of a file as events, one transaction set in memory at a time.

`read_x12` yields, for each interchange (ISA .. IEA) of the file in turn, `InterchangeOpened`
(the ISA), then for each functional group `GroupOpened`, one `TransactionRead` per set (ST ..
SE) and `GroupClosed`, and finally `InterchangeClosed`. Memory stays flat in the file size: the
reader holds one chunk of bytes and the set being read. ParseError is raised only for what makes
reading impossible (no ISA, an ISA of the wrong width, EBCDIC, unusable delimiters, junk after
IEA); every other problem is an `Issue` placed where an acknowledgement answers it, and reading
goes on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from gateway.errors import Issue, Location, ParseError
from gateway.formats.edifact_framing import ByteSource
from gateway.formats.segments import Segment
from gateway.formats.x12_control import CONTROL_TAGS, ControlTracker, OpenSet
from gateway.formats.x12_envelope import (
    GroupClosed,
    GroupOpened,
    InterchangeClosed,
    InterchangeOpened,
    TransactionRead,
    X12Delimiters,
    X12Event,
    X12Header,
)
from gateway.formats.x12_framing import (
    UNDECODED,
    UNDECODED_CHAR,
    UNTERMINATED,
    WRAPPED,
    SegmentCutter,
    segment_of,
    split_composites,
)
from gateway.formats.x12_isa import IsaOpening, header_of, isa_issues, read_isa

__all__ = [
    "GroupClosed",
    "GroupOpened",
    "InterchangeClosed",
    "InterchangeOpened",
    "TransactionRead",
    "X12Event",
    "chunks_of",
    "read_x12",
    "read_x12_header",
]

# Terminators partners use, to recognise a segment that swallowed others ended by another one.
_COMMON_TERMINATORS = "~'|$!\n"


def read_x12(chunks: Iterable[bytes], filename: str | None = None) -> Iterator[X12Event]:
    """Every interchange of a file as events, each with its own delimiters (from its ISA)."""
    source = ByteSource(chunks)
    source.skip_gap()
    index, after = 1, None
    seen: dict[str, int] = {}
    while True:
        opening = read_isa(source, filename, after)
        reader = _InterchangeReader(source, filename, opening, index)
        yield from reader.read(seen)
        if not source.skip_gap():
            return
        index += 1
        after = reader.ending


def read_x12_header(data: bytes, filename: str | None = None) -> X12Header | None:
    """The first interchange's ISA (to identify the partner), or None when there is none."""
    source = ByteSource([data])
    source.skip_gap()
    try:
        opening = read_isa(source, filename)
    except ParseError:
        return None
    return header_of(opening, 1)


def chunks_of(
    source: bytes | str | os.PathLike[str] | BinaryIO, size: int = 1 << 20
) -> Iterator[bytes]:
    """The bytes of a file (bytes, a path, or an open binary file) in chunks of `size` bytes."""
    if isinstance(source, bytes):
        for start in range(0, len(source), size):
            yield source[start : start + size]
    elif isinstance(source, (str, os.PathLike)):
        with Path(source).open("rb") as file:
            while chunk := file.read(size):
                yield chunk
    else:
        while chunk := source.read(size):
            yield chunk


class _InterchangeReader:
    """Reads one interchange, ISA to IEA, from a byte source."""

    def __init__(
        self, source: ByteSource, file: str | None, opening: IsaOpening, index: int
    ) -> None:
        self.source = source
        self.file = file
        self.opening = opening
        self.index = index
        self.d: X12Delimiters = opening.delimiters
        self.issues: list[Issue] = isa_issues(opening, file)
        # What ended the interchange, for a message about what follows it.
        self.ending = "the IEA"
        self._wrap_noted = False
        # The IEA or the next ISA has been read.
        self.ended = False

    def read(self, seen: dict[str, int]) -> Iterator[X12Event]:
        """The events of the interchange, leaving the source after its IEA."""
        header = header_of(self.opening, self.index)
        self._check_duplicate(header, seen)
        if self.opening.wrapped:
            self._note_wrap(header.segment, self.opening.offset, "")
        yield InterchangeOpened(header)
        tracker = ControlTracker(header, self.file, self.issues)
        cutter = SegmentCutter(self.source, self.d)
        element = self.d.element
        position, open_set = 1, None
        # The segments of the set being read (None outside a set).
        append: Callable[[Segment], None] | None = None
        for texts in cutter.batches():
            # Most chunks have no composite, repeat, layout or undecodable byte to look at.
            plain = not (cutter.flagged or cutter.composites)
            for index, text in enumerate(texts):
                if not text:
                    continue  # only layout between two terminators
                position += 1
                found: list[Issue] | None
                if plain:
                    parts = text.split(element)
                    tag = parts[0]
                    segment = segment_of(tag, tuple(zip(parts[1:])), position)
                    if append is not None and tag not in CONTROL_TAGS and tag[:3] != "ISA":
                        append(segment)
                        continue
                    found = None
                else:
                    unusual, found = self._unusual(text, cutter, index, position, open_set)
                    if unusual is None:
                        continue
                    segment, tag = unusual, unusual.tag
                events = self._envelope(tracker, segment, cutter.offset(index), found or [])
                yield from events
                open_set = tracker.open_set
                append = open_set.segments.append if open_set is not None else None
                if self.ended:
                    self._give_back(cutter.rest(index, current=tag != "IEA"))
                    return
        yield from tracker.finish(position + 1, self.source.offset, None)

    def _unusual(
        self, text: str, cutter: SegmentCutter, index: int, position: int, open_set: OpenSet | None
    ) -> tuple[Segment | None, list[Issue] | None]:
        # A segment of a chunk with composites, repeats, layout or undecodable bytes: the
        # segment and its issues, or (None, None) when it went into the open set.
        found: list[Issue] | None = None
        flags = cutter.flags(index)
        if flags:
            found = []
            text = self._special(text, cutter.offset(index), flags, position, found)
        component, repetition = self.d.component, self.d.repetition
        parts = text.split(self.d.element)
        tag = parts[0]
        if component in text or (repetition is not None and repetition in text):
            elements, repeats = split_composites(parts, component, repetition)
        else:
            elements, repeats = tuple(zip(parts[1:])), ()
        segment = segment_of(tag, elements, position)
        if open_set is None or tag in CONTROL_TAGS or tag.startswith("ISA"):
            return segment, found
        open_set.segments.append(segment)
        if repeats:
            open_set.repetitions.extend((position, n, r) for n, r in repeats)
        if found:
            open_set.issues.extend(found)
        return None, None

    def _envelope(
        self, tracker: ControlTracker, segment: Segment, offset: int, found: list[Issue]
    ) -> list[X12Event]:
        # A control segment, the next ISA, or a data segment outside any set.
        tag, before = segment.tag, tracker.open_set
        if tag.startswith("ISA"):
            self.issues.extend(found)
            self.ended = True
            self.ending = f"the interchange ISA13 {tracker.header.control_ref}"
            return tracker.finish(segment.position, offset, segment)
        if tag not in CONTROL_TAGS:
            tracker.stray(segment, offset)
            self.issues.extend(found)
            return []
        if tag != "ST":
            (before.issues if before else self.issues).extend(found)
        events = tracker.control(segment, offset)
        if tag == "ST":
            after = tracker.open_set
            (after.issues if after else self.issues).extend(found)
        elif tag == "IEA":
            self.ended = True
            self.ending = f"IEA at segment {segment.position}"
        return events

    def _give_back(self, rest: bytes) -> None:
        # After IEA: stray terminators of this interchange ("IEA*1*000000001~~") are no junk,
        # however the chunks of the file fall.
        stray = self.d.segment.encode() + b"\r\n"
        source = self.source
        source.unread(rest)
        while source.fill(1):
            kept = source.buffer.lstrip(stray)
            source.skip(len(source.buffer) - len(kept))
            if kept:
                break

    def _check_duplicate(self, header: X12Header, seen: dict[str, int]) -> None:
        ref = header.control_ref
        if ref in seen:
            message = (
                f"ISA13 {ref} is also the control number of interchange {seen[ref]} of this "
                "file; each interchange needs its own"
            )
            where = Location(self.file, 1, "ISA", 13, offset=self.opening.offset)
            self.issues.append(Issue("x12.isa.duplicate", message, where, value=ref))
        seen.setdefault(ref, self.index)

    def _special(
        self, text: str, offset: int, flags: int, position: int, found: list[Issue]
    ) -> str:
        # A segment with layout inside, undecodable bytes, or no terminator at the end.
        tag = text.split(self.d.element, 1)[0][:3]
        if flags & UNDECODED:
            text = self._undecoded(text, offset, position, found)
            tag = text.split(self.d.element, 1)[0][:3]
        segment = Segment(tag, (), position)
        if flags & WRAPPED:
            self._note_wrap(segment, offset, text)
        if flags & UNTERMINATED:
            message = (
                f"segment {position} {tag} has no segment terminator {self.d.segment!r}: the "
                "file ends without it (read as the last segment)"
            )
            where = Location(self.file, position, tag, offset=offset)
            self.issues.append(Issue("x12.segment.terminator", message, where, "warning"))
        return text

    def _undecoded(self, text: str, offset: int, position: int, found: list[Issue]) -> str:
        # X12 data is ASCII (basic and extended character sets); bytes that are not even UTF-8
        # are reported per element with their byte offset, and read as U+FFFD.
        separator, reported = self.d.element, set()
        clean = UNDECODED_CHAR.sub("\ufffd", text)
        parts = clean.split(separator)
        for match in UNDECODED_CHAR.finditer(text):
            element = text.count(separator, 0, match.start())
            if element in reported:
                continue
            reported.add(element)
            at = offset + len(text[: match.start()].encode("utf-8", "surrogateescape"))
            byte = match.group().encode("utf-8", "surrogateescape").hex()
            message = (
                f"segment {position} {parts[0][:3]}, element {element}: byte 0x{byte} at "
                f"byte {at} is not a character (the file is not ASCII/UTF-8); X12 data must be "
                "in the basic or extended character set"
            )
            where = Location(self.file, position, parts[0][:3], element or None, offset=at)
            found.append(Issue("x12.element.character", message, where, value=parts[element]))
        return clean

    def _note_wrap(self, segment: Segment, offset: int, text: str) -> None:
        # One warning per interchange: line breaks inside segments were read as layout.
        if self._wrap_noted:
            return
        self._wrap_noted = True
        message = (
            f"line breaks inside segments were read as layout, not data (first in segment "
            f"{segment.position} {segment.tag}): the file is hard-wrapped at a fixed width"
        )
        swallowed = self._swallowed(text)
        if swallowed:
            message = (
                f"segment {segment.position} {segment.tag} holds line breaks and seems to hold "
                f"several segments ended by {swallowed!r} where ISA declares "
                f"{self.d.segment!r} as the segment terminator; the line breaks were read as "
                "layout and the segments as one"
            )
        where = Location(self.file, segment.position, segment.tag, offset=offset)
        self.issues.append(Issue("x12.layout", message, where, "warning"))

    def _swallowed(self, text: str) -> str | None:
        element = re.escape(self.d.element)
        for char in _COMMON_TERMINATORS:
            if char in (self.d.segment, self.d.element, self.d.component, self.d.repetition):
                continue
            if re.search(re.escape(char) + "[A-Z][A-Z0-9]{1,2}" + element, text):
                return char
        return None
