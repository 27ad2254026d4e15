"""Pure stage functions between the runner's checkpoints: process and render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.config import Identity, Partner
from gateway.errors import Issue, Location, MappingError
from gateway.formats.edifact import (
    InterchangeHeader,
    message_segments,
    render_contrl,
    serialize_interchange,
)
from gateway.mapping import MappingSet
from gateway.model import (
    Document,
    FunctionalAck,
    document_type,
)


def contrl_version(syntax_version: str) -> str:
    """UNH S009 0052:0054 of CONTRL: 4:1 under syntax version 4, else 2:2 (ISO 9735)."""
    return "4:1" if syntax_version == "4" else "2:2"


@dataclass(frozen=True)
class OutboundPlan:
    """What an outbound EDIFACT document needs beyond its content: where and which numbers."""

    partner: Partner
    identity: Identity
    control_ref: str
    message_ref: str
    prepared_at: datetime
    test: bool = False
    # UNB 0031 = 1: we ask the partner for a CONTRL (never on a CONTRL itself).
    ack_requested: bool = False
    # A CONTRL that only reports receipt (UCI 0083 = 8).
    receipt_only: bool = False


def edifact_header(plan: OutboundPlan) -> InterchangeHeader:
    """UNB for a file we send: we are S002, the partner is S003 (EDIFACT ids from the profile)."""
    ids = plan.partner.edifact
    if ids is None:
        raise MappingError(
            f"partner {plan.partner.id!r} has no [edifact] ids to address an interchange to",
            [
                Issue(
                    "partner.edifact",
                    "add an [edifact] section with id and qualifier",
                    Location(file=str(plan.partner.source)),
                )
            ],
        )
    return InterchangeHeader(
        syntax_identifier=ids.syntax_identifier,
        syntax_version=ids.syntax_version,
        sender_id=plan.identity.edifact_id,
        sender_qualifier=plan.identity.edifact_qualifier,
        recipient_id=ids.id,
        recipient_qualifier=ids.qualifier,
        prepared_at=plan.prepared_at,
        control_ref=plan.control_ref,
        ack_requested=plan.ack_requested,
        test=plan.test,
    )


def render_edifact(
    document: Document, plan: OutboundPlan, mappings: MappingSet, message_type: str, version: str
) -> bytes:
    """Map a canonical document to EDIFACT and wrap it in UNH/UNT and UNB/UNZ."""
    header = edifact_header(plan)
    if isinstance(document, FunctionalAck):
        message = render_contrl(document, plan.message_ref, receipt=plan.receipt_only)
    else:
        mapping = mappings.outbound(
            document_type(document), "EDIFACT", message_type, version, plan.partner.id
        )
        body = mapping.apply(document, header.delimiters.decimal)
        message = message_segments(
            plan.message_ref,
            mapping.message_type,
            mapping.version,
            mapping.agency,
            mapping.association,
            body,
        )
    return serialize_interchange(header, [message])
