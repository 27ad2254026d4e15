"""The EDIFACT reader: every interchange of a file as events, one message in memory at a time.

`read_edifact` yields, for each interchange (UNA/UNB .. UNZ) of the file in turn,
`InterchangeOpened` (UNA and UNB), one `MessageRead` per message (UNH .. UNT) and
`InterchangeClosed` (UNZ and every issue). Memory stays flat in the file size: the reader holds
one chunk of bytes and the message being read. ParseError is raised for what makes reading
impossible (no UNB, unknown syntax identifier, a segment without terminator, a segment out of
place); everything else is an `Issue`, collected and reading goes on.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from gateway.errors import ConfigError, Issue, Location, ParseError
from gateway.formats.edifact_characters import UNDECODED, CharacterCheck, repertoire_for
from gateway.formats.edifact_envelope import (
    EdifactHeader,
    EdifactMessage,
    EnvelopeReader,
)
from gateway.formats.edifact_framing import (
    ByteSource,
    Opening,
    SegmentFramer,
    read_opening,
    skip_preamble,
    without_layout,
)
from gateway.formats.edifact_syntax import CHARSETS, Repeats, codec_for, segment_splitter
from gateway.formats.segments import Segment

__all__ = [
    "EdifactHeader",
    "InterchangeClosed",
    "InterchangeOpened",
    "MessageRead",
    "ReadEvent",
    "chunks_of",
    "read_edifact",
    "read_header",
]

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_LINE_BREAKS = re.compile(r"[\r\n]+")


@dataclass(frozen=True)
class InterchangeOpened:
    """UNA and UNB of the next interchange have been read."""

    header: EdifactHeader


@dataclass(frozen=True)
class MessageRead:
    """One message, UNH .. UNT, with the issues found inside it."""

    message: EdifactMessage


@dataclass(frozen=True)
class InterchangeClosed:
    """The interchange ended (at UNZ, or at the end of the input when UNZ is missing)."""

    # Every issue of the interchange: UNB, envelope, characters, and those of its messages.
    issues: tuple[Issue, ...]
    message_count: int
    unz: Segment | None
    # UNG and UNE, the only other segments outside messages (few, so kept).
    groups: tuple[Segment, ...] = ()


ReadEvent = InterchangeOpened | MessageRead | InterchangeClosed


def read_edifact(
    chunks: Iterable[bytes], filename: str | None = None, *, charset: str | None = None
) -> Iterator[ReadEvent]:
    """Every interchange of a file as events; `charset` (a Python codec) overrides UNB S001."""
    override = _partner_codec(charset)
    source = ByteSource(chunks)
    preamble = skip_preamble(source, filename)
    index = 0
    while True:
        opening = read_opening(source, filename)
        reader = _InterchangeReader(source, filename, opening, index, override)
        yield from reader.read(preamble)
        preamble = None
        if not source.skip_gap():
            return
        if not source.at_interchange():
            _after_unz(source, filename, reader.position + 1)
        index += 1


def read_header(
    chunks: Iterable[bytes], filename: str | None = None, *, charset: str | None = None
) -> EdifactHeader:
    """UNA and UNB of the first interchange, leniently: an unknown charset reads as Latin-1."""
    source = ByteSource(chunks)
    skip_preamble(source, filename)
    opening = read_opening(source, filename)
    override = _partner_codec(charset)
    return _InterchangeReader(source, filename, opening, 0, override, lenient=True).header()


def chunks_of(source: str | os.PathLike[str] | BinaryIO, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of a file (a path, or an open binary file) in chunks of `size` bytes."""
    if isinstance(source, (str, os.PathLike)):
        with Path(source).open("rb") as file:
            yield from _chunks(file, size)
    else:
        yield from _chunks(source, size)


def _chunks(file: BinaryIO, size: int) -> Iterator[bytes]:
    while chunk := file.read(size):
        yield chunk


def _partner_codec(charset: str | None) -> str | None:
    if charset is None:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError as exc:
        raise ConfigError(
            [f"charset {charset!r} is not a codec Python knows; expected e.g. utf-8 or cp1252"]
        ) from exc


def _codec(opening: Opening, file: str | None, *, lenient: bool) -> str:
    # UNB S001.0001 decides; read leniently (only to address a CONTRL), an unknown one is Latin-1.
    if lenient:
        return CHARSETS.get(opening.syntax_identifier, "latin_1")
    where = Location(file, 1, "UNB", 1, 1, offset=opening.unb_offset)
    return codec_for(opening.syntax_identifier, where)


