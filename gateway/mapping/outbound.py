"""Outbound mappings: one canonical document -> the body segments of one EDIFACT message.

A mapping file lists `segments` in order, each as ``[TAG, element, ...]`` where an element
is a string or a list of component strings. A string is either a literal code (``"231"``)
or a placeholder ``"{path}"`` / ``"{path|converter}"`` naming a canonical field. Rules:
a composite whose placeholders are all empty is left out whole (so ``["{gtin}", "EN"]``
never writes a lone ``:EN``); a segment whose placeholders are all empty is not written;
trailing empty elements and components are trimmed. ``for_each = "line in lines"``
repeats a run of consecutive segments for every entry of a list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.errors import Issue, Location, MappingError
from gateway.formats.segments import Segment
from gateway.mapping.converters import ConversionError, OutContext
from gateway.mapping.rules import OutFunc
from gateway.model import Document


@dataclass(frozen=True)
class Slot:
    """One component of a segment template: a literal, or a canonical path with a converter."""

    literal: str | None = None
    path: tuple[str, ...] = ()
    convert: OutFunc | None = None
    source: str = ""


@dataclass(frozen=True)
class Loop:
    """``for_each = "line in lines"``: the variable name and the list's path."""

    variable: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class SegmentTemplate:
    """One segment to write, optionally once per entry of a list."""

    name: str
    tag: str
    elements: tuple[tuple[Slot, ...], ...]
    loop: Loop | None = None


class _Render:
    """The state of one apply(): context and the issues found so far."""

    def __init__(self, context: OutContext) -> None:
        self.context = context
        self.issues: list[Issue] = []

    def segment(self, template: SegmentTemplate, scope: Mapping[str, object]) -> Segment | None:
        """The segment for the given values, or None when it has nothing to say."""
        elements: list[tuple[str, ...]] = []
        placeholders = values = 0
        for slots in template.elements:
            texts = [self.slot(template, s, scope) for s in slots]
            filled = [t for s, t in zip(slots, texts, strict=True) if s.literal is None]
            placeholders += len(filled)
            values += sum(1 for t in filled if t)
            keep = not filled or any(filled)
            elements.append(_trim(tuple(texts)) if keep else ())
        if placeholders and not values:
            return None
        while elements and not elements[-1]:
            elements.pop()
        return Segment(template.tag, tuple(e or ("",) for e in elements))

    def slot(self, template: SegmentTemplate, slot: Slot, scope: Mapping[str, object]) -> str:
        """The text of one component."""
        if slot.literal is not None:
            return slot.literal
        value = _resolve(slot.path, scope)
        if value is None or slot.convert is None:
            return "" if value is None else str(value)
        try:
            return slot.convert(value, self.context) or ""
        except ConversionError as exc:
            where = Location(segment_tag=template.tag, xpath=".".join(slot.path))
            message = f"{template.tag} {slot.source}: '{value}' {exc.reason}"
            self.issues.append(Issue(exc.code, message, where))
            return ""


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


def _trim(components: tuple[str, ...]) -> tuple[str, ...]:
    end = len(components)
    while end and not components[end - 1]:
        end -= 1
    return components[:end]


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
        scope: dict[str, Any] = {"": document}
        out: list[Segment] = []
        index = 0
        while index < len(self.segments):
            block = self._block(index)
            out.extend(self._render_block(block, render, scope))
            index += len(block)
        if render.issues:
            count = len(render.issues)
            message = (
                f"{self.document_type} could not be rendered as {self.message_type}"
                f" {self.version} ({count} problem{'s' if count != 1 else ''};"
                f" mapping {self.source})"
            )
            raise MappingError(message, render.issues)
        return out

    def _block(self, index: int) -> list[SegmentTemplate]:
        """The run of consecutive templates that share the loop of the one at `index`."""
        loop = self.segments[index].loop
        block = [self.segments[index]]
        if loop is None:
            return block
        for template in self.segments[index + 1 :]:
            if template.loop != loop:
                break
            block.append(template)
        return block

    def _render_block(
        self, block: list[SegmentTemplate], render: _Render, scope: dict[str, Any]
    ) -> list[Segment]:
        loop = block[0].loop
        items: Sequence[object] = [None]
        if loop is not None:
            found = _resolve(loop.path, scope)
            items = found if isinstance(found, (list, tuple)) else ()
        out: list[Segment] = []
        for item in items:
            inner = scope if loop is None else {**scope, loop.variable: item}
            out.extend(s for t in block if (s := render.segment(t, inner)) is not None)
        return out
