"""Compile an XML template file into a `XmlTemplate`, checking it against the canonical model.

Every problem is collected with the template file and line: a template that is not
well-formed, an unknown directive, a loop over something that is not a list, a placeholder
path that names no canonical field, an unknown converter or code table.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from gateway.formats.xml_safe import xml_parser
from gateway.mapping.rules import (
    BuildContext,
    dataclass_of,
    field_types,
    item_type,
    out_converter,
    plain_types,
    type_name,
)
from gateway.mapping.xml_template import (
    DIRECTIVES,
    ENVELOPE_KEYS,
    GW,
    Attribute,
    Condition,
    Loop,
    Node,
    Part,
    Placeholder,
    Text,
    XmlTemplate,
)

# One piece of a text: a literal brace pair, a placeholder, a stray brace, or plain text.
_PIECE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]|[^{}]+")
_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
_LOOP = re.compile(r"^\s*([A-Za-z_]\w*)\s+in\s+([\w.]+)\s*$")
# Indentation around a text that has content: whitespace up to and including a line break.
_EDGE = re.compile(r"^\s*\n\s*|\s*\n\s*$")
Variables = Mapping[str, Any]  # loop variable (or <variable>_index) -> its type


@dataclass
class TemplateCompiler:
    """Compiles one template for one document type and standard, collecting problems."""

    document: type
    standard: str
    context: BuildContext
    shown: str
    problems: list[str] = field(default_factory=list)

    def compile(self, path: Path) -> XmlTemplate | None:
        """The compiled template, or None (with a problem) when it cannot be read."""
        try:
            tree = etree.parse(str(path), xml_parser())
        except etree.XMLSyntaxError as exc:
            message = str(exc.msg or exc).split(", line ")[0]
            self.problem(exc.lineno or 0, f"is not a well-formed XML template: {message}")
            return None
        except OSError as exc:
            self.problems.append(f"{self.shown}: cannot be read: {exc}")
            return None
        root = tree.getroot()
        if any(root.get(f"{{{GW}}}{d}") is not None for d in ("for-each", "when", "unless")):
            self.problems.append(
                f"{self.shown} line {root.sourceline}: the root element is written once:"
                " gw:for-each and gw:when belong on the elements inside it"
            )
        node = self.node(root, {}, "", {})
        return XmlTemplate(self.shown, node, tree.docinfo.doctype or None)

    def node(
        self, element: etree._Element, variables: Variables, parent: str,
        parent_ns: Mapping[str | None, str],
    ) -> Node:  # fmt: skip
        """One element, its directives, text and children."""
        where = f"{parent}/{_prefixed(element)}"
        line = element.sourceline or 0
        if etree.QName(element).namespace == GW:
            self.problem(line, f"<{_prefixed(element)}> is not a directive; directives are"
                         f" attributes: {', '.join('gw:' + d for d in DIRECTIVES)}")  # fmt: skip
        directives, attributes = self.split_attributes(element, line)
        loops, variables = self.loops(directives.get("for-each"), variables, line)
        conditions = self.conditions(directives, variables, line)
        required = self.flag("required", directives.get("required"), line)
        keep = self.flag("keep", directives.get("keep"), line)
        if required and keep:
            self.problem(line, "gw:required and gw:keep contradict each other: an element kept"
                         " empty is never missing")  # fmt: skip
        namespaces = {p: u for p, u in element.nsmap.items() if u != GW}
        own = tuple((p, u) for p, u in namespaces.items() if parent_ns.get(p) != u)
        text, children = self.content(element, variables, where, namespaces)
        return Node(
            str(element.tag), where, line, own,
            tuple(Attribute(n, self.text(v, variables, line)) for n, v in attributes),
            text, Text(), tuple(children), loops, conditions, required, keep,
        )  # fmt: skip

    def content(
        self, element: etree._Element, variables: Variables, where: str,
        namespaces: Mapping[str | None, str],
    ) -> tuple[Text, list[Node]]:  # fmt: skip
        """The element's own text and its children, each child with the text that follows it."""
        children: list[Node] = []
        pending: list[str] = [element.text or ""]
        line = element.sourceline or 0
        texts: list[Text] = []
        for child in element:
            if isinstance(child, etree._Entity):
                self.problem(child.sourceline or 0, f"entity reference {child.text} is not"
                             " supported; write the character itself")  # fmt: skip
            if isinstance(child.tag, str):
                texts.append(self.text(_trimmed("".join(pending)), variables, line))
                children.append(self.node(child, variables, where, namespaces))
                pending, line = [], child.sourceline or 0
            # Comments explain the standard to the template's reader; they are not copied.
            pending.append(child.tail or "")
        texts.append(self.text(_trimmed("".join(pending)), variables, line))
        children = [_with_tail(c, t) for c, t in zip(children, texts[1:], strict=True)]
        return texts[0], children

    def split_attributes(
        self, element: etree._Element, line: int
    ) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """Directives (gw:*) apart from the attributes to write."""
        directives: dict[str, str] = {}
        attributes: list[tuple[str, str]] = []
        for name, value in element.attrib.items():
            qname = etree.QName(name)
            if qname.namespace != GW:
                attributes.append((str(name), str(value)))
            elif qname.localname in DIRECTIVES:
                directives[qname.localname] = str(value)
            else:
                known = ", ".join("gw:" + d for d in DIRECTIVES)
                self.problem(line, f"unknown directive gw:{qname.localname} (known: {known})")
        return directives, attributes

    def loops(
        self, text: str | None, variables: Variables, line: int
    ) -> tuple[tuple[Loop, ...], Variables]:
        """``gw:for-each``: its loops, outermost first, and the variables they add."""
        loops: list[Loop] = []
        for loop_text in [] if text is None else text.split(","):
            loop = self.loop(loop_text, variables, line)
            if loop is not None:
                item = self.loop_item(loop, variables, line)
                variables = {**variables, loop.variable: item, f"{loop.variable}_index": int}
                loops.append(loop)
        return tuple(loops), variables

    def loop(self, text: str, variables: Variables, line: int) -> Loop | None:
        """One loop of ``gw:for-each``: ``line in lines``."""
        match = _LOOP.match(text)
        if match is None:
            self.problem(line, f"gw:for-each={text!r} is not 'NAME in PATH' (e.g. 'line in lines')")
            return None
        if match[1] == "envelope" or match[1] in variables:
            self.problem(line, f"gw:for-each={text!r}: the name {match[1]!r} is already taken")
        return Loop(match[1], tuple(match[2].split(".")))

    def loop_item(self, loop: Loop, variables: Variables, line: int) -> Any:
        """The type of the loop's entries, or None (with a problem) when it is not a list."""
        annotation = self.path_type(loop.path, variables, line, "gw:for-each")
        if annotation is None:
            return None
        element = item_type(annotation)
        if element is None:
            self.problem(line, f"gw:for-each: {'.'.join(loop.path)!r} is not a list"
                         f" ({type_name(annotation)})")  # fmt: skip
        return element

    def conditions(
        self, directives: Mapping[str, str], variables: Variables, line: int
    ) -> tuple[Condition, ...]:
        """``gw:when`` and ``gw:unless``: a path, or ``path=v1|v2``."""
        found: list[Condition] = []
        for name in ("when", "unless"):
            text = directives.get(name)
            if text is None:
                continue
            path_text, equals, values = text.partition("=")
            path = self.path(path_text.strip(), line, f"gw:{name}")
            choices = tuple(v.strip() for v in values.split("|")) if equals else ()
            if equals and not all(choices):
                self.problem(line, f"gw:{name}={text!r}: give the values after '=', e.g."
                             " 'line.status=accepted|changed'")  # fmt: skip
            if path:
                annotation = self.path_type(path, variables, line, f"gw:{name}")
                self.check_choices(annotation, choices, line, f"gw:{name}={text!r}")
                found.append(Condition(path, choices, name == "unless", text))
        return tuple(found)

    def check_choices(
        self, annotation: Any, choices: tuple[str, ...], line: int, where: str
    ) -> None:
        """Values compared with an enum field must be values of that enum."""
        for candidate in plain_types(annotation) if annotation is not None else ():
            if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
                known = [str(m.value) for m in candidate]
                for wrong in (c for c in choices if c not in known):
                    self.problem(line, f"{where}: {wrong!r} is not a {candidate.__name__}"
                                 f" (values: {', '.join(known)})")  # fmt: skip

    def flag(self, name: str, text: str | None, line: int) -> bool:
        """``gw:required="true"``, ``gw:keep="true"``."""
        if text not in (None, "true", "false"):
            self.problem(line, f'gw:{name}={text!r}: must be "true" or "false"')
        return text == "true"

    def text(self, raw: str, variables: Variables, line: int) -> Text:
        """Literal pieces and placeholders of a text or attribute value."""
        parts: list[Part] = []
        for match in _PIECE.finditer(raw):
            piece = match[0]
            if piece in ("{{", "}}"):
                parts.append(piece[0])
            elif piece in ("{", "}"):
                self.problem(line, f"{raw!r}: a lone {piece!r}; write {piece * 2!r} for a brace")
            elif match[1] is not None:
                parts.append(self.placeholder(match[1], variables, line))
            else:
                parts.append(piece)
        return Text(tuple(_joined(parts)))

    def placeholder(self, inner: str, variables: Variables, line: int) -> Placeholder:
        """``{path}`` or ``{path|converter}``, checked against the model and converters."""
        source = f"{{{inner}}}"
        path_text, bar, name = inner.partition("|")
        path = self.path(path_text.strip(), line, source)
        where = f"{self.shown} line {line}: {source}"
        convert = out_converter(name.strip(), self.context, where, self.problems) if bar else None
        if path:
            annotation = self.path_type(path, variables, line, source)
            if annotation is not None and not bar:
                self.check_writable(annotation, line, source)
        return Placeholder(path, convert, source)

    def check_writable(self, annotation: Any, line: int, source: str) -> None:
        """A placeholder without converter must name a value, not a list or a record."""
        if item_type(annotation) is not None:
            self.problem(line, f"{source} names a list; repeat an element over it with"
                         " gw:for-each, or count it with |count")  # fmt: skip
        elif (record := dataclass_of(annotation)) is not None:
            self.problem(line, f"{source} names a {record.__name__}, not a value; name one of"
                         " its fields")  # fmt: skip

    def path(self, text: str, line: int, where: str) -> tuple[str, ...]:
        """A dotted path, or () with a problem when it is not one."""
        if _PATH.match(text) is None:
            self.problem(line, f"{where}: {text!r} is not a path like 'line.quantity'")
            return ()
        return tuple(text.split("."))

    def path_type(self, path: tuple[str, ...], variables: Variables, line: int, where: str) -> Any:
        """The annotation at the end of a path, or None with a problem."""
        head = path[0]
        if head == "envelope":
            return self.envelope_type(path, line, where)
        bound = head in variables
        if bound and variables[head] is None:
            return None  # a loop whose list is wrong, reported at the loop
        annotation: Any = variables.get(head, self.document)
        for name in path[1:] if bound else path:
            record = dataclass_of(annotation)
            types = field_types(record) if record is not None else {}
            if name not in types:
                owner = record.__name__ if record is not None else type_name(annotation)
                in_scope = ", ".join(variables) or "none here"
                self.problem(line, f"{where}: bad path {'.'.join(path)!r}: {owner} has no field"
                             f" {name!r} (loop variables: {in_scope})")  # fmt: skip
                return None
            annotation = types[name]
        return annotation

    def envelope_type(self, path: tuple[str, ...], line: int, where: str) -> Any:
        """``envelope.<key>``: one of the values the pipeline passes to this standard."""
        keys = ENVELOPE_KEYS.get(self.standard, frozenset())
        if len(path) != 2 or path[1] not in keys:
            known = ", ".join(sorted(keys))
            self.problem(line, f"{where}: {'.'.join(path)!r} is not an envelope value of"
                         f" {self.standard} (known: {known})")  # fmt: skip
            return None
        return str

    def problem(self, line: int, what: str) -> None:
        """Record a problem at a template line."""
        self.problems.append(f"{self.shown} line {line}: {what}")


def _prefixed(element: etree._Element) -> str:
    """An element's name as written: prefix:local."""
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


def _trimmed(text: str) -> str:
    """Indentation dropped: whitespace-only text, and line-break whitespace at either end."""
    return "" if not text.strip() else _EDGE.sub("", text)


def _joined(parts: list[Part]) -> list[Part]:
    """Adjacent literal pieces as one string."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return out


def _with_tail(node: Node, tail: Text) -> Node:
    """The node with the text that follows it inside its parent."""
    return replace(node, tail=tail)
