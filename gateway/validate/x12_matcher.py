"""Matching the segments of a transaction set against its table, one cursor per level.

The transaction set tables (X12.6 section 4: heading, detail and summary areas, loops with a
beginning segment) are matched with one cursor: at each level the entries are tried in order
from the current one; a loop starts where its beginning segment occurs and ends at a segment
that fits none of its remaining entries, which is then tried at the enclosing levels. A
segment that fits nowhere is reported with the 997/999 segment error it deserves (AK304/IK304:
1 unrecognized segment ID, 2 unexpected, 6 not in the transaction set, 7 out of sequence) and
skipped; matching resumes where it was, so that every problem of the set is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.errors import Issue, Location
from gateway.formats.segments import Segment
from gateway.validate.x12_elements import ElementChecker
from gateway.validate.x12_schema_parse import UNBOUNDED
from gateway.validate.x12_tables import AGAIN, Entry, Level, LoopEntry, State, Step, Structure

# Repeated elements: (segment position, element) -> every repeat.
Repetitions = Mapping[tuple[int, int], tuple[tuple[str, ...], ...]]


@dataclass(slots=True)
class _Frame:
    """One level being matched: the set itself, or one occurrence of a loop."""

    level: Level
    # Where a tag may be found from the cursor on: the current entry again or a later one.
    table: dict[str, Step]
    loop: LoopEntry | None = None
    trigger: Segment | None = None
    index: int = 0  # the entry the cursor is at
    limit: int = 1  # its maximum use
    count: int = 0  # its occurrences in this run
    first: Segment | None = None  # first occurrence of the run
    last: Segment | None = None  # latest occurrence
    excess: Segment | None = None  # first occurrence beyond the maximum


class Matcher:
    """Matches the segments of one transaction set against its table, reporting in `issues`."""

    def __init__(self, structure: Structure, file: str | None, repetitions: Repetitions) -> None:
        self.structure = structure
        self.file = file
        self.issues: list[Issue] = []
        self.elements = ElementChecker(self.issues, file=file, repetitions=repetitions)
        level = structure.level
        first = level.entries[0].max if level.entries else 1
        self.stack = [_Frame(level, level.tables[0], limit=first)]
        self.previous: Segment | None = None

    @classmethod
    def resumed(cls, structure: Structure, state: State) -> Matcher:
        """A matcher in `state` (see `state()`), to learn where a tag leads from there."""
        matcher = cls(structure, None, {})
        marker = Segment("", (), 0)
        matcher.stack = []
        for loop, index, count in state:
            level = loop.level if loop is not None else structure.level
            limit = level.entries[index].max
            seen = marker if count else None
            frame = _Frame(level, level.tables[index], loop, marker if loop else None, index)
            frame.limit, frame.count, frame.first, frame.last = limit, count, seen, seen
            frame.excess = marker if count > limit else None
            matcher.stack.append(frame)
        return matcher

    def state(self) -> State:
        """Where matching stands: per open level, its loop, cursor and occurrences so far."""
        # Beyond its maximum use, an entry's further occurrences change nothing; an entry
        # that may occur any number of times is only ever "there".
        return tuple(
            (f.loop, f.index, min(f.count, f.limit + 1 if f.limit < UNBOUNDED else 1))
            for f in self.stack
        )

    def run(self, segments: tuple[Segment, ...]) -> list[Issue]:
        """Every structure and element issue of the set's segments, in segment order."""
        repeated, report = self.elements.repeated, self.elements.report
        for segment in segments:
            step = self.advance(segment)
            layout = step.layout if step is not None else None
            if layout is not None and (
                segment.position in repeated or not layout.plan.clean(segment.elements)
            ):
                report(segment, layout)
        self.finish(segments[-1])
        # Issues of a run are found when the run ends; report in segment order.
        self.issues.sort(key=lambda issue: issue.location.segment_position or 0)
        return self.issues

    def advance(self, segment: Segment) -> Step | None:
        """Move the cursor to where the segment fits (None: it fits nowhere, reported)."""
        stack = self.stack
        frame = stack[-1]
        step = frame.table.get(segment.tag)
        if step is None:
            frame, step = self._outer(segment)
            if step is None:
                return None
        index, limit, loop, _ = step
        if index == AGAIN:
            self._again(frame, segment)
        elif index == frame.index and frame.count:
            # The entry at the cursor again: its run goes on.
            frame.count += 1
            if frame.count == limit + 1:
                frame.excess = segment
        elif 0 < frame.count <= frame.limit and frame.level.next_mandatory[frame.index] >= index:
            # The usual move on: the run left complete, no mandatory entry jumped over.
            frame.index, frame.limit, frame.count, frame.first = index, limit, 1, segment
            frame.excess = None if limit else segment
            frame.table = frame.level.tables[index]
        else:
            self._move(frame, step, segment)
        frame.last = segment
        if loop is not None:
            stack.append(_loop_frame(loop, segment))
        self.previous = segment
        return step

    def _outer(self, segment: Segment) -> tuple[_Frame, Step | None]:
        # Not at the innermost level: the enclosing levels outwards (the loops ended), or
        # nowhere (the segment is reported and skipped).
        stack = self.stack
        for depth in range(len(stack) - 2, -1, -1):
            step = stack[depth].table.get(segment.tag)
            if step is not None:
                while len(stack) - 1 > depth:
                    self._close_frame(stack.pop(), segment)
                return stack[depth], step
        self._misplaced(segment)
        return stack[-1], None

    def _move(self, frame: _Frame, step: Step, segment: Segment) -> None:
        # The cursor moves on: the run it leaves is complete; entries jumped over are absent.
        level, at = frame.level, frame.index
        # (Or the first segment of the set: the run at the cursor starts.)
        if at != step.entry and (not _complete(frame) or level.next_mandatory[at] < step.entry):
            self._close_entry(frame, segment)
            for skipped in level.entries[at + 1 : step.entry]:
                if skipped.mandatory:
                    self._missing(skipped, frame, segment)
        frame.index, frame.limit, frame.count, frame.first = step.entry, step.limit, 1, segment
        frame.excess = None if step.limit else segment
        frame.table = level.tables[step.entry]

    def _again(self, frame: _Frame, segment: Segment) -> None:
        # A loop's beginning segment again: this occurrence ends, the next begins. The
        # enclosing level's cursor is on the loop: its run of the loop goes on.
        self._close_frame(frame, segment)
        outer = self.stack[-2]
        outer.count += 1
        if outer.count == outer.limit + 1:
            outer.excess = segment
        outer.last = segment
        level = frame.level
        frame.trigger, frame.index, frame.limit = segment, 0, level.entries[0].max
        frame.count, frame.first, frame.excess = 1, segment, None
        frame.table = level.tables[0]

    def _close_entry(self, frame: _Frame, where: Segment) -> None:
        entry = frame.level.entries[frame.index]
        if frame.count == 0:
            if entry.mandatory:
                self._missing(entry, frame, where)
        elif frame.count > entry.max:
            self._too_many(entry, frame)

    def _close_frame(self, frame: _Frame, where: Segment) -> None:
        level = frame.level
        if not _complete(frame) or level.next_mandatory[frame.index] < len(level.entries):
            self._close_entry(frame, where)
            for entry in level.entries[frame.index + 1 :]:
                if entry.mandatory:
                    self._missing(entry, frame, where)

    def finish(self, last: Segment) -> None:
        """Close what is open when the set ends (after `last`)."""
        while len(self.stack) > 1:
            self._close_frame(self.stack.pop(), last)
        root = self.stack[0]
        self._close_entry(root, last)
        for entry in root.level.entries[root.index + 1 :]:
            # A set cut short without SE is already an envelope issue (x12.se.missing).
            if entry.mandatory and entry.tag != "SE":
                self._missing(entry, root, last)

    def _missing(self, entry: Entry, frame: _Frame, where: Segment) -> None:
        if isinstance(entry, LoopEntry):
            what = f"loop {entry.name} (beginning with {entry.tag})"
        else:
            what = entry.tag
        text = (
            f"{what} is missing {self._context(frame)}: it is mandatory in "
            f"{self.structure.label}; found {where.tag} at segment {where.position} instead"
        )
        location = Location(self.file, where.position, entry.tag)
        self.issues.append(Issue("x12.segment.missing", text, location))

    def _too_many(self, entry: Entry, frame: _Frame) -> None:
        first, last, excess = frame.first, frame.last, frame.excess
        if first is None or last is None or excess is None:
            return
        if isinstance(entry, LoopEntry):
            code, what = "x12.loop.too_many", f"loop {entry.name} ({entry.tag})"
        else:
            code, what = "x12.segment.too_many", entry.tag
        where = f" {self._context(frame)}" if frame.loop is not None else ""
        text = (
            f"{what} occurs {_times(frame.count)} here (segment {first.position} to "
            f"{last.position}); at most {_times(entry.max)} allowed{where} in "
            f"{self.structure.label}"
        )
        self.issues.append(Issue(code, text, Location(self.file, excess.position, excess.tag)))

    def _misplaced(self, segment: Segment) -> None:
        tag, structure = segment.tag, self.structure
        after = self.previous
        place = f" after {after.tag} (segment {after.position})" if after is not None else ""
        if tag not in structure.used:
            if tag in structure.directory:
                code = "x12.segment.not_in_set"
                text = f"{tag} is not a segment of transaction set {structure.label}"
            else:
                code = "x12.segment.unknown"
                text = f"{tag} is not an X12 {structure.version} segment (unrecognized segment ID)"
        elif self._behind(tag):
            code = "x12.segment.order"
            text = f"{tag} is out of sequence{place}: in {structure.label} it comes earlier"
        else:
            code = "x12.segment.unexpected"
            text = f"{tag} is not expected here in {structure.label}{place}"
        self.issues.append(Issue(code, text, Location(self.file, segment.position, tag)))

    def _behind(self, tag: str) -> bool:
        # The tag belongs to an entry the cursor has already passed at some open level.
        return any(tag in frame.level.tags[: frame.index] for frame in self.stack)

    def _context(self, frame: _Frame) -> str:
        if frame.loop is not None and frame.trigger is not None:
            trigger = frame.trigger
            return f"in loop {frame.loop.name} ({trigger.tag} at segment {trigger.position})"
        previous = self.previous
        return f"after {previous.tag}" if previous is not None else "at the start"


def _complete(frame: _Frame) -> bool:
    # The run at the cursor is neither missing (a mandatory entry not there) nor too long.
    entry = frame.level.entries[frame.index]
    return 0 < frame.count <= entry.max or (frame.count == 0 and not entry.mandatory)


def _loop_frame(loop: LoopEntry, trigger: Segment) -> _Frame:
    # A new occurrence of a loop, its cursor on the beginning segment (seen once).
    level = loop.level
    limit = level.entries[0].max if level.entries else 1
    return _Frame(level, level.tables[0], loop, trigger, 0, limit, 1, trigger, trigger)


def _times(count: int) -> str:
    if count >= 1_000_000_000:
        return "any number of times"
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
