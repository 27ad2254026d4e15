"""Render a compiled XML template with one canonical document and the pipeline's envelope.

Loops repeat elements, conditions keep or drop them, placeholders are filled, then empty
attributes and elements are pruned (rules in `xml_template`). Problems (a value a converter
refuses, a required element left empty) are collected, not raised one by one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from gateway.errors import Issue, Location
from gateway.mapping.converters import ConversionError, OutContext
from gateway.mapping.xml_template import Condition, Loop, Node, Placeholder, Text, XmlTemplate

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class Scope:
    """What placeholders see: the document, the envelope, loop variables and where we are."""

    document: object
    envelope: Mapping[str, str]
    values: Mapping[str, object] = field(default_factory=dict)
    trail: str = ""  # the loop entries we are in, for messages: "lines[2]"

    def resolve(self, path: tuple[str, ...]) -> object:
        """The value at a path ("" for an envelope value the pipeline did not pass)."""
        head = path[0]
        if head == "envelope":
            return self.envelope.get(path[1], "")
        value = self.values[head] if head in self.values else getattr(self.document, head, None)
        for name in path[1:]:
            if value is None:
                return None
            value = getattr(value, name, None)
        return value

    def entries(self, loops: tuple[Loop, ...]) -> list[Scope]:
        """One scope per entry of the loops, outermost first (the scope itself for none).

        The last loop's index numbers the repetitions of the element (1..N over all the
        entries of the outer loops), so that a flattened loop can number lines.
        """
        scopes = [self]
        for loop in loops:
            scopes = [inner for scope in scopes for inner in scope.loop(loop)]
        if len(loops) > 1:
            index = f"{loops[-1].variable}_index"
            scopes = [s.numbered(index, n) for n, s in enumerate(scopes, start=1)]
        return scopes

    def loop(self, loop: Loop) -> Iterator[Scope]:
        """One scope per entry of one list."""
        found = self.resolve(loop.path)
        items = found if isinstance(found, (list, tuple)) else ()
        where = ".".join(loop.path)
        for index, item in enumerate(items, start=1):
            values = {**self.values, loop.variable: item, f"{loop.variable}_index": index}
            trail = f"{self.trail}, {where}[{index}]" if self.trail else f"{where}[{index}]"
            yield Scope(self.document, self.envelope, values, trail)

    def numbered(self, name: str, number: int) -> Scope:
        """The same scope with one index replaced."""
        return Scope(self.document, self.envelope, {**self.values, name: number}, self.trail)


@dataclass
class _Tally:
    """Placeholders met in a text and how many had a value."""

    placeholders: int = 0
    values: int = 0


class TemplateRender:
    """One render of a template: the issues found while filling it."""

    def __init__(self, template: XmlTemplate, source: str) -> None:
        self.template = template
        self.source = source
        self.context = OutContext()
        self.issues: list[Issue] = []

    def document(self, scope: Scope) -> bytes:
        """The whole document: XML declaration, DOCTYPE, root element, indented by two."""
        root_node = self.template.root
        root = etree.Element(root_node.tag, nsmap=dict(root_node.namespaces))
        if not self.fill(root, root_node, scope) and root_node.required:
            self.required(root_node, scope)
        head = XML_DECLARATION
        if self.template.doctype:
            head += self.template.doctype.encode("utf-8") + b"\n"
        return head + etree.tostring(root, encoding="UTF-8", xml_declaration=False,
                                     pretty_print=True)  # fmt: skip

    def children(self, parent: etree._Element, node: Node, scope: Scope) -> _Tally:
        """Write the node's children into `parent`; the tally of its own text placeholders."""
        tally = _Tally()
        for child in node.children:
            entries = scope.entries(child.loops)
            if child.required and child.loops and not entries:
                lists = " / ".join(".".join(loop.path) for loop in child.loops)
                self.required(child, scope, f"{lists} has no entry")
            for entry in entries:
                self.child(parent, child, entry)
                _append_text(parent, self.text(child.tail, entry, child, tally))
        return tally

    def child(self, parent: etree._Element, node: Node, scope: Scope) -> None:
        """One element for one loop entry, left out when a condition or pruning says so."""
        if not all(self.holds(c, scope) for c in node.conditions):
            return
        element = etree.SubElement(parent, node.tag, nsmap=dict(node.namespaces) or None)
        if not self.fill(element, node, scope) and not node.keep:
            parent.remove(element)
            if node.required:
                self.required(node, scope)

    def fill(self, element: etree._Element, node: Node, scope: Scope) -> bool:
        """Attributes, text and children of one element; False when it is to be left out."""
        tally = _Tally()
        element.text = self.text(node.text, scope, node, tally) or None
        own = self.children(element, node, scope)
        tally.placeholders += own.placeholders
        tally.values += own.values
        if tally.placeholders and not tally.values:
            return False
        from_placeholders = self.attributes(element, node, scope)
        has_text = bool(element.text) or any(c.tail for c in element)
        if has_text or from_placeholders or len(element):
            return True
        return not node.had_content

    def attributes(self, element: etree._Element, node: Node, scope: Scope) -> int:
        """Set the attributes that have a value; how many came from placeholders."""
        written = 0
        for attribute in node.attributes:
            tally = _Tally()
            value = self.text(attribute.value, scope, node, tally)
            if tally.placeholders and not tally.values:
                continue
            element.set(attribute.name, value)
            written += 1 if tally.placeholders else 0
        return written

    def text(self, text: Text, scope: Scope, node: Node, tally: _Tally) -> str:
        """A text with its placeholders filled; the tally counts them and their values."""
        pieces: list[str] = []
        for part in text.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = self.value(part, scope, node)
            tally.placeholders += 1
            tally.values += 1 if value else 0
            pieces.append(value)
        return "".join(pieces)

    def value(self, placeholder: Placeholder, scope: Scope, node: Node) -> str:
        """One placeholder's text ("" when the value is missing or refused)."""
        value = scope.resolve(placeholder.path)
        if _empty(value):
            return ""
        if placeholder.convert is None:
            return plain_text(value)
        try:
            return placeholder.convert(value, self.context) or ""
        except ConversionError as exc:
            what = f"{placeholder.source}: {plain_text(value)!r} {exc.reason}"
            self.issue(exc.code, node, scope, what)
            return ""

    def holds(self, condition: Condition, scope: Scope) -> bool:
        """Whether a gw:when (or gw:unless) lets the element be written."""
        value = scope.resolve(condition.path)
        if condition.values:
            met = not _empty(value) and plain_text(value) in condition.values
        else:
            met = not _empty(value) and value is not False
        return met != condition.negate

    def required(self, node: Node, scope: Scope, why: str = "") -> None:
        """Record a required element that would not be written."""
        fields = ", ".join(node.fields()) or "no field"
        reason = why or f"every field it is written from is empty ({fields})"
        self.issue("mapping.required", node, scope, f"is required but {reason}")

    def issue(self, code: str, node: Node, scope: Scope, what: str) -> None:
        """Record a problem at a template element, for the loop entry being written."""
        entry = f" (for {scope.trail})" if scope.trail else ""
        message = f"{node.where}{entry}: {what}; mapping {self.source}"
        where = Location(self.template.shown, xpath=node.where, line=node.line)
        self.issues.append(Issue(code, message, where))


def plain_text(value: object) -> str:
    """A value without converter: enums by value, numbers without exponent, ISO dates."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, (str, tuple, list)) and not value)


def _append_text(parent: etree._Element, text: str) -> None:
    """Add text after the last child written (or to the parent's own text)."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
