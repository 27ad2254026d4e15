"""EDIFACT bytes to segment texts: what precedes UNB, UNA, the syntax identifier, decoding.

ISO 9735 says nothing below the segment, and files arrive with a byte order mark, a line of
the transport's own (a VAN or mailbox header), line breaks after every segment or every 80
characters. This module takes the bytes chunk by chunk, finds where each interchange starts and
what UNA and UNB S001 announce, decodes the interchange and cuts it into segment texts with
the exact byte offset of each. It holds one chunk and the segment being cut, never the file.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gateway.errors import Issue, Location, ParseError
from gateway.formats.edifact_syntax import LAYOUT, Delimiters, read_una

UTF8_BOM = codecs.BOM_UTF8
# A transport header before the first UNA/UNB is looked for this far, no further.
PREAMBLE_BYTES = 1024
PREAMBLE_LINES = 5
# UNB up to the end of S001 (syntax identifier : version) lies within this many bytes.
UNB_HEAD = 256
_BLANKS = b" \t\r\n"
# Between interchanges and after the last one: blanks and a DOS end-of-file mark (0x1A).
_GAP = _BLANKS + b"\x1a"
_LINE_BREAK = re.compile(rb"[\r\n]")


class ByteSource:
    """The bytes of a file pulled chunk by chunk, with look-ahead and the offset reached."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self.buffer = b""
        # Offset in the file of buffer[0].
        self.offset = 0
        self._ended = False

    def fill(self, size: int) -> bool:
        """Buffer at least `size` bytes when the input has them; whether it did."""
        while len(self.buffer) < size and not self._ended:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._ended = True
            else:
                self.buffer += bytes(chunk)
        return len(self.buffer) >= size

    def skip(self, count: int) -> None:
        """Drop `count` buffered bytes."""
        self.buffer = self.buffer[count:]
        self.offset += count

    def take(self) -> bytes:
        """Everything buffered, else the next chunk; b"" at the end of the input."""
        if not self.buffer:
            self.fill(1)
        data, self.buffer = self.buffer, b""
        self.offset += len(data)
        return data

    def unread(self, data: bytes) -> None:
        """Put bytes back in front, as the next to be read."""
        self.buffer = data + self.buffer
        self.offset -= len(data)

    def skip_gap(self) -> bool:
        """Skip blanks, end-of-file marks and byte order marks; whether anything follows."""
        # Files joined with `cat` keep each one's byte order mark and final line break.
        while self.fill(1):
            gap = len(self.buffer) - len(self.buffer.lstrip(_GAP))
            if gap:
                self.skip(gap)
                continue
            self.fill(len(UTF8_BOM))
            if not self.buffer.startswith(UTF8_BOM):
                return True
            self.skip(len(UTF8_BOM))
        return False

    def at_interchange(self) -> bool:
        """Whether the next bytes are UNA or UNB."""
        self.fill(3)
        return self.buffer[:3] in (b"UNA", b"UNB")


def skip_preamble(source: ByteSource, file: str | None) -> Issue | None:
    """Go to the first UNA/UNB past a byte order mark, blanks and a transport header line.

    Returns the warning that names a skipped header; ParseError when no interchange starts
    within the first few lines.
    """
    source.fill(PREAMBLE_BYTES + 4)
    head = source.buffer
    start = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    start = len(head) - len(head[start:].lstrip(_BLANKS))
    if head[start : start + 3] in (b"UNA", b"UNB"):
        source.skip(start)
        return None
    line_end = start
    for _ in range(PREAMBLE_LINES):
        found = _LINE_BREAK.search(head, line_end, PREAMBLE_BYTES)
        if found is None:
            break
        line_end = found.start()
        at = len(head) - len(head[line_end:].lstrip(_BLANKS))
        if _starts_interchange(head, at):
            source.skip(at)
            return _preamble_warning(head[start:line_end], start, at, file)
        line_end = at
    found_text = head[start : start + 20].decode("latin-1") or "the end of the file"
    message = (
        f"no UNB: expected the interchange header UNA or UNB at byte {start}, found {found_text!r}"
    )
    raise ParseError(message, [Issue("edifact.no_unb", message, Location(file, offset=start))])


