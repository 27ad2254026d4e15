"""The small text formats inside schemas/x12 files: element specs, syntax notes, set tables.

- An element spec is `"<id> <M|O|X>"`, optionally followed by `*N` for a repeating element
  (005010): `"234 X"`, `"C001 O"`, `"C998 M *10"`.
- A syntax note is written as X12 writes it (X12.6 section 3.5): a letter and two-digit
  element positions, `P0607`, `R020305`, `L13101112`.
- A set table lists one segment or loop per line, `<TAG> <M|O> <max>` or
  `loop <NAME> <M|O> <max>`, with the loop's lines indented two spaces below it; `>1` means
  no limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from gateway.validate.x12_schema import Entry, LoopEntry, SegmentDef, SegmentEntry, SyntaxNote

_SPEC = re.compile(r"^(C?\d{1,4}) ([MOX])(?: \*(\d+))?$")
_NOTE = re.compile(r"^([PRECL])((?:\d\d){2,})$")
_LINE = re.compile(r"^( *)(?:(loop) )?([A-Z0-9]{2,3}) ([MO]) (>1|\d+)$")
# `>1` in the X12 tables: any number of repeats.
UNBOUNDED = 1_000_000_000


def parse_spec(spec: object) -> tuple[str, str, int] | str:
    """(`id`, requirement, repeats) of an element spec, or what is wrong with it."""
    match = _SPEC.match(spec) if isinstance(spec, str) else None
    if match is None:
        return f"{spec!r} is not an element spec; expected like '234 X', 'C001 O' or 'C998 M *10'"
    repeats = int(match.group(3) or 1)
    if repeats < 1:
        return f"{spec!r}: the repeat count must be at least 1"
    return match.group(1), match.group(2), repeats


def parse_note(text: object, count: int) -> SyntaxNote | str:
    """The syntax note for a segment (or composite) of `count` elements, or the problem."""
    match = _NOTE.match(text) if isinstance(text, str) else None
    if match is None or not isinstance(text, str):
        return f"{text!r} is not a syntax note; expected a letter P/R/E/C/L and positions"
    kind, digits = match.group(1), match.group(2)
    positions = tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2))
    if any(not 1 <= position <= count for position in positions):
        return f"{text}: positions must be between 01 and {count:02d}"
    if len(set(positions)) != len(positions):
        return f"{text}: a position is named twice"
    return SyntaxNote(kind, positions, text)


@dataclass
class _Level:
    indent: int
    entries: list[Entry] = field(default_factory=list)
    name: str = ""
    mandatory: bool = False
    max: int = 1


def parse_table(
    text: str, segment: Callable[[str], SegmentDef | None]
) -> tuple[tuple[Entry, ...], list[str]]:
    """The entries of a set table and the problems found (line numbers within the text)."""
    problems: list[str] = []
    stack = [_Level(-1)]
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(f"line {number}: {raw.strip()!r}; expected 'TAG M|O max' or 'loop'")
            continue
        indent = len(match.group(1))
        while indent <= stack[-1].indent:
            _close(stack, problems)
        if indent != (stack[-1].indent + 2 if len(stack) > 1 else 0):
            problems.append(f"line {number}: indent by two spaces below the loop line")
        loop, tag, status, count = match.groups()[1:]
        limit = UNBOUNDED if count == ">1" else int(count)
        if loop:
            stack.append(_Level(indent, [], tag, status == "M", limit))
            continue
        layout = segment(tag)
        if layout is None:
            problems.append(f"line {number}: segment {tag} is not in segments.toml")
            continue
        stack[-1].entries.append(SegmentEntry(tag, status == "M", limit, layout))
    while len(stack) > 1:
        _close(stack, problems)
    return tuple(stack[0].entries), problems


def _close(stack: list[_Level], problems: list[str]) -> None:
    level = stack.pop()
    first = level.entries[0] if level.entries else None
    if not isinstance(first, SegmentEntry) or not first.mandatory or first.max != 1:
        problems.append(f"loop {level.name}: its first line must be its beginning segment, M 1")
        return
    stack[-1].entries.append(
        LoopEntry(level.name, level.mandatory, level.max, tuple(level.entries))
    )
