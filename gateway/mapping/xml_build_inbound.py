"""Turn the TOML data of an inbound UBL or cXML mapping file into compiled record rules.

Every XPath is compiled once here, with the file's `[namespaces]`; every field is checked
against the canonical dataclass (name, converter type, default) and every problem is appended
with the file name and key, so that loading reports all mistakes at once.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gateway.mapping.converters import ConversionError
from gateway.mapping.rules import (
    BuildContext,
    accepts,
    as_list,
    check_keys,
    dataclass_of,
    field_types,
    item_type,
    plain_types,
    required_fields,
    table_for,
    type_name,
)
from gateway.mapping.xml_converters import XmlConverter, XmlFunc, to_enum, xml_converters
from gateway.mapping.xml_paths import PREFIX, XmlSelector, XPathProblem, compile_selector
from gateway.mapping.xml_records import XmlFieldRule, XmlGroupRule, XmlRecordRule

Table = Mapping[str, Any]
_FIELD_KEYS = {"from", "convert", "label", "required", "default", "of", "join", "many", "sum"}
_GROUP_KEYS = {"from", "into", "required", "like", "fields", "groups"}


def parse_namespaces(data: object, where: str, problems: list[str]) -> dict[str, str]:
    """The `[namespaces]` table: prefix -> namespace URI, both checked."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f'{where}: must be a table of prefix = "namespace URI"')
        return {}
    namespaces: dict[str, str] = {}
    for prefix, uri in data.items():
        if not PREFIX.match(prefix) or prefix.lower().startswith("xml"):
            problems.append(f"{where}.{prefix}: not a usable prefix (an XML name not starting xml)")
        elif not isinstance(uri, str) or not uri:
            problems.append(f"{where}.{prefix}: must be a namespace URI string")
        else:
            namespaces[prefix] = uri
    return namespaces


