"""EDIFACT syntax level: service characters, character sets and the segment tokenizer.

ISO 9735 layers an interchange as characters -> segments -> elements -> components; this
module turns bytes into positioned segments and knows nothing of envelopes (UNH/UNT, UNZ).

pydifact's `Tokenizer` is not used for the split: it keeps no offsets or segment numbers,
knows no repetition separator (syntax version 4) and, having already removed the release
character, cannot tell a released `?*` from a real repetition separator; it also signals
problems with `assert` and a bare `EDISyntaxError`. Its `Characters` class still reads and
writes the UNA service string advice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pydifact.control.characters import Characters
from pydifact.exceptions import ValidationError as PydifactValidationError

from gateway.errors import Issue, Location, ParseError
from gateway.formats.segments import Segment

# Components of one repetition of one data element.
Repeat = tuple[str, ...]


@dataclass(frozen=True)
class Delimiters:
    """UNA service string advice; the defaults are those of ISO 9735 when UNA is absent."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    # UNA position 5: "reserved, must be space" up to syntax version 3, the repetition
    # separator from version 4 on. A space means "no repetition separator".
    repetition: str = " "
    segment: str = "'"

    @classmethod
    def default_for(cls, syntax_version: str) -> Delimiters:
        """ISO 9735 defaults: syntax version 4 adds `*` as repetition separator."""
        return cls(repetition="*") if syntax_version.strip() == "4" else cls()

    def service_string_advice(self) -> str:
        """The UNA segment that announces these characters (ISO 9735 clause 7)."""
        chars = Characters.from_str(
            self.component
            + self.element
            + self.decimal
            + self.release
            + self.repetition
            + self.segment
        )
        return chars.service_string_advice

    def specials(self) -> str:
        """Characters that must be released (escaped) inside a value."""
        chars = [self.component, self.element, self.segment, self.release]
        if self.repetition != " ":
            chars.append(self.repetition)
        return "".join(chars)


# UNB S001.0001 syntax identifier -> Python codec (ISO 9735-1 annex / code list 0001).
CHARSETS: dict[str, str] = {
    "UNOA": "ascii",  # ISO 646 basic set, upper case only (checked on write, tolerated on read)
    "UNOB": "ascii",  # ISO 646 basic set with lower case
    "UNOC": "iso8859_1",
    "UNOD": "iso8859_2",
    "UNOE": "iso8859_5",
    "UNOF": "iso8859_7",
    "UNOG": "iso8859_3",
    "UNOH": "iso8859_4",
    "UNOI": "iso8859_6",
    "UNOJ": "iso8859_8",
    "UNOK": "iso8859_9",
    # UNOW: ISO 10646-1 with UTF-8 (ISO 9735 v4, 2002 amendment).
    "UNOW": "utf_8",
    # UNOX: ISO 2022 code extension with ISO 2375 escapes; iso2022_jp_2 is the widest ISO 2022
    # decoder in the standard library (Latin-1, Greek, CJK designations).
    "UNOX": "iso2022_jp_2",
    # UNOY: ISO 10646-1 octet without code extension technique, in practice UTF-8.
    "UNOY": "utf_8",
}

# UNOA level A repertoire (ISO 9735 annex A): upper-case letters, digits, space and these marks.
UNOA_PATTERN = re.compile(r"[A-Z0-9 .,\-()/'+:=?!\"%&*;<>]*")


def codec_for(syntax_identifier: str, location: Location) -> str:
    """The codec of a UNB S001.0001 syntax identifier, or ParseError when unknown."""
    codec = CHARSETS.get(syntax_identifier)
    if codec is not None:
        return codec
    if "\n" in syntax_identifier or "\r" in syntax_identifier:
        hint = (
            "it contains a line break: the file looks hard-wrapped at a fixed width (line "
            "breaks inside segments); ask the partner to send it unwrapped"
        )
    else:
        hint = f"expected one of {', '.join(CHARSETS)}"
    message = f"unknown UNB S001.0001 syntax identifier {syntax_identifier!r}: {hint}"
    raise ParseError(message, [Issue("edifact.syntax_identifier", message, location)])


def read_una(text: str, location: Location) -> Delimiters:
    """Delimiters from the 9 characters `UNA:+.? '` (ISO 9735 clause 7, service string advice)."""
    try:
        chars = Characters.from_str(text[:9])
    except PydifactValidationError as exc:
        message = f"UNA is truncated: found {text[:9]!r}, expected 'UNA' and six service characters"
        raise ParseError(message, [Issue("edifact.una", message, location)]) from exc
    delimiters = Delimiters(
        chars.component_separator,
        chars.data_separator,
        chars.decimal_point,
        chars.escape_character,
        chars.reserved_character,
        chars.segment_terminator,
    )
    separators = [delimiters.component, delimiters.element, delimiters.segment]
    if delimiters.release != " ":
        separators.append(delimiters.release)
    if len(set(separators)) != len(separators) or any(c.isalnum() for c in separators):
        message = f"UNA service characters {text[3:9]!r} are not distinct punctuation marks"
        raise ParseError(message, [Issue("edifact.una", message, location)])
    return delimiters


