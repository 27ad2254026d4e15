"""What every inbound path shares: the partner of a file, duplicates, splitting, errors, process.

The EDIFACT stages (inbound.py) and the X12 stages (x12_inbound.py) differ in how they read a
file; everything after reading is the same and lives here.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import Issue, Location, PermanentError, UnknownPartnerError
from gateway.formats.edifact_acks import PartnerAck
from gateway.model import document_type
from gateway.model.codec import to_json
from gateway.pipeline import status
from gateway.pipeline.acks import PARTNER_ACK, ack_json
from gateway.pipeline.processing import process_documents
from gateway.pipeline.translate import MappedDocument
from gateway.store import MessageRecord, NewDocument, NewMessage

log = logging.getLogger(__name__)

# Earlier messages with the same interchange reference that do not make this one a duplicate:
# duplicates and discarded ones themselves, and failed ones (a rejected interchange may be
# resent under its reference once fixed).
NOT_AN_ORIGINAL = (status.DUPLICATE, status.DISCARDED, *status.FAILED_QUEUE)
# Issues kept on a failed message; past this, one more issue says how many were left out.
MAX_ISSUES = 1000


class DuplicateInterchange(PermanentError):
    """The same interchange (partner + UNB 0020, or the same bytes) was received before."""

    code = "duplicate"

    def __init__(self, message: str, original_id: int, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message, issues)
        self.original_id = original_id


@dataclass
class InboundWork:
    """One inbound message being worked on, with what earlier stages learnt this run."""

    record: MessageRecord
    warnings: list[Issue] = field(default_factory=list)


# One inbound stage: from one checkpoint to the next.
Stage = Callable[[Gateway, InboundWork], MessageRecord]


def partner_of(gateway: Gateway, record: MessageRecord) -> Partner:
    """The partner whose inbox the file came from."""
    partner = gateway.settings.partners.get(record.partner or "")
    if partner is None:
        raise UnknownPartnerError(
            f"partner {record.partner!r} has no profile in config/partners/",
            [
                Issue(
                    "partner.unknown",
                    f"add config/partners/{record.partner}.toml or move the "
                    "file to a configured partner's inbox",
                    Location(file=record.filename),
                )
            ],
        )
    return partner


def check_same_bytes(gateway: Gateway, record: MessageRecord) -> None:
    if record.sha256 is None or record.accept_duplicate:
        return
    original = gateway.store.find_by_sha256(record.sha256, exclude_id=record.id)
    if original is not None and original.id < record.id:
        raise DuplicateInterchange(
            f"the same bytes (sha256 {record.sha256[:12]}...) were received as message "
            f"{original.id} ({original.filename})",
            original.id,
        )


@dataclass(frozen=True)
class FoundInterchange:
    """Where an interchange starts in a file (its UNA/UNB or ISA byte offset) and its reference."""

    offset: int
    control_ref: str


def split_interchanges(
    gateway: Gateway, record: MessageRecord, standard: str, found: Sequence[FoundInterchange]
) -> MessageRecord:
    """Several interchanges in one file: each becomes a message of its own, this one is done."""
    raw = gateway.store.raw(record.id) or b""
    starts = [0, *(f.offset for f in found[1:]), len(raw)]
    with gateway.store.unit_of_work() as uow:
        for index, piece in enumerate(itertools.pairwise(starts), start=1):
            uow.add_message(
                NewMessage(
                    direction="in",
                    partner=record.partner,
                    standard=standard,
                    message_type=None,
                    version=None,
                    stage=status.RECEIVED,
                    status=status.PENDING,
                    filename=f"{record.filename}#{index}",
                    parent_id=record.id,
                ),
                raw=raw[piece[0] : piece[1]],
                actor="runner",
                reason=f"interchange {index} of {len(found)} in {record.filename}",
            )
        refs = ", ".join(f.control_ref for f in found)
        return uow.update_message(
            record.id,
            actor="runner",
            standard=standard,
            stage=status.PARSED,
            status=status.DONE,
            reason=f"{len(found)} interchanges ({refs}): each goes on as a message of its own",
        )


@dataclass(frozen=True)
class ParsedInterchange:
    """What the parse stage records of an interchange, whatever its standard."""

    standard: str
    control_ref: str  # UNB 0020, ISA13
    test: bool
    count: int  # messages or transaction sets
    references: Sequence[str]  # the first few UNH 0062 / ST02
    message_type: str | None
    version: str | None
    group_ref: str | None
    summary: str  # "3 message(s) parsed"
    # An XML document's reference (UBL cbc:ID) is unique per document type only: a resend is
    # the same reference in the same type (OrderResponse 7 and OrderResponseSimple 7 differ).
    per_document_type: bool = False


def checkpoint_parsed(
    gateway: Gateway, work: InboundWork, partner: Partner, parsed: ParsedInterchange
) -> MessageRecord:
    """Record the parse stage, after the duplicate check (DuplicateInterchange when it is one)."""
    same_type = parsed.message_type if parsed.per_document_type else None
    original, failed = earlier_original(
        gateway, work.record, partner, parsed.control_ref, same_type
    )
    refs = list(parsed.references)
    if parsed.count > len(refs):
        refs.append(f"... ({parsed.count})")
    with gateway.store.unit_of_work() as uow:
        for old in [] if original else failed:
            uow.update_message(
                old.id,
                actor="runner",
                status=status.DISCARDED,
                reason=f"superseded by message {work.record.id}, a resend of interchange "
                f"{parsed.control_ref}",
            )
        work.record = uow.update_message(
            work.record.id,
            actor="runner",
            reason=parsed.summary + (" (test interchange)" if parsed.test else ""),
            standard=parsed.standard,
            stage=status.PARSED,
            message_type=parsed.message_type,
            version=parsed.version,
            interchange_ref=parsed.control_ref,
            group_ref=parsed.group_ref,
            message_ref=",".join(refs)[:100] or None,
            test=parsed.test,
        )
    if original is not None:
        raise DuplicateInterchange(
            f"interchange {parsed.control_ref} from {partner.id} was received before as "
            f"message {original.id} ({original.filename})",
            original.id,
        )
    return work.record


def earlier_original(
    gateway: Gateway,
    record: MessageRecord,
    partner: Partner,
    control_ref: str,
    message_type: str | None = None,
) -> tuple[MessageRecord | None, list[MessageRecord]]:
    """The first earlier message of this interchange that counts, and the failed copies of it.

    A partner may resend a rejected interchange under the same reference once it is fixed; the
    failed copies are then superseded, so that no later retry can process them a second time.
    With `message_type`, only earlier messages of that type count.
    """
    earlier = [
        m
        for m in gateway.store.interchange_messages(partner.id, control_ref)
        if m.id < record.id and message_type in (None, m.message_type)
    ]
    original = next((m for m in earlier if m.status not in NOT_AN_ORIGINAL), None)
    if original is not None and record.accept_duplicate:
        original = None
    return original, [m for m in earlier if m.status in status.FAILED_QUEUE]


def stored_document(mapped: MappedDocument, test: bool, kinds: dict[str, int]) -> NewDocument:
    """A mapped document (or partner acknowledgement) as its documents row; counted by kind."""
    document = mapped.document
    if isinstance(document, PartnerAck):
        kind, body = PARTNER_ACK, ack_json(document)
    else:
        kind, body = document_type(document), dict(to_json(document))
    kinds[kind] = kinds.get(kind, 0) + 1
    return NewDocument(kind, body, dict(to_json(mapped.envelope)), test)


def mapped_reason(count: int, kinds: dict[str, int]) -> str:
    """The history line of the map stage: how many documents of which kinds."""
    detail = ", ".join(f"{n} {k}" for k, n in kinds.items())
    return f"{count} document(s) mapped" + (f" ({detail})" if detail else "")


def raise_errors(kind: type[PermanentError], what: str, issues: Sequence[Issue]) -> None:
    """Raise `kind` with every error issue (at most MAX_ISSUES kept) when there is any."""
    errors = [i for i in dict.fromkeys(issues) if i.severity == "error"]
    if not errors:
        return
    kept = errors[:MAX_ISSUES]
    if len(errors) > MAX_ISSUES:
        kept.append(Issue("issues.more", f"{len(errors) - MAX_ISSUES} more errors are not listed"))
    raise kind(
        f"{what}: {errors[0].message}"
        + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
        kept,
    )


def summarize_warnings(issues: Sequence[Issue]) -> list[Issue]:
    """Warnings once each: the same sentence repeated for many messages is counted instead."""
    counts: dict[tuple[str, str], list[Issue]] = {}
    for issue in issues:
        if issue.severity != "error":
            counts.setdefault((issue.code, issue.message), []).append(issue)
    return [
        same[0]
        if len(same) == 1
        else Issue(
            same[0].code, f"{same[0].message} ({len(same)} times)", same[0].location, "warning"
        )
        for same in counts.values()
    ]


def process_stage(gateway: Gateway, work: InboundWork) -> MessageRecord:
    """Act on the mapped documents, then the message is done."""
    partner = partner_of(gateway, work.record)
    record, summary = process_documents(gateway, work.record, partner)
    with gateway.store.unit_of_work() as uow:
        record = uow.update_message(
            record.id,
            actor="runner",
            stage=status.PROCESSED,
            status=status.DONE,
            reason=summary or "nothing to process",
        )
    log.info(
        "msg=%s partner=%s processed %s %s (interchange %s): %s",
        record.id,
        partner.id,
        record.message_type,
        record.version,
        record.interchange_ref,
        summary,
    )
    return record
