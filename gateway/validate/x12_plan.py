"""Compiled element checks of an X12 segment layout: the clean segment settled in one pass.

Most segments of a transaction set are correct. For each segment layout and number of
elements sent, one regular expression is compiled (when first needed); it matches the
segment's values joined with two control characters (US between elements, RS between
components) when every value passes the element checks of X12.6 section 3: presence of the
mandatory elements (M), the number of components, ASCII printables (the basic and extended
character sets) within the length bounds for AN, digits for Nn and R (a sign and the decimal
point not counted), valid dates for DT and times for TM, and the syntax notes (X12.6 3.5: P
paired, R required, E exclusion, C conditional, L list conditional) as conditions on which
elements matched. ID values are then looked up in their code lists.

`SegmentPlan.clean` answers only "nothing to report" or "look closer"; saying what is wrong
stays with `x12_elements.ElementChecker`. A plan may decline what it cannot settle quickly (a
February 29th, an exponent, a binary element, more elements than the segment has) but never
accepts what the element checks would report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.validate.x12_schema import (
        CompositeDef,
        ElementDef,
        SimpleElement,
        SyntaxNote,
    )

Elements = tuple[tuple[str, ...], ...]
# An ID value to look up: 0-based element and component, and the codes that need no issue.
CodeCheck = tuple[int, int, frozenset[str]]
# The compiled checks for one number of elements: the match of the joined values, and the ID
# values to look up.
Match = Callable[[str], "re.Match[str] | None"]
Compiled = tuple[Match, tuple[CodeCheck, ...]]
# The name of the group of a position (None: the position is absent).
_Namer = Callable[[int], str | None]

# The joints between the values of a segment; no value pattern matches either.
ELEMENT_JOINT = "\x1f"
COMPONENT_JOINT = "\x1e"
# A pattern that matches nothing: the value is never settled by the plan.
_NEVER = "(?!)"
# Any non-empty value (an ID value, looked up in its code list after the match).
_ANY = f"[^{ELEMENT_JOINT}{COMPONENT_JOINT}]+"
# ASCII printables, space to tilde: X12's basic and extended character sets (X12.6 3.3).
_PRINTABLE = "[ -~]"
# Month and day of a date, February 29th aside (its year decides; the element checks do).
_MONTH_DAY = (
    "(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])(?:29|30)|(?:0[13578]|1[02])31)"
)


class SegmentPlan:
    """The compiled checks of a segment layout, per number of elements sent."""

    __slots__ = ("_compiled", "_composites", "_elements", "_need", "_notes")

    def __init__(self, elements: tuple[ElementDef, ...], notes: tuple[SyntaxNote, ...]) -> None:
        self._elements = elements
        self._notes = notes
        # Up to the last mandatory element, every element must be sent (trailing ones may be
        # left off, X12.6 3.2.2); more elements than the segment has are looked at closer.
        mandatory = [index for index, element in enumerate(elements) if element.mandatory]
        self._need = mandatory[-1] + 1 if mandatory else 0
        self._composites = any(element.composite is not None for element in elements)
        # By number of elements sent: the pattern's match and the ID values to look up,
        # compiled when first met (a version's directory has many segments a partner never
        # sends, and compiling them all would slow every start).
        self._compiled: list[Compiled | None] = [None] * (len(elements) + 1)

    def clean(self, values: Elements) -> bool:
        """Whether a segment's elements need no issue at all (False: look closer)."""
        count = len(values)
        compiled = self._compiled
        if count >= len(compiled):
            return False  # more elements than the segment has
        match, codes = compiled[count] or self._compile(count)
        if self._composites:
            return _clean_composites(values, match, codes)
        # No value pattern matches a joint: a joint inside a value makes the match fail.
        try:
            texts = [text for (text,) in values]
        except ValueError:
            return False  # a simple element sent with components
        if match(ELEMENT_JOINT.join(texts)) is None:
            return False
        for element, _, accepted in codes:  # noqa: SIM110 - no generator per segment
            if texts[element] not in accepted:
                return False
        return True

    def _compile(self, count: int) -> Compiled:
        compiler = _Compiler()
        if count < self._need:
            source = _NEVER  # a mandatory element is missing
        else:
            source = compiler.segment(self._elements[:count], self._notes)
        compiled = (re.compile(source).fullmatch, tuple(compiler.codes))
        self._compiled[count] = compiled
        return compiled


