"""The compiled form of an outbound XML template: elements with placeholders and directives.

A template is the output document as it should look, written in XML. Text and attribute
values hold ``{path}`` or ``{path|converter}`` placeholders (``{{`` and ``}}`` are literal
braces); directives are attributes in the namespace ``urn:edi-gateway:template`` (prefix
``gw``), removed from the output with their namespace declaration:

- ``gw:for-each="line in lines"`` repeats the element once per entry of a list; inside it,
  ``line`` is the entry and ``line_index`` its 1-based position. Loops nest in child
  elements; one element may also repeat over nested lists at once, the loops written
  outermost first: ``gw:for-each="carton in packages, item in carton.lines"`` writes it once
  per item of every carton (UBL DespatchLine). There ``carton_index`` is the carton's position
  and ``item_index``, of the last loop, numbers the element's repetitions (1..N over all
  cartons), so that it can serve as a line number.
- ``gw:when="path"`` keeps the element only when the value is non-empty (or true);
  ``gw:when="path=v1|v2"`` only when it is one of those values (an enum by its value);
  ``gw:unless`` is the opposite. Conditions are read inside the element's own loop.
- ``gw:required="true"``: the element must be written; when pruning would leave it out (or
  its loop has no entry) the render fails naming the element, its fields and the mapping.
- ``gw:keep="true"``: the element is written even when pruning would leave it out, empty if
  need be: a schema's mandatory container whose content is all optional (UBL cac:Item).

Pruning: an attribute whose placeholders are all empty is left out; an element whose own
text placeholders are all empty is left out; an element left with no text, no attribute
from a placeholder and no child element, that had children or placeholders in the template,
is left out. Static elements (literal text, no placeholders) are always written.
Whitespace-only text is indentation and is dropped; so is the whitespace, up to and
including a line break, that starts or ends a text. Comments are not copied.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.mapping.rules import OutFunc

GW = "urn:edi-gateway:template"
DIRECTIVES = ("for-each", "when", "unless", "required", "keep")

# Values the pipeline passes to every render as `envelope.<key>` (strings, "" when unknown).
ENVELOPE_KEYS: dict[str, frozenset[str]] = {
    "UBL": frozenset({"timestamp", "uuid", "issue_time", "test", "peppol"}),
    "CXML": frozenset(
        {
            "timestamp", "uuid", "issue_time", "test", "payload_id", "deployment_mode",
            "from_domain", "from_identity", "to_domain", "to_identity", "sender_domain",
            "sender_identity", "user_agent", "order_payload_id", "order_id",
        }
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Placeholder:
    """``{path}`` or ``{path|converter}``: a canonical value written as text."""

    path: tuple[str, ...]
    convert: OutFunc | None = None
    source: str = ""


Part = str | Placeholder


@dataclass(frozen=True)
class Text:
    """A text or attribute value: literal pieces and placeholders in order."""

    parts: tuple[Part, ...] = ()

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        """The placeholders in this text."""
        return tuple(p for p in self.parts if isinstance(p, Placeholder))

    def __bool__(self) -> bool:
        return bool(self.parts)


@dataclass(frozen=True)
class Attribute:
    """An attribute of a template element (name in Clark notation, ``{ns}local``)."""

    name: str
    value: Text


@dataclass(frozen=True)
class Condition:
    """``gw:when`` / ``gw:unless``: a path, optionally the values it must have."""

    path: tuple[str, ...]
    values: tuple[str, ...] = ()
    negate: bool = False
    source: str = ""


@dataclass(frozen=True)
class Loop:
    """``gw:for-each="line in lines"``: the variable and the list's path."""

    variable: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class Node:
    """One template element with its directives, text and children."""

    tag: str
    where: str  # its path in the template with prefixes: /ubl:Invoice/cac:InvoiceLine
    line: int
    namespaces: tuple[tuple[str | None, str], ...] = ()  # declared on this element
    attributes: tuple[Attribute, ...] = ()
    text: Text = Text()
    tail: Text = Text()  # text after the element inside its parent (mixed content)
    children: tuple[Node, ...] = ()
    loops: tuple[Loop, ...] = ()  # outermost first
    conditions: tuple[Condition, ...] = ()
    required: bool = False
    keep: bool = False

    @property
    def had_content(self) -> bool:
        """True when the template gave it children or placeholders (it may then vanish)."""
        return bool(self.children) or bool(self.own_placeholders) or _attribute_placeholders(self)

    @property
    def own_placeholders(self) -> tuple[Placeholder, ...]:
        """Placeholders of its own text: before, between and after its child elements."""
        found = list(self.text.placeholders)
        for child in self.children:
            found += child.tail.placeholders
        return tuple(found)

    def fields(self) -> list[str]:
        """Every placeholder path in the element and below, as written, without repeats."""
        found = [p.source for p in self.own_placeholders]
        found += [p.source for a in self.attributes for p in a.value.placeholders]
        for child in self.children:
            found += [f for f in child.fields() if f not in found]
        return list(dict.fromkeys(found))


def _attribute_placeholders(node: Node) -> bool:
    return any(a.value.placeholders for a in node.attributes)


@dataclass(frozen=True)
class XmlTemplate:
    """A compiled template: the root element, the DOCTYPE to write and where it came from."""

    shown: str
    root: Node
    doctype: str | None = None
