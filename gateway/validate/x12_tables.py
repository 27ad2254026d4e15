"""X12 transaction set tables as data: segment and loop entries, and what matching needs.

A set table (X12.6 section 4: heading, detail and summary areas) lists segments with their
requirement (M or O) and maximum use, and loops, whose first entry is the loop's beginning
segment. Each level (the set, or a loop) carries tables precomputed for matching: from each
cursor position, where each tag leads (`Step`). `Paths` holds what matching has met so far:
states of a set's cursor and where each tag leads from them (filled by `x12_paths`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from gateway.validate.x12_schema import SegmentDef

# The data elements of a segment; each a tuple of components.
Elements = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class SegmentEntry:
    """A segment's place in a transaction set: requirement and maximum use."""

    tag: str
    mandatory: bool
    max: int
    segment: SegmentDef


@dataclass(frozen=True, slots=True)
class LoopEntry:
    """A loop: its first entry is the loop's beginning segment, mandatory once per loop."""

    name: str
    mandatory: bool
    max: int
    entries: tuple[SegmentEntry | LoopEntry, ...]
    # The tag (segment, or first segment of a loop) of each entry, for matching.
    tags: tuple[str, ...] = field(init=False, repr=False, compare=False)
    # What matching needs of the loop's level, precomputed.
    level: Level = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(entry.tag for entry in self.entries))
        object.__setattr__(self, "level", level_of(self.entries, loop=True))

    @property
    def tag(self) -> str:
        """The beginning segment's tag: a loop starts where this segment occurs."""
        return self.entries[0].tag


Entry = SegmentEntry | LoopEntry


@dataclass(frozen=True, slots=True)
class Structure:
    """One transaction set of one version, segments resolved and tag lookups precomputed."""

    set_id: str
    name: str
    version: str
    entries: tuple[Entry, ...]
    # Every segment tag of the version's segment directory (unknown tag vs. not in this set).
    directory: frozenset[str] = frozenset()
    source: Path | None = field(default=None, compare=False)
    tags: tuple[str, ...] = field(init=False, repr=False, compare=False)
    # Every tag used anywhere in the set.
    used: frozenset[str] = field(init=False, repr=False, compare=False)
    # What matching needs of the set's own level, precomputed.
    level: Level = field(init=False, repr=False, compare=False)
    # The layout of each tag of the set (None when a tag has two, which loaded tables never
    # have: then every set is matched the slow way) and its compiled check (`plan.clean`),
    # and the paths learnt through the set.
    layouts: dict[str, SegmentDef] | None = field(init=False, repr=False, compare=False)
    cleans: dict[str, Callable[[Elements], bool]] = field(init=False, repr=False, compare=False)
    paths: Paths = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(entry.tag for entry in self.entries))
        object.__setattr__(self, "used", frozenset(_tags_in(self.entries)))
        object.__setattr__(self, "level", level_of(self.entries, loop=False))
        layouts = _layouts(self.entries, {}) if self.entries else None
        object.__setattr__(self, "layouts", layouts)
        cleans = {tag: layout.plan.clean for tag, layout in (layouts or {}).items()}
        object.__setattr__(self, "cleans", cleans)
        object.__setattr__(self, "paths", Paths())

    @property
    def label(self) -> str:
        """How messages name it: `850 004010`."""
        return f"{self.set_id} {self.version}"


class Step(NamedTuple):
    """Where a segment tag leads from a cursor position in a level of a set table."""

    entry: int  # the entry it starts (AGAIN: the loop's next occurrence)
    limit: int  # the entry's maximum use
    loop: LoopEntry | None  # the loop the entry is, when it is one
    layout: SegmentDef | None  # what the segment is checked by (a loop's beginning segment)


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a set table (the set, or a loop) as matching uses it."""

    entries: tuple[Entry, ...]
    tags: tuple[str, ...]
    # Per cursor position: tag -> the step it makes, from the cursor on. A loop's level
    # never goes back to its beginning segment: seen again, that starts the loop's next
    # occurrence, which the enclosing level finds (its cursor is still on the loop).
    tables: tuple[dict[str, Step], ...]
    # Per entry: the next mandatory entry after it (len(entries) when there is none).
    next_mandatory: tuple[int, ...]


# Step.entry of a loop's beginning segment met again within the loop.
AGAIN = -1


def level_of(entries: tuple[Entry, ...], *, loop: bool) -> Level:
    """The matching tables of a set's or a loop's entries."""
    tags = tuple(entry.tag for entry in entries)
    steps = [_step(index, entry) for index, entry in enumerate(entries)]
    # From each start n: tag -> the step to the first entry from n on with that tag.
    starts: list[dict[str, Step]] = [{}]
    for index in range(len(tags) - 1, -1, -1):
        starts.append({**starts[-1], tags[index]: steps[index]})
    starts.reverse()
    tables = tuple(starts[max(index, 1 if loop else 0)] for index in range(len(tags))) or ({},)
    if loop and entries:
        # A loop's beginning segment not found further on in the loop starts its next
        # occurrence (found at the enclosing level, whose cursor is on the loop).
        again = Step(AGAIN, entries[0].max, None, steps[0].layout)
        tables = tuple({tags[0]: again, **table} for table in tables)
    next_mandatory = [len(entries)] * len(entries)
    following = len(entries)
    for index in range(len(entries) - 1, -1, -1):
        next_mandatory[index] = following
        if entries[index].mandatory:
            following = index
    return Level(entries, tags, tables, tuple(next_mandatory))


def _step(index: int, entry: Entry) -> Step:
    if isinstance(entry, LoopEntry):
        trigger = entry.entries[0] if entry.entries else None
        layout = trigger.segment if isinstance(trigger, SegmentEntry) else None
        return Step(index, entry.max, entry, layout)
    return Step(index, entry.max, None, entry.segment)


# A state of matching: for each open level (the set, then the loops inside), the loop (None
# for the set), the entry at the cursor and its occurrences so far (capped where more make no
# difference).
State = tuple[tuple[LoopEntry | None, int, int], ...]


class Paths:
    """The states of matching met in a set, where each tag leads from them (see x12_paths)."""

    __slots__ = ("ends", "ids", "lock", "moves", "states")

    def __init__(self) -> None:
        self.states: list[State] = []
        self.ids: dict[tuple[tuple[int, int, int], ...], int] = {}
        # By state: tag -> the next state (or a negative number: the tag needs an issue).
        self.moves: list[dict[str, int]] = []
        # By state: whether the set may end there without an issue (None: not known yet).
        self.ends: list[bool | None] = []
        self.lock = threading.Lock()


def _layouts(
    entries: tuple[Entry, ...], found: dict[str, SegmentDef]
) -> dict[str, SegmentDef] | None:
    for entry in entries:
        if isinstance(entry, LoopEntry):
            if not entry.entries or not isinstance(entry.entries[0], SegmentEntry):
                return None
            if _layouts(entry.entries, found) is None:
                return None
        elif found.setdefault(entry.tag, entry.segment) is not entry.segment:
            return None
    return found


def _tags_in(entries: tuple[Entry, ...]) -> set[str]:
    tags: set[str] = set()
    for entry in entries:
        if isinstance(entry, LoopEntry):
            tags |= _tags_in(entry.entries)
        else:
            tags.add(entry.tag)
    return tags
