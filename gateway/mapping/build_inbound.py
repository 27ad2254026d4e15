"""Turn the TOML data of an inbound mapping file into an InboundMapping.

The builder appends each problem it finds (naming the file and key) and goes on, so that
loading reports every mistake at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.mapping.inbound import ByCodeRule, FieldRule, GroupRule, InboundMapping
from gateway.mapping.rules import (
    BuildContext,
    accepts,
    as_list,
    check_keys,
    dataclass_of,
    field_types,
    in_converter,
    item_type,
    required_fields,
    table_for,
    type_name,
)
from gateway.mapping.selectors import Selector, SelectorSyntaxError, parse_selector
from gateway.model import DOCUMENT_TYPES

Table = Mapping[str, Any]
# EDIFACT segment tags have three characters, X12 segment identifiers two or three (N1, HL).
TAG = re.compile(r"^[A-Z0-9]{2,3}$")
_FIELD_KEYS = {"from", "convert", "label", "required", "many"}
_GROUP_KEYS = {"start", "members", "ends", "scope", "into", "role", "fields", "by_code"}
_BY_CODE_KEYS = {"from", "value", "code", "table", "pairs"}


@dataclass(frozen=True)
class _Target:
    """Where a group's occurrences go, and the record type each one builds."""

    item_class: type
    into: str | None = None
    role: FieldRule | None = None
    role_targets: frozenset[str] = frozenset()