def _after_unz(source: ByteSource, file: str | None, position: int) -> None:
    source.fill(3)
    tag = source.buffer[:3].decode("latin-1")
    message = (
        f"segment {position}: {tag!r} after UNZ; expected UNA or UNB of a next interchange, "
        "or the end of the file"
    )
    where = Location(file, position, tag, offset=source.offset)
    raise ParseError(message, [Issue("edifact.after_unz", message, where)])


class _InterchangeReader:
    """Reads one interchange, UNA/UNB to UNZ, from a byte source."""

    def __init__(
        self,
        source: ByteSource,
        file: str | None,
        opening: Opening,
        index: int,
        override: str | None,
        *,
        lenient: bool = False,
    ) -> None:
        self.source = source
        self.file = file
        self.opening = opening
        self.index = index
        self.override = override
        self.d = opening.delimiters
        self.codec = override or _codec(opening, file, lenient=lenient)
        identifier = opening.syntax_identifier
        self.repertoire = repertoire_for(identifier, self.codec, self.d, override=bool(override))
        self.framer = SegmentFramer(source, self.codec, self.d, self.repertoire.flagged)
        self.position = 1
        self.issues: list[Issue] = []
        self._segments = self.framer.segments()
        self._split = segment_splitter(self.d)
        self._tags: set[str] = set()
        self.characters = CharacterCheck(
            self.repertoire,
            self.d,
            self.framer.layout,
            self.framer.offset_in,
            file=file,
            issues=self.issues,
        )
        self._wrapped: Location | None = None
        self._widths = [0, 0]  # longest whole line, longest piece of line

    def header(self) -> EdifactHeader:
        """Read UNB (the first segment) into the interchange header."""
        framed = next(self._segments, None)
        if framed is None:
            at = self.opening.unb_offset
            message = f"UNB at byte {at} has no segment terminator {self.d.segment!r}"
            where = Location(self.file, 1, "UNB", offset=at)
            raise ParseError(message, [Issue("edifact.truncated", message, where)])
        unb, _, _ = self._segment(*framed)
        opening, index = self.opening, self.index
        return _header(unb, opening, self.codec, index, file=self.file, issues=self.issues)

    def read(self, preamble: Issue | None) -> Iterator[ReadEvent]:
        """The events of the interchange, leaving the source after its UNZ."""
        if preamble is not None:
            self.issues.append(preamble)
        header = self.header()
        yield InterchangeOpened(header)
        envelope = EnvelopeReader(header.unb, self.file, self.issues)
        last = header.unb
        for raw, offset, flagged in self._segments:
            self.position += 1
            last, repeats, issues = self._segment(raw, offset, flagged)
            message = envelope.feed(last, offset, repeats, issues)
            if message is not None:
                yield MessageRead(message)
            if envelope.unz is not None:
                break
        if envelope.unz is not None:
            self.source.unread(self.framer.rest())
        else:
            self._check_tail()
            message = envelope.finish(last)
            if message is not None:
                yield MessageRead(message)
        self._summaries()
        groups = tuple(envelope.groups_read)
        yield InterchangeClosed(tuple(self.issues), envelope.messages, envelope.unz, groups)

    def _segment(
        self, raw: str, offset: int, flagged: bool
    ) -> tuple[Segment, Repeats, Sequence[Issue]]:
        text = raw
        if "\n" in raw or "\r" in raw:
            text = without_layout(raw, self.framer.layout)
        if flagged:
            text = UNDECODED.sub("\ufffd", text)
        tag, elements, repeats = self._split(text)
        if tag not in self._tags:
            self._check_tag(tag, offset)
        if len(text) != len(raw):
            self._note_wrap(raw, tag, offset)
        issues = self._characters(raw, text, offset, tag) if flagged else ()
        return Segment(tag, elements, self.position), repeats, issues

    def _characters(self, raw: str, text: str, offset: int, tag: str) -> list[Issue]:
        where = Location(self.file, self.position, tag, offset=offset)
        return self.characters.check(raw, text, where)

    def _check_tag(self, tag: str, offset: int) -> None:
        if not _TAG.fullmatch(tag):
            message = (
                f"segment {self.position} starts with {tag[:20]!r}, expected a three-character "
                "segment tag such as UNH or BGM: junk between segments or a wrong segment "
                "terminator"
            )
            where = Location(self.file, self.position, None, offset=offset)
            raise ParseError(message, [Issue("edifact.junk", message, where)])
        self._tags.add(tag)

    def _check_tail(self) -> None:
        tail, offset = self.framer.tail()
        text = tail.lstrip(" \t\r\n\x1a")
        if not text:
            return
        position, tag = self.position + 1, without_layout(text, self.framer.layout)[:3]
        message = (
            f"segment {position} ({tag!r}) has no segment terminator {self.d.segment!r}: the "
            "file is truncated or uses another terminator than announced"
        )
        offset += self.framer.offset_in(tail, len(tail) - len(text))
        where = Location(self.file, position, tag, offset=offset)
        raise ParseError(message, [Issue("edifact.truncated", message, where)])

    def _note_wrap(self, raw: str, tag: str, offset: int) -> None:
        # Lines inside a segment are whole lines; the first and last may be cut by segments.
        pieces = [len(p) for p in _LINE_BREAKS.split(raw)]
        self._widths = [max([self._widths[0], *pieces[1:-1]]), max([self._widths[1], *pieces])]
        if self._wrapped is None:
            self._wrapped = Location(self.file, self.position, tag, offset=offset)

    def _summaries(self) -> None:
        self.characters.finish()
        if self._wrapped is not None:
            width = self._widths[0] or self._widths[1]
            message = (
                f"the file is hard-wrapped at {width} characters; line breaks inside segments "
                "were ignored"
            )
            self.issues.append(Issue("edifact.wrapped", message, self._wrapped, "warning"))


