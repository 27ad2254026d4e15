"""Turn the TOML data of an outbound mapping file into an OutboundMapping.

Placeholder paths and converter names are checked against the canonical dataclasses when
the file is loaded, so a typo is a start-up problem, not a rendering surprise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.mapping.build_inbound import TAG
from gateway.mapping.outbound import Loop, OutboundMapping, SegmentTemplate, Slot
from gateway.mapping.rules import (
    BuildContext,
    check_keys,
    dataclass_of,
    field_types,
    item_type,
    out_converter,
)
from gateway.model import DOCUMENT_TYPES

Table = Mapping[str, Any]
_SEGMENT_KEYS = {"segment", "for_each", "after"}
_LOOP = re.compile(r"^(\w+) in ([\w.]+)$")


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
        templates = [
            self.template(name, spec, cls, f"{source}: segments.{name}")
            for name, spec in segments.items()
        ]
        if len(self.problems) > before:
            return None
        return OutboundMapping(
            source, meta["standard"], meta["message_type"], meta["version"],
            str(meta.get("agency", "UN")), meta.get("association"), meta["document"],
            tuple(t for t in templates if t is not None),
        )  # fmt: skip

    def template(self, name: str, spec: object, cls: type, where: str) -> SegmentTemplate | None:
        """One segment template: tag, elements of components, optional loop."""
        if not isinstance(spec, dict):
            self.problems.append(f"{where}: must be a table")
            return None
        check_keys(spec, _SEGMENT_KEYS, where, self.problems)
        variables: dict[str, Any] = {}
        loop = self.loop(spec.get("for_each"), cls, variables, f"{where}.for_each")
        parts = spec.get("segment")
        if not isinstance(parts, list) or not parts or not TAG.match(str(parts[0])):
            self.problems.append(
                f'{where}.segment: must be a list starting with a segment tag, e.g. ["BGM", "231"]'
            )
            return None
        elements = []
        for index, element in enumerate(parts[1:], start=1):
            components = element if isinstance(element, list) else [element]
            slot_where = f"{where}.segment[{index}]"
            elements.append(
                tuple(self.slot(str(c), cls, variables, slot_where) for c in components)
            )
        return SegmentTemplate(name, str(parts[0]), tuple(elements), loop)

    def loop(self, text: object, cls: type, variables: dict[str, Any], where: str) -> Loop | None:
        """``for_each = "line in lines"``; binds the variable's record type for later paths."""
        if text is None:
            return None
        match = _LOOP.match(str(text))
        if match is None:
            self.problems.append(f"{where}: {text!r} is not 'NAME in PATH' (e.g. 'line in lines')")
            return None
        path = tuple(match[2].split("."))
        annotation = self.path_type(path, cls, variables, where)
        element = item_type(annotation) if annotation is not None else None
        if annotation is not None and element is None:
            self.problems.append(f"{where}: {match[2]!r} is not a list")
        variables[match[1]] = element
        return Loop(match[1], path)

    def slot(self, text: str, cls: type, variables: dict[str, Any], where: str) -> Slot:
        """A literal code, or a ``{path|converter}`` placeholder checked against the model."""
        if not (text.startswith("{") and text.endswith("}")):
            return Slot(literal=text)
        path_text, _, convert = text[1:-1].partition("|")
        path = tuple(path_text.strip().split("."))
        self.path_type(path, cls, variables, where)
        func = (
            out_converter(convert.strip(), self.context, where, self.problems) if convert else None
        )
        return Slot(path=path, convert=func, source=text)

    def path_type(
        self, path: tuple[str, ...], cls: type, variables: dict[str, Any], where: str
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
