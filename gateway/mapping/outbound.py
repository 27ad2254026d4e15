"""Outbound mappings: one canonical document -> the body segments of one EDIFACT message.

A mapping file lists `segments` in order, each as ``[TAG, element, ...]`` where an element
is a string or a list of component strings. A string is either a literal code (``"231"``)
or a placeholder ``"{path}"`` / ``"{path|converter}"`` naming a canonical field. Rules:
a composite whose placeholders are all empty is left out whole (so ``["{gtin}", "EN"]``
never writes a lone ``:EN``); a segment whose placeholders are all empty is not written
unless it says ``always = true`` (a mandatory segment such as DESADV PAC); a segment with
``when = "line.backordered_quantity"`` is written only when that field has a value (so a
unit alone never makes a ``QTY+83::KGM``); trailing empty elements and components are
trimmed.

Loops. ``for_each = "line in lines"`` repeats a run of consecutive segments for every
entry of a list. A loop may be nested in the loop of the segments just before it by
naming that loop's variable: ``for_each = "item in package.lines"`` after segments with
``for_each = "package in packages"`` writes, for each package, its own segments and then
the segments of each of its lines (DESADV SG10 CPS .. SG17 LIN).

Numbers. Inside a loop, ``{package@number}`` is the item's number: its 1-based position,
or counted from ``number.from``. A loop whose list is a flattened tree (each item naming
its parent's key) declares it once, on any of its segments::

    for_each = "package in packages"
    number = { from = 2, key = "sscc", parent = "parent_sscc", root = "1" }
    segment = ["CPS", "{package@number}", "{package@parent}"]

and ``{package@parent}`` is then the number of the item whose ``key`` equals this item's
``parent``, or ``root`` for an item without a parent. This is the CPS 7164 hierarchical id
/ 7166 parent id rule (and X12 HL01/HL02): the consignment is level 1, packages follow.
A parent must come before its children in the list.

Counts. ``{@count:LIN}`` is the number of LIN segments written so far in the message: the
CNT C270 control total (6069 = 2, number of line items) whatever the nesting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.errors import Issue, Location, MappingError
from gateway.formats.segments import Segment
from gateway.mapping.converters import ConversionError, OutContext
from gateway.mapping.rules import OutFunc
from gateway.model import Document

# Loop variables' numbers are kept in the scope under "<variable>@number" / "@parent".
LOOP_FIELDS = ("number", "parent")


@dataclass(frozen=True)
class Slot:
    """One component of a segment template: a literal, or a canonical path with a converter.

    `meta` is a loop number (``number``/``parent`` of the loop variable in `path`) or, with
    an empty path, ``count:<TAG>``.
    """

    literal: str | None = None
    path: tuple[str, ...] = ()
    convert: OutFunc | None = None
    source: str = ""
    meta: str | None = None


@dataclass(frozen=True)
class Numbering:
    """How a loop numbers its items: first number, and the key/parent fields of a tree."""

    start: int = 1
    key: tuple[str, ...] = ()
    parent: tuple[str, ...] = ()
    root: str = ""


@dataclass(frozen=True)
class Loop:
    """``for_each = "line in lines"``: the variable name and the list's path."""

    variable: str
    path: tuple[str, ...]
    numbering: Numbering = Numbering()


@dataclass(frozen=True)
class SegmentTemplate:
    """One segment to write, once or once per entry of each enclosing loop (outer first)."""

    name: str
    tag: str
    elements: tuple[tuple[Slot, ...], ...]
    loops: tuple[Loop, ...] = ()
    always: bool = False
    when: tuple[str, ...] = ()

    @property
    def loop(self) -> Loop | None:
        """The innermost loop, or None for a segment written once."""
        return self.loops[-1] if self.loops else None


class _Render:
    """The state of one apply(): context, segments written per tag and the issues found."""

    def __init__(self, context: OutContext) -> None:
        self.context = context
        self.issues: list[Issue] = []
        self.written: Counter[str] = Counter()

    def segment(self, template: SegmentTemplate, scope: Mapping[str, object]) -> Segment | None:
        """The segment for the given values, or None when it has nothing to say."""
        if template.when and _empty(_resolve(template.when, scope)):
            return None
        elements: list[tuple[str, ...]] = []
        placeholders = values = 0
        for slots in template.elements:
            texts = [self.slot(template, s, scope) for s in slots]
            filled = [t for s, t in zip(slots, texts, strict=True) if s.literal is None]
            placeholders += len(filled)
            values += sum(1 for t in filled if t)
            keep = not filled or any(filled)
            elements.append(_trim(tuple(texts)) if keep else ())
        if placeholders and not values and not template.always:
            return None
        while elements and not elements[-1]:
            elements.pop()
        self.written[template.tag] += 1
        return Segment(template.tag, tuple(e or ("",) for e in elements))

    def slot(self, template: SegmentTemplate, slot: Slot, scope: Mapping[str, object]) -> str:
        """The text of one component."""
        if slot.literal is not None:
            return slot.literal
        value = self.value(slot, scope)
        if value is None or slot.convert is None:
            return "" if value is None else str(value)
        try:
            return slot.convert(value, self.context) or ""
        except ConversionError as exc:
            where = Location(segment_tag=template.tag, xpath=".".join(slot.path))
            message = f"{template.tag} {slot.source}: '{value}' {exc.reason}"
            self.issues.append(Issue(exc.code, message, where))
            return ""

    def value(self, slot: Slot, scope: Mapping[str, object]) -> object:
        """A canonical value, a loop number or a count of segments written."""
        if slot.meta is None:
            return _resolve(slot.path, scope)
        if not slot.path:
            return self.written[slot.meta.partition(":")[2]]
        return scope.get(f"{slot.path[0]}@{slot.meta}")