def _clean_composites(values: Elements, match: Match, codes: tuple[CodeCheck, ...]) -> bool:
    # As SegmentPlan.clean, for a segment with composites: a component joint inside a
    # component's value would make two components of one, so the joints are counted.
    joined = ELEMENT_JOINT.join(map(COMPONENT_JOINT.join, values))
    if joined.count(COMPONENT_JOINT) != sum(map(len, values)) - len(values):
        return False
    if match(joined) is None:
        return False
    for element, place, accepted in codes:
        value = values[element]
        if len(value) > place and value[place] not in accepted:
            return False
    return True


class _Compiler:
    """Builds the pattern of a segment and collects the values to look up in code lists."""

    def __init__(self) -> None:
        self.codes: list[CodeCheck] = []

    def segment(self, elements: tuple[ElementDef, ...], notes: tuple[SyntaxNote, ...]) -> str:
        """The pattern of the joined values (as many as `elements`) that need no issue."""
        named = {position for note in notes for position in note.positions}
        body = ELEMENT_JOINT.join(
            self._position(element, index, (index + 1) in named)
            for index, element in enumerate(elements)
        )

        def group(position: int) -> str | None:
            return _element_group(position) if position <= len(elements) else None

        return body + "".join(_note(note, group) for note in notes)

    def _position(self, element: ElementDef, index: int, named: bool) -> str:
        # One element position: a value, or nothing where it may be absent. (An optional
        # part is written `(?:...|)`: without a repeat the engine keeps no marks for it.)
        group = _element_group(index + 1)
        if element.composite is not None:
            present = self._composite(element.composite, index)
            present = f"(?P<{group}>{present})" if named else present
            # Empty components only: the composite is absent.
            absent = f"{COMPONENT_JOINT}*"
            return present if element.mandatory else f"(?:{present}|{absent})"
        simple = element.simple
        value = self._value(simple, (index, 0), component=False) if simple else _NEVER
        if named:
            value = f"(?P<{group}>{value})"
        return value if element.mandatory else f"(?:{value}|)"

    def _composite(self, composite: CompositeDef, index: int) -> str:
        # A composite with data: the mandatory components there, every one that is there
        # valid, its syntax notes kept.
        components = composite.components
        named = {position for note in composite.notes for position in note.positions}
        patterns = []
        for place, component in enumerate(components):
            value = self._value(component.element, (index, place), component=True)
            if (place + 1) in named:
                value = f"(?P<{_component_group(index + 1, place + 1)}>{value})"
            patterns.append(value if component.mandatory else f"(?:{value}|)")
        mandatory = [place for place, component in enumerate(components) if component.mandatory]
        need = mandatory[-1] + 1 if mandatory else 1
        # Components after the last mandatory one may be left off the end.
        tail = ""
        for pattern in reversed(patterns[need:]):
            tail = f"(?:{COMPONENT_JOINT}{pattern}{tail}|)"
        # Some data before the next element: a composite of empty components is absent.
        data = f"(?={COMPONENT_JOINT}*[^{COMPONENT_JOINT}{ELEMENT_JOINT}])"
        notes = "".join(
            _note(note, lambda place: _component_group(index + 1, place))
            for note in composite.notes
        )
        return data + COMPONENT_JOINT.join(patterns[:need]) + tail + notes

    def _value(self, simple: SimpleElement, where: tuple[int, int], *, component: bool) -> str:
        # A non-empty value of `simple`, as the element checks judge it.
        kind, low, high, codes = simple.type, simple.min_length, simple.max_length, simple.codes
        strings = kind in ("AN", "ID")
        # A top-level AN is judged as a string even with a code list (SimpleElement.quick).
        if strings and (codes is None or (kind == "AN" and not component)):
            return f"{_PRINTABLE}{{{low},{high}}}"
        if strings and codes is not None:
            # A complete list (X12 code list of the element) accepts exactly its codes; an
            # open one (a base version's, or a partial list) warns about others and checks
            # the length. Looked up after the match (a pattern of the codes compiles slowly).
            accepted = {c for c in codes.codes if c.isascii() and c.isprintable()}
            if not codes.complete:
                accepted = {c for c in accepted if low <= len(c) <= high}
            # An empty value is absent, not a code.
            self.codes.append((*where, frozenset({*accepted, ""})))
            return _ANY
        return _other(kind, low, high)


