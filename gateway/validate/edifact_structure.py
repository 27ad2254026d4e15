"""EDIFACT message structure validation: segment order, groups, repetitions and elements.

Standard branching-diagram matching (UNTDID part 4, message segment tables): one cursor
walks the segments; at each level the entries are tried in order from the current one; a
group is entered where its trigger segment occurs and ends at a segment that fits none of
its remaining entries, which is then tried at the enclosing levels. A segment that fits
nowhere is reported and skipped, and matching resumes where it was, so that every problem
of the message is reported, each at its segment position.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.errors import Issue, Location
from gateway.formats.edifact_envelope import EdifactMessage
from gateway.formats.segments import Segment
from gateway.validate.edifact_elements import ElementChecker
from gateway.validate.edifact_schema import (
    EdifactSchemas,
    Entry,
    GroupEntry,
    MessageSchema,
    SegmentEntry,
)


def validate_message(
    message: EdifactMessage,
    schemas: EdifactSchemas,
    *,
    decimal: str = ".",
    file: str | None = None,
) -> list[Issue]:
    """Every structure and element issue of one message (UNH..UNT), in segment order."""
    schema = schemas.structure_for(message.version, message.message_type)
    if schema is None:
        return [_unknown_structure(message, file)]
    return _Matcher(schema, message, decimal, file).run()


def _unknown_structure(message: EdifactMessage, file: str | None) -> Issue:
    unh = message.segments[0]
    text = (
        f"{message.message_type} {message.version}: no message structure in "
        f"schemas/edifact/{message.version}; envelope checked, structure not validated"
    )
    where = Location(file, unh.position, unh.tag)
    return Issue("edifact.structure_unknown", text, where, "warning")


@dataclass
class _Frame:
    """One level being matched: the root, or one instance of a segment group."""

    entries: tuple[Entry, ...]
    tags: tuple[str, ...]  # the tag of each entry (a group's is its trigger's)
    group: GroupEntry | None = None
    trigger: Segment | None = None
    index: int = 0  # the entry the cursor is at
    count: int = 0  # its occurrences in this run
    first: Segment | None = None  # first occurrence of the run
    last: Segment | None = None  # latest occurrence
    excess: Segment | None = None  # first occurrence beyond the maximum
    before: Segment | None = None  # the segment before the run


class _Matcher:
    def __init__(
        self, schema: MessageSchema, message: EdifactMessage, decimal: str, file: str | None
    ) -> None:
        self.schema = schema
        self.message = message
        self.file = file
        self.issues: list[Issue] = []
        repetitions = {(p, n): r for p, n, r in message.repetitions}
        self.elements = ElementChecker(
            self.issues,
            decimal=decimal,
            file=file,
            repetitions=repetitions,
            directory=schema.directory,
        )
        self.stack = [_Frame(schema.entries, schema.tags)]
        self.previous: Segment | None = None
        self.name = f"{schema.message} {schema.directory}"

    def run(self) -> list[Issue]:
        for segment in self.message.segments:
            found = self._find(segment.tag)
            if found is None:
                self._unexpected(segment)
                continue
            self._enter(found[0], found[1], segment)
            self.previous = segment
        self._finish()
        # Issues of a repetition run are found when the run ends; report in segment order.
        self.issues.sort(key=lambda issue: issue.location.segment_position or 0)
        return self.issues

    def _find(self, tag: str) -> tuple[int, int] | None:
        # Innermost level first; a group's trigger seen again starts a new instance, which
        # the enclosing level finds (its cursor is still on the group).
        for depth in range(len(self.stack) - 1, -1, -1):
            frame = self.stack[depth]
            start = frame.index or (1 if frame.group is not None else 0)
            try:
                return depth, frame.tags.index(tag, start)
            except ValueError:
                continue
        return None

    def _enter(self, depth: int, index: int, segment: Segment) -> None:
        while len(self.stack) - 1 > depth:
            self._close_frame(self.stack.pop(), segment)
        frame = self.stack[depth]
        entry = frame.entries[index]
        if index == frame.index:
            self._again(frame, entry, segment)
        else:
            self._close_entry(frame, segment)
            for skipped in frame.entries[frame.index + 1 : index]:
                if skipped.mandatory:
                    self._missing(skipped, frame, segment)
            frame.index, frame.count, frame.excess = index, 0, None
            self._again(frame, entry, segment)
        if isinstance(entry, GroupEntry):
            trigger = entry.entries[0]
            self.stack.append(
                _Frame(entry.entries, entry.tags, entry, segment, 0, 1, segment, segment)
            )
            layout = trigger.segment if isinstance(trigger, SegmentEntry) else None
        else:
            layout = entry.segment
        if layout is not None:
            self.elements.check(segment, layout)

    def _again(self, frame: _Frame, entry: Entry, segment: Segment) -> None:
        frame.count += 1
        if frame.count == 1:
            frame.first, frame.before = segment, self.previous
        if frame.count == entry.max + 1:
            frame.excess = segment
        frame.last = segment

    def _close_entry(self, frame: _Frame, where: Segment) -> None:
        entry = frame.entries[frame.index]
        if frame.count == 0:
            if entry.mandatory:
                self._missing(entry, frame, where)
        elif frame.count > entry.max:
            self._too_many(entry, frame)

    def _close_frame(self, frame: _Frame, where: Segment) -> None:
        self._close_entry(frame, where)
        for entry in frame.entries[frame.index + 1 :]:
            if entry.mandatory:
                self._missing(entry, frame, where)

    def _finish(self) -> None:
        last = self.message.segments[-1]
        while len(self.stack) > 1:
            self._close_frame(self.stack.pop(), last)
        root = self.stack[0]
        self._close_entry(root, last)
        for entry in root.entries[root.index + 1 :]:
            # A message cut short without UNT is already an envelope issue (edifact.unt_missing).
            if entry.mandatory and entry.tag != "UNT":
                self._missing(entry, root, last)

    def _missing(self, entry: Entry, frame: _Frame, where: Segment) -> None:
        if isinstance(entry, GroupEntry):
            what = f"segment group {entry.name} (starting with {entry.tag})"
        else:
            what = entry.tag
        text = (
            f"{what} is missing {self._context(frame)}: it is mandatory in {self.name}; "
            f"found {where.tag} at segment {where.position} instead"
        )
        location = Location(self.file, where.position, entry.tag)
        self.issues.append(Issue("edifact.segment_missing", text, location))

    def _too_many(self, entry: Entry, frame: _Frame) -> None:
        first, last, excess = frame.first, frame.last, frame.excess
        if first is None or last is None or excess is None:
            return
        if isinstance(entry, GroupEntry):
            code, what = "edifact.group_too_many", f"segment group {entry.name} ({entry.tag})"
        else:
            code, what = "edifact.segment_too_many", entry.tag
        before = f" after {frame.before.tag}" if frame.before is not None else ""
        where = before if frame.group is None else f" {self._context(frame)}"
        text = (
            f"{what} occurs {_times(frame.count)} here (segment {first.position} to "
            f"{last.position}); at most {_times(entry.max)} allowed{where}"
        )
        location = Location(self.file, excess.position, excess.tag)
        self.issues.append(Issue(code, text, location))

    def _unexpected(self, segment: Segment) -> None:
        after = self.previous
        place = f" after {after.tag} (segment {after.position})" if after is not None else ""
        if _defines(self.schema.entries, segment.tag):
            text = f"{segment.tag} is not expected here in {self.name}{place}"
        else:
            text = f"{segment.tag} is not a segment of {self.name}{place}"
        location = Location(self.file, segment.position, segment.tag)
        self.issues.append(Issue("edifact.segment_unexpected", text, location))

    def _context(self, frame: _Frame) -> str:
        if frame.group is not None and frame.trigger is not None:
            trigger = frame.trigger
            return f"in {frame.group.name} ({trigger.tag} at segment {trigger.position})"
        previous = self.previous
        return f"after {previous.tag}" if previous is not None else "at the start"


def _defines(entries: tuple[Entry, ...], tag: str) -> bool:
    for entry in entries:
        if isinstance(entry, GroupEntry):
            if _defines(entry.entries, tag):
                return True
        elif entry.tag == tag:
            return True
    return False


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
