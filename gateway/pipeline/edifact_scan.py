"""Streaming passes over a stored EDIFACT file: memory stays flat however large the file.

Each inbound stage reads the stored bytes again in pieces and sees one message at a time;
what it keeps of a message is its outline (UNH and UNT: reference, type, positions), which
is all a CONTRL needs to answer it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import Issue
from gateway.formats.edifact import EdifactInterchange, EdifactMessage, assemble_interchange
from gateway.formats.edifact_reader import (
    EdifactHeader,
    InterchangeClosed,
    InterchangeOpened,
    MessageRead,
    ReadEvent,
    read_edifact,
)
from gateway.pipeline.translate import require_edifact
from gateway.store import MessageRecord

OnMessage = Callable[[EdifactHeader, EdifactMessage], None]
# How many message references a scan keeps for messages.message_ref.
REFERENCES_SHOWN = 5
# Past this many messages a CONTRL answers at interchange level only: UCI 0083 = 7 says "this
# level acknowledged, and all lower levels if not explicitly rejected" (ISO 9735-4), so one
# UCM per message adds nothing but memory; a rejection names its first error in UCI.
OUTLINE_LIMIT = 10_000


@dataclass
class InterchangeScan:
    """One interchange as a pass saw it: header, message outlines and envelope issues."""

    header: EdifactHeader
    # Kept only when the pass needs them (for a CONTRL), and at most OUTLINE_LIMIT of them.
    keep_outlines: bool = True
    outlines: list[EdifactMessage] = field(default_factory=list)
    issues: tuple[Issue, ...] = ()
    count: int = 0
    first: EdifactMessage | None = None
    references: list[str] = field(default_factory=list)

    def add(self, message: EdifactMessage, shown: int) -> None:
        """Count a message; keep its outline, and its reference among the first `shown`."""
        outline = _outline(message)
        self.count += 1
        if self.first is None:
            self.first = outline
        if len(self.references) < shown:
            self.references.append(message.reference)
        if self.keep_outlines and self.count <= OUTLINE_LIMIT:
            self.outlines.append(outline)

    def outline(self) -> EdifactInterchange:
        """The interchange with its messages reduced to UNH and UNT (enough for a CONTRL).

        An interchange of more than OUTLINE_LIMIT messages is outlined without them.
        """
        messages = self.outlines if self.count <= OUTLINE_LIMIT else []
        closed = InterchangeClosed(self.issues, self.count, None)
        return assemble_interchange(self.header, messages, closed)


def stored_events(gateway: Gateway, record: MessageRecord, partner: Partner) -> Iterator[ReadEvent]:
    """Read the stored bytes of an inbound message in pieces, in the partner's charset."""
    charset = partner.edifact.charset if partner.edifact else None
    chunks = gateway.store.raw_chunks(record.id)
    first = next(chunks, b"")
    require_edifact(first[:4096], record.filename)
    return read_edifact(itertools.chain([first], chunks), record.filename, charset=charset)


def messages_of(
    events: Iterable[ReadEvent], scans: list[InterchangeScan], keep_outlines: bool = True
) -> Iterator[tuple[EdifactHeader, EdifactMessage]]:
    """Each message with its interchange header; `scans` fills in as the walk goes."""
    for event in events:
        if isinstance(event, InterchangeOpened):
            scans.append(InterchangeScan(event.header, keep_outlines))
        elif isinstance(event, MessageRead):
            current = scans[-1]
            current.add(event.message, REFERENCES_SHOWN)
            yield current.header, event.message
        elif isinstance(event, InterchangeClosed):
            scans[-1].issues = event.issues


def scan(
    events: Iterable[ReadEvent],
    on_message: OnMessage | None = None,
    *,
    keep_outlines: bool = True,
) -> list[InterchangeScan]:
    """Walk the events once, calling `on_message` for each message."""
    scans: list[InterchangeScan] = []
    for header, message in messages_of(events, scans, keep_outlines):
        if on_message is not None:
            on_message(header, message)
    return scans


def _outline(message: EdifactMessage) -> EdifactMessage:
    segments = message.segments
    first, last = segments[0], segments[-1]
    return EdifactMessage(
        message.reference,
        message.message_type,
        message.version,
        message.agency,
        message.association,
        (first, last) if last is not first else (first,),
        message.group_ref,
    )
