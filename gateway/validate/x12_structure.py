"""X12 transaction set validation: segment order, loops, maximum use, elements, HL hierarchy.

The transaction set tables (X12.6 section 4: heading, detail and summary areas, loops with a
beginning segment) are matched with one cursor: at each level the entries are tried in order
from the current one; a loop starts where its beginning segment occurs and ends at a segment
that fits none of its remaining entries, which is then tried at the enclosing levels. A
segment that fits nowhere is reported with the 997/999 segment error it deserves (AK304/IK304:
1 unrecognized segment ID, 2 unexpected, 6 not in the transaction set, 7 out of sequence) and
skipped; matching resumes where it was, so that every problem of the set is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.errors import Issue, Location
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import X12Transaction
from gateway.validate.x12_elements import ElementChecker
from gateway.validate.x12_schema import Entry, LoopEntry, SegmentEntry, Structure, X12Schemas


def validate_transaction(
    transaction: X12Transaction, schemas: X12Schemas, *, file: str | None
) -> list[Issue]:
    """Every structure and element issue of one transaction set (ST..SE), in segment order."""
    if not transaction.segments:
        return []
    structure = schemas.structure_for(transaction.set_id, transaction.version)
    if structure is None:
        return _unknown_structure(transaction, schemas, file)
    issues = _Matcher(structure, transaction, file).run()
    if "HL" in structure.used:
        issues.extend(check_hierarchy(transaction.segments, file))
        issues.sort(key=lambda issue: issue.location.segment_position or 0)
    return issues


def _unknown_structure(
    transaction: X12Transaction, schemas: X12Schemas, file: str | None
) -> list[Issue]:
    st = transaction.segments[0]
    text = (
        f"transaction set {transaction.set_id} in version {transaction.version}: no structure "
        f"in schemas/x12; envelope checked, structure not validated"
    )
    issues = [Issue("x12.structure_unknown", text, Location(file, st.position, st.tag), "warning")]
    version = schemas.version_for(transaction.version)
    if version is not None:
        # The set is unknown but its version is not: ST and SE can still be checked.
        checker = ElementChecker(issues, file=file, repetitions={})
        for segment in (transaction.segments[0], transaction.segments[-1]):
            layout = version.segments.get(segment.tag)
            if layout is not None and segment.tag in ("ST", "SE"):
                checker.check(segment, layout)
    return issues


def check_hierarchy(segments: tuple[Segment, ...], file: str | None) -> list[Issue]:
    """The HL rule: HL01 counts 1, 2, 3 ... and HL02 names an earlier HL01 (X12.6 HL notes)."""
    issues: list[Issue] = []
    seen: set[str] = set()
    expected = 1
    for segment in segments:
        if segment.tag != "HL":
            continue
        number, parent = segment.value(1), segment.value(2)
        if number != str(expected):
            text = (
                f"HL element 1 (628 Hierarchical ID Number) is {number!r}; expected "
                f"'{expected}': HL01 numbers the levels 1, 2, 3 ... in the order they occur"
            )
            where = Location(file, segment.position, "HL", 1)
            issues.append(Issue("x12.element.code", text, where, value=number))
        if parent is not None and parent not in seen:
            text = (
                f"HL element 2 (734 Hierarchical Parent ID Number) is {parent!r}, which is no "
                "earlier HL01; a level's parent must come before it"
            )
            where = Location(file, segment.position, "HL", 2)
            issues.append(Issue("x12.element.code", text, where, value=parent))
        if number:
            seen.add(number)
        expected += 1
    return issues


@dataclass(slots=True)
class _Frame:
    """One level being matched: the set itself, or one occurrence of a loop."""

    entries: tuple[Entry, ...]
    tags: tuple[str, ...]  # the tag of each entry (a loop's is its beginning segment's)
    loop: LoopEntry | None = None
    trigger: Segment | None = None
    index: int = 0  # the entry the cursor is at
    count: int = 0  # its occurrences in this run
    first: Segment | None = None  # first occurrence of the run
    last: Segment | None = None  # latest occurrence
    excess: Segment | None = None  # first occurrence beyond the maximum


class _Matcher:
    def __init__(self, structure: Structure, transaction: X12Transaction, file: str | None):
        self.structure = structure
        self.transaction = transaction
        self.file = file
        self.issues: list[Issue] = []
        repetitions = {(p, n): r for p, n, r in transaction.repetitions}
        self.elements = ElementChecker(self.issues, file=file, repetitions=repetitions)
        self.stack = [_Frame(structure.entries, structure.tags)]
        self.previous: Segment | None = None

    def run(self) -> list[Issue]:
        for segment in self.transaction.segments:
            found = self._find(segment.tag)
            if found is None:
                self._misplaced(segment)
                continue
            self._enter(found[0], found[1], segment)
            self.previous = segment
        self._finish()
        # Issues of a run are found when the run ends; report in segment order.
        self.issues.sort(key=lambda issue: issue.location.segment_position or 0)
        return self.issues

    def _find(self, tag: str) -> tuple[int, int] | None:
        # Innermost level first; a loop's beginning segment seen again starts a new
        # occurrence, which the enclosing level finds (its cursor is still on the loop).
        for depth in range(len(self.stack) - 1, -1, -1):
            frame = self.stack[depth]
            start = frame.index or (1 if frame.loop is not None else 0)
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
        if index != frame.index:
            self._close_entry(frame, segment)
            for skipped in frame.entries[frame.index + 1 : index]:
                if skipped.mandatory:
                    self._missing(skipped, frame, segment)
            frame.index, frame.count, frame.excess = index, 0, None
        self._again(frame, entry, segment)
        if isinstance(entry, LoopEntry):
            self.stack.append(
                _Frame(entry.entries, entry.tags, entry, segment, 0, 1, segment, segment)
            )
            trigger = entry.entries[0]
            layout = trigger.segment if isinstance(trigger, SegmentEntry) else None
        else:
            layout = entry.segment
        if layout is not None:
            self.elements.check(segment, layout)

    def _again(self, frame: _Frame, entry: Entry, segment: Segment) -> None:
        frame.count += 1
        if frame.count == 1:
            frame.first = segment
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
        last = self.transaction.segments[-1]
        while len(self.stack) > 1:
            self._close_frame(self.stack.pop(), last)
        root = self.stack[0]
        self._close_entry(root, last)
        for entry in root.entries[root.index + 1 :]:
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
        return any(tag in frame.tags[: frame.index] for frame in self.stack)

    def _context(self, frame: _Frame) -> str:
        if frame.loop is not None and frame.trigger is not None:
            trigger = frame.trigger
            return f"in loop {frame.loop.name} ({trigger.tag} at segment {trigger.position})"
        previous = self.previous
        return f"after {previous.tag}" if previous is not None else "at the start"


def _times(count: int) -> str:
    if count >= 1_000_000_000:
        return "any number of times"
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
