"""Data element checks of one X12 segment against its version's layout (X12.6 section 3).

Presence (M mandatory; X relational, decided by the segment's syntax notes), number of
elements, components and repeats, the values (types, lengths, code lists: `x12_values`), and
the syntax notes P, R, E, C and L. A segment whose precompiled plan (`x12_plan`) finds nothing
wrong is done at once; only the others are looked at element by element to say what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.errors import Issue, Location
from gateway.formats.segments import Segment
from gateway.validate.x12_schema import (
    ComponentDef,
    ElementDef,
    SegmentDef,
    SimpleElement,
    SyntaxNote,
)
from gateway.validate.x12_values import value_problems

Repeats = tuple[tuple[str, ...], ...]


class ElementChecker:
    """Checks the elements of the segments of one transaction set; appends to `issues`."""

    def __init__(
        self,
        issues: list[Issue],
        *,
        file: str | None,
        repetitions: Mapping[tuple[int, int], Repeats],
    ) -> None:
        self.issues = issues
        self.file = file
        self.repetitions = repetitions
        # Segments with a repeated element (005010 repetition separator) are always looked at.
        self.repeated = frozenset(position for position, _ in repetitions)

    def check(self, segment: Segment, layout: SegmentDef) -> None:
        """Every element of `segment` against `layout`, then the segment's syntax notes."""
        if segment.position in self.repeated or not layout.plan.clean(segment.elements):
            self.report(segment, layout)

    def report(self, segment: Segment, layout: SegmentDef) -> None:
        """The issues of a segment whose plan (`SegmentDef.plan`) did not find it clean."""
        values = segment.elements
        defined = layout.elements
        count = len(values)
        if count > len(defined):
            self._too_many_elements(segment, len(defined))
        repetitions = self.repetitions
        for index, value in enumerate(values[: len(defined)]):
            element = defined[index]
            simple = element.simple
            if repetitions and (segment.position, index + 1) in repetitions:
                self._repeats(segment, index + 1, element)
            elif simple is None:
                self._composite(segment, index + 1, element, value)
            elif len(value) == 1 and value[0]:
                if not _acceptable(simple, value[0]):
                    self._value(segment, index + 1, None, simple, value[0])
            elif len(value) > 1 or element.requirement == "M":
                self._simple(segment, index + 1, element, value)
        for index in layout.required:
            if index >= count:
                # Elements after the last one sent are absent: only the mandatory ones matter.
                self._missing(segment, index + 1, element=defined[index])
        if layout.notes:
            present = {i + 1 for i, value in enumerate(values) if any(value)}
            self._notes(segment, layout.notes, present, _SegmentNames(segment.tag, defined))

    def _too_many_elements(self, segment: Segment, defined: int) -> None:
        for index in range(defined, len(segment.elements)):
            if any(segment.elements[index]):
                text = (
                    f"{segment.tag} has data in element {index + 1}; the segment has "
                    f"{defined} element{'s' if defined != 1 else ''}"
                )
                value = _joined(segment.elements[index])
                self._issue("x12.element.too_many", text, segment, index + 1, value=value)
                return

    def _repeats(self, segment: Segment, number: int, element: ElementDef) -> None:
        repeats = self.repetitions[(segment.position, number)]
        if len(repeats) > element.repeats:
            allowed = (
                "it may not repeat"
                if element.repeats == 1
                else f"at most {element.repeats} repeats are allowed"
            )
            text = (
                f"{segment.tag} element {number} ({element.label}) occurs {len(repeats)} times "
                f"(repetition separator); {allowed}"
            )
            value = _joined(repeats[element.repeats])
            self._issue("x12.element.repetitions", text, segment, number, value=value)
        for repeat in repeats:
            if element.simple is not None:
                self._simple(segment, number, element, repeat)
            else:
                self._composite(segment, number, element, repeat)

    def _simple(
        self, segment: Segment, number: int, element: ElementDef, value: tuple[str, ...]
    ) -> None:
        simple = element.simple
        if simple is None:
            return
        if len(value) > 1 and any(value[1:]):
            text = (
                f"{segment.tag} element {number} ({simple.label}) is a simple data element "
                "but holds the component separator"
            )
            self._issue("x12.element.components", text, segment, number, value=_joined(value))
        text = value[0] if value else ""
        if text:
            self._value(segment, number, None, simple, text)
        elif element.requirement == "M":
            self._missing(segment, number, element=element)

    def _composite(
        self, segment: Segment, number: int, element: ElementDef, value: tuple[str, ...]
    ) -> None:
        composite = element.composite
        if composite is None:
            return
        if not any(value):
            if element.requirement == "M":
                self._missing(segment, number, element=element)
            return
        components = composite.components
        if len(value) > len(components) and any(value[len(components) :]):
            text = (
                f"{segment.tag} element {number} ({element.label}) has {len(value)} components; "
                f"{composite.id} has {len(components)}"
            )
            self._issue("x12.element.components", text, segment, number, value=_joined(value))
        for index, component in enumerate(components):
            text = value[index] if index < len(value) else ""
            if text:
                self._value(segment, number, index + 1, component.element, text)
            elif component.mandatory:
                self._missing(segment, number, component=(index + 1, component, composite.id))
        if composite.notes:
            present = {index + 1 for index, text in enumerate(value) if text}
            names = _CompositeNames(segment.tag, number, components)
            self._notes(segment, composite.notes, present, names)

    def _missing(
        self,
        segment: Segment,
        number: int,
        *,
        element: ElementDef | None = None,
        component: tuple[int, ComponentDef, str] | None = None,
    ) -> None:
        if component is not None:
            place, definition, composite = component
            text = (
                f"{segment.tag} element {number} component {place} "
                f"({definition.element.label}) is missing; it is mandatory in {composite}"
            )
            self._issue("x12.element.missing", text, segment, number, place)
        elif element is not None:
            text = f"{segment.tag} element {number} ({element.label}) is missing; it is mandatory"
            self._issue("x12.element.missing", text, segment, number)

    def _value(
        self, segment: Segment, number: int, component: int | None, simple: SimpleElement, text: str
    ) -> None:
        for kind, sentence, severity in value_problems(simple, text):
            where = f"{segment.tag} element {number}"
            if component is not None:
                where += f" component {component}"
            message = f"{where} ({simple.label}) {sentence}"
            self._issue(f"x12.element.{kind}", message, segment, number, component, text, severity)

    def _notes(
        self,
        segment: Segment,
        notes: tuple[SyntaxNote, ...],
        present: set[int],
        names: _Names,
    ) -> None:
        for note in notes:
            members = note.members
            if note.kind != "R" and (
                present.isdisjoint(members) or (note.kind != "E" and members <= present)
            ):
                continue  # the usual case: none or all of the elements there
            broken = broken_note(note, present)
            if broken is not None:
                self._note(segment, note, broken, names)

    def _note(
        self, segment: Segment, note: SyntaxNote, broken: tuple[str, int, int | None], names: _Names
    ) -> None:
        code, position, other = broken
        if note.kind == "E" and other is not None:
            text = f"{names(position)} may not be present together with {names(other)}"
        elif note.kind == "R":
            listed = " or ".join(names(p) for p in note.positions)
            text = f"{segment.tag} needs at least one of {listed}"
        elif note.kind == "L" and other is not None:
            listed = " or ".join(names(p) for p in note.positions[1:])
            text = f"{segment.tag} needs {listed} when {names(other)} is present"
        else:
            text = f"{names(position)} is required when {names(other or position)} is present"
        text += f" (syntax note {note.text})"
        severity = "warning" if note.lenient else "error"
        element, component = names.location(position)
        value = segment.value(element, component or 1) if code == "x12.element.exclusion" else None
        self._issue(code, text, segment, element, component, value, severity)

    def _issue(  # noqa: PLR0917 - the Location's parts, in its order
        self,
        code: str,
        message: str,
        segment: Segment,
        element: int | None = None,
        component: int | None = None,
        value: str | None = None,
        severity: str = "error",
    ) -> None:
        where = Location(self.file, segment.position, segment.tag, element, component)
        self.issues.append(Issue(code, message, where, severity, value))


