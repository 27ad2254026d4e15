"""Inbound mappings: one EDIFACT message (UNH..UNT) or X12 set (ST..SE) -> one document.

A mapping file declares `fields` (one canonical field each, picked by selectors and turned
into a value by a named converter) and `groups` (repeating segment groups such as the NAD
party groups or the LIN line groups, each building a nested canonical object).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gateway.errors import Issue, Location, MappingError
from gateway.formats.segments import Segment
from gateway.mapping.codes import CodeTable
from gateway.mapping.converters import ConversionError, InContext
from gateway.mapping.rules import InFunc
from gateway.mapping.selectors import Picked, Selector
from gateway.model import (
    Document,
    FunctionalAck,
    Invoice,
    OrderResponse,
    PurchaseOrder,
    ShipNotice,
)

_DOCUMENT_CLASSES = (PurchaseOrder, OrderResponse, ShipNotice, Invoice, FunctionalAck)


@dataclass(frozen=True)
class FieldRule:
    """How one canonical field is found and converted."""

    name: str
    selectors: tuple[Selector, ...]
    convert: InFunc
    label: str
    required: bool = False
    many: bool = False


@dataclass(frozen=True)
class ByCodeRule:
    """Composites whose code component names the canonical field of their value component.

    Used for item identifiers: LIN C212 and PIA C212 carry 7140 (item number) with 7143
    (item type code) and a code table says whether that is the GTIN, the buyer's or the
    seller's part number. The first value for a field wins.

    With `pairs`, the codes and values are simple elements instead: from the selected
    element to the end of the segment, each 235 product/service id qualifier is followed by
    its 234 id (X12 PO106/PO107, PO108/PO109, ...; LIN, IT1 and ACK alike).
    """

    selectors: tuple[Selector, ...]
    value: int
    code: int
    table: CodeTable
    pairs: bool = False


@dataclass(frozen=True)
class GroupRule:
    """A repeating segment group that builds one nested object per occurrence."""

    name: str
    start: str
    members: frozenset[str] | None
    ends: frozenset[str]
    header_only: bool
    item_class: type
    fields: tuple[FieldRule, ...]
    by_code: tuple[ByCodeRule, ...] = ()
    into: str | None = None
    role: FieldRule | None = None
    role_targets: frozenset[str] = frozenset()

    def spans(self, segments: Sequence[Segment]) -> list[list[Segment]]:
        """Each occurrence of the group: its start segment and the segments that belong to it."""
        spans: list[list[Segment]] = []
        current: list[Segment] | None = None
        for seg in segments:
            if seg.tag == self.start:
                current = [seg]
                spans.append(current)
            elif current is not None and self._belongs(seg.tag):
                current.append(seg)
            else:
                current = None
        return spans

    def _belongs(self, tag: str) -> bool:
        if tag in self.ends:
            return False
        return self.members is None or tag in self.members


class _Run:
    """The state of one apply(): context and the issues found so far."""

    def __init__(self, context: InContext, file: str | None, anchor: Segment | None) -> None:
        self.context = context
        self.file = file
        self.anchor = anchor
        self.issues: list[Issue] = []

    def value(self, rule: FieldRule, scope: Sequence[Segment], group: Segment | None) -> object:
        """The converted value of a field in the given segments; None when absent or wrong."""
        if rule.many:
            values = [self.convert(rule, p) for s in rule.selectors for p in s.every(scope)]
            return tuple(v for v in values if v is not None) or None
        picked = next((p for s in rule.selectors if (p := s.first(scope))), None)
        value = None if picked is None else self.convert(rule, picked)
        if value is None and picked is None and rule.required:
            self.missing(rule, scope, group)
        return value

    def convert(self, rule: FieldRule, picked: Picked) -> object:
        """Run the field's converter, recording a conversion problem as an issue."""
        try:
            return rule.convert(picked, self.context)
        except ConversionError as exc:
            where = Location(
                self.file,
                picked.segment.position,
                picked.segment.tag,
                picked.element,
                picked.component,
            )
            shown = picked.text if exc.value is None else exc.value
            message = f"{rule.label} '{shown}' {exc.reason}"
            self.issues.append(Issue(exc.code, message, where))
            return None

    def missing(self, rule: FieldRule, scope: Sequence[Segment], group: Segment | None) -> None:
        """Record a required field that is absent, pointing at the nearest segment."""
        selector = rule.selectors[0]
        seg = next((s for s in scope if selector.matches(s)), None)
        if seg is not None:
            where = Location(self.file, seg.position, seg.tag, selector.element, selector.component)
            message = f"{rule.label} is required but missing in segment {seg.position} ({seg.tag})"
        elif group is not None:
            where = Location(self.file, group.position, group.tag)
            message = (
                f"{rule.label} is required but there is no {selector.tag} segment in the"
                f" group starting at segment {group.position} ({group.tag})"
            )
        else:
            anchor = self.anchor
            where = Location(self.file, anchor.position if anchor else None, selector.tag)
            message = f"{rule.label} is required but the message has no {selector.tag} segment"
        self.issues.append(Issue("mapping.required", message, where))


