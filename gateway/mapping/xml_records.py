"""The rules of an inbound XML mapping and how one document is read through them.

A record (the document itself, a party, a line, a tax subtotal) is read from one context
element: each field tries its XPaths in order and the first that picks a non-blank value wins;
each group picks elements and builds one nested record per element (a list field) or from the
first element (a single record field). Every problem is collected, none stops the reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from gateway.errors import Issue, Location
from gateway.mapping.converters import ConversionError
from gateway.mapping.xml_converters import XmlFunc
from gateway.mapping.xml_paths import Found, PathNamer, XmlSelector


@dataclass(frozen=True)
class XmlFieldRule:
    """How one canonical field is found (XPaths tried in order) and converted."""

    name: str
    selectors: tuple[XmlSelector, ...]
    convert: XmlFunc
    label: str
    required: bool = False
    many: bool = False  # every value, into a list field
    join: str | None = None  # every value joined into one text (cXML Street lines)
    total: bool = False  # every value added up (a quantity scheduled over deliveries)
    default: object = None  # the converted default, used when nothing is found
    of: str | None = None  # read from the element another field of the record came from


@dataclass(frozen=True)
class XmlRecordRule:
    """How one canonical record is built: its class, fields and nested groups."""

    record_class: type
    fields: tuple[XmlFieldRule, ...]
    groups: tuple[XmlGroupRule, ...] = ()
    # List fields the class requires that no rule fills: they are empty (no lines in a
    # UBL OrderResponseSimple).
    empty: tuple[str, ...] = ()


@dataclass(frozen=True)
class XmlGroupRule:
    """Elements that each build a nested record, put into one document field."""

    name: str
    selectors: tuple[XmlSelector, ...]
    into: str
    many: bool
    record: XmlRecordRule
    required: bool = False


@dataclass
class XmlRun:
    """One document being read: its file name and the issues found so far."""

    file: str | None
    issues: list[Issue] = field(default_factory=list)
    names: PathNamer = field(default_factory=PathNamer)

    def record(self, rule: XmlRecordRule, context: etree._Element, optional: bool) -> object:
        """The record read from `context`; None when it cannot be built (issues say why).

        An optional record in which no XPath finds anything is absent, not an error.
        """
        before = len(self.issues)
        values: dict[str, object] = dict.fromkeys(rule.empty, ())
        found: dict[str, etree._Element | None] = {}
        for rule_field in sorted(rule.fields, key=lambda f: f.of is not None):
            self._field(rule_field, context, values, found)
        present = [self._group(group, context, values) for group in rule.groups]
        if optional and not found and not any(present):
            del self.issues[before:]  # only "required" issues: nothing of the record is there
            return None
        if len(self.issues) > before:
            return None
        try:
            return rule.record_class(**values)
        except TypeError as exc:  # a required field left empty by an `of` field's absence
            name = rule.record_class.__name__
            where = Location(self.file, xpath=self.names.path(context), line=context.sourceline)
            self.issues.append(Issue("mapping.required", f"{name} is incomplete: {exc}", where))
            return None

    def _field(
        self,
        rule: XmlFieldRule,
        context: etree._Element,
        values: dict[str, object],
        found: dict[str, etree._Element | None],
    ) -> None:
        """Read one field into `values`, noting the element it came from in `found`."""
        absent = False
        if rule.of is not None:  # read from the element another field's value came from
            source = found.get(rule.of)
            absent = source is None
            context = context if source is None else source
        picked = [] if absent else self._pick(rule, context)
        if not picked:
            if rule.default is not None:
                values[rule.name] = rule.default
            elif rule.required:
                self._report_missing(rule, context)
            return
        found[rule.name] = picked[0].element
        value = self._value(rule, picked)
        if value is not None:
            values[rule.name] = value

    def _pick(self, rule: XmlFieldRule, context: etree._Element) -> list[Found]:
        """The values of the first XPath that picks any."""
        for selector in rule.selectors:
            values = selector.values(context)
            if values:
                return values
        return []

    def _value(self, rule: XmlFieldRule, picked: list[Found]) -> object:
        if rule.many:
            converted = [self.convert(rule, p) for p in picked]
            return tuple(v for v in converted if v is not None) or None
        if rule.total:
            converted = [self.convert(rule, p) for p in picked]
            numbers = [v for v in converted if isinstance(v, Decimal)]
            return sum(numbers, Decimal(0)) if len(numbers) == len(converted) else None
        if rule.join is not None:
            text = rule.join.join(p.text.strip() for p in picked)
            return self.convert(rule, Found(text, picked[0].element))
        return self.convert(rule, picked[0])

    def convert(self, rule: XmlFieldRule, picked: Found) -> object:
        """Run the field's converter, recording a conversion problem as an issue."""
        try:
            return rule.convert(picked.text)
        except ConversionError as exc:
            path = None if picked.element is None else self.names.path(picked.element)
            where = Location(self.file, xpath=path and path + picked.suffix, line=picked.line)
            shown = picked.text.strip() if exc.value is None else exc.value
            self.issues.append(Issue(exc.code, f"{rule.label} '{shown}' {exc.reason}", where))
            return None

    def _report_missing(self, rule: XmlFieldRule, context: etree._Element) -> None:
        self._report_required(rule.label, "a value at ", rule.selectors, context)

    def _report_required(
        self,
        what: str,
        lacking: str,
        selectors: tuple[XmlSelector, ...],
        context: etree._Element,
    ) -> None:
        """A required field or group found nothing: where it looked, from which element."""
        tried = " or ".join(s.source for s in selectors)
        path = self.names.path(context)
        where = Location(self.file, xpath=f"{path}/{selectors[0].source}", line=context.sourceline)
        message = f"{what} is required but {path} has no {lacking}{tried}"
        self.issues.append(Issue("mapping.required", message, where))

    def _group(
        self, group: XmlGroupRule, context: etree._Element, values: dict[str, object]
    ) -> bool:
        """Build the group's records into `values`; False when the group has no element."""
        elements = next((e for s in group.selectors if (e := s.elements(context))), [])
        if not elements:
            if group.required:
                self._report_no_group(group, context)
            elif group.many:
                values[group.into] = ()
            return False
        if group.many:
            records = [self.record(group.record, e, optional=False) for e in elements]
            values[group.into] = tuple(r for r in records if r is not None)
            return True
        record = self.record(group.record, elements[0], optional=not group.required)
        if record is not None:
            values[group.into] = record
        return True

    def _report_no_group(self, group: XmlGroupRule, context: etree._Element) -> None:
        self._report_required(f"{group.name} ({group.into})", "", group.selectors, context)
