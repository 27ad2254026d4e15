"""X12 envelopes as the reader hands them on: interchange (ISA), group (GS), transaction set (ST).

Layouts follow ASC X12.5/X12.6 (004010 and 005010 control segments):
ISA01-04 authorization and security, ISA05/06 sender qualifier and id, ISA07/08 receiver,
ISA09 date YYMMDD, ISA10 time HHMM, ISA11 standards identifier `U` (up to 00401) or the
repetition separator (00402 on), ISA12 control version (00401, 00501), ISA13 control number
(9 digits), ISA14 acknowledgement (TA1) requested 0/1, ISA15 usage indicator P/T/I, ISA16
component element separator; the byte after ISA16 terminates the segment. IEA01 number of
groups, IEA02 = ISA13.
GS01 functional identifier (PO, PR, SH, IN, PC, FA), GS02/03 application sender/receiver,
GS04 date, GS05 time, GS06 group control number, GS07 agency (X), GS08 version/release/
industry identifier (004010, 005010, 004010VICS, 005010X231A1). GE01 number of sets, GE02 = GS06.
ST01 transaction set identifier (850), ST02 control number, ST03 implementation convention
reference (005010 on); SE01 segment count ST..SE inclusive, SE02 = ST02.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.errors import Issue
from gateway.formats.segments import Segment

# ISA is fixed width: 106 characters including its terminator (X12.5), whatever the delimiters.
ISA_LENGTH = 106


@dataclass(frozen=True)
class X12Delimiters:
    """The four X12 delimiters, and the layout written after each segment terminator."""

    element: str = "*"
    component: str = ">"
    # ISA11 from 00402 on; None for older versions, where ISA11 is the code `U`.
    repetition: str | None = "^"
    segment: str = "~"
    # Written after every terminator (e.g. "\n"); never part of the data.
    suffix: str = ""


@dataclass(frozen=True)
class X12Header:
    """One interchange's ISA, read from its fixed-width layout."""

    authorization_qualifier: str  # ISA01
    authorization: str  # ISA02
    security_qualifier: str  # ISA03
    security: str  # ISA04
    sender_qualifier: str  # ISA05
    sender_id: str  # ISA06, trailing blanks removed
    recipient_qualifier: str  # ISA07
    recipient_id: str  # ISA08, trailing blanks removed
    date: str  # ISA09 YYMMDD
    time: str  # ISA10 HHMM
    standards_id: str  # ISA11 as written (`U` or the repetition separator)
    version: str  # ISA12
    control_ref: str  # ISA13, as written (nine digits)
    ack_requested: bool  # ISA14 == "1": the sender asks for a TA1
    usage: str  # ISA15: P production, T test, I information
    delimiters: X12Delimiters
    segment: Segment  # the ISA itself (position 1)
    # Byte offset of "ISA" in the file (several interchanges may share a file).
    offset: int = 0
    # 1-based ordinal of the interchange in its file.
    index: int = 1

    @property
    def test(self) -> bool:
        """ISA15 = T: a test interchange, carried through to everything answering it."""
        return self.usage == "T"

    @property
    def sender_qualifier_or_none(self) -> str | None:
        """ISA05 as the qualifier of the sender (never empty in a valid ISA)."""
        return self.sender_qualifier or None

    @property
    def recipient_qualifier_or_none(self) -> str | None:
        """ISA07 as the qualifier of the recipient."""
        return self.recipient_qualifier or None


@dataclass(frozen=True)
class X12Group:
    """One functional group's GS."""

    functional_id: str  # GS01
    sender: str  # GS02
    receiver: str  # GS03
    date: str  # GS04 CCYYMMDD (YYMMDD before 004010)
    time: str  # GS05
    control_ref: str  # GS06
    agency: str  # GS07
    version: str  # GS08, e.g. 004010, 004010VICS, 005010X231A1
    segment: Segment  # the GS itself

    @property
    def base_version(self) -> str:
        """GS08 without the industry identifier: 004010VICS -> 004010."""
        return self.version[:6]


@dataclass(frozen=True)
class X12Transaction:
    """One transaction set, ST..SE; segment positions are ordinals in the interchange (ISA=1)."""

    set_id: str  # ST01, e.g. 850
    control_ref: str  # ST02
    implementation: str | None  # ST03 (005010 on), e.g. 005010X231A1
    segments: tuple[Segment, ...]  # ST .. SE inclusive (SE missing when the file ended early)
    group: X12Group
    # 1-based ordinal of the set within its group (AK2 answers them in this order).
    index: int = 1
    # Envelope and character problems inside this set (SE count/reference); the group's and
    # interchange's issues are reported by GroupClosed/InterchangeClosed.
    issues: tuple[Issue, ...] = ()
    # Repeated elements (repetition separator): (segment position, element, every repeat);
    # `Segment.elements` holds only the first repeat.
    repetitions: tuple[tuple[int, int, tuple[tuple[str, ...], ...]], ...] = ()

    @property
    def version(self) -> str:
        """The version the set is written in: GS08 (e.g. 004010, 005010X222A1)."""
        return self.group.version

    def repeats(self, segment: Segment, element: int) -> tuple[tuple[str, ...], ...]:
        """Every repeat of a 1-based element of a segment (one, or none when absent)."""
        for position, number, repeats in self.repetitions:
            if position == segment.position and number == element:
                return repeats
        composite = segment.composite(element)
        return (composite,) if composite else ()


@dataclass(frozen=True)
class InterchangeOpened:
    """The ISA of the next interchange has been read."""

    header: X12Header


@dataclass(frozen=True)
class GroupOpened:
    """A GS has been read."""

    group: X12Group


@dataclass(frozen=True)
class TransactionRead:
    """One transaction set, ST..SE, with the issues found inside it."""

    transaction: X12Transaction


@dataclass(frozen=True)
class GroupClosed:
    """The group ended (at GE, or where the next GS/IEA or the end of input came first)."""

    group: X12Group
    ge: Segment | None
    count: int  # transaction sets read in the group
    issues: tuple[Issue, ...]  # GE count/reference, missing GE (a duplicate ST02 is the set's)


@dataclass(frozen=True)
class InterchangeClosed:
    """The interchange ended (at IEA, or at the end of input when IEA is missing)."""

    iea: Segment | None
    group_count: int
    # Interchange-level issues only (ISA, IEA, segments outside any group).
    issues: tuple[Issue, ...]
    # TA1 interchange acknowledgements, which X12.5 places after ISA before any GS.
    ta1: tuple[Segment, ...] = ()


X12Event = InterchangeOpened | GroupOpened | TransactionRead | GroupClosed | InterchangeClosed