def _resolve(path: Sequence[str], scope: Mapping[str, object]) -> object:
    """Follow an attribute path from a loop variable or the document itself."""
    value: object = (
        scope.get(path[0], None) if path[0] in scope else getattr(scope[""], path[0], None)
    )
    for name in path[1:]:
        if value is None:
            return None
        value = getattr(value, name, None)
    return value


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, (str, tuple, list)) and not value)


def _trim(components: tuple[str, ...]) -> tuple[str, ...]:
    end = len(components)
    while end and not components[end - 1]:
        end -= 1
    return components[:end]


def _key(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class _Iteration:
    """The loop being expanded and where its segments start, for numbering problems."""

    loop: Loop
    tag: str

    def scopes(self, scope: Mapping[str, object], render: _Render) -> Iterator[dict[str, Any]]:
        """One scope per list entry, with the entry's number and parent number."""
        found = _resolve(self.loop.path, scope)
        items: Sequence[object] = found if isinstance(found, (list, tuple)) else ()
        numbering, variable = self.loop.numbering, self.loop.variable
        numbers: dict[str, int] = {}
        for index, item in enumerate(items):
            number = numbering.start + index
            inner = {**scope, variable: item, f"{variable}@number": str(number)}
            if numbering.key:
                inner[f"{variable}@parent"] = self.parent(item, index, numbers, render)
                numbers.setdefault(_key(_resolve(numbering.key, {"": item})), number)
            yield inner

    def parent(self, item: object, index: int, numbers: Mapping[str, int], render: _Render) -> str:
        """The number of the item's parent (listed before it), or the root number."""
        numbering = self.loop.numbering
        wanted = _key(_resolve(numbering.parent, {"": item}))
        if not wanted:
            return numbering.root
        if wanted in numbers:
            return str(numbers[wanted])
        where = ".".join(self.loop.path)
        field = ".".join(numbering.parent)
        message = (
            f"{self.tag}: {where}[{index}].{field} {wanted!r} is not the "
            f"{'.'.join(numbering.key)} of an earlier entry of {where}; list parents "
            "before their children"
        )
        render.issues.append(
            Issue("mapping.parent", message, Location(segment_tag=self.tag, xpath=where))
        )
        return ""


@dataclass(frozen=True)
class OutboundMapping:
    """A loaded outbound mapping: canonical document -> EDIFACT body segments."""

    source: str
    standard: str
    message_type: str
    version: str
    agency: str
    association: str | None
    document_type: str
    segments: tuple[SegmentTemplate, ...]
    partner: str | None = None

    def apply(self, document: Document, decimal_mark: str = ".") -> list[Segment]:
        """Body segments (BGM .. UNS/CNT) without UNH/UNT; MappingError lists every problem."""
        render = _Render(OutContext(decimal_mark))
        out = _render_run(self.segments, 0, {"": document}, render)
        if render.issues:
            count = len(render.issues)
            message = (
                f"{self.document_type} could not be rendered as {self.message_type}"
                f" {self.version} ({count} problem{'s' if count != 1 else ''};"
                f" mapping {self.source})"
            )
            raise MappingError(message, render.issues)
        return out


def _render_run(
    templates: Sequence[SegmentTemplate], depth: int, scope: dict[str, Any], render: _Render
) -> list[Segment]:
    """Write templates at loop depth `depth`; deeper runs repeat once per list entry."""
    out: list[Segment] = []
    index = 0
    while index < len(templates):
        template = templates[index]
        if len(template.loops) <= depth:
            if (seg := render.segment(template, scope)) is not None:
                out.append(seg)
            index += 1
            continue
        block = _block(templates, index, depth)
        iteration = _Iteration(template.loops[depth], template.tag)
        for inner in iteration.scopes(scope, render):
            out.extend(_render_run(block, depth + 1, inner, render))
        index += len(block)
    return out


def _block(templates: Sequence[SegmentTemplate], index: int, depth: int) -> list[SegmentTemplate]:
    """The run of consecutive templates inside the same loop at `depth` as the one at `index`."""
    loop = templates[index].loops[depth]
    block: list[SegmentTemplate] = []
    for template in templates[index:]:
        if len(template.loops) <= depth or template.loops[depth] != loop:
            break
        block.append(template)
    return block
