"""Inbound XML stages (UBL 2.1, cXML 1.2): parse, validate, map, process.

Each stage reads the stored file again (XML files are bounded by `[xml] max_megabytes`) and
hands it to the pure functions of xml_translate; what it learns is checkpointed like an
EDIFACT or X12 interchange's, so duplicates, the failed queue and retries work the same.
"""

from __future__ import annotations

import os

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import ValidationError
from gateway.pipeline import status
from gateway.pipeline.inbound_common import (
    InboundWork,
    ParsedInterchange,
    Stage,
    checkpoint_parsed,
    mapped_reason,
    partner_of,
    process_stage,
    raise_errors,
    stored_document,
    summarize_warnings,
)
from gateway.pipeline.translate import MappedDocument
from gateway.pipeline.xml_translate import (
    XmlDocument,
    document_issues,
    map_xml_document,
    mapping_version,
    read_xml_document,
)
from gateway.store import MessageRecord


def stored_xml(gateway: Gateway, record: MessageRecord) -> XmlDocument:
    """The stored file, parsed safely within the size limit."""
    limit = gateway.settings.xml.max_megabytes * 1024 * 1024
    return read_xml_document(gateway.store.raw(record.id) or b"", record.filename, limit)


def _parse(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    document = stored_xml(gateway, work.record)
    reference = document.reference[:100]
    parsed = ParsedInterchange(
        standard=document.kind.standard,
        control_ref=reference,
        test=document.test,
        count=1,
        references=[reference],
        message_type=document.kind.document,
        version=mapping_version(document.kind),
        group_ref=None,
        summary=f"{document.name} {reference} parsed",
        per_document_type=True,
    )
    return checkpoint_parsed(gateway, work, partner, parsed)


def _validate(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    document = stored_xml(gateway, work.record)
    issues = document_issues(
        document,
        partner,
        gateway.xml_schemas,
        gateway.settings.identity,
        _shared_secret(partner),
        work.record.filename,
    )
    raise_errors(ValidationError, f"the {document.name} document breaks", issues)
    work.warnings = summarize_warnings(issues)
    with gateway.store.unit_of_work() as uow:
        return uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.VALIDATED,
            reason="; ".join(str(w) for w in work.warnings) or _checked(gateway, document),
        )


def _shared_secret(partner: Partner) -> str | None:
    """The partner's cXML SharedSecret, read from its variable when needed, never kept."""
    variable = partner.cxml.shared_secret_env if partner.cxml else None
    return os.environ.get(variable) if variable else None


def _checked(gateway: Gateway, document: XmlDocument) -> str:
    checked = "valid against the project XSD"
    if document.kind.standard == "UBL" and gateway.settings.xml.ubl_xsd is not None:
        checked += " and the OASIS UBL 2.1 XSD"
    if document.header is not None:
        checked += "; credentials and shared secret checked"
    return checked


def _map(gateway: Gateway, work: InboundWork) -> MessageRecord:
    partner = partner_of(gateway, work.record)
    document = stored_xml(gateway, work.record)
    mapped = map_xml_document(document, gateway.mappings, partner.id, work.record.filename)
    kinds: dict[str, int] = {}
    stored = stored_document(mapped, document.test, kinds)
    with gateway.store.unit_of_work() as uow:
        count = uow.replace_documents(work.record.id, iter([stored]))
        return uow.update_message(
            work.record.id,
            actor="runner",
            stage=status.MAPPED,
            reason=mapped_reason(count, kinds),
            document_type=next(iter(kinds), None),
            document_ref=_document_ref(mapped),
            progress=0,
        )


def _document_ref(mapped: MappedDocument) -> str | None:
    number = getattr(mapped.document, "order_number", None)
    return str(number)[:100] if number else None


STAGES: dict[str, Stage] = {
    status.RECEIVED: _parse,
    status.PARSED: _validate,
    status.VALIDATED: _map,
    status.MAPPED: process_stage,
}
