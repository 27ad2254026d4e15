"""Streaming passes over a stored X12 file: one transaction set in memory at a time.

A pass walks the reader's events and keeps, per interchange, what an acknowledgement needs:
the ISA, each group's GS with its outcome, and the outline (ST and SE) of the sets, at most
OUTLINE_LIMIT of the accepted ones per group. The verdict of the validate stage (which sets and
groups were rejected, and why) is stored on the message as JSON, so that the map stage maps only
the accepted sets and the 997/999 names every rejected one without validating again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gateway.app import Gateway
from gateway.errors import Issue, Location
from gateway.formats.segments import Segment
from gateway.formats.x12_acks import BUSINESS_UNITS, GroupOutcome, SetOutcome
from gateway.formats.x12_envelope import (
    GroupClosed,
    GroupOpened,
    InterchangeClosed,
    InterchangeOpened,
    TransactionRead,
    X12Event,
    X12Group,
    X12Header,
    X12Transaction,
)
from gateway.formats.x12_reader import read_x12
from gateway.store import MessageRecord

# The checks a pass runs on each set, beyond the reader's own (agreement, structure).
SetCheck = Callable[[X12Header, X12Transaction], list[Issue]]
# How many set references a scan keeps for messages.message_ref.
REFERENCES_SHOWN = 5
# Accepted sets listed one by one (AK2/AK5 pairs) per group; past this the 997/999 lists only
# the rejected ones, which X12 allows (the AK2 loop is optional; AK9 still counts every set).
OUTLINE_LIMIT = 10_000
# Issues kept per rejected set in the stored verdict (a 997 AK3/AK4 list is for people).
ISSUES_PER_SET = 20


@dataclass
class GroupScan:
    """One functional group as a pass saw it."""

    group: X12Group
    outcomes: list[SetOutcome] = field(default_factory=list)
    issues: tuple[Issue, ...] = ()
    count: int = 0
    rejected: int = 0
    sets_included: int | None = None

    def outcome(self, header: X12Header) -> GroupOutcome:
        """The group as its 997/999 answers it."""
        return GroupOutcome(
            header, self.group, tuple(self.outcomes), self.issues, self.sets_included
        )


@dataclass
class X12Scan:
    """One interchange as a pass saw it: ISA, groups, and interchange-level issues."""

    header: X12Header
    groups: list[GroupScan] = field(default_factory=list)
    issues: tuple[Issue, ...] = ()
    count: int = 0
    first: X12Transaction | None = None
    references: list[str] = field(default_factory=list)
    # The partner's TA1s about our interchanges (after ISA, before any GS).
    ta1: tuple[Segment, ...] = ()

    @property
    def rejected(self) -> int:
        """Sets rejected in this interchange, their groups' rejections included."""
        return sum(g.count if errors(g.issues) else g.rejected for g in self.groups)


def errors(issues: Iterable[Issue]) -> list[Issue]:
    """The issues that are errors."""
    return [i for i in issues if i.severity == "error"]


def stored_x12_events(gateway: Gateway, record: MessageRecord) -> Iterator[X12Event]:
    """Read the stored bytes of an inbound message in pieces."""
    return read_x12(gateway.store.raw_chunks(record.id), record.filename)


def transactions_of(
    events: Iterable[X12Event], scans: list[X12Scan], check: SetCheck | None = None
) -> Iterator[tuple[X12Scan, X12Transaction, list[Issue]]]:
    """Each set with its interchange's scan and its issues; `scans` fill in as the walk goes."""
    for event in events:
        if isinstance(event, InterchangeOpened):
            scans.append(X12Scan(event.header))
        elif isinstance(event, GroupOpened):
            scans[-1].groups.append(GroupScan(event.group))
        elif isinstance(event, TransactionRead):
            current, tx = scans[-1], event.transaction
            issues = [*tx.issues, *(check(current.header, tx) if check else ())]
            _count(current, tx, issues)
            yield current, tx, issues
        elif isinstance(event, GroupClosed):
            group = scans[-1].groups[-1]
            group.issues = event.issues
            group.sets_included = _int(event.ge.value(1) if event.ge else None)
        elif isinstance(event, InterchangeClosed):
            scans[-1].issues = event.issues
            scans[-1].ta1 = event.ta1


