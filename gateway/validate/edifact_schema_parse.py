"""Parsing the text blocks of schema files: element lines of segments, structure lines.

A segment file's `elements` text holds one line per data element (indented lines are
components); a message file's `structure` one line per segment or group (indented lines
belong to the group).
Problems are appended as `file:line: message`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from gateway.validate.edifact_schema import ComponentDef, ElementDef, Format, schema_problem

# UNTDID representation: a (alphabetic), n (numeric), an; "..35" up to 35, "3" exactly 3.
_FORMAT = re.compile(r"^(an|a|n)(\.\.)?([1-9][0-9]*)$")
_ELEMENT_ID = re.compile(r"^[A-Z0-9][0-9]{3}$")
_SEGMENT_TAG = re.compile(r"^[A-Z]{3}$")
GROUP_NAME = re.compile(r"^SG[1-9][0-9]*$")


@dataclass
class Node:
    """One structure line: a segment, or a group with the lines indented below it."""

    name: str
    mandatory: bool
    max: int
    line: int
    children: list[Node] = field(default_factory=list)


def parse_format(text: str) -> Format | None:
    """`an..35` -> Format("an", 1, 35); `n3` -> Format("n", 3, 3); None when malformed."""
    match = _FORMAT.match(text)
    if match is None:
        return None
    kind, upto, length = match.group(1), match.group(2), int(match.group(3))
    return Format(kind, 1 if upto else length, length, text)


def parse_elements(
    text: str, path: Path, first_line: int, problems: list[str]
) -> tuple[ElementDef, ...]:
    """The element lines of a segment file; a problem per malformed line."""
    elements: list[ElementDef] = []
    pending: list[ComponentDef] | None = None
    for offset, raw in enumerate(text.splitlines()):
        line_no = first_line + offset
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        tokens = line.split()
        if line[0] == " ":
            if pending is None:
                message = f"component {tokens[0]} is indented but follows no composite line"
                problems.append(schema_problem(path, line_no, message))
                continue
            component = _component(tokens, path, line_no, problems)
            if component is not None:
                pending.append(component)
            continue
        _close_composite(elements, pending, path, line_no, problems)
        element = _element(tokens, path, line_no, problems)
        if element is None:
            pending = None
            continue
        elements.append(element)
        pending = [] if element.composite else None
    _close_composite(elements, pending, path, first_line + len(text.splitlines()), problems)
    return tuple(elements)


def _close_composite(
    elements: list[ElementDef],
    pending: list[ComponentDef] | None,
    path: Path,
    line_no: int,
    problems: list[str],
) -> None:
    if pending is None or not elements:
        return
    if not pending:
        message = f"composite {elements[-1].id} has no component lines (indent them below it)"
        problems.append(schema_problem(path, line_no - 1, message))
    elements[-1] = replace(elements[-1], components=tuple(pending))


def _element(tokens: list[str], path: Path, line_no: int, problems: list[str]) -> ElementDef | None:
    # "3035 M an..3", "C082 C", "C076 M *3", "4440 M an..512 *5"
    repeats = 1
    if tokens and tokens[-1].startswith("*"):
        count = tokens.pop()[1:]
        if not count.isdigit() or int(count) < 1:
            problems.append(schema_problem(path, line_no, f"repetition *{count} is not *N"))
        else:
            repeats = int(count)
    if len(tokens) not in (2, 3):
        expected = "expected `id M|C format [*N]`, or `id M|C [*N]` for a composite"
        problems.append(schema_problem(path, line_no, f"{' '.join(tokens)!r}: {expected}"))
        return None
    if not _id_and_status(tokens, path, line_no, problems):
        return None
    fmt = None
    if len(tokens) == 3:
        fmt = parse_format(tokens[2])
        if fmt is None:
            message = f"format {tokens[2]!r} is not a/n/an with a length (an..35, n3)"
            problems.append(schema_problem(path, line_no, message))
            return None
    return ElementDef(tokens[0], tokens[1] == "M", fmt, repeats=repeats)


def _component(
    tokens: list[str], path: Path, line_no: int, problems: list[str]
) -> ComponentDef | None:
    if len(tokens) != 3:
        message = f"{' '.join(tokens)!r}: expected a component `id M|C format`"
        problems.append(schema_problem(path, line_no, message))
        return None
    if not _id_and_status(tokens, path, line_no, problems):
        return None
    fmt = parse_format(tokens[2])
    if fmt is None:
        message = f"format {tokens[2]!r} is not a/n/an with a length (an..35, n3)"
        problems.append(schema_problem(path, line_no, message))
        return None
    return ComponentDef(tokens[0], tokens[1] == "M", fmt)


def _id_and_status(tokens: list[str], path: Path, line_no: int, problems: list[str]) -> bool:
    if not _ELEMENT_ID.match(tokens[0]):
        message = f"{tokens[0]!r} is not a data element id (4 characters: 3035, C082)"
        problems.append(schema_problem(path, line_no, message))
        return False
    if tokens[1] not in ("M", "C"):
        message = f"status {tokens[1]!r} of {tokens[0]} must be M or C"
        problems.append(schema_problem(path, line_no, message))
        return False
    return True


def parse_structure(text: str, path: Path, first_line: int, problems: list[str]) -> list[Node]:
    """Indented `TAG|SGn M|C max` lines to a tree; a group's lines are indented below it."""
    root = Node("", True, 1, 0)
    stack: list[tuple[int, Node]] = [(-1, root)]
    for offset, raw in enumerate(text.splitlines()):
        line_no = first_line + offset
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        node = _structure_line(line.split(), path, line_no, problems)
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if parent is not root and not GROUP_NAME.match(parent.name):
            message = f"{line.strip()!r} is indented below segment {parent.name}, not a group"
            problems.append(schema_problem(path, line_no, message))
        if node is None:
            continue
        parent.children.append(node)
        stack.append((indent, node))
    return root.children


def _structure_line(
    tokens: list[str], path: Path, line_no: int, problems: list[str]
) -> Node | None:
    if len(tokens) != 3 or tokens[1] not in ("M", "C") or not tokens[2].isdigit():
        message = f"{' '.join(tokens)!r}: expected `TAG M|C max` or `SGn M|C max`"
        problems.append(schema_problem(path, line_no, message))
        return None
    name = tokens[0]
    if not (_SEGMENT_TAG.match(name) or GROUP_NAME.match(name)):
        message = f"{name!r} is neither a segment tag (NAD) nor a group name (SG2)"
        problems.append(schema_problem(path, line_no, message))
        return None
    return Node(name, tokens[1] == "M", int(tokens[2]), line_no)
