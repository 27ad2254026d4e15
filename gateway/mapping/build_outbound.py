"""Turn the TOML data of an outbound mapping file into an OutboundMapping.

Placeholder paths and converter names are checked against the canonical dataclasses when
the file is loaded, so a typo is a start-up problem, not a rendering surprise. Loops are
read first (a loop's numbering may be declared on any of its segments), then each segment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.mapping.build_inbound import TAG
from gateway.mapping.outbound import (
    LOOP_FIELDS,
    Components,
    Loop,
    Numbering,
    OutboundMapping,
    Pairs,
    SegmentTemplate,
    Slot,
    TemplateElement,
)
from gateway.mapping.rules import (
    BuildContext,
    as_list,
    check_keys,
    dataclass_of,
    field_types,
    item_type,
    out_converter,
)
from gateway.model import DOCUMENT_TYPES

Table = Mapping[str, Any]
_SEGMENT_KEYS = {"segment", "for_each", "after", "number", "always", "when"}
_NUMBER_KEYS = {"from", "key", "parent", "root"}
_LOOP = re.compile(r"^(\w+) in ([\w.]+)$")
_META = re.compile(r"^@(?:count:(?P<tag>[A-Z0-9]{2,3})|(?P<hl_child>hl_child))$")
_LOOP_FIELD = re.compile(r"^(\w+)@(\w+)$")

LoopKey = tuple[str, ...]  # the for_each texts from the outermost loop inwards


@dataclass
class _LoopSpec:
    """A loop while the file is read: where it iterates, its item type, its numbering."""

    variable: str
    path: tuple[str, ...]
    item: Any
    numbering: Numbering | None = None

    def loop(self) -> Loop:
        """The finished loop."""
        return Loop(self.variable, self.path, self.numbering or Numbering())


@dataclass
class _Scope:
    """What a segment's placeholders may name: loop variables with their item type and loop."""

    loops: tuple[Loop, ...] = ()
    variables: dict[str, tuple[Any, Loop]] = field(default_factory=dict)


