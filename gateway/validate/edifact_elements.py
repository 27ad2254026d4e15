"""Data element checks of one EDIFACT segment against its directory layout.

Presence (status M/C), number of elements, components and syntax version 4 repeats,
length and character class (a/n/an) and code lists. Numbers follow ISO 9735 clause 10:
an optional leading minus sign, digits and at most one decimal mark, which is the one the
interchange announces in UNA; neither the sign nor the mark counts towards the length, and
a decimal mark needs a digit before it (0085 code 38: "0.5", not ".5").
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.errors import Issue, Location
from gateway.formats.edifact_syntax import Repeat
from gateway.formats.segments import Segment
from gateway.validate.edifact_schema import CodeList, ElementDef, Format, SegmentDef


class ElementChecker:
    """Checks the elements of segments of one message; appends to a shared issue list."""

    def __init__(
        self,
        issues: list[Issue],
        *,
        decimal: str,
        file: str | None,
        repetitions: Mapping[tuple[int, int], tuple[Repeat, ...]],
        directory: str,
    ) -> None:
        self.issues = issues
        self.decimal = decimal
        self.other_mark = "," if decimal == "." else "."
        self.file = file
        self.repetitions = repetitions
        self.directory = directory

    def check(self, segment: Segment, layout: SegmentDef) -> None:
        """Every element of `segment` against `layout`."""
        values = segment.elements
        defined = layout.elements
        if len(values) > len(defined):
            self._too_many_elements(segment, len(defined))
        repetitions = self.repetitions
        for index, (element, value) in enumerate(zip(defined, values, strict=False)):
            if repetitions and (segment.position, index + 1) in repetitions:
                self._repeats(segment, index + 1, element)
            else:
                self._occurrence(segment, index + 1, element, value)
        for index in range(len(values), len(defined)):
            # Elements after the last one sent are absent: only the mandatory ones matter.
            if defined[index].mandatory:
                self._occurrence(segment, index + 1, defined[index], ())

    def _too_many_elements(self, segment: Segment, defined: int) -> None:
        for index in range(defined, len(segment.elements)):
            if any(segment.elements[index]):
                message = (
                    f"{segment.tag} has data in element {index + 1}; the segment defines "
                    f"{defined} element{'s' if defined != 1 else ''}"
                )
                self._issue("edifact.element_too_many", message, segment, index + 1)
                return

    def _repeats(self, segment: Segment, number: int, element: ElementDef) -> None:
        repeats = self.repetitions[(segment.position, number)]
        if len(repeats) > element.repeats:
            allowed = "may not repeat" if element.repeats == 1 else f"at most {element.repeats}"
            message = (
                f"{segment.tag} {element.id} occurs {len(repeats)} times (repetition "
                f"separator); {allowed}{' allowed' if element.repeats > 1 else ''} in "
                f"{self.directory}"
            )
            self._issue("edifact.repetition_too_many", message, segment, number)
        for repeat in repeats:
            self._occurrence(segment, number, element, repeat)

    def _occurrence(
        self, segment: Segment, number: int, element: ElementDef, value: tuple[str, ...]
    ) -> None:
        if element.format is None:
            self._composite(segment, number, element, value)
            return
        if len(value) > 1 and any(value[1:]):
            message = f"{segment.tag} {element.id} is a simple data element but has components"
            self._issue("edifact.element_too_many", message, segment, number, 2)
        text = value[0] if value else ""
        if not text:
            if element.mandatory:
                message = f"{segment.tag} {element.id} is missing; it is mandatory"
                self._issue("edifact.element_missing", message, segment, number)
            return
        self._value(segment, text, element.format, element.codes, element.id, number, None)

    def _composite(
        self, segment: Segment, number: int, element: ElementDef, value: tuple[str, ...]
    ) -> None:
        if not any(value):
            if element.mandatory:
                message = f"{segment.tag} {element.id} is missing; it is mandatory"
                self._issue("edifact.element_missing", message, segment, number)
            return
        components = element.components
        if len(value) > len(components):
            self._too_many_components(segment, number, element, value)
        for index, component in enumerate(components):
            text = value[index] if index < len(value) else ""
            label = f"{element.id}.{component.id}"
            if not text:
                if component.mandatory:
                    message = f"{segment.tag} {label} is missing; it is mandatory in {element.id}"
                    self._issue("edifact.component_missing", message, segment, number, index + 1)
                continue
            self._value(segment, text, component.format, component.codes, label, number, index + 1)

    def _too_many_components(
        self, segment: Segment, number: int, element: ElementDef, value: tuple[str, ...]
    ) -> None:
        defined = len(element.components)
        for index in range(defined, len(value)):
            if value[index]:
                message = (
                    f"{segment.tag} {element.id} has data in component {index + 1}; "
                    f"the composite defines {defined}"
                )
                self._issue("edifact.element_too_many", message, segment, number, index + 1)
                return

    def _value(  # noqa: PLR0917 - one call site per element kind
        self,
        segment: Segment,
        text: str,
        fmt: Format,
        codes: CodeList | None,
        label: str,
        number: int,
        component: int | None,
    ) -> None:
        where = (segment, number, component)
        if fmt.kind == "n":
            length = self._numeric(text, fmt, label, where)
            if length is None:
                return
            unit = "digit"
        else:
            length, unit = len(text), "character"
            if fmt.kind == "a" and any(c.isdigit() for c in text):
                message = f"{segment.tag} {label} {text!r} is not alphabetic ({fmt})"
                self._issue("edifact.element_type", message, *where)
        # A code is looked up only when the length fits: "BYZZ" is one problem, not two.
        if not self._length_fits(text, length, unit, fmt, label, where) or codes is None:
            return
        if text not in codes.codes:
            self._unknown_code(segment, text, codes, label, where)

    def _length_fits(  # noqa: PLR0917 - the parts of one message
        self,
        text: str,
        length: int,
        unit: str,
        fmt: Format,
        label: str,
        where: tuple[Segment, int, int | None],
    ) -> bool:
        tag = where[0].tag
        if length > fmt.max_length:
            message = (
                f"{tag} {label} {text!r} is {length} {unit}s, at most {fmt.max_length} "
                f"allowed ({fmt})"
            )
            self._issue("edifact.element_too_long", message, *where)
            return False
        if length < fmt.min_length:
            needed = "exactly" if fmt.min_length == fmt.max_length else "at least"
            plural = "s" if length != 1 else ""
            message = (
                f"{tag} {label} {text!r} is {length} {unit}{plural}, {needed} "
                f"{fmt.min_length} required ({fmt})"
            )
            self._issue("edifact.element_too_short", message, *where)
            return False
        return True

    def _numeric(
        self, text: str, fmt: Format, label: str, where: tuple[Segment, int, int | None]
    ) -> int | None:
        # The length of a number: its digits, without sign and decimal mark (ISO 9735 cl. 10).
        if text.isascii() and text.isdigit():
            return len(text)
        body = text[1:] if text.startswith("-") else text
        whole, mark, fraction = body.partition(self.decimal)
        if _digits(whole) and (not mark or _digits(fraction)):
            return len(whole) + len(fraction)
        tag = where[0].tag
        if not whole and mark and _digits(fraction):
            message = (
                f"{tag} {label} {text!r} has no digit before the decimal mark; "
                f"write 0{self.decimal}{fraction} ({fmt})"
            )
            self._issue("edifact.element_type", message, *where)
            return None
        if self._other_mark(body):
            message = (
                f"{tag} {label} {text!r} uses {self.other_mark!r} as decimal mark; this "
                f"interchange's decimal mark is {self.decimal!r} (UNA)"
            )
            self._issue("edifact.decimal_mark", message, *where)
            return None
        message = f"{tag} {label} {text!r} is not numeric ({fmt})"
        self._issue("edifact.element_type", message, *where)
        return None

    def _other_mark(self, body: str) -> bool:
        whole, mark, fraction = body.partition(self.other_mark)
        return bool(mark) and _digits(fraction) and (not whole or _digits(whole))

    def _unknown_code(
        self,
        segment: Segment,
        text: str,
        codes: CodeList,
        label: str,
        where: tuple[Segment, int, int | None],
    ) -> None:
        name = f" ({codes.name})" if codes.name else ""
        if codes.complete:
            message = f"{segment.tag} {label} {text!r} is not a code of {codes.element}{name}"
            severity = "error"
        else:
            message = (
                f"{segment.tag} {label} {text!r} is not among the known codes of "
                f"{codes.element}{name}; accepted"
            )
            severity = "warning"
        location = Location(self.file, where[0].position, where[0].tag, where[1], where[2])
        self.issues.append(Issue("edifact.code_unknown", message, location, severity))

    def _issue(
        self,
        code: str,
        message: str,
        segment: Segment,
        element: int | None = None,
        component: int | None = None,
    ) -> None:
        location = Location(self.file, segment.position, segment.tag, element, component)
        self.issues.append(Issue(code, message, location))


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()