def _starts_interchange(head: bytes, at: int) -> bool:
    # UNA, or UNB followed by its element separator (not a word such as "UNBEKANNT").
    tag, after = head[at : at + 3], head[at + 3 : at + 4]
    return tag == b"UNA" or (tag == b"UNB" and bool(after) and not after.isalnum())


def _preamble_warning(skipped: bytes, start: int, at: int, file: str | None) -> Issue:
    text = skipped.decode("latin-1").strip()
    shown = text if len(text) <= 80 else text[:77] + "..."
    message = (
        f"skipped {at - start} bytes before the interchange: {shown!r} is not EDIFACT (a "
        "transport or mailbox header); the interchange starts at byte "
        f"{at}"
    )
    return Issue("edifact.preamble", message, Location(file, offset=start), "warning")


@dataclass(frozen=True)
class Opening:
    """Where an interchange starts and what its UNA and UNB S001 announce."""

    delimiters: Delimiters
    una_present: bool
    # Byte offsets of the interchange (UNA, else UNB) and of UNB.
    offset: int
    unb_offset: int
    syntax_identifier: str
    syntax_version: str


def read_opening(source: ByteSource, file: str | None) -> Opening:
    """Read UNA (if any) and UNB S001 from the raw bytes, leaving the source at UNB."""
    start = source.offset
    source.fill(9 + UNB_HEAD)
    buffer = source.buffer
    # UNA (ISO 9735 clause 7) and UNB S001 are in the basic set: read before any decoding.
    if buffer.startswith(b"UNA"):
        where = Location(file, offset=start, segment_tag="UNA")
        delimiters = read_una(buffer[:9].decode("latin-1"), where)
        at, una_present = 9, True
    else:
        delimiters, at, una_present = Delimiters(), 0, False
    layout = layout_for(delimiters)
    at = len(buffer) - len(buffer[at:].lstrip(layout.encode()))
    head = without_layout(buffer[at : at + UNB_HEAD].decode("latin-1"), layout)
    if not head.startswith("UNB"):
        found = head[:20] or "the end of the file"
        message = (
            f"no UNB: expected the interchange header UNB at byte {start + at}, found {found!r}"
        )
        issue = Issue("edifact.no_unb", message, Location(file, offset=start + at))
        raise ParseError(message, [issue])
    where = Location(file, 1, "UNB", 1, offset=start + at)
    identifier, version = _syntax_identifier(head, delimiters, where)
    if not una_present:
        delimiters = Delimiters.default_for(version)
    source.skip(at)
    return Opening(delimiters, una_present, start, start + at, identifier, version)


def _syntax_identifier(head: str, d: Delimiters, where: Location) -> tuple[str, str]:
    # UNB S001: 0001 syntax identifier : 0002 syntax version number.
    body = head[4:].split(d.element, 1)[0].split(d.segment, 1)[0]
    parts = body.split(d.component)
    if len(head) < 4 or head[3] != d.element or not parts[0] or len(parts) < 2:
        message = (
            f"UNB S001 syntax identifier and version not found in {head[:40]!r}; expected "
            f"e.g. UNB{d.element}UNOC{d.component}3"
        )
        raise ParseError(message, [Issue("edifact.syntax_identifier", message, where)])
    return parts[0], parts[1]


def layout_for(d: Delimiters) -> str:
    """The line break characters that are layout: CR and LF unless a delimiter is one."""
    return "".join(c for c in LAYOUT if c not in d.specials())


def without_layout(text: str, layout: str) -> str:
    """The text with its layout line breaks removed."""
    for char in layout:
        text = text.replace(char, "")
    return text


# One cut segment: its text without terminator (layout still in), byte offset, and whether
# it holds a character the repertoire flags.
Framed = tuple[str, int, bool]