def _element_group(position: int) -> str:
    return f"e{position}"


def _component_group(position: int, place: int) -> str:
    return f"e{position}c{place}"


def _note(note: SyntaxNote, group: _Namer) -> str:
    """A syntax note as conditions on the groups of its elements (X12.6 3.5)."""
    names = [group(position) for position in note.positions]
    first, others = names[0], names[1:]
    if note.kind == "P":
        # Paired: with the first all the others, without it none.
        return _if(first, _all(others), _none(others))
    if note.kind == "R":
        # Required: at least one.
        return _any(names)
    if note.kind == "E":
        # Exclusion: at most one.
        return "".join(_if(name, _none(names[i + 1 :]), "") for i, name in enumerate(names))
    if note.kind == "C":
        # Conditional: with the first, all the others.
        return _if(first, _all(others), "")
    # List conditional (L): with the first, at least one of the others.
    return _if(first, _any(others), "")


def _if(name: str | None, then: str, otherwise: str) -> str:
    # An absent position (not sent) never matched.
    return f"(?({name}){then}|{otherwise})" if name is not None else otherwise


def _all(names: list[str | None]) -> str:
    return "".join(_if(name, "", _NEVER) for name in names)


def _none(names: list[str | None]) -> str:
    return "".join(_if(name, _NEVER, "") for name in names)


def _any(names: list[str | None]) -> str:
    condition = _NEVER
    for name in reversed(names):
        condition = _if(name, "", condition)
    return condition


def _other(kind: str, low: int, high: int) -> str:
    """The pattern of a non-empty value of a numeric, decimal, date, time or binary element."""
    if kind[0] == "N":
        # Nn: digits, a leading minus sign not counted (X12.6 3.3.2.1).
        return f"-?[0-9]{{{low},{high}}}"
    if kind == "R":
        # R: digits with at most one decimal point, neither it nor a minus sign counted
        # (X12.6 3.3.2.3); an exponent is left to the element checks. With the point, the
        # value is one character longer than its digits.
        pointed = f"(?=[0-9.]{{{low + 1},{high + 1}}}(?![0-9.]))(?:[0-9]+\\.[0-9]*|\\.[0-9]+)"
        return f"-?(?:[0-9]{{{low},{high}}}|{pointed})"
    if kind == "DT":
        return _date(low, high)
    if kind == "TM":
        # HHMM, HHMMSS or HHMMSSd..d (X12.6 3.3.2.5).
        count = f"(?=[0-9]{{{low},{high}}}(?![0-9]))"
        return f"{count}(?:[01][0-9]|2[0-3])[0-5][0-9](?:[0-5][0-9][0-9]*)?"
    return _NEVER


def _date(low: int, high: int) -> str:
    # CCYYMMDD, or YYMMDD where the element allows 6 (X12.6 3.3.2.4); year 0000 is no year.
    forms = []
    if low <= 8 <= high:
        forms.append(f"(?!0000)[0-9]{{4}}{_MONTH_DAY}")
    if low <= 6 <= high:
        forms.append(f"[0-9]{{2}}{_MONTH_DAY}")
    return f"(?:{'|'.join(forms)})" if forms else _NEVER
