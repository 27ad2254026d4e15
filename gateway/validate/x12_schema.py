"""X12 transaction set structures as data: elements, segments, code lists and sets per version.

The data lives in `schemas/x12/<version>/` (the format is described in schemas/README.md):
`version.toml`, `elements.toml` (the data element dictionary, X12.3), `segments.toml`
(segment and composite directory with syntax notes, X12.22/X12.6), `codes/<element>.toml`
and `sets/<id>.toml` (the transaction set tables, X12.6 heading/detail/summary). A version may
name a `base` version: elements, segments, composites, code lists and sets it does not write
are taken from there. Everything is read and cross-checked once, at start.

GS08 carries the version and, after the first six characters, an industry or implementation
guide (004010VICS, 005010X231A1); `structure_for` falls back to the first six characters.
The set tables themselves are in `x12_tables`; each segment layout carries its element checks
compiled (`x12_plan`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gateway.errors import ConfigError
from gateway.validate.x12_plan import SegmentPlan
from gateway.validate.x12_tables import Entry, LoopEntry, SegmentEntry, Structure

__all__ = [
    "ELEMENT_TYPES",
    "CodeList",
    "ComponentDef",
    "CompositeDef",
    "ElementDef",
    "Entry",
    "LoopEntry",
    "SegmentDef",
    "SegmentEntry",
    "SimpleElement",
    "Structure",
    "SyntaxNote",
    "Version",
    "X12Schemas",
    "raise_problems",
    "schema_problem",
]

# X12.6 data element types: AN string, ID identifier, Nn numeric with n implied decimals,
# R decimal number, DT date, TM time, B binary.
ELEMENT_TYPES = ("AN", "ID", "R", "DT", "TM", "B", *(f"N{n}" for n in range(10)))


@dataclass(frozen=True, slots=True)
class CodeList:
    """The codes of one data element; `complete` says whether other values are errors."""

    element: str
    name: str
    complete: bool
    codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class SimpleElement:
    """A data element of the dictionary: type, minimum and maximum length, code list."""

    id: str
    name: str
    type: str
    min_length: int
    max_length: int
    codes: CodeList | None = None
    # How a value can be accepted without a closer look: "S" a string (AN, or ID without a
    # code list) of ASCII printables, "N" unsigned digits (N0..N9), "C" a code of a complete
    # list; "" never. The length must fit too (except for "C").
    quick: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = self.codes
        if self.type == "AN" or (self.type == "ID" and codes is None):
            quick = "S"
        elif self.type[0] == "N":
            quick = "N"
        else:
            quick = "C" if self.type == "ID" and codes is not None and codes.complete else ""
        object.__setattr__(self, "quick", quick)

    @property
    def label(self) -> str:
        """How messages name it: `234 Product/Service ID`."""
        return f"{self.id} {self.name}"


@dataclass(frozen=True, slots=True)
class SyntaxNote:
    """A relational condition among a segment's or composite's elements (X12.6 section 3.5)."""

    kind: str  # P paired, R required, E exclusion, C conditional, L list conditional
    positions: tuple[int, ...]  # 1-based element (or component) positions
    text: str  # as X12 writes it: P0607
    lenient: bool = False  # partners commonly break it: report as a warning
    members: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", frozenset(self.positions))


@dataclass(frozen=True, slots=True)
class ComponentDef:
    """One component of a composite: its data element and requirement (M, O or X)."""

    element: SimpleElement
    requirement: str

    @property
    def mandatory(self) -> bool:
        """Whether the component must be present when its composite is."""
        return self.requirement == "M"


@dataclass(frozen=True, slots=True)
class CompositeDef:
    """A composite data structure (e.g. C001 unit of measure) and its syntax notes."""

    id: str
    name: str
    components: tuple[ComponentDef, ...]
    notes: tuple[SyntaxNote, ...] = ()


@dataclass(frozen=True, slots=True)
class ElementDef:
    """One position of a segment: a simple element or a composite, requirement, repeats."""

    requirement: str  # M mandatory, O optional, X relational (see the segment's notes)
    simple: SimpleElement | None = None
    composite: CompositeDef | None = None
    # 005010 repeating elements (ISA11 repetition separator): how many repeats are allowed.
    repeats: int = 1

    @property
    def mandatory(self) -> bool:
        """Whether the element must be present."""
        return self.requirement == "M"

    @property
    def id(self) -> str:
        """The element's reference number: 234, or C001 for a composite."""
        if self.simple is not None:
            return self.simple.id
        return self.composite.id if self.composite is not None else "?"

    @property
    def label(self) -> str:
        """How messages name it: `234 Product/Service ID`."""
        if self.simple is not None:
            return self.simple.label
        return f"{self.id} {self.composite.name}" if self.composite is not None else self.id


@dataclass(frozen=True, slots=True)
class SegmentDef:
    """The layout of one segment tag in one version."""

    tag: str
    name: str
    elements: tuple[ElementDef, ...]
    notes: tuple[SyntaxNote, ...] = ()
    # 0-based indexes of the mandatory elements (absent trailing elements are only checked here).
    required: tuple[int, ...] = field(init=False, repr=False, compare=False)
    # The element checks compiled (x12_plan): a clean segment is settled in one pass.
    plan: SegmentPlan = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        required = tuple(i for i, element in enumerate(self.elements) if element.mandatory)
        object.__setattr__(self, "required", required)
        object.__setattr__(self, "plan", SegmentPlan(self.elements, self.notes))


@dataclass(frozen=True, slots=True)
class Version:
    """One loaded version: its segment directory (for envelope checks) and its sets."""

    version: str
    name: str
    segments: dict[str, SegmentDef]
    sets: dict[str, Structure]


class X12Schemas:
    """Every version under schemas/x12, loaded and cross-checked; read-only afterwards."""

    def __init__(self, versions: dict[str, Version]) -> None:
        self._versions = versions

    @classmethod
    def load(cls, root: Path) -> X12Schemas:
        """Read `root`/x12/*; ConfigError listing every problem with file and key."""
        from gateway.validate.x12_schema_load import load_versions

        return cls(load_versions(root))

    def structure_for(self, set_id: str, version: str) -> Structure | None:
        """The set for ST01 and GS08 (004010VICS falls back to 004010); None if not written."""
        found = self.version_for(version)
        return found.sets.get(set_id.strip()) if found is not None else None

    def version_for(self, version: str) -> Version | None:
        """The version for GS08, falling back to its first six characters."""
        key = version.strip().upper()
        return self._versions.get(key) or self._versions.get(key[:6])

    def element_id(
        self, version: str, tag: str, element: int, component: int | None = None
    ) -> str | None:
        """The data element reference number at a position (AK402/IK402), None if unknown."""
        found = self.version_for(version)
        layout = found.segments.get(tag) if found is not None else None
        if layout is None or not 1 <= element <= len(layout.elements):
            return None
        position = layout.elements[element - 1]
        composite = position.composite
        if component is None or composite is None:
            return position.id
        if not 1 <= component <= len(composite.components):
            return None
        return composite.components[component - 1].element.id

    def versions(self) -> list[str]:
        """The versions found, e.g. ["004010", "005010"]."""
        return sorted(self._versions)


def schema_problem(path: Path, key: str | None, message: str) -> str:
    """One loader problem as `file: key: message`."""
    return f"{path}: {key}: {message}" if key else f"{path}: {message}"


def raise_problems(problems: list[str]) -> None:
    """Stop the start with every schema problem at once."""
    if problems:
        raise ConfigError(problems)