@dataclass
class OutboundBuilder:
    """Builds segment templates against the canonical dataclasses, collecting problems."""

    context: BuildContext
    problems: list[str] = field(default_factory=list)

    def build(self, data: Table, source: str) -> OutboundMapping | None:
        """An outbound mapping from a file's data; None when it has problems."""
        before = len(self.problems)
        meta = data["mapping"]
        cls = DOCUMENT_TYPES[meta["document"]]
        segments = data.get("segments", {})
        if not isinstance(segments, dict) or not segments:
            self.problems.append(f"{source}: segments: missing (one [segments.<name>] per segment)")
            return None
        scopes = self.scopes(segments, cls, source)
        templates = [
            self.template(name, spec, cls, scopes.get(name, _Scope()), f"{source}: segments.{name}")
            for name, spec in segments.items()
        ]
        if len(self.problems) > before:
            return None
        variant, default = meta.get("variant"), meta.get("default_variant")
        for key, value in (("variant", variant), ("default_variant", default)):
            if value is not None and not isinstance(value, str):
                self.problems.append(f'{source}: mapping.{key}: must be a string, e.g. "SOI"')
        if len(self.problems) > before:
            return None
        return OutboundMapping(
            source, meta["standard"], meta["message_type"], meta["version"],
            str(meta.get("agency", "UN")), meta.get("association"), meta["document"],
            tuple(t for t in templates if t is not None), variant=variant,
            default_variant=default,
        )  # fmt: skip

    def scopes(self, segments: Table, cls: type, source: str) -> dict[str, _Scope]:
        """Each segment's enclosing loops, outermost first, with their variables' types."""
        specs: dict[LoopKey, _LoopSpec] = {}
        chains: dict[str, LoopKey] = {}
        current: LoopKey = ()
        for name, spec in segments.items():
            where = f"{source}: segments.{name}"
            text = spec.get("for_each") if isinstance(spec, dict) else None
            current = self.chain(text, current, specs, cls, where)
            if isinstance(spec, dict) and "number" in spec:
                if current:
                    self.numbering(spec["number"], specs[current], f"{where}.number")
                else:
                    self.problems.append(
                        f"{where}.number: only a segment with for_each is numbered"
                    )
            chains[name] = current
        loops = {key: spec.loop() for key, spec in specs.items()}
        return {name: self.scope(chain, specs, loops) for name, chain in chains.items()}

    def chain(
        self, text: object, current: LoopKey, specs: dict[LoopKey, _LoopSpec], cls: type, where: str
    ) -> LoopKey:
        """A segment's loops: none, one loop, or a list of loops from the outermost in."""
        if text is None:
            return ()
        texts = as_list(text)
        if not texts:
            self.problems.append(f"{where}.for_each: an empty list names no loop")
            return ()
        for loop_text in texts:
            current = self.enter(loop_text, current, specs, cls, where)
        return current

    def enter(
        self, text: object, current: LoopKey, specs: dict[LoopKey, _LoopSpec], cls: type, where: str
    ) -> LoopKey:
        """The loop chain of a segment: nested in `current` when it names one of its variables."""
        match = _LOOP.match(str(text))
        if match is None:
            self.problems.append(
                f"{where}.for_each: {text!r} is not 'NAME in PATH' (e.g. 'line in lines')"
            )
            return ()
        path = tuple(match[2].split("."))
        chain = [specs[current[: i + 1]] for i in range(len(current))]
        names = [spec.variable for spec in chain]
        depth = len(names) - names[::-1].index(path[0]) if path[0] in names else 0
        key = (*current[:depth], str(text))
        if key not in specs:
            variables = {spec.variable: spec.item for spec in chain[:depth]}
            annotation = self.path_type(path, cls, variables, f"{where}.for_each")
            element = item_type(annotation) if annotation is not None else None
            if annotation is not None and element is None:
                self.problems.append(f"{where}.for_each: {match[2]!r} is not a list")
            specs[key] = _LoopSpec(match[1], path, element)
        return key

    def numbering(self, data: object, spec: _LoopSpec, where: str) -> None:
        """``number = { from = 2, key = "sscc", parent = "parent_sscc", root = "1" }``."""
        if not isinstance(data, dict):
            self.problems.append(f"{where}: must be a table, e.g. {{ from = 2 }}")
            return
        check_keys(data, _NUMBER_KEYS, where, self.problems)
        start: object = data.get("from", 1)
        count = ""
        # A tag instead of a number: each entry is numbered as the next segment with that tag
        # will be (X12 HL01 counts every HL of the set, whatever level writes it).
        if isinstance(start, str) and TAG.match(start):
            count, start = start, 1
        if not isinstance(start, int) or isinstance(start, bool) or start < 0:
            self.problems.append(f"{where}.from: {start!r} is not a whole number")
            start = 1
        key, parent = (
            self.item_field(data, "key", spec, where),
            self.item_field(data, "parent", spec, where),
        )
        if bool(key) != bool(parent):
            self.problems.append(f"{where}: key and parent go together (a tree needs both)")
        numbering = Numbering(start, key, parent, str(data.get("root", "")), count)
        if spec.numbering is not None and spec.numbering != numbering:
            self.problems.append(f"{where}: the loop {spec.variable!r} is already numbered")
        spec.numbering = numbering

    def item_field(self, data: Table, name: str, spec: _LoopSpec, where: str) -> tuple[str, ...]:
        """A field path of the loop's items (numbering key or parent), checked."""
        text = data.get(name)
        if text is None:
            return ()
        path = tuple(str(text).split("."))
        self.path_type(
            (spec.variable, *path), object, {spec.variable: spec.item}, f"{where}.{name}"
        )
        return path

    @staticmethod
    def scope(
        chain: LoopKey, specs: Mapping[LoopKey, _LoopSpec], loops: Mapping[LoopKey, Loop]
    ) -> _Scope:
        """The loops and variables a segment inside `chain` sees."""
        keys = [chain[: i + 1] for i in range(len(chain))]
        variables = {specs[k].variable: (specs[k].item, loops[k]) for k in keys}
        return _Scope(tuple(loops[k] for k in keys), variables)

    def template(
        self, name: str, spec: object, cls: type, scope: _Scope, where: str
    ) -> SegmentTemplate | None:
        """One segment template: tag, elements of components, enclosing loops."""
        if not isinstance(spec, dict):
            self.problems.append(f"{where}: must be a table")
            return None
        check_keys(spec, _SEGMENT_KEYS, where, self.problems)
        parts = spec.get("segment")
        if not isinstance(parts, list) or not parts or not TAG.match(str(parts[0])):
            self.problems.append(
                f'{where}.segment: must be a list starting with a segment tag, e.g. ["BGM", "231"]'
            )
            return None
        always = spec.get("always", False)
        if not isinstance(always, bool):
            self.problems.append(f"{where}.always: must be true or false")
        elements: list[TemplateElement] = []
        for index, element in enumerate(parts[1:], start=1):
            slot_where = f"{where}.segment[{index}]"
            if isinstance(element, dict):
                elements.append(self.pairs(element, cls, scope, slot_where))
            else:
                elements.append(self.components(element, cls, scope, slot_where))
        tag = str(parts[0])
        if tag != "HL" and any(s.meta == "hl_child" for s in _slots(elements)):
            self.problems.append(f"{where}: {{@hl_child}} is HL04 and belongs in an HL segment")
        when = self.when(spec.get("when"), cls, scope, f"{where}.when")
        return SegmentTemplate(name, tag, tuple(elements), scope.loops, always is True, when)

    def components(self, element: object, cls: type, scope: _Scope, where: str) -> Components:
        """An element: one string, or a list of component strings."""
        parts = element if isinstance(element, list) else [element]
        return tuple(self.slot(str(c), cls, scope, where) for c in parts)

    def pairs(self, element: Table, cls: type, scope: _Scope, where: str) -> Pairs:
        """``{ pairs = [["UP", "{line.gtin}"], ...] }``: X12 qualifier/value element pairs."""
        check_keys(element, {"pairs"}, where, self.problems)
        pairs = element.get("pairs")
        entries = pairs if isinstance(pairs, list) else []
        if not entries or any(not isinstance(p, list) or len(p) not in (2, 3) for p in entries):
            self.problems.append(
                f'{where}.pairs: must be a list of [qualifier, value] pairs, e.g. [["UP",'
                ' "{line.gtin}"]], or [qualifier, value, unit]'
            )
            return Pairs(())
        return Pairs(
            tuple(
                tuple(self.components(e, cls, scope, f"{where}.pairs[{index}]") for e in entry)
                for index, entry in enumerate(entries)
            )
        )

    def when(self, text: object, cls: type, scope: _Scope, where: str) -> tuple[str, ...]:
        """``when = "line.backordered_quantity"``: the field that must have a value."""
        if text is None:
            return ()
        path = tuple(str(text).split("."))
        types = {name: item for name, (item, _) in scope.variables.items()}
        self.path_type(path, cls, types, where)
        return path

    def slot(self, text: str, cls: type, scope: _Scope, where: str) -> Slot:
        """A literal code, or a ``{path|converter}`` placeholder checked against the model."""
        if not (text.startswith("{") and text.endswith("}")):
            return Slot(literal=text)
        path_text, _, convert = text[1:-1].partition("|")
        path_text = path_text.strip()
        func = (
            out_converter(convert.strip(), self.context, where, self.problems) if convert else None
        )
        if path_text.startswith("@"):
            return self.meta_slot(path_text, text, func, where)
        if (numbered := _LOOP_FIELD.match(path_text)) is not None:
            return self.number_slot(numbered, text, func, scope, where)
        path = tuple(path_text.split("."))
        types = {name: item for name, (item, _) in scope.variables.items()}
        self.path_type(path, cls, types, where)
        return Slot(path=path, convert=func, source=text)

    def meta_slot(self, path_text: str, text: str, func: Any, where: str) -> Slot:
        """``{@count:LIN}`` (segments with that tag written so far) or ``{@hl_child}`` (HL04)."""
        match = _META.match(path_text)
        if match is None:
            self.problems.append(f"{where}: {text!r}: expected {{@count:TAG}}, e.g. {{@count:LIN}}")
            return Slot(source=text, meta="count:")
        if match["hl_child"]:
            return Slot(source=text, meta="hl_child")
        return Slot(convert=func, source=text, meta=f"count:{match['tag']}")

    def number_slot(
        self, numbered: re.Match[str], text: str, func: Any, scope: _Scope, where: str
    ) -> Slot:
        """``{package@number}`` / ``{package@parent}``: numbers of the current loop entry."""
        variable, name = numbered[1], numbered[2]
        bound = scope.variables.get(variable)
        if bound is None:
            known = ", ".join(scope.variables) or "none here"
            self.problems.append(
                f"{where}: {text!r}: {variable!r} is not a loop variable (loop variables: {known})"
            )
        elif name not in LOOP_FIELDS:
            self.problems.append(
                f"{where}: {text!r}: a loop entry has {', '.join('@' + f for f in LOOP_FIELDS)}"
            )
        elif name == "parent" and not bound[1].numbering.key:
            self.problems.append(
                f"{where}: {text!r}: the loop {variable!r} has no tree numbering"
                ' (number = { key = "...", parent = "..." })'
            )
        return Slot(path=(variable,), convert=func, source=text, meta=name)

    def path_type(
        self, path: tuple[str, ...], cls: type, variables: Mapping[str, Any], where: str
    ) -> Any:
        """The annotation at the end of a canonical path, or None with a problem."""
        bound = path[0] in variables
        annotation: Any = variables[path[0]] if bound else cls
        for name in path[1:] if bound else path:
            record = dataclass_of(annotation)
            types = field_types(record) if record is not None else {}
            if name not in types:
                owner = record.__name__ if record is not None else str(annotation)
                self.problems.append(
                    f"{where}: bad path {'.'.join(path)!r}: {owner} has no field {name!r}"
                )
                return None
            annotation = types[name]
        return annotation


def _slots(elements: list[TemplateElement]) -> list[Slot]:
    """Every slot of a template's elements, pairs included."""
    found: list[Slot] = []
    for element in elements:
        if isinstance(element, Pairs):
            found += [s for pair in element.pairs for side in pair for s in side]
        else:
            found += list(element)
    return found
