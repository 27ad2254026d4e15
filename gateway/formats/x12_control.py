"""X12 control structure: functional groups (GS..GE) and transaction sets (ST..SE) in order.

The reader hands every control segment of an interchange to `ControlTracker`, which opens and
closes groups and sets, checks their trailers against their headers (X12.6: SE01 counts ST..SE
inclusive, SE02 = ST02, GE01 counts the sets, GE02 = GS06, IEA01 counts the groups, IEA02 =
ISA13), and returns the events to pass on. Each issue goes where an acknowledgement answers
it: a set's on the set (997/999 AK5/IK5), a group's on GroupClosed (AK9), the interchange's on
InterchangeClosed (TA1).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Final

from gateway.errors import Issue, Location
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import (
    GroupClosed,
    GroupOpened,
    InterchangeClosed,
    TransactionRead,
    X12Event,
    X12Group,
    X12Header,
    X12Transaction,
)

# Segments of the envelope; everything else belongs inside a transaction set.
CONTROL_TAGS: Final = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})

RepeatsAt = tuple[int, int, tuple[tuple[str, ...], ...]]


@dataclass
class OpenSet:
    """A transaction set being read: ST and what followed it."""

    st: Segment
    offset: int
    index: int
    segments: list[Segment]
    repetitions: list[RepeatsAt] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # ST01 and ST02 as written ("" when absent).
    set_id: str = ""
    ref: str = ""


class ControlRefs:
    """Control numbers seen, numeric ones kept as runs so that memory stays flat in their count."""

    def __init__(self) -> None:
        # Per width: sorted disjoint runs [low, high] of numbers ("0001" and "1" differ).
        self._lows: dict[int, list[int]] = {}
        self._highs: dict[int, list[int]] = {}
        self._other: set[str] = set()

    def add(self, ref: str) -> bool:
        """Note a control number; whether it is new."""
        if not (ref.isascii() and ref.isdigit()):
            new = ref not in self._other
            self._other.add(ref)
            return new
        lows = self._lows.setdefault(len(ref), [])
        highs = self._highs.setdefault(len(ref), [])
        number = int(ref)
        at = bisect_right(lows, number) - 1
        if at >= 0 and number <= highs[at]:
            return False
        if at >= 0 and highs[at] == number - 1:
            highs[at] = number
            if at + 1 < len(lows) and lows[at + 1] == number + 1:
                highs[at] = highs.pop(at + 1)
                del lows[at + 1]
        elif at + 1 < len(lows) and lows[at + 1] == number + 1:
            lows[at + 1] = number
        else:
            lows.insert(at + 1, number)
            highs.insert(at + 1, number)
        return True


@dataclass
class _OpenGroup:
    group: X12Group
    offset: int
    count: int = 0
    issues: list[Issue] = field(default_factory=list)
    set_refs: ControlRefs = field(default_factory=ControlRefs)


class ControlTracker:
    """Follows the groups and sets of one interchange and checks their trailers."""

    def __init__(self, header: X12Header, file: str | None, issues: list[Issue]) -> None:
        self.header = header
        self.file = file
        # The interchange's issues (InterchangeClosed).
        self.issues = issues
        self.open_set: OpenSet | None = None
        self._group: _OpenGroup | None = None
        self._group_refs: dict[str, int] = {}
        self.groups = 0
        self.iea: Segment | None = None
        # Inside a set that stands outside any group: its segments are skipped.
        self.skipping = False
        # TA1 segments: X12.5 puts them after ISA, before the first GS.
        self.ta1: list[Segment] = []

    def control(self, segment: Segment, offset: int) -> list[X12Event]:
        """The events a control segment (ST, SE, GS, GE, IEA) ends or starts."""
        tag = segment.tag
        if tag == "ST":
            return self._st(segment, offset)
        if tag == "SE":
            return self._se(segment, offset)
        events = self._close_set(segment, offset)
        if tag == "GS":
            events += self._close_group(None, segment, offset)
            return [*events, self._gs(segment, offset)]
        if tag == "GE":
            if self._group is None:
                self._stray(segment, offset, f"segment {segment.position} GE has no GS")
            return events + self._close_group(segment, segment, offset)
        events += self._close_group(None, segment, offset)
        return [*events, self._iea(segment, offset)]

    def stray(self, segment: Segment, offset: int) -> None:
        """A data segment outside any transaction set (skipped inside an orphan set)."""
        if segment.tag == "TA1" and self.groups == 0 and self._group is None:
            self.ta1.append(segment)
        elif not self.skipping:
            what = f"segment {segment.position} {segment.tag} stands outside a transaction set"
            self._stray(segment, offset, what)

    def finish(self, position: int, offset: int, cut_by: Segment | None) -> list[X12Event]:
        """Close what is open when the input ends or the next ISA comes (`cut_by`)."""
        at = cut_by or Segment("", (), position)
        events = self._close_set(at, offset) + self._close_group(None, at, offset)
        shown = f"the next ISA at segment {position} came" if cut_by else "the file ended"
        message = f"interchange ISA13 {self.header.control_ref} has no IEA: {shown} first"
        where = Location(self.file, position, "ISA" if cut_by else None, offset=offset)
        self.issues.append(Issue("x12.iea.missing", message, where))
        return [*events, InterchangeClosed(None, self.groups, tuple(self.issues), tuple(self.ta1))]

    def _st(self, st: Segment, offset: int) -> list[X12Event]:
        events = self._close_set(st, offset)
        group = self._group
        if group is None:
            message = (
                f"segment {st.position} ST stands outside a functional group: expected GS "
                "before the first ST; the set was skipped"
            )
            where = Location(self.file, st.position, "ST", offset=offset)
            self.issues.append(Issue("x12.structure", message, where))
            self.skipping = True
            return events
        group.count += 1
        set_id, ref = st.value(1) or "", st.value(2) or ""
        issues = self._st_issues(st, offset, group, set_id, ref)
        self.open_set = OpenSet(
            st, offset, group.count, [st], issues=issues, set_id=set_id, ref=ref
        )
        return events

    def _st_issues(
        self, st: Segment, offset: int, group: _OpenGroup, set_id: str, ref: str
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not (len(set_id) == 3 and set_id.isdigit()):
            message = f"ST01 transaction set identifier {set_id!r} must be three digits (e.g. 850)"
            issues.append(self._issue("x12.st.id", message, st, 1, offset=offset, value=set_id))
        if not 4 <= len(ref) <= 9:
            message = f"ST02 transaction set control number {ref!r} must be 4 to 9 characters"
            issues.append(self._issue("x12.st.control", message, st, 2, offset=offset, value=ref))
        elif not group.set_refs.add(ref):
            message = (
                f"ST02 {ref!r} is also the control number of an earlier set of this group; it "
                f"must be unique within the group (GS06 {group.group.control_ref})"
            )
            issues.append(self._issue("x12.st.duplicate", message, st, 2, offset=offset, value=ref))
        return issues

    def _se(self, se: Segment, offset: int) -> list[X12Event]:
        current = self.open_set
        if current is None:
            if not self.skipping:
                self._stray(se, offset, f"segment {se.position} SE has no ST")
            self.skipping = False
            return []
        current.segments.append(se)
        count, ref, st_ref = se.value(1) or "", se.value(2) or "", current.ref
        actual = len(current.segments)
        if not count.isdigit() or int(count) != actual:
            message = (
                f"SE01 says {count or 'nothing'!r} segments; the set has {actual} "
                f"(ST at segment {current.st.position} to SE at {se.position}, inclusive)"
            )
            current.issues.append(
                self._issue("x12.se.count", message, se, 1, offset=offset, value=count)
            )
        if ref != st_ref:
            message = f"SE02 {ref!r} does not match ST02 {st_ref!r} (segment {current.st.position})"
            current.issues.append(
                self._issue("x12.se.control", message, se, 2, offset=offset, value=ref)
            )
        return [self._read(current)]

    def _close_set(self, at: Segment, offset: int) -> list[X12Event]:
        # A set still open when ST, GS, GE, IEA or the end comes: its SE is missing (X12.6).
        self.skipping = False
        current = self.open_set
        if current is None:
            return []
        came = f"{at.tag} at segment {at.position}" if at.tag else "the end of the file"
        message = (
            f"transaction set {current.st.value(2)!r} (ST at segment {current.st.position}) has "
            f"no SE: {came} came first"
        )
        where = Location(self.file, at.position, at.tag or None, offset=offset)
        current.issues.append(Issue("x12.se.missing", message, where))
        return [self._read(current)]

    def _read(self, current: OpenSet) -> TransactionRead:
        self.open_set = None
        group = self._group
        if group is None:  # pragma: no cover - a set is only opened inside a group
            raise RuntimeError("transaction set without a group")
        transaction = X12Transaction(
            set_id=current.set_id,
            control_ref=current.ref,
            implementation=current.st.value(3),
            segments=tuple(current.segments),
            group=group.group,
            index=current.index,
            issues=tuple(current.issues),
            repetitions=tuple(current.repetitions),
        )
        return TransactionRead(transaction)

    def _gs(self, gs: Segment, offset: int) -> GroupOpened:
        v = [gs.value(n) or "" for n in range(1, 9)]
        group = X12Group(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], gs)
        opened = _OpenGroup(group, offset)
        ref = group.control_ref
        if not (ref.isdigit() and len(ref) <= 9):
            message = f"GS06 group control number {ref!r} must be 1 to 9 digits"
            opened.issues.append(
                self._issue("x12.gs.control", message, gs, 6, offset=offset, value=ref)
            )
        elif ref in self._group_refs:
            message = (
                f"GS06 {ref!r} is also the control number of the group at segment "
                f"{self._group_refs[ref]}; it must be unique within the interchange"
            )
            opened.issues.append(
                self._issue("x12.gs.duplicate", message, gs, 6, offset=offset, value=ref)
            )
        self._group_refs.setdefault(ref, gs.position)
        self._group = opened
        self.groups += 1
        return GroupOpened(group)

    def _close_group(self, ge: Segment | None, at: Segment, offset: int) -> list[X12Event]:
        opened = self._group
        if opened is None:
            return []
        self._group = None
        if ge is None:
            came = f"{at.tag} at segment {at.position}" if at.tag else "the end of the file"
            message = (
                f"functional group GS06 {opened.group.control_ref!r} (GS at segment "
                f"{opened.group.segment.position}) has no GE: {came} came first"
            )
            where = Location(self.file, at.position, at.tag or None, offset=offset)
            opened.issues.append(Issue("x12.ge.missing", message, where))
        else:
            opened.issues.extend(self._ge_issues(ge, opened, offset))
        return [GroupClosed(opened.group, ge, opened.count, tuple(opened.issues))]

    def _ge_issues(self, ge: Segment, opened: _OpenGroup, offset: int) -> list[Issue]:
        issues: list[Issue] = []
        count, ref = ge.value(1) or "", ge.value(2) or ""
        if not count.isdigit() or int(count) != opened.count:
            message = (
                f"GE01 says {count or 'nothing'!r} transaction sets; the group has {opened.count}"
            )
            issues.append(self._issue("x12.ge.count", message, ge, 1, offset=offset, value=count))
        if ref != opened.group.control_ref:
            message = f"GE02 {ref!r} does not match GS06 {opened.group.control_ref!r}"
            issues.append(self._issue("x12.ge.control", message, ge, 2, offset=offset, value=ref))
        return issues

    def _iea(self, iea: Segment, offset: int) -> InterchangeClosed:
        self.iea = iea
        count, ref = iea.value(1) or "", iea.value(2) or ""
        if not count.isdigit() or int(count) != self.groups:
            message = (
                f"IEA01 says {count or 'nothing'!r} functional groups; the interchange has "
                f"{self.groups}"
            )
            self.issues.append(
                self._issue("x12.iea.count", message, iea, 1, offset=offset, value=count)
            )
        if ref != self.header.control_ref:
            message = f"IEA02 {ref!r} does not match ISA13 {self.header.control_ref!r}"
            self.issues.append(
                self._issue("x12.iea.control", message, iea, 2, offset=offset, value=ref)
            )
        return InterchangeClosed(iea, self.groups, tuple(self.issues), tuple(self.ta1))

    def _stray(self, segment: Segment, offset: int, what: str) -> None:
        message = f"{what}: invalid control structure (ISA, GS, ST .. SE, GE, IEA)"
        where = Location(self.file, segment.position, segment.tag, offset=offset)
        self.issues.append(Issue("x12.structure", message, where))

    def _issue(
        self, code: str, message: str, segment: Segment, element: int, *, offset: int, value: str
    ) -> Issue:
        where = Location(self.file, segment.position, segment.tag, element, offset=offset)
        return Issue(code, message, where, value=value)