@dataclass(frozen=True)
class RawSegment:
    """A segment as split from the text, before envelope rules: tag, repeats and offset."""

    tag: str
    elements: tuple[tuple[Repeat, ...], ...]
    offset: int

    def to_segment(self, position: int) -> Segment:
        """The segment with the first repetition of each element, at its position."""
        return Segment(self.tag, tuple(e[0] for e in self.elements), position)


class _SegmentBuilder:
    """Collects characters into components, repeats and elements of one segment."""

    def __init__(self) -> None:
        self.elements: list[tuple[Repeat, ...]] = []
        self.repeats: list[Repeat] = []
        self.components: list[str] = []
        self.chars: list[str] = []

    def end_component(self) -> None:
        self.components.append("".join(self.chars))
        self.chars = []

    def end_repeat(self) -> None:
        self.end_component()
        self.repeats.append(tuple(self.components))
        self.components = []

    def end_element(self) -> None:
        self.end_repeat()
        self.elements.append(tuple(self.repeats))
        self.repeats = []


OffsetOf = Callable[[int], int]
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")


def split_segments(
    text: str, delimiters: Delimiters, location: Location, byte_offset: OffsetOf
) -> list[RawSegment]:
    """Split decoded text into segments, honouring the release character (ISO 9735 clause 8)."""
    segments: list[RawSegment] = []
    # Blanks, line breaks and a DOS end-of-file mark (0x1A) after the last segment are not data.
    end = len(text.rstrip(" \t\r\n\x1a".replace(delimiters.segment, "")))
    index = _skip_line_breaks(text, 0, end)
    while index < end:
        raw, index = _read_segment(
            text,
            (index, end),
            delimiters,
            location,
            byte_offset=byte_offset,
            position=len(segments) + 1,
        )
        segments.append(raw)
        index = _skip_line_breaks(text, index, end)
    return segments


def _skip_line_breaks(text: str, index: int, end: int) -> int:
    # CR/LF after a segment terminator are layout, not data (ISO 9735 leaves them to the
    # transport); inside a segment they are data.
    while index < end and text[index] in "\r\n":
        index += 1
    return index


def _read_segment(
    text: str,
    span: tuple[int, int],
    d: Delimiters,
    location: Location,
    *,
    byte_offset: OffsetOf,
    position: int,
) -> tuple[RawSegment, int]:
    release = d.release if d.release != " " else None
    repetition = d.repetition if d.repetition != " " else None
    start, end = span
    stop = text.find(d.segment, start, end)
    if stop != -1 and (release is None or release not in text[start:stop]):
        # Fast path: nothing released, so plain splits give the same result.
        elements = _split_plain(text[start:stop], d, repetition)
        return _finish(elements, start, location, byte_offset, position), stop + 1
    builder = _SegmentBuilder()
    active = [c for c in (d.component, d.element, d.segment, release, repetition) if c]
    service = re.compile("[" + re.escape("".join(active)) + "]")
    index = start
    while (found := service.search(text, index, end)) is not None:
        builder.chars.append(text[index : found.start()])
        char, index = found.group(), found.end()
        if char == release:
            if index < end:  # the released character is data, whatever it is
                builder.chars.append(text[index])
            index += 1
        elif char == d.segment:
            builder.end_element()
            return _finish(builder.elements, start, location, byte_offset, position), index
        elif char == d.element:
            builder.end_element()
        elif char == d.component:
            builder.end_component()
        else:
            builder.end_repeat()
    tag = text[start : start + 3]
    message = (
        f"segment {position} ({tag!r}) has no segment terminator {d.segment!r}: the file "
        "is truncated or uses another terminator than announced"
    )
    where = _at(location, position, tag, byte_offset(start))
    raise ParseError(message, [Issue("edifact.truncated", message, where)])


def _split_plain(chunk: str, d: Delimiters, repetition: str | None) -> list[tuple[Repeat, ...]]:
    return [
        tuple(tuple(r.split(d.component)) for r in (e.split(repetition) if repetition else (e,)))
        for e in chunk.split(d.element)
    ]


def _finish(
    elements: list[tuple[Repeat, ...]],
    start: int,
    location: Location,
    byte_offset: OffsetOf,
    position: int,
) -> RawSegment:
    tag = elements[0][0][0]
    if not _TAG.fullmatch(tag):
        message = (
            f"segment {position} starts with {tag[:20]!r}, expected a three-character segment "
            "tag such as UNH or BGM: junk between segments or a wrong segment terminator"
        )
        where = _at(location, position, None, byte_offset(start))
        raise ParseError(message, [Issue("edifact.junk", message, where)])
    return RawSegment(tag, tuple(elements[1:]), start)


def _at(location: Location, position: int, tag: str | None, offset: int) -> Location:
    return Location(location.file, position, tag, offset=offset)


def count_terminators(text: str, delimiters: Delimiters) -> int:
    """How many segments end in `text` (release characters honoured), for error positions."""
    count, index = 0, 0
    while index < len(text):
        if text[index] == delimiters.release:
            index += 2
            continue
        count += text[index] == delimiters.segment
        index += 1
    return count