# UNB mandatory values: S001.0001, S001.0002, S002.0004, S003.0010, 0020.
_UNB_REQUIRED = (
    (1, 1, "S001.0001 syntax identifier"),
    (1, 2, "S001.0002 syntax version"),
    (2, 1, "S002.0004 sender identification"),
    (3, 1, "S003.0010 recipient identification"),
    (5, 1, "0020 interchange control reference"),
)
_SYNTAX_VERSIONS = ("1", "2", "3", "4")


def _header(
    unb: Segment,
    opening: Opening,
    codec: str,
    index: int,
    *,
    file: str | None,
    issues: list[Issue],
) -> EdifactHeader:
    fields = _required_fields(unb, file)
    if fields[1] not in _SYNTAX_VERSIONS:
        message = (
            f"UNB S001.0002 syntax version {fields[1]!r} is not one of 1, 2, 3 or 4 "
            "(ISO 9735); read with the rules of version 3"
        )
        issues.append(Issue("edifact.syntax_version", message, Location(file, 1, "UNB", 1, 2)))
    return EdifactHeader(
        syntax_identifier=fields[0],
        syntax_version=fields[1],
        sender_id=fields[2],
        sender_qualifier=unb.value(2, 2),
        recipient_id=fields[3],
        recipient_qualifier=unb.value(3, 2),
        prepared_at=_prepared_at(unb, file, issues),
        control_ref=fields[4],
        application_ref=unb.value(7),
        ack_requested=unb.value(9) == "1",
        test=unb.value(11) == "1",
        delimiters=opening.delimiters,
        una_present=opening.una_present,
        unb=unb,
        offset=opening.offset,
        unb_offset=opening.unb_offset,
        index=index,
        codec=codec,
    )


def _required_fields(unb: Segment, file: str | None) -> list[str]:
    fields: list[str] = []
    for element, component, name in _UNB_REQUIRED:
        value = unb.value(element, component)
        if value is None:
            message = f"UNB {name} is missing; it is mandatory (ISO 9735)"
            location = Location(file, 1, "UNB", element, component)
            raise ParseError(message, [Issue("edifact.unb_missing", message, location)])
        fields.append(value)
    return fields


def _prepared_at(unb: Segment, file: str | None, issues: list[Issue]) -> datetime | None:
    # UNB S004: 0017 date YYMMDD (syntax 1-3) or CCYYMMDD (syntax 4), 0019 time HHMM.
    date, time = unb.value(4, 1), unb.value(4, 2)
    if date is None or time is None:
        message = "UNB S004 date/time of preparation is missing; expected YYMMDD:HHMM"
        issues.append(Issue("edifact.unb_date_missing", message, Location(file, 1, "UNB", 4)))
        return None
    pattern = {6: "%y%m%d%H%M", 8: "%Y%m%d%H%M"}.get(len(date), "")
    try:
        return datetime.strptime(date + time, pattern)  # naive: UNB S004 has no time zone
    except ValueError:
        message = f"UNB S004 {date}:{time} is not a date and time; expected YYMMDD:HHMM"
        issues.append(Issue("edifact.unb_date", message, Location(file, 1, "UNB", 4)))
        return None
