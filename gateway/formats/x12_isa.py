"""The X12 interchange header ISA: fixed width, delimiters by position, element checks.

X12.5 fixes ISA at 106 characters whatever the delimiters, so that a reader can find them
before it knows them: the element separator is the 4th character, ISA16 (the component
element separator) the 105th and the segment terminator the 106th. The reader counts 16
element separators instead of trusting positions, so that an ISA of the wrong width is
reported with the element that is too wide or too narrow rather than read with wrong
delimiters. X12 data is ASCII, so widths are counted in bytes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Final, NoReturn

from gateway.errors import Issue, Location, ParseError
from gateway.formats.edifact_framing import ByteSource
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import ISA_LENGTH, X12Delimiters, X12Header

# ISA01..ISA16: element, width fixed by X12.5, what it is, the TA105 code of its issues.
ISA_ELEMENTS: Final = (
    (2, "authorization information qualifier", "x12.isa.authorization_qualifier"),
    (10, "authorization information", "x12.isa.authorization"),
    (2, "security information qualifier", "x12.isa.security_qualifier"),
    (10, "security information", "x12.isa.security"),
    (2, "sender id qualifier", "x12.isa.sender_qualifier"),
    (15, "sender id", "x12.isa.sender"),
    (2, "receiver id qualifier", "x12.isa.recipient_qualifier"),
    (15, "receiver id", "x12.isa.recipient"),
    (6, "date (YYMMDD)", "x12.isa.date"),
    (4, "time (HHMM)", "x12.isa.time"),
    (1, "standards identifier / repetition separator", "x12.isa.standards_id"),
    (5, "control version number", "x12.isa.version_id"),
    (9, "control number", "x12.isa.control"),
    (1, "acknowledgment requested", "x12.isa.ack_requested"),
    (1, "usage indicator", "x12.isa.usage"),
    (1, "component element separator", "x12.isa.component_separator"),
)
# "ISA", ISA01..ISA15 and the 15 separators between them: everything before ISA16's separator.
_BODY = ISA_LENGTH - 3
# A wrapped ISA (80 columns, CRLF) still lies within this many bytes.
_HEAD = 512
_LAYOUT = b"\r\n"
# "ISA" in EBCDIC code pages 037 and 500 (mainframe partners).
_EBCDIC_ISA = b"\xc9\xe2\xc1"
# ISA11 holds the repetition separator from control version 00402 on (X12.5 ISA11 note).
REPETITION_FROM = "00402"


@dataclass(frozen=True)
class IsaOpening:
    """An ISA as found in the bytes: its 16 elements, the delimiters and where it stood."""

    elements: tuple[str, ...]  # ISA01..ISA16 as written
    delimiters: X12Delimiters
    offset: int  # byte offset of "ISA" in the file
    # Byte offset of each element from "ISA" (for locations).
    starts: tuple[int, ...]
    # Line breaks inside the ISA were layout (a file hard-wrapped at a fixed width).
    wrapped: bool = False

    @property
    def version(self) -> str:
        """ISA12, the interchange control version (00401, 00501 ...)."""
        return self.elements[11]


def read_isa(source: ByteSource, file: str | None, after: str | None = None) -> IsaOpening:
    """Read the ISA at the start of the source by its fixed layout, leaving the source after it.

    `after` names what came before (e.g. the IEA of a previous interchange) for the message
    when no ISA is found.
    """
    start = source.offset
    source.fill(_HEAD)
    head = source.buffer[:_HEAD]
    if not head.startswith(b"ISA"):
        _no_isa(head, start, file, after)
    separator = _element_separator(head, start, file)
    found = _separator_positions(head, separator)
    if len(found) < 16:
        _truncated(head, len(found), start, file)
    body = head[: found[15]]
    wrapped = any(c in body for c in _LAYOUT)
    if wrapped:
        body = body.replace(b"\r", b"").replace(b"\n", b"")
    component_at = _skip_layout(head, found[15] + 1, wrapped)
    terminator_at = _skip_layout(head, component_at + 1, wrapped)
    if len(body) != _BODY:
        _wrong_width(body, separator, component_at, start, file)
    if terminator_at >= len(head):
        _truncated(head, 16, start, file)
    delimiters = _delimiters(head, (component_at, terminator_at), start, file)
    values = body.decode("latin-1").split(delimiters.element)[1:]
    elements = (*_ascii_values(values, body), delimiters.component)
    delimiters = _with_repetition(delimiters, elements, wrapped, head[terminator_at + 1 :])
    source.skip(terminator_at + 1)
    return IsaOpening(elements, delimiters, start, _starts(values), wrapped)


def _ascii_values(values: list[str], body: bytes) -> list[str]:
    # Non-ASCII bytes in an ISA of the right width: show them as the UTF-8 they most likely are.
    if body.isascii():
        return values
    return [v.encode("latin-1").decode("utf-8", "replace") for v in values]


def _starts(values: list[str]) -> tuple[int, ...]:
    # `values` are decoded as Latin-1: one character per byte.
    starts: list[int] = []
    at = 4
    for value in values:
        starts.append(at)
        at += len(value) + 1
    starts.append(at)
    return tuple(starts)


def _skip_layout(head: bytes, at: int, wrapped: bool) -> int:
    # In a hard-wrapped file a line break may fall right before ISA16 or the terminator.
    while wrapped and at < len(head) and head[at] in _LAYOUT:
        at += 1
    return at


def _no_isa(head: bytes, start: int, file: str | None, after: str | None) -> NoReturn:
    where = Location(file, offset=start)
    if head.startswith(_EBCDIC_ISA):
        message = (
            f"the file is in EBCDIC: it starts with bytes {head[:3].hex(' ')}, which are 'ISA' "
            "in EBCDIC code page 037/500; X12 interchanges are read as ASCII: convert the file "
            "to ASCII (e.g. `iconv -f CP037 -t ASCII`) and send it again"
        )
        raise ParseError(message, [Issue("x12.ebcdic", message, where)])
    found = head[:20].decode("latin-1")
    expected = (
        f"after {after}: expected the ISA of a next interchange or the end of the file"
        if after
        else "expected an X12 interchange to start with ISA"
    )
    shown = f"{found!r}" if found else "the end of the file"
    message = f"{expected}, found {shown} at byte {start}"
    raise ParseError(message, [Issue("x12.no_isa", message, where, value=found)])


def _element_separator(head: bytes, start: int, file: str | None) -> bytes:
    separator = head[3:4]
    if not separator or separator.isalnum() or separator in b" \r\n" or not separator.isascii():
        shown = repr(separator.decode("latin-1")) if separator else "nothing"
        message = (
            f"ISA: the element separator (the character after 'ISA') is {shown}; expected a "
            "punctuation or control character such as '*', '|' or 0x1D"
        )
        where = Location(file, 1, "ISA", offset=start + 3)
        raise ParseError(message, [Issue("x12.isa.element_separator", message, where)])
    return separator


def _separator_positions(head: bytes, separator: bytes) -> list[int]:
    found: list[int] = []
    at = head.find(separator)
    while at != -1 and len(found) < 16:
        found.append(at)
        at = head.find(separator, at + 1)
    return found


def _truncated(head: bytes, count: int, start: int, file: str | None) -> NoReturn:
    shown = head[:120].decode("latin-1")
    message = (
        f"ISA is incomplete: {count} of its 16 element separators and its segment terminator "
        f"were found in {shown!r}; X12.5 fixes ISA at 106 characters"
    )
    where = Location(file, 1, "ISA", offset=start)
    raise ParseError(message, [Issue("x12.structure", message, where, value=shown)])


def _wrong_width(
    body: bytes, separator: bytes, component_at: int, start: int, file: str | None
) -> NoReturn:
    # A GS inside the first 16 elements: ISA ended early (elements missing).
    gs = re.search(rb"[^0-9A-Za-z]GS" + re.escape(separator), body)
    if gs is not None:
        at = gs.start() + 1
        message = (
            f"ISA has fewer than 16 elements: GS starts {at} characters in, before ISA16 (the "
            f"component separator) and the segment terminator; X12.5 fixes ISA at {ISA_LENGTH}"
        )
        where = Location(file, 1, "ISA", offset=start)
        raise ParseError(message, [Issue("x12.structure", message, where)])
    values = body.split(separator)[1:]
    wrong = [
        (number, value)
        for number, (value, (width, _, _)) in enumerate(
            zip(values, ISA_ELEMENTS, strict=False), start=1
        )
        if len(value) != width
    ]
    details = "; ".join(_width_problem(number, value) for number, value in wrong)
    length = len(body) + 3
    message = f"ISA is {length} characters, X12.5 fixes it at {ISA_LENGTH}: {details}"
    number, value = wrong[0] if wrong else (16, b"")
    at = start + len(b"ISA") + sum(len(v) + 1 for v in values[: number - 1]) + 1
    where = Location(file, 1, "ISA", number, offset=at if wrong else start + component_at)
    text = value.decode("utf-8", "replace")
    raise ParseError(message, [Issue(ISA_ELEMENTS[number - 1][2], message, where, value=text)])


def _width_problem(number: int, value: bytes) -> str:
    width, name, _ = ISA_ELEMENTS[number - 1]
    problem = f"ISA{number:02d} {name} is {len(value)} characters, expected {width}"
    foreign = sorted({c for c in value.decode("utf-8", "replace") if not c.isascii()})
    if foreign:
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in foreign)
        problem += f" (it holds {names}, not in the X12 character set: pad with ASCII spaces)"
    return problem


def _delimiters(head: bytes, at: tuple[int, int], start: int, file: str | None) -> X12Delimiters:
    separator = head[3:4]
    component = head[at[0] : at[0] + 1]
    terminator = head[at[1] : at[1] + 1]
    if _unusable(terminator, separator, component):
        message = (
            f"ISA: the segment terminator (the character after ISA16) is "
            f"{terminator.decode('latin-1')!r}; it must differ from the element separator "
            f"{separator.decode()!r} and the component separator {component.decode('latin-1')!r} "
            "and be no letter or digit (e.g. '~' or a line break)"
        )
        where = Location(file, 1, "ISA", offset=start + at[1])
        issue = Issue("x12.isa.terminator", message, where, value=terminator.decode("latin-1"))
        raise ParseError(message, [issue])
    if _unusable(component, separator):
        message = (
            f"ISA16 component element separator {component.decode('latin-1')!r} must differ from "
            f"the element separator {separator.decode()!r} and be no letter, digit or space"
        )
        where = Location(file, 1, "ISA", 16, offset=start + at[0])
        issue = Issue("x12.isa.component_separator", message, where)
        raise ParseError(message, [issue])
    return X12Delimiters(separator.decode(), component.decode(), None, terminator.decode())


def _unusable(delimiter: bytes, *others: bytes) -> bool:
    # X12.6: delimiters are characters that never occur in data: no letter, digit or space.
    return delimiter.isalnum() or delimiter in (*others, b" ") or not delimiter.isascii()


def _with_repetition(
    d: X12Delimiters, elements: tuple[str, ...], wrapped: bool, after: bytes
) -> X12Delimiters:
    # The CR/LF run after ISA's terminator is the partner's layout (suffix).
    suffix = "" if wrapped else after[: len(after) - len(after.lstrip(_LAYOUT))].decode()
    suffix = "" if d.segment in "\r\n" and d.segment in suffix else suffix
    version, isa11 = elements[11], elements[10]
    repetition = None
    if version.isdigit() and version >= REPETITION_FROM and _usable_repetition(isa11, d):
        repetition = isa11
    return X12Delimiters(d.element, d.component, repetition, d.segment, suffix)


def _usable_repetition(char: str, d: X12Delimiters) -> bool:
    return (
        len(char) == 1
        and char.isascii()
        and not char.isalnum()
        and char not in (" ", d.element, d.component, d.segment)
    )


def isa_issues(opening: IsaOpening, file: str | None) -> list[Issue]:
    """ISA element problems (X12.5): widths, qualifiers, date, time, version, numbers, codes."""
    issues: list[Issue] = []
    for number, value in enumerate(opening.elements[:15], start=1):
        width, name, code = ISA_ELEMENTS[number - 1]
        problem = _content_problem(number, value, opening)
        if value.isascii() and len(value) != width:
            problem = f"is {len(value)} characters, X12.5 fixes it at {width}"
        if problem:
            offset = opening.offset + opening.starts[number - 1]
            where = Location(file, 1, "ISA", number, offset=offset)
            message = f"ISA{number:02d} {name} {value!r} {problem}"
            issues.append(Issue(code, message, where, value=value))
    issues.extend(_standards_id_warning(opening, file))
    return issues


def _content_problem(number: int, value: str, opening: IsaOpening) -> str | None:
    if not value.isascii():
        return "holds characters outside the X12 character set (ASCII)"
    if number in (1, 3, 5, 7) and not (value.isalnum() and len(value) == 2):
        return "must be a two-character code (e.g. 00, ZZ, 01)"
    if number in (6, 8) and not value.strip():
        return "is blank; it identifies the party"
    check = _CHECKS.get(number)
    if check is not None and not check[0](value):
        return check[1]
    return None


def _valid_date(value: str) -> bool:
    if not value.isdigit():
        return False
    try:
        datetime.strptime(value, "%y%m%d")
    except ValueError:
        return False
    return True


def _valid_time(value: str) -> bool:
    return value.isdigit() and int(value[:2]) < 24 and int(value[2:]) < 60


_CHECKS: Final = {
    9: (_valid_date, "is not a valid date YYMMDD"),
    10: (_valid_time, "is not a valid time HHMM"),
    12: (str.isdigit, "must be five digits, e.g. 00401 or 00501"),
    13: (str.isdigit, "must be nine digits"),
    14: (lambda v: v in ("0", "1"), "must be 0 (no TA1 requested) or 1 (TA1 requested)"),
    15: (lambda v: v in ("P", "T", "I"), "must be P (production), T (test) or I (information)"),
}


def _standards_id_warning(opening: IsaOpening, file: str | None) -> list[Issue]:
    # ISA11: the code `U` up to 00401, the repetition separator from 00402 on. Partners mix
    # them up (`U` under 00501), which is harmless to reading: a warning, read without repeats.
    value, version = opening.elements[10], opening.version
    if not version.isdigit() or len(value) != 1:
        return []
    if version < REPETITION_FROM and value != "U":
        problem = f"should be 'U' under control version {version}; {value!r} is not a separator"
    elif version >= REPETITION_FROM and opening.delimiters.repetition is None:
        problem = (
            f"is not usable as the repetition separator, which ISA11 is from control version "
            f"{REPETITION_FROM} on ({version} here); read without repetitions"
        )
    else:
        return []
    where = Location(file, 1, "ISA", 11, offset=opening.offset + opening.starts[10])
    message = f"ISA11 {value!r} {problem}"
    return [Issue("x12.isa.standards_id", message, where, "warning", value=value)]


def header_of(opening: IsaOpening, index: int) -> X12Header:
    """The interchange header of an ISA (ISA06/ISA08 without their padding)."""
    e = opening.elements
    isa = Segment("ISA", tuple((v,) for v in e), 1)
    return X12Header(
        authorization_qualifier=e[0],
        authorization=e[1],
        security_qualifier=e[2],
        security=e[3],
        sender_qualifier=e[4].strip(),
        sender_id=e[5].rstrip(),
        recipient_qualifier=e[6].strip(),
        recipient_id=e[7].rstrip(),
        date=e[8],
        time=e[9],
        standards_id=e[10],
        version=e[11],
        control_ref=e[12],
        ack_requested=e[13] == "1",
        usage=e[14],
        delimiters=opening.delimiters,
        segment=isa,
        offset=opening.offset,
        index=index,
    )
