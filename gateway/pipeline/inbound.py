"""Inbound stages with a checkpoint after each: parse, validate, map, process.

Every stage streams the stored file (see edifact_scan), so an interchange of 100,000
messages goes through with memory that does not grow with it; mapped documents are kept in
the documents table and processed in batches, each batch committed with its progress.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import Issue, Location, MappingError, ParseError, ValidationError
from gateway.formats.detect import XML_STANDARDS, detect_standard
from gateway.formats.edifact import EdifactMessage
from gateway.formats.edifact_reader import EdifactHeader
from gateway.pipeline import status, x12_inbound, xml_inbound
from gateway.pipeline.acks import (
    emit_acknowledgement,
    wants_acknowledgement,
)
from gateway.pipeline.edifact_scan import InterchangeScan, messages_of, scan, stored_events
from gateway.pipeline.inbound_common import (
    DuplicateInterchange,
    FoundInterchange,
    InboundWork,
    ParsedInterchange,
    Stage,
    check_same_bytes,
    checkpoint_parsed,
    mapped_reason,
    partner_of,
    process_stage,
    raise_errors,
    split_interchanges,
    stored_document,
    summarize_warnings,
)
from gateway.pipeline.translate import header_issues, map_message, message_issues
from gateway.store import MessageRecord, NewDocument

__all__ = ["DuplicateInterchange", "advance_inbound", "is_x12", "is_xml", "partner_of"]


log = logging.getLogger(__name__)


def advance_inbound(gateway: Gateway, record: MessageRecord) -> MessageRecord:
    """Run the stages from the last checkpoint to the end."""
    if record.stage == status.RECEIVED:
        check_same_bytes(gateway, record)
    work = InboundWork(record)
    steps = {"X12": x12_inbound.STAGES, "XML": xml_inbound.STAGES}.get(
        standard_of(gateway, record), _STAGES
    )
    while work.record.stage in steps and work.record.status != status.DONE:
        work.record = steps[work.record.stage](gateway, work)
    return work.record


def is_x12(gateway: Gateway, record: MessageRecord) -> bool:
    """True for an X12 file: known from the parse stage on, sniffed before it."""
    return standard_of(gateway, record) == "X12"


def is_xml(gateway: Gateway, record: MessageRecord) -> bool:
    """True for a UBL or cXML file (or any file that starts like XML)."""
    return standard_of(gateway, record) == "XML"


def standard_of(gateway: Gateway, record: MessageRecord) -> str:
    """EDIFACT, X12 or XML: known from the parse stage on, sniffed before it.

    A file that cannot be told goes the EDIFACT way, whose parse stage names what it found.
    """
    if record.standard is not None or record.stage != status.RECEIVED:
        return "XML" if record.standard in XML_STANDARDS else record.standard or "EDIFACT"
    first = next(gateway.store.raw_chunks(record.id), b"")
    try:
        return detect_standard(first[:4096])
    except ParseError:
        return "EDIFACT"


def _parse(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    scans = scan(stored_events(gateway, work.record, partner), keep_outlines=False)
    if len(scans) > 1:
        found = [FoundInterchange(s.header.offset, s.header.control_ref) for s in scans]
        return split_interchanges(gateway, work.record, "EDIFACT", found)
    ic, first = scans[0], scans[0].first
    parsed = ParsedInterchange(
        standard="EDIFACT",
        control_ref=ic.header.control_ref,
        test=ic.header.test,
        count=ic.count,
        references=ic.references,
        message_type=first.message_type if first else None,
        version=first.version if first else None,
        group_ref=first.group_ref if first else None,
        summary=f"{ic.count} message(s) parsed",
    )
    return checkpoint_parsed(gateway, work, partner, parsed)


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
            reason=mapped_reason(count, kinds),
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
        yield stored_document(mapped, header.test, kinds)


_STAGES: dict[str, Stage] = {
    status.RECEIVED: _parse,
    status.PARSED: _validate,
    status.VALIDATED: _map,
    status.MAPPED: process_stage,
}
