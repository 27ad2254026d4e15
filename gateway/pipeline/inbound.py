"""Inbound stages with a checkpoint after each: parse, validate, map, process.

Every stage streams the stored file (see edifact_scan), so an interchange of 100,000
messages goes through with memory that does not grow with it; mapped documents are kept in
the documents table and processed in batches, each batch committed with its progress.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import (
    Issue,
    Location,
    MappingError,
    PermanentError,
    UnknownPartnerError,
    ValidationError,
)
from gateway.formats.edifact import EdifactMessage
from gateway.formats.edifact_acks import PartnerAck
from gateway.formats.edifact_reader import EdifactHeader
from gateway.model import document_type
from gateway.model.codec import to_json
from gateway.pipeline import status
from gateway.pipeline.acks import (
    PARTNER_ACK,
    ack_json,
    emit_acknowledgement,
    wants_acknowledgement,
)
from gateway.pipeline.edifact_scan import InterchangeScan, messages_of, scan, stored_events
from gateway.pipeline.processing import process_documents
from gateway.pipeline.translate import header_issues, map_message, message_issues
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


def advance_inbound(gateway: Gateway, record: MessageRecord) -> MessageRecord:
    """Run the stages from the last checkpoint to the end."""
    if record.stage == status.RECEIVED:
        _check_same_bytes(gateway, record)
    work = InboundWork(record)
    steps = {
        status.RECEIVED: _parse,
        status.PARSED: _validate,
        status.VALIDATED: _map,
        status.MAPPED: _process,
    }
    while work.record.stage in steps and work.record.status != status.DONE:
        work.record = steps[work.record.stage](gateway, work)
    return work.record


def _check_same_bytes(gateway: Gateway, record: MessageRecord) -> None:
    if record.sha256 is None or record.accept_duplicate:
        return
    original = gateway.store.find_by_sha256(record.sha256, exclude_id=record.id)
    if original is not None and original.id < record.id:
        raise DuplicateInterchange(
            f"the same bytes (sha256 {record.sha256[:12]}...) were received as message "
            f"{original.id} ({original.filename})",
            original.id,
        )


def _parse(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    scans = scan(stored_events(gateway, work.record, partner), keep_outlines=False)
    if len(scans) > 1:
        return _split(gateway, work.record, scans)
    ic = scans[0]
    control_ref = ic.header.control_ref
    earlier = [
        m
        for m in gateway.store.interchange_messages(partner.id, control_ref)
        if m.id < work.record.id
    ]
    original = next((m for m in earlier if m.status not in NOT_AN_ORIGINAL), None)
    if original is not None and not work.record.accept_duplicate:
        _checkpoint_parsed(gateway, work, ic, superseded=[])
        raise DuplicateInterchange(
            f"interchange {control_ref} from {partner.id} was received before as message "
            f"{original.id} ({original.filename})",
            original.id,
        )
    # A partner may resend a rejected interchange under the same reference once it is fixed;
    # the failed copy is then superseded, so that no later retry can process it a second time.
    _checkpoint_parsed(gateway, work, ic, [m for m in earlier if m.status in status.FAILED_QUEUE])
    return work.record


def _split(gateway: Gateway, record: MessageRecord, scans: list[InterchangeScan]) -> MessageRecord:
    """Several interchanges in one file: each becomes a message of its own, this one is done."""
    raw = gateway.store.raw(record.id) or b""
    starts = [0, *(s.header.offset for s in scans[1:]), len(raw)]
    with gateway.store.unit_of_work() as uow:
        for index, piece in enumerate(itertools.pairwise(starts), start=1):
            data = raw[piece[0] : piece[1]]
            uow.add_message(
                NewMessage(
                    direction="in",
                    partner=record.partner,
                    standard="EDIFACT",
                    message_type=None,
                    version=None,
                    stage=status.RECEIVED,
                    status=status.PENDING,
                    filename=f"{record.filename}#{index}",
                    parent_id=record.id,
                ),
                raw=data,
                actor="runner",
                reason=f"interchange {index} of {len(scans)} in {record.filename}",
            )
        refs = ", ".join(s.header.control_ref for s in scans)
        return uow.update_message(
            record.id,
            actor="runner",
            standard="EDIFACT",
            stage=status.PARSED,
            status=status.DONE,
            reason=f"{len(scans)} interchanges ({refs}): each goes on as a message of its own",
        )


def _checkpoint_parsed(
    gateway: Gateway, work: InboundWork, ic: InterchangeScan, superseded: list[MessageRecord]
) -> None:
    first = ic.first
    refs = list(ic.references)
    if ic.count > len(refs):
        refs.append(f"... ({ic.count} messages)")
    with gateway.store.unit_of_work() as uow:
        for old in superseded:
            uow.update_message(
                old.id,
                actor="runner",
                status=status.DISCARDED,
                reason=f"superseded by message {work.record.id}, a resend of interchange "
                f"{ic.header.control_ref}",
            )
        work.record = uow.update_message(
            work.record.id,
            actor="runner",
            reason=f"{ic.count} message(s) parsed"
            + (" (test interchange)" if ic.header.test else ""),
            standard="EDIFACT",
            stage=status.PARSED,
            message_type=first.message_type if first else None,
            version=first.version if first else None,
            interchange_ref=ic.header.control_ref,
            group_ref=first.group_ref if first else None,
            message_ref=",".join(refs)[:100] or None,
            test=ic.header.test,
        )


def _validate(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    filename = work.record.filename
    found: list[Issue] = []

    def check(header: EdifactHeader, message: EdifactMessage) -> None:
        decimal = header.delimiters.decimal
        found.extend(
            message_issues(message, partner, gateway.schemas, decimal=decimal, filename=filename)
        )

    [ic] = scan(stored_events(gateway, work.record, partner), check, keep_outlines=False)
    identity = gateway.settings.identity
    issues = [*ic.issues, *header_issues(ic.header, partner, identity, filename), *found]
    raise_errors(ValidationError, "the interchange breaks", issues)
    work.warnings = summarize_warnings(issues)
    with gateway.store.unit_of_work() as uow:
        return uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.VALIDATED,
            reason="; ".join(str(w) for w in work.warnings) or "envelope and structure valid",
        )


def _map(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    scans: list[InterchangeScan] = []
    issues: list[Issue] = []
    kinds: dict[str, int] = {}
    documents = _mapped(gateway, work.record, partner, scans, issues, kinds)
    with gateway.store.unit_of_work() as uow:
        count = uow.replace_documents(work.record.id, documents)
        raise_errors(MappingError, "the documents could not be mapped", issues)
        outline = scans[0].outline()
        if wants_acknowledgement(partner, outline):
            emit_acknowledgement(gateway, uow, work.record, outline, work.warnings)
        return uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.MAPPED,
            reason=f"{count} document(s) mapped"
            + (f" ({', '.join(f'{n} {k}' for k, n in kinds.items())})" if kinds else ""),
            document_type=next(iter(kinds), None),
            progress=0,
        )


def _mapped(  # noqa: PLR0917 - the stage's collectors, filled as the stream is consumed
    gateway: Gateway,
    record: MessageRecord,
    partner: Partner,
    scans: list[InterchangeScan],
    issues: list[Issue],
    kinds: dict[str, int],
) -> Iterator[NewDocument]:
    """Each message mapped to a stored document, in order; mapping issues go to `issues`."""
    events = stored_events(gateway, record, partner)
    for header, message in messages_of(events, scans):
        try:
            mapped = map_message(
                message,
                header,
                gateway.mappings,
                partner.id,
                decimal=header.delimiters.decimal,
                filename=record.filename,
            )
        except MappingError as exc:
            issues.extend(exc.issues or [Issue("mapping.failed", exc.message, Location())])
            continue
        document = mapped.document
        if isinstance(document, PartnerAck):
            kind, body = PARTNER_ACK, ack_json(document)
        else:
            kind, body = document_type(document), dict(to_json(document))
        kinds[kind] = kinds.get(kind, 0) + 1
        yield NewDocument(kind, body, dict(to_json(mapped.envelope)), header.test)


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


def _process(gateway: Gateway, work: InboundWork) -> MessageRecord:
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
