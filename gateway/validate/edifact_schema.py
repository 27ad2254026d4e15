"""EDIFACT message structures as data: segments, code lists and messages per directory.

The data lives in `schemas/edifact/<DIR>/` (the format is described in schemas/README.md):
`directory.toml`, `segments/<TAG>.toml`, `codes/<element>.toml` and `messages/<TYPE>.toml`.
A directory may name another one in `based_on`: segments and code lists it does not write
are looked up there (messages are not inherited: a UN/EDIFACT message structure is published
anew in every directory). Everything is read and cross-checked once, at start, so that a
typo in a schema file stops the gateway with the file and line instead of mis-validating.

Service messages (CONTRL) carry a syntax-level version in UNH S009 (0052:0054 = 2:2 for
syntax version 3, 4:1 for syntax version 4, D:3 in EANCOM) instead of a directory; a
message file lists those versions in `versions`, and `structure_for` finds it by them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gateway.errors import ConfigError


@dataclass(frozen=True)
class Format:
    """A UN/EDIFACT representation such as an..35, n3 or a1 (UNTDID part 4, ISO 9735 cl. 10)."""

    kind: str  # "a" alphabetic, "n" numeric, "an" alphanumeric
    min_length: int
    max_length: int
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class CodeList:
    """The codes of one simple data element; `complete` says whether others are errors."""

    element: str
    name: str
    complete: bool
    codes: frozenset[str]


@dataclass(frozen=True)
class ComponentDef:
    """One component data element of a composite, with the code list its id has, if any."""

    id: str
    mandatory: bool
    format: Format
    codes: CodeList | None = None


@dataclass(frozen=True)
class ElementDef:
    """A simple data element (`format` set) or a composite (`components` set) of a segment."""

    id: str
    mandatory: bool
    format: Format | None
    components: tuple[ComponentDef, ...] = ()
    # Syntax version 4 repetition: how many times the element may occur (1 = no repetition).
    repeats: int = 1
    codes: CodeList | None = None

    @property
    def composite(self) -> bool:
        """Whether the element is a composite data element."""
        return self.format is None


@dataclass(frozen=True)
class SegmentDef:
    """The layout of one segment tag in one directory."""

    tag: str
    name: str
    elements: tuple[ElementDef, ...]


@dataclass(frozen=True)
class SegmentEntry:
    """A segment's place in a message structure: status and maximum repetitions."""

    tag: str
    mandatory: bool
    max: int
    segment: SegmentDef


@dataclass(frozen=True)
class GroupEntry:
    """A segment group: its first entry is the trigger segment, mandatory once per group."""

    name: str
    mandatory: bool
    max: int
    entries: tuple[SegmentEntry | GroupEntry, ...]
    # The tag (segment, or trigger of a group) of each entry, for matching.
    tags: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(entry.tag for entry in self.entries))

    @property
    def tag(self) -> str:
        """The trigger segment's tag: a group starts where this segment occurs."""
        return self.entries[0].tag


Entry = SegmentEntry | GroupEntry


@dataclass(frozen=True)
class MessageSchema:
    """One message structure (the branching diagram) of one directory, segments resolved."""

    message: str
    name: str
    directory: str
    entries: tuple[Entry, ...]
    versions: tuple[str, ...] = ()
    source: Path | None = field(default=None, compare=False)
    tags: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(entry.tag for entry in self.entries))


class EdifactSchemas:
    """Every directory under schemas/edifact, loaded and cross-checked; read-only afterwards."""

    def __init__(
        self, structures: dict[tuple[str, str], MessageSchema], directories: list[str]
    ) -> None:
        self._structures = structures
        self._directories = directories

    @classmethod
    def load(cls, root: Path) -> EdifactSchemas:
        """Read `root`/edifact/*; ConfigError listing every problem with file and line."""
        from gateway.validate.edifact_schema_load import load_directories

        structures, directories = load_directories(root)
        return cls(structures, directories)

    def structure_for(self, version: str, message_type: str) -> MessageSchema | None:
        """The structure for UNH S009 (version as EdifactMessage.version), None if not written."""
        key = (normalise_version(version), message_type.upper())
        return self._structures.get(key)

    def directories(self) -> list[str]:
        """The directory names found, e.g. ["D01B", "D03B", "D96A"]."""
        return list(self._directories)


def normalise_version(version: str) -> str:
    """S009 0052+0054 as one key: "D96A", "d:96a" and "D:96A" alike; "2:2" becomes "22"."""
    return version.replace(":", "").strip().upper()


def schema_problem(path: Path, line: int | None, message: str) -> str:
    """One loader problem as `file:line: message`."""
    return f"{path}:{line}: {message}" if line else f"{path}: {message}"


def raise_problems(problems: list[str]) -> None:
    """Stop the start with every schema problem at once."""
    if problems:
        raise ConfigError(problems)
