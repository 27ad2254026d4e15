"""Outbound mappings: one canonical document -> the body segments of one message or X12 set.

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

Counts. ``{@count:LIN}`` is the number of LIN segments written so far in the message,
this one included when the segment is itself a LIN: the CNT C270 control total (6069 = 2,
number of line items) whatever the nesting, and X12 CTT01.

Nested loops without segments of their own. ``for_each`` may list the loops from the
outermost in: ``for_each = ["package in packages", "item in package.lines"]`` writes a
segment per line of every package when nothing is written per package (X12 856 S/O/I).

X12 element pairs. An element may be ``{ pairs = [["UP", "{line.gtin}"], ["IN",
"{line.buyer_part}"]] }``: qualifier/value elements (235/234 in PO1, LIN, IT1; 374/373 in
ACK04/05; 66/67 in N103/04), written only when the value has one, packed from the first
position of the block so that no qualifier stands without its value (X12 paired syntax
notes). A pair may carry a third element that goes with the value, such as its unit
(TD106/TD107/TD108 ``["G", "{package.gross_weight_kg|x12_decimal}", "KG"]``). The block
always spans all its elements, so elements after it keep their positions. A value whose
qualifier is empty is a problem, not a lone value.

X12 HL hierarchy. One counter runs over the whole hierarchy: HL01 is ``{@count:HL}``. A
loop numbered ``number = { from = "HL", ... }`` (a tag instead of a first number) gives each
entry the HL01 its first HL segment gets, so ``{package@number}`` is the package's HL01
and, with ``key``/``parent``/``root``, ``{package@parent}`` is its parent's HL01 (HL02);
segments of a loop nested in it name ``{package@number}`` as their HL02. ``{@hl_child}``
is HL04: 1 when the HL written next is subordinate to this one (its HL02 is this HL01),
else 0; it is filled in once the whole transaction set is written.
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
from gateway.mapping.x12_hierarchy import HL_CHILD, fill_hl_children
from gateway.model import Document

# Loop variables' numbers are kept in the scope under "<variable>@number" / "@parent".
LOOP_FIELDS = ("number", "parent")


@dataclass(frozen=True)
class Slot:
    """One component of a segment template: a literal, or a canonical path with a converter.

    `meta` is a loop number (``number``/``parent`` of the loop variable in `path`) or, with
    an empty path, ``count:<TAG>`` or ``hl_child``.
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
    # A segment tag (`from = "HL"`): each entry is numbered as the next segment with that tag.
    count: str = ""


Components = tuple[Slot, ...]


@dataclass(frozen=True)
class Pairs:
    """X12 qualifier/value element pairs, written only when the value has one, packed left.

    Each entry is (qualifier, value) or (qualifier, value, what goes with the value, such as
    its unit).
    """

    pairs: tuple[tuple[Components, ...], ...]


TemplateElement = Components | Pairs


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
    elements: tuple[TemplateElement, ...]
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
        tally = _Tally()
        for element in template.elements:
            if isinstance(element, Pairs):
                elements.extend(self.pairs(template, element, scope, tally))
            else:
                elements.append(self.composite(template, element, scope, tally))
        if tally.placeholders and not tally.values and not template.always:
            return None
        while elements and not elements[-1]:
            elements.pop()
        self.written[template.tag] += 1
        return Segment(template.tag, tuple(e or ("",) for e in elements))

    def composite(
        self, template: SegmentTemplate, slots: Components, scope: Mapping[str, object],
        tally: _Tally,
    ) -> tuple[str, ...]:  # fmt: skip
        """One element's components; empty when it has placeholders and all are empty."""
        texts = [self.slot(template, s, scope) for s in slots]
        filled = [t for s, t in zip(slots, texts, strict=True) if s.literal is None]
        tally.placeholders += len(filled)
        tally.values += sum(1 for t in filled if t)
        keep = not filled or any(filled)
        return _trim(tuple(texts)) if keep else ()

    def pairs(
        self, template: SegmentTemplate, block: Pairs, scope: Mapping[str, object],
        tally: _Tally,
    ) -> list[tuple[str, ...]]:  # fmt: skip
        """The pairs that have a value, packed, then empty elements to the block's width."""
        written: list[tuple[str, ...]] = []
        for entry in block.pairs:
            own, before = _Tally(), len(self.issues)
            qualifier, value, *more = [self.composite(template, e, scope, own) for e in entry]
            tally.placeholders += own.placeholders
            if not value:
                continue
            tally.values += 1
            # A qualifier that failed its conversion is reported already.
            if not qualifier and len(self.issues) == before:
                self.lone_value(template, entry[1], value)
            written += [qualifier, value, *more]
        return written + [()] * (sum(len(e) for e in block.pairs) - len(written))

    def lone_value(
        self, template: SegmentTemplate, slots: Components, value: tuple[str, ...]
    ) -> None:
        """Record a value whose qualifier is empty: X12 writes the two as a pair or not at all."""
        source = " ".join(s.source or s.literal or "" for s in slots)
        message = (
            f"{template.tag} {source}: '{value[0]}' has no qualifier to go with it (the element"
            " before it in the pair is empty); an X12 id or date is written with its qualifier"
        )
        where = Location(segment_tag=template.tag, xpath=source)
        self.issues.append(Issue("mapping.pair", message, where))

    def slot(self, template: SegmentTemplate, slot: Slot, scope: Mapping[str, object]) -> str:
        """The text of one component."""
        if slot.literal is not None:
            return slot.literal
        if slot.meta == "hl_child":
            return HL_CHILD
        value = self.value(slot, scope, template.tag)
        if value is None or slot.convert is None:
            return "" if value is None else str(value)
        try:
            return slot.convert(value, self.context) or ""
        except ConversionError as exc:
            where = Location(segment_tag=template.tag, xpath=".".join(slot.path))
            message = f"{template.tag} {slot.source}: '{value}' {exc.reason}"
            self.issues.append(Issue(exc.code, message, where))
            return ""

    def value(self, slot: Slot, scope: Mapping[str, object], tag: str) -> object:
        """A canonical value, a loop number or a count of segments written (this one too)."""
        if slot.meta is None:
            return _resolve(slot.path, scope)
        if not slot.path:
            counted = slot.meta.partition(":")[2]
            return self.written[counted] + (1 if counted == tag else 0)
        return scope.get(f"{slot.path[0]}@{slot.meta}")


@dataclass
class _Tally:
    """Placeholders met in a segment and how many of them had a value."""

    placeholders: int = 0
    values: int = 0


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
            # Counted: the number the entry's first `count` segment is about to get (HL01).
            count = numbering.count
            number = render.written[count] + 1 if count else numbering.start + index
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
    """A loaded outbound mapping: canonical document -> EDIFACT or X12 body segments."""

    source: str
    standard: str
    message_type: str
    version: str
    agency: str
    association: str | None
    document_type: str
    segments: tuple[SegmentTemplate, ...]
    partner: str | None = None
    # A named alternative of the same message (e.g. the 856 hierarchy SOPI or SOI), and the
    # variant used when none is asked for.
    variant: str | None = None
    default_variant: str | None = None

    def apply(self, document: Document, decimal_mark: str = ".") -> list[Segment]:
        """The body segments, without UNH/UNT or ST/SE; MappingError lists every problem."""
        render = _Render(OutContext(decimal_mark))
        out = fill_hl_children(_render_run(self.segments, 0, {"": document}, render))
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