class _Names:
    """Names the positions a syntax note refers to, and says where to report them."""

    def __call__(self, position: int) -> str:
        raise NotImplementedError

    def location(self, position: int) -> tuple[int, int | None]:
        """(element, component) of a position named by a note."""
        raise NotImplementedError


class _SegmentNames(_Names):
    def __init__(self, tag: str, defined: tuple[ElementDef, ...]) -> None:
        self.tag, self.defined = tag, defined

    def __call__(self, position: int) -> str:
        return f"{self.tag} element {position} ({self.defined[position - 1].label})"

    def location(self, position: int) -> tuple[int, int | None]:
        return position, None


class _CompositeNames(_Names):
    def __init__(self, tag: str, number: int, components: tuple[ComponentDef, ...]) -> None:
        self.tag, self.number, self.components = tag, number, components

    def __call__(self, position: int) -> str:
        label = self.components[position - 1].element.label
        return f"{self.tag} element {self.number} component {position} ({label})"

    def location(self, position: int) -> tuple[int, int | None]:
        return self.number, position


def _acceptable(simple: SimpleElement, text: str) -> bool:
    """The common cases, settled without building any problem (see SimpleElement.quick)."""
    quick = simple.quick
    if quick == "C":
        codes = simple.codes
        return codes is not None and text in codes.codes
    if not (quick and simple.min_length <= len(text) <= simple.max_length and text.isascii()):
        return False
    return text.isprintable() if quick == "S" else text.isdigit()


def broken_note(note: SyntaxNote, present: set[int]) -> tuple[str, int, int | None] | None:
    """(issue code, position to report, position that triggered it) when `note` is broken."""
    there = [p for p in note.positions if p in present]
    missing = [p for p in note.positions if p not in present]
    kind, first = note.kind, note.positions[0]
    if kind == "P" and there and missing:
        # Paired: if any is present, all must be.
        return "x12.element.conditional", missing[0], there[0]
    if kind == "R" and not there:
        # Required: at least one must be present.
        return "x12.element.conditional", first, None
    if kind == "E" and len(there) > 1:
        # Exclusion: not more than one may be present.
        return "x12.element.exclusion", there[1], there[0]
    if kind == "C" and first in present and missing:
        # Conditional: if the first is present, all the others must be.
        return "x12.element.conditional", missing[0], first
    if kind == "L" and first in present and len(there) == 1:
        # List conditional: if the first is present, at least one of the others must be.
        return "x12.element.conditional", note.positions[1], first
    return None


def _joined(value: tuple[str, ...]) -> str:
    return ":".join(value).rstrip(":")