@dataclass(frozen=True)
class InboundMapping:
    """A loaded inbound mapping: EDIFACT message or X12 set segments -> canonical document."""

    source: str
    standard: str
    message_type: str
    version: str
    document_type: str
    document_class: type
    header_ends: frozenset[str]
    fields: tuple[FieldRule, ...]
    groups: tuple[GroupRule, ...]
    partner: str | None = None

    def apply(
        self, segments: Sequence[Segment], decimal_mark: str = ".", file: str | None = None
    ) -> Document:
        """Map one message; MappingError lists every problem found, each with its location."""
        run = _Run(InContext(decimal_mark), file, segments[0] if segments else None)
        header = self._header(segments)
        values: dict[str, object] = {}
        claimed: set[int] = set()
        for group in self.groups:
            scope = header if group.header_only else segments
            for span in group.spans(scope):
                if group.header_only:
                    claimed.update(id(s) for s in span)
                self._place(group, span, run, values)
        free = [s for s in header if id(s) not in claimed]
        for rule in self.fields:
            value = run.value(rule, free, None)
            if value is not None:
                values[rule.name] = value
        document = _build(self.document_class, values, run)
        if run.issues or not isinstance(document, _DOCUMENT_CLASSES):
            raise MappingError(self._failure(len(run.issues), file), run.issues)
        return document

    def _header(self, segments: Sequence[Segment]) -> list[Segment]:
        """The segments before the first detail or summary segment (LIN, UNS)."""
        header: list[Segment] = []
        for seg in segments:
            if seg.tag in self.header_ends:
                break
            header.append(seg)
        return header

    def _place(
        self, group: GroupRule, span: list[Segment], run: _Run, values: dict[str, object]
    ) -> None:
        """Build one group occurrence and put it where the document wants it."""
        target = group.into
        if group.role is not None:
            role = run.value(group.role, span, span[0])
            target = role if isinstance(role, str) else None
        if target is None or (group.into is None and target in values):
            return  # a role the document does not keep, or a second party with the same role
        item = self._item(group, span, run)
        if item is None:
            return
        if group.into is not None:
            existing = values.get(target, ())
            values[target] = (*existing, item) if isinstance(existing, tuple) else (item,)
        else:
            values[target] = item

    def _item(self, group: GroupRule, span: list[Segment], run: _Run) -> object:
        item: dict[str, object] = {}
        for coded in group.by_code:
            _distribute(coded, span, run, item)
        for rule in group.fields:
            value = run.value(rule, span, span[0])
            if value is not None:
                item[rule.name] = value
        return _build(group.item_class, item, run)

    def _failure(self, count: int, file: str | None) -> str:
        where = f" in {file}" if file else ""
        return (
            f"{self.message_type} {self.version}{where} could not be mapped to"
            f" {self.document_type} ({count} problem{'s' if count != 1 else ''}; mapping"
            f" {self.source})"
        )


def _distribute(rule: ByCodeRule, span: list[Segment], run: _Run, item: dict[str, object]) -> None:
    """Assign each coded value (e.g. LIN C212.7140 by its 7143) to the field its code names."""
    for code, value, where in _coded_values(rule, span, run.file):
        if not value or code is None:
            continue
        name = _item_field(rule, code, where, run)
        if name is not None and name not in item:
            item[name] = value


def _coded_values(
    rule: ByCodeRule, span: list[Segment], file: str | None
) -> Iterator[tuple[str | None, str | None, Location]]:
    """Every (code, value, where the code stands) the rule's selectors find, in order."""
    for selector in rule.selectors:
        if rule.pairs:
            for seg in (s for s in span if selector.matches(s)):
                for element in range(selector.element, len(seg.elements) + 1, 2):
                    code, value = seg.value(element), seg.value(element + 1)
                    where = Location(file, seg.position, seg.tag, element)
                    yield _stripped(code), _stripped(value), where
            continue
        for picked in selector.every(span):
            seg = picked.segment
            where = Location(file, seg.position, seg.tag, picked.element, rule.code)
            code = _component(picked.components, rule.code)
            yield code, _component(picked.components, rule.value), where


def _item_field(rule: ByCodeRule, code: str, where: Location, run: _Run) -> str | None:
    """The canonical field a code names, recording a code the table rejects."""
    try:
        return rule.table.lookup(code)
    except ConversionError as exc:
        tag = where.segment_tag
        run.issues.append(Issue(exc.code, f"{tag} item type code '{code}' {exc.reason}", where))
        return None


def _stripped(text: str | None) -> str | None:
    return text.strip() or None if text else None


def _component(components: tuple[str, ...], position: int) -> str | None:
    return components[position - 1].strip() or None if len(components) >= position else None


def _build(cls: type, values: dict[str, object], run: _Run) -> object:
    """The dataclass from the values, or None when a required field was reported missing."""
    try:
        return cls(**values)
    except TypeError:
        return None  # the missing required field has already been reported as an issue
