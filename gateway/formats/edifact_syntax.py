"""EDIFACT syntax level: service characters, character repertoires and the segment split.

ISO 9735 layers an interchange as characters -> segments -> elements -> components; this
module splits the text of one segment into its parts and says which characters may stand in
data. It knows nothing of bytes (`edifact_framing`) or envelopes (`edifact_envelope`).

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
    message = (
        f"unknown UNB S001.0001 syntax identifier {syntax_identifier!r}: expected one of "
        f"{', '.join(CHARSETS)}"
    )
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
    separators += [c for c in (delimiters.release, delimiters.repetition) if c != " "]
    if len(set(separators)) != len(separators) or any(c.isalnum() for c in separators):
        message = f"UNA service characters {text[3:9]!r} are not distinct punctuation marks"
        raise ParseError(message, [Issue("edifact.una", message, location)])
    return delimiters


# Line breaks are layout, never data: ISO 9735 has no lines, and files hard-wrapped at a fixed
# width (80-column records of older mailboxes) carry them anywhere, even inside a tag.
LAYOUT = "\r\n"

Elements = tuple[tuple[str, ...], ...]
# Syntax version 4 repeats of one segment: (1-based element number, every repeat) for each
# element that repeats; `Elements` keeps the first repeat so positions stay the directory's.
Repeats = tuple[tuple[int, tuple[Repeat, ...]], ...]


Splitter = Callable[[str], tuple[str, Elements, Repeats]]


def segment_splitter(d: Delimiters) -> Splitter:
    """Splits one segment's text (no terminator, no line breaks) into tag, elements, repeats."""
    element, component = d.element, d.component
    # A space in UNA positions 4 and 5 means "no release character" / "no repetition".
    release = d.release if d.release != " " else ""
    repetition = d.repetition if d.repetition != " " else ""

    def split(text: str) -> tuple[str, Elements, Repeats]:
        if release and release in text:
            return _split_released(text, d)
        parts = text.split(element)
        tag = parts[0]
        if component in tag:
            # Up to syntax version 3 a tag may carry nesting indicators as components (LIN:1).
            tag = tag.split(component, 1)[0]
        if repetition and repetition in text:
            elements, repeats = _split_repeats(parts[1:], d)
            return tag, elements, repeats
        return tag, tuple([tuple(part.split(component)) for part in parts[1:]]), ()

    return split


def _split_repeats(parts: list[str], d: Delimiters) -> tuple[Elements, Repeats]:
    elements: list[tuple[str, ...]] = []
    repeats: list[tuple[int, tuple[Repeat, ...]]] = []
    for number, part in enumerate(parts, start=1):
        each = tuple(tuple(r.split(d.component)) for r in part.split(d.repetition))
        elements.append(each[0])
        if len(each) > 1:
            repeats.append((number, each))
    return tuple(elements), tuple(repeats)


def _split_released(text: str, d: Delimiters) -> tuple[str, Elements, Repeats]:
    # ISO 9735 clause 8: the release character makes the next character data, whatever it is
    # (a separator, the segment terminator or the release character itself).
    builder = _SegmentBuilder()
    index, end = 0, len(text)
    while index < end:
        char = text[index]
        if char == d.release:
            builder.chars.append(text[index + 1 : index + 2])
            index += 2
            continue
        if char == d.element:
            builder.end_element()
        elif char == d.component:
            builder.end_component()
        elif char == d.repetition and char != " ":
            builder.end_repeat()
        else:
            builder.chars.append(char)
        index += 1
    builder.end_element()
    tag, *rest = builder.elements
    elements = tuple(e[0] for e in rest)
    repeats = tuple((n, e) for n, e in enumerate(rest, start=1) if len(e) > 1)
    return tag[0][0], elements, repeats


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


def locate(text: str, index: int, d: Delimiters) -> tuple[int | None, int | None]:
    """1-based element and component of the character at `index` (None, None in the tag)."""
    release = d.release if d.release != " " else ""
    repetition = d.repetition if d.repetition != " " else ""
    element, component, at = 0, 1, 0
    while at < index:
        char = text[at]
        if char == release:
            at += 2
            continue
        if char == d.element:
            element, component = element + 1, 1
        elif char == d.component:
            component += 1
        elif char == repetition:
            component = 1
        at += 1
    return (element, component) if element else (None, None)
