"""X12 bytes to segments: UTF-8 decoding, the cut at each terminator, layout, the element split.

After the ISA (`x12_isa`) the delimiters are known and the rest of the interchange is cut at
each segment terminator, one chunk at a time with `str.split`. X12.6 has no lines: a CR/LF
run after a terminator is the sender's layout (so are blanks and tabs before a segment tag,
which is never blank), and line breaks inside a segment (a file hard-wrapped at 80 columns)
are layout too. X12's basic and extended character sets are
subsets of ASCII; the text is decoded as UTF-8 so that a partner's accented letters survive,
and bytes that are not UTF-8 are kept as lone surrogates (PEP 383) so that the reader can
report them with their byte offset and go on.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import Final

from gateway.formats.edifact_framing import ByteSource
from gateway.formats.x12_envelope import X12Delimiters

# Flags of a cut segment.
WRAPPED: Final = 1  # line breaks inside the segment were removed as layout
UNDECODED: Final = 2  # the segment holds bytes that are not UTF-8 (lone surrogates)
UNTERMINATED: Final = 4  # the input ended before the segment's terminator

UNDECODED_CHAR = re.compile("[\udc80-\udcff]")
_LINE_BREAKS = "\r\n"
# After the last segment: blanks, a DOS end-of-file mark, a byte order mark of a `cat`.
_TRAILER = " \t\r\n\x1a\ufeff"

# One cut segment: its text (no terminator, no layout), byte offset, flags.
Cut = tuple[str, int, int]

# The data elements of one segment; each a tuple of components (a simple element has one).
Elements = tuple[tuple[str, ...], ...]
# (1-based element number, every repeat) for each element that repeats.
Repeats = tuple[tuple[int, tuple[tuple[str, ...], ...]], ...]
Splitter = Callable[[str], tuple[str, Elements, Repeats]]


def layout_of(d: X12Delimiters) -> str:
    """The line-break characters that are layout: CR and LF unless one is a delimiter."""
    used = (d.element, d.component, d.repetition, d.segment)
    return "".join(c for c in _LINE_BREAKS if c not in used)


def indent_of(d: X12Delimiters) -> str:
    """What may stand before a segment tag as layout: line breaks, blanks and tabs."""
    used = (d.element, d.component, d.repetition, d.segment)
    return "".join(c for c in _LINE_BREAKS + " \t" if c not in used)


class SegmentCutter:
    """Decodes one interchange after its ISA and cuts it into segment texts with byte offsets."""

    def __init__(self, source: ByteSource, d: X12Delimiters) -> None:
        self.source = source
        self.terminator = d.segment
        self.layout = layout_of(d)
        self.indent = indent_of(d)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        # The pieces of the current chunk (raw, each before its terminator) and the one handed
        # out last; the text after the last terminator and its byte offset.
        self._pieces: list[str] = []
        self._index = 0
        self._pending = ""
        self._pending_offset = source.offset
        # Once the input has ended: the text after the last terminator, as read.
        self._tail_text: str | None = None

    def segments(self) -> Iterator[Cut]:
        """Each segment of the interchange in turn, then what is left without a terminator."""
        while True:
            chunk = self.source.take()
            final = not chunk
            text = self._pending + self._decoder.decode(chunk, final)
            ascii_only = text.isascii()
            undecoded = not ascii_only and UNDECODED_CHAR.search(text) is not None
            pieces = text.split(self.terminator)
            # Only the pieces are kept while they are handed out: memory is one chunk, not two.
            del chunk, text
            offset = self._pending_offset
            self._pending = pieces.pop()
            self._pieces = pieces
            yield from self._cut(pieces, offset, ascii_only, undecoded)
            del pieces
            if final:
                break
        yield from self._tail()

    def _cut(
        self, pieces: list[str], offset: int, ascii_only: bool, undecoded: bool
    ) -> Iterator[Cut]:
        layout, indent, step = self.layout, self.indent, len(self.terminator.encode())
        for index, piece in enumerate(pieces):
            self._index = index
            size = len(piece) if ascii_only else _size(piece)
            text = piece.lstrip(indent)
            if text:
                at = offset + len(piece) - len(text)
                flags = 0
                if layout and (layout[0] in text or layout[-1] in text):
                    text, flags = _without(text, layout), WRAPPED
                if undecoded and UNDECODED_CHAR.search(text):
                    flags |= UNDECODED
                yield text, at, flags
            offset += size + step
        self._pieces, self._index = [], 0
        self._pending_offset = offset

    def _tail(self) -> Iterator[Cut]:
        # The input ended: what follows the last terminator is blank, or a segment cut short.
        pending, self._pending = self._pending, ""
        raw = pending.lstrip(_TRAILER)
        text = raw.rstrip(_TRAILER)
        if not text:
            return
        self._tail_text = raw
        at = self._pending_offset + _size(pending[: len(pending) - len(raw)])
        flags = UNTERMINATED
        if self.layout and any(c in text for c in self.layout):
            text, flags = _without(text, self.layout), flags | WRAPPED
        if UNDECODED_CHAR.search(text):
            flags |= UNDECODED
        yield text, at, flags

    def rest(self, *, current: bool) -> bytes:
        """The bytes not yet handed out, with the segment handed out last when `current`."""
        if self._tail_text is not None:
            text = self._tail_text if current else ""
        else:
            pieces = self._pieces[self._index if current else self._index + 1 :]
            text = "".join(p + self.terminator for p in pieces) + self._pending
        self._pieces, self._pending, self._tail_text = [], "", None
        buffered = self._decoder.getstate()[0]
        self._decoder.reset()
        return text.encode("utf-8", "surrogateescape") + buffered


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


def _without(text: str, layout: str) -> str:
    for char in layout:
        text = text.replace(char, "")
    return text


def splitter(d: X12Delimiters) -> Splitter:
    """Splits one segment's text into tag, elements (first repeat) and repeats (X12.6)."""
    element, component, repetition = d.element, d.component, d.repetition

    def split(text: str) -> tuple[str, Elements, Repeats]:
        parts = text.split(element)
        if repetition is not None and repetition in text:
            return parts[0], *split_composites(parts, component, repetition)
        if component in text:
            return parts[0], tuple(tuple(p.split(component)) for p in parts[1:]), ()
        return parts[0], tuple(zip(parts[1:], strict=False)), ()

    return split


def split_composites(
    parts: list[str], component: str, repetition: str | None
) -> tuple[Elements, Repeats]:
    """Elements (first repeat) and repeats of a segment split at its element separator."""
    if repetition is None:
        return tuple(tuple(p.split(component)) for p in parts[1:]), ()
    elements: list[tuple[str, ...]] = []
    repeats: list[tuple[int, tuple[tuple[str, ...], ...]]] = []
    for number, part in enumerate(parts[1:], start=1):
        each = tuple(tuple(r.split(component)) for r in part.split(repetition))
        elements.append(each[0])
        if len(each) > 1:
            repeats.append((number, each))
    return tuple(elements), tuple(repeats)
