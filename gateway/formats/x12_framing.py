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
from itertools import accumulate, repeat
from typing import Final

from gateway.formats.edifact_framing import ByteSource
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import X12Delimiters

# Flags of a cut segment.
WRAPPED: Final = 1  # line breaks inside the segment were removed as layout
UNDECODED: Final = 2  # the segment holds bytes that are not UTF-8 (lone surrogates)
UNTERMINATED: Final = 4  # the input ended before the segment's terminator

UNDECODED_CHAR = re.compile("[\udc80-\udcff]")
_LINE_BREAKS = "\r\n"
# After the last segment: blanks, a DOS end-of-file mark, a byte order mark of a `cat`.
_TRAILER = " \t\r\n\x1a\ufeff"

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
    """Decodes one interchange after its ISA and cuts it into segment texts, chunk by chunk.

    `batches` hands out the segments of each chunk as one list of texts (layout removed; an
    empty text where there was only layout between two terminators); while a batch is out,
    `flags`, `offset` and `rest` answer for its texts by index. Most chunks have neither
    line breaks inside segments nor undecodable bytes: `flagged` is then False and every
    flag 0, and byte offsets are only counted when asked for.
    """

    def __init__(self, source: ByteSource, d: X12Delimiters) -> None:
        self.source = source
        self.terminator = d.segment
        self.layout = layout_of(d)
        self.indent = indent_of(d)
        # Whether the batch out holds the component or repetition separator anywhere.
        self.composites = True
        self._marks = (d.component, d.repetition or d.component)
        self._step = len(self.terminator.encode())
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        # The batch out: its raw pieces (each before its terminator), their byte offsets
        # (counted when first asked for) and flags (None: all 0), and where it starts.
        self._pieces: list[str] = []
        self._ascii = True
        self._starts: list[int] | None = None
        self._flags: list[int] | None = None
        self._base = source.offset
        # The text after the last terminator and its byte offset.
        self._pending = ""
        self._pending_offset = source.offset
        # Once the input has ended: the text after the last terminator, as read, and where
        # the segment it holds starts.
        self._tail_text: str | None = None
        self._tail_offset = 0

    @property
    def flagged(self) -> bool:
        """Whether a text of the batch out has flags (WRAPPED, UNDECODED, UNTERMINATED)."""
        return self._flags is not None

    def flags(self, index: int) -> int:
        """The flags of text `index` of the batch out."""
        return self._flags[index] if self._flags is not None else 0

    def batches(self) -> Iterator[list[str]]:
        """The segment texts of each chunk in turn, then what is left without a terminator."""
        while True:
            chunk = self.source.take()
            final = not chunk
            text = self._pending + self._decoder.decode(chunk, final)
            ascii_only = text.isascii()
            undecoded = not ascii_only and UNDECODED_CHAR.search(text) is not None
            self.composites = any(mark in text for mark in self._marks)
            pieces = text.split(self.terminator)
            # Only the pieces are kept while they are handed out: memory is one chunk, not two.
            del chunk, text
            self._pending = pieces.pop()
            yield self._batch(pieces, ascii_only, undecoded)
            self._end_batch()
            if final:
                break
        tail = self._tail()
        if tail is not None:
            yield [tail]
            self._pieces, self._flags, self._starts = [], None, None

    def _batch(self, pieces: list[str], ascii_only: bool, undecoded: bool) -> list[str]:
        self._pieces, self._ascii, self._starts = pieces, ascii_only, None
        self._base = self._pending_offset
        texts = list(map(str.lstrip, pieces, repeat(self.indent, len(pieces))))
        self._flags = None
        layout = self.layout
        if undecoded or (layout and _holds(layout, "".join(texts))):
            self._flags = [0] * len(texts)
            for index, text in enumerate(texts):
                if layout and any(char in text for char in layout):
                    texts[index], self._flags[index] = _without(text, layout), WRAPPED
                if undecoded and UNDECODED_CHAR.search(texts[index]):
                    self._flags[index] |= UNDECODED
        return texts

    def _end_batch(self) -> None:
        # The next chunk starts after the pieces of this one and their terminators.
        pieces = self._pieces
        size = sum(map(len if self._ascii else _size, pieces))
        self._pending_offset = self._base + size + self._step * len(pieces)
        self._pieces, self._flags, self._starts = [], None, None

    def offset(self, index: int) -> int:
        """The byte offset of text `index` of the batch out (after any layout before it)."""
        if self._tail_text is not None:
            return self._tail_offset
        if self._starts is None:
            self._starts = [0, *accumulate(map(len if self._ascii else _size, self._pieces))]
        piece = self._pieces[index]
        # Layout before a segment is ASCII: its characters are its bytes.
        indent = len(piece) - len(piece.lstrip(self.indent))
        return self._base + self._starts[index] + self._step * index + indent

    def _tail(self) -> str | None:
        # The input ended: what follows the last terminator is blank, or a segment cut short.
        pending, self._pending = self._pending, ""
        raw = pending.lstrip(_TRAILER)
        text = raw.rstrip(_TRAILER)
        if not text:
            return None
        self._tail_text = raw
        self._tail_offset = self._pending_offset + _size(pending[: len(pending) - len(raw)])
        flags = UNTERMINATED
        if self.layout and any(c in text for c in self.layout):
            text, flags = _without(text, self.layout), flags | WRAPPED
        if UNDECODED_CHAR.search(text):
            flags |= UNDECODED
        self._flags = [flags]
        self.composites = True
        return text

    def rest(self, index: int, *, current: bool) -> bytes:
        """The bytes after text `index` of the batch out, or from that text on (`current`)."""
        if self._tail_text is not None:
            text = self._tail_text if current else ""
        else:
            pieces = self._pieces[index if current else index + 1 :]
            text = "".join(p + self.terminator for p in pieces) + self._pending
        self._pieces, self._pending, self._tail_text = [], "", None
        buffered = self._decoder.getstate()[0]
        self._decoder.reset()
        return text.encode("utf-8", "surrogateescape") + buffered


# A Segment's three slots, set directly: the reader builds one Segment per segment of a file,
# and the frozen dataclass's __init__ sets each field through object.__setattr__, which
# costs half the building. The object is the same (tests/unit/test_x12_framing.py checks that
# Segment still has just these fields and nothing run after __init__).
_NEW = object.__new__
_SET_TAG = vars(Segment)["tag"].__set__
_SET_ELEMENTS = vars(Segment)["elements"].__set__
_SET_POSITION = vars(Segment)["position"].__set__


def segment_of(tag: str, elements: Elements, position: int) -> Segment:
    """Segment(tag, elements, position), built at half the cost."""
    segment: Segment = _NEW(Segment)
    _SET_TAG(segment, tag)
    _SET_ELEMENTS(segment, elements)
    _SET_POSITION(segment, position)
    return segment


def _holds(chars: str, text: str) -> bool:
    return any(char in text for char in chars)


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
        return parts[0], tuple(zip(parts[1:])), ()

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
