"""XPath selectors of inbound XML mappings: compiled once at load, evaluated per document.

A mapping file names its prefixes in `[namespaces]`; every XPath of the file is compiled with
that map, so a partner's own prefixes (or a default namespace) do not matter: XPath matches by
namespace URI. A selector picks elements, attributes or text nodes; each picked value keeps the
element it stands in, so a problem can name the element's path and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

# A namespace prefix as XML Namespaces 1.0 allows it (an NCName, ASCII subset).
PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
# `prefix:` in an XPath outside string literals, not an axis (`child::`).
_PREFIX_USE = re.compile(r"(?<![\w.\-])([A-Za-z_][\w.\-]*):(?![:])")
_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
# The prefix every XML document has without declaring it (XML Namespaces 1.0, section 3).
_BUILT_IN = {"xml": "http://www.w3.org/XML/1998/namespace"}


class XPathProblem(ValueError):
    """An XPath of a mapping file that cannot be compiled or names an undeclared prefix."""


@dataclass(frozen=True)
class Found:
    """A value an XPath picked: its text, the element it stands in and how to name it."""

    text: str
    element: etree._Element | None
    attribute: str | None = None
    text_node: bool = False

    @property
    def suffix(self) -> str:
        """What follows the element's path: ``/@unitCode``, ``/text()`` or nothing."""
        if self.attribute is not None:
            return f"/@{self.attribute}"
        return "/text()" if self.text_node else ""

    @property
    def line(self) -> int | None:
        """The line of the element the value stands in."""
        return None if self.element is None else self.element.sourceline


@dataclass(frozen=True)
class XmlSelector:
    """One compiled XPath and the text it was written as."""

    source: str
    xpath: etree.XPath

    def values(self, context: etree._Element) -> list[Found]:
        """Every non-blank value the XPath picks from the context element, in document order."""
        result = self.xpath(context)
        items = result if isinstance(result, list) else [result]
        found = (_found(item, context) for item in items)
        return [f for f in found if f is not None and f.text.strip()]

    def elements(self, context: etree._Element) -> list[etree._Element]:
        """The elements the XPath picks (a group's occurrences); other results are ignored."""
        result = self.xpath(context)
        items = result if isinstance(result, list) else []
        return [i for i in items if isinstance(i, etree._Element) and isinstance(i.tag, str)]


def compile_selector(source: str, namespaces: Mapping[str, str]) -> XmlSelector:
    """Compile an XPath with the file's prefixes; XPathProblem says what is wrong."""
    known = {**_BUILT_IN, **namespaces}
    unknown = sorted(set(_PREFIX_USE.findall(_LITERAL.sub("''", source))) - set(known))
    if unknown:
        declared = ", ".join(sorted(namespaces)) or "none"
        raise XPathProblem(
            f"XPath {source!r} uses prefix {', '.join(unknown)} not declared in [namespaces]"
            f" (declared: {declared})"
        )
    try:
        xpath = etree.XPath(source, namespaces=dict(namespaces))
        # Evaluating once finds what compiling does not: unknown functions, wrong arity.
        xpath(etree.Element("probe"))
    except (etree.XPathSyntaxError, etree.XPathEvalError) as exc:
        raise XPathProblem(f"XPath {source!r} is not valid XPath 1.0: {exc}") from exc
    return XmlSelector(source, xpath)


class PathNamer:
    """Names elements by path, ``/Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity``: the
    prefixes the file uses, a position only where siblings share the name.

    Positions are counted once per parent, so naming every line of a long order stays linear.
    """

    def __init__(self) -> None:
        self._steps: dict[etree._Element, dict[etree._Element, str]] = {}

    def path(self, element: etree._Element) -> str:
        """The element's path from the document element."""
        steps: list[str] = []
        node: etree._Element | None = element
        while node is not None:
            parent = node.getparent()
            steps.append(_name(node) if parent is None else self._children(parent)[node])
            node = parent
        return "/" + "/".join(reversed(steps))

    def _children(self, parent: etree._Element) -> dict[etree._Element, str]:
        known = self._steps.get(parent)
        if known is None:
            children = [(c, c.tag) for c in parent if isinstance(c.tag, str)]
            totals: dict[str, int] = {}
            for _, tag in children:
                totals[tag] = totals.get(tag, 0) + 1
            seen: dict[str, int] = {}
            known = {}
            for child, tag in children:
                seen[tag] = seen.get(tag, 0) + 1
                position = f"[{seen[tag]}]" if totals[tag] > 1 else ""
                known[child] = _name(child) + position
            self._steps[parent] = known
        return known


def _name(node: etree._Element) -> str:
    localname = etree.QName(node).localname
    return f"{node.prefix}:{localname}" if node.prefix else localname


def _found(item: object, context: etree._Element) -> Found | None:
    """A picked XPath result as a value; comments and processing instructions are skipped."""
    if isinstance(item, etree._Element):
        if not isinstance(item.tag, str):
            return None
        return Found("".join(item.itertext()), item)
    if isinstance(item, etree._ElementUnicodeResult):
        return _smart_string(item)
    if isinstance(item, bool):
        return Found("true" if item else "false", context)
    if isinstance(item, float):
        text = str(item)  # an XPath number such as count(...): 2.0 reads as 2
        return Found(text[:-2] if text.endswith(".0") else text, context)
    if isinstance(item, str):
        return Found(item, context)
    return None


def _smart_string(item: etree._ElementUnicodeResult) -> Found:
    """An attribute value or text node with the element it belongs to."""
    parent = item.getparent()
    if item.is_tail and parent is not None:
        parent = parent.getparent()  # a text after a child (or a comment) is the parent's text
    while parent is not None and not isinstance(parent.tag, str):
        parent = parent.getparent()
    if item.is_attribute:
        name = str(item.attrname)
        qname = etree.QName(name)
        return Found(str(item), parent, attribute=qname.localname if qname.namespace else name)
    return Found(str(item), parent, text_node=item.is_text or item.is_tail)