@dataclass
class InboundBuilder:
    """Builds inbound rules against the canonical dataclasses, collecting problems."""

    context: BuildContext
    problems: list[str] = field(default_factory=list)

    def build(self, data: Table, source: str) -> InboundMapping | None:
        """An inbound mapping from a file's data; None when it has problems."""
        before = len(self.problems)
        meta = data["mapping"]
        cls = DOCUMENT_TYPES[meta["document"]]
        fields = self.fields(data.get("fields", {}), cls, f"{source}: fields")
        groups = self.groups(data.get("groups", {}), cls, f"{source}: groups")
        # A field whose rule failed is already reported; do not report it again as unmapped.
        mapped = set(_names(data.get("fields"))) | {t for g in groups for t in _targets(g)}
        self.require(cls, mapped, f"{source}: fields")
        if len(self.problems) > before:
            return None
        header_ends = frozenset(meta.get("header_ends", ["LIN", "UNS"]))
        return InboundMapping(
            source, meta["standard"], meta["message_type"], meta["version"], meta["document"],
            cls, header_ends, tuple(fields), tuple(groups),
        )  # fmt: skip

    def fields(self, data: object, cls: type, where: str) -> list[FieldRule]:
        """Every field rule of a `fields` table."""
        if not isinstance(data, dict):
            self.problems.append(f"{where}: must be a table")
            return []
        rules = [self.field(name, spec, cls, f"{where}.{name}") for name, spec in data.items()]
        return [r for r in rules if r is not None]

    def field(self, name: str, spec: object, cls: type, where: str) -> FieldRule | None:
        """One field rule: selectors, converter (type-checked against the field), label."""
        spec = spec if isinstance(spec, dict) else {"from": spec}
        check_keys(spec, _FIELD_KEYS, where, self.problems)
        types = field_types(cls)
        if name not in types:
            known = ", ".join(types)
            self.problems.append(f"{where}: {cls.__name__} has no field {name!r} (fields: {known})")
            return None
        selectors = self.selectors(spec.get("from"), f"{where}.from")
        convert = str(spec.get("convert", "text"))
        converter = in_converter(convert, self.context, f"{where}.convert", self.problems)
        if not selectors or converter is None:
            return None
        many = bool(spec.get("many", False))
        if not accepts(types[name], converter[1], many):
            self.problems.append(
                f"{where}.convert: {convert!r} gives {converter[1].__name__}"
                f"{' values' if many else ''} but {cls.__name__}.{name} is {type_name(types[name])}"
            )
            return None
        label = str(spec.get("label", f"{selectors[0].source} ({name.replace('_', ' ')})"))
        required = bool(spec.get("required", False)) or name in required_fields(cls)
        return FieldRule(name, selectors, converter[0], label, required, many)

    def selectors(self, data: object, where: str) -> tuple[Selector, ...]:
        """Parsed selectors; empty when any of them is wrong."""
        if data is None or data == []:
            self.problems.append(f"{where}: missing (a selector such as 'BGM.2', or a list)")
            return ()
        selectors = []
        for text in as_list(data):
            try:
                selectors.append(parse_selector(str(text)))
            except SelectorSyntaxError as exc:
                self.problems.append(f"{where}: {exc}")
        return tuple(selectors) if len(selectors) == len(as_list(data)) else ()

    def require(self, cls: type, mapped: set[str], where: str) -> None:
        """Report each field the dataclass needs that nothing maps."""
        for name in sorted(required_fields(cls) - mapped):
            self.problems.append(f"{where}: {cls.__name__}.{name} is required but nothing maps it")

    def groups(self, data: object, cls: type, where: str) -> list[GroupRule]:
        """Every group rule of a `groups` table."""
        if not isinstance(data, dict):
            self.problems.append(f"{where}: must be a table")
            return []
        groups = [self.group(name, spec, cls, f"{where}.{name}") for name, spec in data.items()]
        return [g for g in groups if g is not None]

    def group(self, name: str, spec: object, cls: type, where: str) -> GroupRule | None:
        """One repeating segment group: its boundaries, target and nested fields."""
        if not isinstance(spec, dict):
            self.problems.append(f"{where}: must be a table")
            return None
        check_keys(spec, _GROUP_KEYS, where, self.problems)
        start, scope = str(spec.get("start", "")), spec.get("scope", "message")
        if not TAG.match(start):
            self.problems.append(f"{where}.start: {start!r} is not a segment tag")
        if scope not in ("header", "message"):
            self.problems.append(f"{where}.scope: {scope!r} is not 'header' or 'message'")
        target = self.target(spec, cls, where)
        if target is None:
            return None
        item = target.item_class
        fields = self.fields(spec.get("fields", {}), item, f"{where}.fields")
        by_code = [
            self.by_code(b, item, f"{where}.by_code") for b in as_list(spec.get("by_code", []))
        ]
        codes = tuple(b for b in by_code if b is not None)
        mapped = set(_names(spec.get("fields"))) | _coded(codes)
        self.require(item, mapped, f"{where}.fields")
        members = spec.get("members")
        return GroupRule(
            name, start, None if members is None else frozenset(members),
            frozenset(spec.get("ends", [])), scope == "header", item, tuple(fields), codes,
            target.into, target.role, target.role_targets,
        )  # fmt: skip

    def target(self, spec: Table, cls: type, where: str) -> _Target | None:
        """`into` (append to a list field) or `role` (a code table names the field)."""
        if ("into" in spec) == ("role" in spec):
            self.problems.append(
                f"{where}: needs exactly one of 'into' (a list field) or 'role' (coded field name)"
            )
            return None
        if "role" in spec:
            return self.role(spec["role"], cls, f"{where}.role")
        into, types = str(spec["into"]), field_types(cls)
        element = item_type(types[into]) if into in types else None
        if element is None or dataclass_of(element) is None:
            self.problems.append(f"{where}.into: {cls.__name__}.{into} is not a list of records")
            return None
        return _Target(element, into=into)

    def role(self, spec: object, cls: type, where: str) -> _Target | None:
        """A coded party role (e.g. NAD 3035) whose code table names the document field."""
        spec = spec if isinstance(spec, dict) else {"from": spec}
        check_keys(spec, {"from", "convert", "label"}, where, self.problems)
        convert = str(spec.get("convert", ""))
        if not convert.startswith("code:"):
            self.problems.append(f"{where}.convert: must be 'code:<table>' naming document fields")
            return None
        selectors = self.selectors(spec.get("from"), f"{where}.from")
        table = table_for(convert[5:], self.context, f"{where}.convert", self.problems)
        converter = in_converter(convert, self.context, f"{where}.convert", self.problems)
        if table is None or converter is None or not selectors:
            return None
        types = field_types(cls)
        classes = {dataclass_of(types[v]) if v in types else None for v in table.codes.values()}
        record = classes.pop() if len(classes) == 1 else None
        if record is None:
            self.problems.append(
                f"{where}.convert: code table {table.name} must name {cls.__name__} fields"
                " that all hold the same record type"
            )
            return None
        label = str(spec.get("label", f"{selectors[0].source} (role)"))
        rule = FieldRule("role", selectors, converter[0], label)
        return _Target(record, role=rule, role_targets=frozenset(table.codes.values()))

    def by_code(self, spec: object, item_class: type, where: str) -> ByCodeRule | None:
        """Coded identifiers (e.g. LIN/PIA C212 7140 by 7143) routed to fields by a table."""
        if not isinstance(spec, dict):
            self.problems.append(f"{where}: must be a table")
            return None
        check_keys(spec, _BY_CODE_KEYS, where, self.problems)
        selectors = self.selectors(spec.get("from"), f"{where}.from")
        table = table_for(str(spec.get("table", "")), self.context, f"{where}.table", self.problems)
        if table is None or not selectors:
            return None
        types = field_types(item_class)
        for code, target in table.codes.items():
            if target not in types:
                self.problems.append(
                    f"{where}.table: code table {table.name} maps {code!r} to {target!r},"
                    f" not a field of {item_class.__name__}"
                )
        pairs = self.pairs(spec, selectors, where)
        return ByCodeRule(
            selectors, int(spec.get("value", 1)), int(spec.get("code", 2)), table, pairs
        )

    def pairs(self, spec: Table, selectors: tuple[Selector, ...], where: str) -> bool:
        """`pairs = true`: X12 qualifier/id element pairs from the selected element on."""
        given = spec.get("pairs", False)
        if not isinstance(given, bool):
            self.problems.append(f"{where}.pairs: must be true or false")
            return False
        pairs = given is True
        if pairs and ("value" in spec or "code" in spec):
            self.problems.append(
                f"{where}: pairs reads code then value from consecutive elements;"
                " 'value' and 'code' (component positions) do not apply"
            )
        if pairs and any(s.component is not None for s in selectors):
            self.problems.append(
                f"{where}.from: with pairs, name the element of the first qualifier"
                " (e.g. 'PO1.6'), not a component"
            )
        return pairs


def _targets(group: GroupRule) -> set[str]:
    return {group.into} if group.into else set(group.role_targets)


def _names(table: object) -> list[str]:
    return list(table) if isinstance(table, dict) else []


def _coded(rules: tuple[ByCodeRule, ...]) -> set[str]:
    return {v for rule in rules for v in rule.table.codes.values()}