class SegmentFramer:
    """Decodes one interchange and cuts it into segment texts, each with its byte offset."""

    def __init__(
        self, source: ByteSource, codec: str, d: Delimiters, flagged: re.Pattern[str]
    ) -> None:
        self.source = source
        self.codec = codec
        self.layout = layout_for(d)
        self._terminator_char = d.segment
        self._line_ends = d.segment in LAYOUT
        self._release = d.release if d.release != " " else ""
        self._flagged = flagged
        # Undecodable bytes become lone surrogates (PEP 383): positions stay exact and the
        # bytes are found again by encoding with the same handler.
        self._decoder = codecs.getincrementaldecoder(codec)(errors="surrogateescape")
        self._text = ""
        self._pos = 0
        # Byte offset of _text[0], the bytes fed from there on, and a later known offset.
        self._base = source.offset
        self._fed = b""
        self._known = (0, self._base)
        self._ascii = True
        # Index of the next flagged character in _text, -1 when none up to its end.
        self._flag = -1
        self._final = False

    def segments(self) -> Iterator[Framed]:
        """Each segment in turn, until the input ends (see `tail` for what is left then)."""
        while True:
            yield from self._cut()
            if not self._refill():
                return

    def tail(self) -> tuple[str, int]:
        """What is left after the last segment cut, and its byte offset."""
        return self._text[self._pos :], self._offset(self._pos)

    def rest(self) -> bytes:
        """The bytes after the last segment cut, to give back to the source."""
        return self._fed[self._offset(self._pos) - self._base :]

    def offset_in(self, text: str, index: int) -> int:
        """Bytes in the first `index` characters of a segment text."""
        piece = text[:index]
        return len(piece) if piece.isascii() else len(self._encode(piece))

    def _cut(self) -> Iterator[Framed]:
        # Every segment complete in the decoded text; `_pos` follows what has been handed out.
        text, terminator, layout = self._text, self._terminator_char, self.layout
        release_or_layout = self._release + layout if self._release else ""
        start, size = self._pos, len(text)
        while True:
            while start < size and text[start] in layout:
                start += 1
            self._pos = start
            end = text.find(terminator, start)
            while end > 0 and text[end - 1] in release_or_layout and self._released(start, end):
                end = text.find(terminator, end + 1)
            if end == -1:
                return
            flagged = self._flag != -1 and self._flag < end
            if flagged:
                found = self._flagged.search(text, end + 1)
                self._flag = found.start() if found else -1
            self._pos = end + 1
            stop = end
            # A line break as terminator: a CR before it is the rest of a CRLF line end.
            while self._line_ends and stop > start and text[stop - 1] in layout:
                stop -= 1
            yield (
                text[start:stop],
                self._base + start if self._ascii else self._offset(start),
                flagged,
            )
            start = end + 1

    def _released(self, start: int, end: int) -> bool:
        # ISO 9735 clause 8: a terminator after an odd number of release characters is data;
        # line breaks between them are layout ("?\n'" is a released apostrophe).
        text, count, index = self._text, 0, end - 1
        while index >= start:
            char = text[index]
            if char == self._release:
                count += 1
            elif char not in self.layout:
                break
            index -= 1
        return count % 2 == 1

    def _refill(self) -> bool:
        if self._final:
            return False
        chunk = self.source.take()
        self._final = not chunk
        if self._pos:
            consumed = self._offset(self._pos) - self._base
            self._fed, self._base = self._fed[consumed:], self._base + consumed
            self._text = self._text[self._pos :]
            self._flag -= self._pos if self._flag != -1 else 0
            self._pos, self._known = 0, (0, self._base)
        self._fed = self._fed + chunk if self._fed else chunk
        old = len(self._text)
        self._text += self._decoder.decode(chunk, self._final)
        self._ascii = self._text.isascii()
        if self._flag == -1:
            found = self._flagged.search(self._text, old)
            self._flag = found.start() if found else -1
        return True

    def _offset(self, index: int) -> int:
        if self._ascii:
            return self._base + index
        known_index, known = self._known if index >= self._known[0] else (0, self._base)
        if index != known_index:
            known += len(self._encode(self._text[known_index:index]))
            self._known = (index, known)
        return known

    def _encode(self, text: str) -> bytes:
        # Exact for ASCII-based codecs; for ISO 2022 (UNOX) the shift sequences around a
        # piece may differ from the file's, so offsets after a shift are approximate.
        return text.encode(self.codec, "surrogateescape")