@dataclass
class XmlInboundBuilder:
    """Builds record rules against the canonical dataclasses, collecting problems."""

    context: BuildContext
    namespaces: Mapping[str, str]
    problems: list[str] = field(default_factory=list)

    def record(self, cls: type, spec: Table, where: str) -> XmlRecordRule:
        """The rules of one record: its `fields` and `groups` tables."""
        fields_spec, groups_spec = spec.get("fields", {}), spec.get("groups", {})
        fields = self.fields(fields_spec, cls, f"{where}fields")
        groups = self.groups(groups_spec, cls, f"{where}groups")
        mapped = set(_names(fields_spec)) | {g.into for g in groups} | _named_into(groups_spec)
        lists = {n for n, t in field_types(cls).items() if item_type(t) is not None}
        for name in sorted(required_fields(cls) - mapped - lists):
            self.problems.append(
                f"{where}fields: {cls.__name__}.{name} is required but nothing maps it"
            )
        empty = tuple(sorted((required_fields(cls) & lists) - mapped))
        return XmlRecordRule(cls, tuple(fields), tuple(groups), empty)

    def fields(self, data: object, cls: type, where: str) -> list[XmlFieldRule]:
        """Every field rule of a `fields` table (`of` fields checked against their siblings)."""
        if not isinstance(data, dict):
            self.problems.append(f"{where}: must be a table")
            return []
        rules = [self.field(name, spec, cls, f"{where}.{name}") for name, spec in data.items()]
        built = [r for r in rules if r is not None]
        for rule in built:
            base = data.get(rule.of) if rule.of is not None else None
            chained = isinstance(base, dict) and "of" in base
            if rule.of is not None and (base is None or chained):
                self.problems.append(
                    f"{where}.{rule.name}.of: {rule.of!r} is not a field of this table"
                    " read by its own XPath"
                )
        return built

    def field(self, name: str, spec: object, cls: type, where: str) -> XmlFieldRule | None:
        """One field rule: XPaths, converter (type-checked against the field), default."""
        spec = spec if isinstance(spec, dict) else {"from": spec}
        check_keys(spec, _FIELD_KEYS, where, self.problems)
        types = field_types(cls)
        if name not in types:
            known = ", ".join(types)
            self.problems.append(f"{where}: {cls.__name__} has no field {name!r} (fields: {known})")
            return None
        selectors = self.selectors(spec.get("from"), f"{where}.from")
        many, join = bool(spec.get("many", False)), spec.get("join")
        convert = self.converter(str(spec.get("convert", "text")), types[name], many, where)
        if not selectors or convert is None:
            return None
        if join is not None and (many or not isinstance(join, str)):
            self.problems.append(f"{where}.join: a separator string, and not with many = true")
            return None
        total = spec.get("sum", False) is True
        if total and (many or join is not None or not accepts(types[name], Decimal, False)):
            self.problems.append(f"{where}.sum: only for a decimal field, without many or join")
            return None
        default = self.default(spec.get("default"), convert, f"{where}.default")
        label = str(spec.get("label", f"{selectors[0].source} ({name.replace('_', ' ')})"))
        required = bool(spec.get("required", False)) or name in required_fields(cls)
        of = spec.get("of")
        return XmlFieldRule(
            name, selectors, convert, label, required, many, join, total, default,
            None if of is None else str(of),
        )  # fmt: skip

    def converter(self, name: str, annotation: Any, many: bool, where: str) -> XmlFunc | None:
        """The named converter, fitted to the field's type (a code becomes an enum member)."""
        found = self._converter(name, f"{where}.convert")
        if found is None:
            return None
        func, produces = found
        targets = [item_type(annotation)] if many else list(plain_types(annotation))
        enums = [t for t in targets if isinstance(t, type) and issubclass(t, enum.Enum)]
        if enums and produces is str:
            return self._enum(func, enums[0], name, where)
        if not accepts(annotation, produces, many):
            self.problems.append(
                f"{where}.convert: {name!r} gives {produces.__name__}"
                f"{' values' if many else ''} but the field is {type_name(annotation)}"
            )
            return None
        return func

    def _converter(self, name: str, where: str) -> tuple[XmlFunc, type] | None:
        if name.startswith("code:"):
            table = table_for(name[5:], self.context, where, self.problems)
            return None if table is None else (lambda text: table.lookup(text.strip()), str)
        known = xml_converters()
        converter: XmlConverter | None = known.get(name)
        if converter is None:
            names = ", ".join([*sorted(known), "code:<table>"])
            self.problems.append(f"{where}: unknown converter {name!r} (known: {names})")
            return None
        return converter.func, converter.produces

    def _enum(self, func: XmlFunc, enum_class: type[enum.Enum], name: str, where: str) -> XmlFunc:
        """A code converter for an enum field; every value its table gives must be a member."""
        members = {str(m.value) for m in enum_class}
        table = self.context.tables.get(name[5:]) if name.startswith("code:") else None
        if table is not None:
            for code, value in {**table.codes, "(default)": table.default or ""}.items():
                if value and value not in members:
                    self.problems.append(
                        f"{where}.convert: code table {table.name} maps {code!r} to {value!r},"
                        f" not a {enum_class.__name__} ({', '.join(sorted(members))})"
                    )
        return to_enum(func, enum_class)

    def default(self, text: object, convert: XmlFunc, where: str) -> object:
        """The default's canonical value: the text as if the document held it, converted."""
        if text is None:
            return None
        if not isinstance(text, str):
            self.problems.append(f"{where}: must be a string (read as the document's text)")
            return None
        try:
            return convert(text)
        except ConversionError as exc:
            self.problems.append(f"{where}: {text!r} {exc.reason}")
            return None

    def selectors(self, data: object, where: str) -> tuple[XmlSelector, ...]:
        """Compiled XPaths; empty when any of them is wrong."""
        if data is None or data == []:
            self.problems.append(f"{where}: missing (an XPath such as 'cbc:ID', or a list)")
            return ()
        selectors = []
        for text in as_list(data):
            try:
                selectors.append(compile_selector(str(text), self.namespaces))
            except XPathProblem as exc:
                self.problems.append(f"{where}: {exc}")
        return tuple(selectors) if len(selectors) == len(as_list(data)) else ()

    def groups(self, data: object, cls: type, where: str) -> list[XmlGroupRule]:
        """Every group of a `groups` table, `like` resolved against its siblings."""
        if not isinstance(data, dict):
            self.problems.append(f"{where}: must be a table")
            return []
        built = [
            self.group(name, _like(name, spec, data, f"{where}.{name}", self.problems), cls,
                       f"{where}.{name}")
            for name, spec in data.items()
        ]  # fmt: skip
        return [g for g in built if g is not None]

    def group(self, name: str, spec: Table | None, cls: type, where: str) -> XmlGroupRule | None:
        """One group: the elements it reads and the record field they go into."""
        if spec is None:
            return None
        check_keys(spec, _GROUP_KEYS, where, self.problems)
        into, types = str(spec.get("into", "")), field_types(cls)
        annotation = types.get(into)
        listed = item_type(annotation) if annotation is not None else None
        record_class = dataclass_of(listed if listed is not None else annotation)
        if record_class is None:
            self.problems.append(
                f"{where}.into: {into!r} is not a record or list-of-records field of {cls.__name__}"
            )
            return None
        selectors = self.selectors(spec.get("from"), f"{where}.from")
        record = self.record(record_class, spec, f"{where}.")
        if not selectors:
            return None
        required = bool(spec.get("required", False))
        return XmlGroupRule(name, selectors, into, listed is not None, record, required)


def _like(
    name: str, spec: object, siblings: Table, where: str, problems: list[str]
) -> Table | None:
    """A group's table with the `fields` and `groups` of the sibling it is `like` merged under
    its own (its own entries win; an entry ``{ omit = true }`` removes the sibling's)."""
    if not isinstance(spec, dict):
        problems.append(f"{where}: must be a table")
        return None
    like = spec.get("like")
    if like is None:
        return spec
    base = siblings.get(like)
    if like == name or not isinstance(base, dict) or "like" in base:
        problems.append(f"{where}.like: {like!r} is not another group here without its own like")
        return None
    merged = dict(spec)
    for key in ("fields", "groups"):
        entries = {**base.get(key, {}), **spec.get(key, {})}
        merged[key] = {k: v for k, v in entries.items() if v != {"omit": True}}
    return merged


def _names(table: object) -> list[str]:
    return list(table) if isinstance(table, dict) else []


def _named_into(groups: object) -> set[str]:
    """Fields named by groups' `into` (a group that failed to build still counts as mapping)."""
    if not isinstance(groups, dict):
        return set()
    return {str(g["into"]) for g in groups.values() if isinstance(g, dict) and "into" in g}
