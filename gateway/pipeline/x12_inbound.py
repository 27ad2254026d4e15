"""Inbound X12 stages: parse, validate (with partial acceptance), map, process.

Partial acceptance (X12.6, 997/999 AK9 = P): the validate stage checks every transaction set;
sets with errors, and every set of a group whose envelope is broken, are rejected and named in
the 997/999, while the valid sets go on to be mapped and processed. The verdict is stored on
the message, so the map stage maps only the accepted sets without validating again. An
interchange with an envelope error (ISA/IEA), or whose sets are all rejected, fails whole and
goes to the failed queue; the partner then gets a TA1 or a rejecting 997/999 (per policy).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import Issue, Location, MappingError, PermanentError, ValidationError
from gateway.formats.x12_acks_read import read_ta1
from gateway.formats.x12_envelope import X12Header, X12Transaction
from gateway.pipeline import status
from gateway.pipeline.inbound_common import (
    FoundInterchange,
    InboundWork,
    ParsedInterchange,
    Stage,
    checkpoint_parsed,
    mapped_reason,
    partner_of,
    process_stage,
    raise_errors,
    split_interchanges,
    stored_document,
    summarize_warnings,
)
from gateway.pipeline.translate import MappedDocument
from gateway.pipeline.x12_acks_out import emit_x12_acknowledgements, emit_x12_rejection
from gateway.pipeline.x12_scan import (
    X12Scan,
    errors,
    scan_x12,
    stored_x12_events,
    transactions_of,
    verdict_json,
    verdict_of,
)
from gateway.pipeline.x12_translate import (
    map_transaction,
    ta1_envelope,
    x12_header_issues,
    x12_set_issues,
)
from gateway.store import MessageRecord, NewDocument, UnitOfWork

log = logging.getLogger(__name__)


def _parse(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    scans = scan_x12(stored_x12_events(gateway, work.record))
    if len(scans) > 1:
        found = [FoundInterchange(s.header.offset, s.header.control_ref) for s in scans]
        return split_interchanges(gateway, work.record, "X12", found)
    ic, first = scans[0], scans[0].first
    parsed = ParsedInterchange(
        standard="X12",
        control_ref=ic.header.control_ref,
        test=ic.header.test,
        count=ic.count,
        references=ic.references,
        message_type=first.set_id if first else ("TA1" if ic.ta1 else None),
        version=first.version if first else None,
        group_ref=first.group.control_ref if first else None,
        summary=f"{ic.count} transaction set(s) in {len(ic.groups)} group(s) parsed",
    )
    return checkpoint_parsed(gateway, work, partner, parsed)


def _validate(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    filename = work.record.filename
    warnings: list[Issue] = []

    def check(_header: X12Header, tx: X12Transaction) -> list[Issue]:
        found = x12_set_issues(tx, partner, gateway.x12_schemas, filename)
        warnings.extend(i for i in found if i.severity != "error")
        return found

    [ic] = scan_x12(stored_x12_events(gateway, work.record), check)
    envelope = [
        *ic.issues,
        *x12_header_issues(ic.header, partner, gateway.settings.identity, filename),
    ]
    nothing_accepted = ic.rejected == ic.count and not (ic.count == 0 and ic.ta1)
    if errors(envelope) or nothing_accepted:
        raise_errors(ValidationError, "the interchange breaks", [*envelope, *_rejections(ic)])
    work.warnings = summarize_warnings([*envelope, *warnings])
    with gateway.store.unit_of_work() as uow:
        return uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.VALIDATED,
            document=verdict_json(ic),
            reason=_validated_reason(ic, work.warnings),
        )


def _rejections(ic: X12Scan) -> list[Issue]:
    found: list[Issue] = []
    for group in ic.groups:
        found += errors(group.issues)
        for outcome in group.outcomes:
            found += errors(outcome.issues)
    if ic.count == 0 and not ic.ta1 and not found:
        found.append(
            Issue(
                "x12.structure",
                "the interchange holds no transaction set (GS .. ST .. SE .. GE)",
                Location(segment_position=1, segment_tag="ISA"),
            )
        )
    return found


def _validated_reason(ic: X12Scan, warnings: list[Issue]) -> str:
    parts = [f"{ic.count - ic.rejected} of {ic.count} transaction set(s) valid"]
    rejected = [
        f"{o.transaction.set_id} {o.transaction.control_ref}: {errors(o.issues)[0].message}"
        for g in ic.groups
        for o in g.outcomes
        if errors(o.issues)
    ]
    if rejected:
        parts.append(f"rejected {len(rejected)}: " + "; ".join(rejected[:3]))
    parts += [str(w) for w in warnings[:5]]
    return "; ".join(parts)


def _map(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    scans: list[X12Scan] = []
    issues: list[Issue] = []
    kinds: dict[str, int] = {}
    documents = _mapped(gateway, work.record, partner, scans, issues, kinds)
    with gateway.store.unit_of_work() as uow:
        count = uow.replace_documents(work.record.id, documents)
        raise_errors(MappingError, "the documents could not be mapped", issues)
        emit_x12_acknowledgements(gateway, uow, work.record, partner, scans[0])
        _log_rejected(work.record, partner, scans[0])
        return uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.MAPPED,
            reason=mapped_reason(count, kinds)
            + (f"; {scans[0].rejected} set(s) rejected" if scans[0].rejected else ""),
            document_type=next(iter(kinds), None),
            progress=0,
        )


def _mapped(  # noqa: PLR0917 - the stage's collectors, filled as the stream is consumed
    gateway: Gateway,
    record: MessageRecord,
    partner: Partner,
    scans: list[X12Scan],
    issues: list[Issue],
    kinds: dict[str, int],
) -> Iterator[NewDocument]:
    """Each accepted set mapped to a stored document, in order; rejected sets are skipped."""
    verdict = verdict_of(record)
    events = stored_x12_events(gateway, record)
    for ic, tx, _ in transactions_of(events, scans, verdict.set_issues):
        if verdict.rejects(tx):
            continue
        try:
            mapped = map_transaction(tx, ic.header, gateway.mappings, partner.id, record.filename)
        except MappingError as exc:
            issues.extend(exc.issues or [Issue("mapping.failed", exc.message, Location())])
            continue
        yield stored_document(mapped, ic.header.test, kinds)
    for ic in scans:
        for ta1 in ic.ta1:
            mapped = MappedDocument(read_ta1(ta1), ta1_envelope(ic.header))
            yield stored_document(mapped, ic.header.test, kinds)


def _log_rejected(record: MessageRecord, partner: Partner, ic: X12Scan) -> None:
    for group in ic.groups:
        for outcome in group.outcomes:
            if errors(outcome.issues):
                tx = outcome.transaction
                log.warning(
                    "msg=%s partner=%s rejected %s %s (group %s): %s",
                    record.id,
                    partner.id,
                    tx.set_id,
                    tx.control_ref,
                    group.group.control_ref,
                    "; ".join(str(i) for i in errors(outcome.issues)[:3]),
                )


def negative_acknowledgements(
    gateway: Gateway, uow: UnitOfWork, record: MessageRecord, exc: PermanentError
) -> None:
    """A rejected X12 interchange is answered with a TA1 or a rejecting 997/999, per policy."""
    partner = gateway.settings.partners.get(record.partner or "")
    if partner is None or partner.x12 is None:
        return
    emit_x12_rejection(gateway, uow, record, partner, exc)


STAGES: dict[str, Stage] = {
    status.RECEIVED: _parse,
    status.PARSED: _validate,
    status.VALIDATED: _map,
    status.MAPPED: process_stage,
}