def scan_x12(events: Iterable[X12Event], check: SetCheck | None = None) -> list[X12Scan]:
    """Walk the events once, checking each set."""
    scans: list[X12Scan] = []
    for _ in transactions_of(events, scans, check):
        pass
    return scans


def _count(scan: X12Scan, tx: X12Transaction, issues: list[Issue]) -> None:
    group = scan.groups[-1]
    scan.count += 1
    group.count += 1
    if scan.first is None:
        scan.first = outline(tx)
    if len(scan.references) < REFERENCES_SHOWN:
        scan.references.append(tx.control_ref)
    bad = bool(errors(issues))
    group.rejected += bad
    if bad or group.count <= OUTLINE_LIMIT:
        kept = tuple(issues[:ISSUES_PER_SET]) if bad else ()
        group.outcomes.append(SetOutcome(outline(tx), kept))


def outline(tx: X12Transaction) -> X12Transaction:
    """The set reduced to ST, its business unit segment (999 CTX, e.g. BEG) and SE."""
    first, last = tx.segments[0], tx.segments[-1]
    place = BUSINESS_UNITS.get(tx.set_id)
    unit = next((s for s in tx.segments[1:4] if place and s.tag == place[0]), None)
    kept = tuple(dict.fromkeys(s for s in (first, unit, last) if s is not None))
    return X12Transaction(
        tx.set_id, tx.control_ref, tx.implementation, kept, tx.group, tx.index, tx.issues
    )


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


# The stored verdict of the validate stage: {"x12": {"groups": {GS06: [issue]}, "sets":
# {"GS06/index": {"set_id", "control_ref", "issues": [issue]}}}}, issues as JSON objects with
# their whole location.


def verdict_json(scan: X12Scan) -> dict[str, Any]:
    """What the validate stage rejected, for the map stage."""
    groups = {g.group.control_ref: issues_json(errors(g.issues)) for g in scan.groups}
    sets = {
        set_key(o.transaction): {
            "set_id": o.transaction.set_id,
            "control_ref": o.transaction.control_ref,
            "issues": issues_json(o.issues),
        }
        for g in scan.groups
        for o in g.outcomes
        if errors(o.issues)
    }
    return {"x12": {"groups": {k: v for k, v in groups.items() if v}, "sets": sets}}


@dataclass(frozen=True)
class Verdict:
    """The validate stage's rejections, read back."""

    groups: dict[str, tuple[Issue, ...]]
    sets: dict[str, tuple[Issue, ...]]

    def rejects(self, tx: X12Transaction) -> bool:
        """True when the set was rejected, for its own errors or its group's."""
        return set_key(tx) in self.sets or tx.group.control_ref in self.groups

    def set_issues(self, header: X12Header, tx: X12Transaction) -> list[Issue]:
        """The set's own errors as validation found them, beyond what the reader reports."""
        return [i for i in self.sets.get(set_key(tx), ()) if i not in tx.issues]


def verdict_of(record: MessageRecord) -> Verdict:
    """The verdict stored on the message (nothing rejected when there is none)."""
    stored = record.document if isinstance(record.document, dict) else {}
    data = stored.get("x12", {})
    return Verdict(
        {k: issues_from_json(v) for k, v in data.get("groups", {}).items()},
        {k: issues_from_json(v.get("issues", ())) for k, v in data.get("sets", {}).items()},
    )


def set_key(tx: X12Transaction) -> str:
    """A set's identity in its interchange: GS06 and its ordinal (ST02 may repeat)."""
    return f"{tx.group.control_ref}/{tx.index}"


def issues_json(issues: Iterable[Issue]) -> list[dict[str, Any]]:
    """Issues with every field of their location, so that they can be read back."""
    return [
        {
            "code": i.code,
            "message": i.message,
            "severity": i.severity,
            "value": i.value,
            "location": {
                "file": i.location.file,
                "segment_position": i.location.segment_position,
                "segment_tag": i.location.segment_tag,
                "element": i.location.element,
                "component": i.location.component,
                "offset": i.location.offset,
            },
        }
        for i in issues
    ]


def issues_from_json(data: Iterable[dict[str, Any]]) -> tuple[Issue, ...]:
    """The issues `issues_json` wrote."""
    return tuple(
        Issue(
            str(d["code"]),
            str(d["message"]),
            Location(**d.get("location", {})),
            str(d.get("severity", "error")),
            d.get("value"),
        )
        for d in data
    )
