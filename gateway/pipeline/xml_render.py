"""Render an outbound document as UBL 2.1 or cXML 1.2 through its XML template.

XML documents carry their own envelope: the values the templates need beyond the canonical
document (a fresh UUID for UBL cbc:UUID, a unique cXML payloadID and timestamp, the cXML
Header credentials, the payloadID of the OrderRequest being answered) are drawn here.
"""

from __future__ import annotations

import secrets
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime

from gateway.config import Identity, OutboundDocument, Partner
from gateway.mapping import MappingSet
from gateway.model import Document, document_type

# cXML UserAgent: the software that wrote the document (cXML 1.2 Header/Sender/UserAgent).
USER_AGENT = "EDI order gateway"


@dataclass(frozen=True)
class XmlPlan:
    """What an outbound XML document needs beyond its content: who, which ids, when."""

    partner: Partner
    identity: Identity
    message_id: int
    prepared_at: datetime
    test: bool = False
    # The payloadID of the cXML OrderRequest the document answers; "" when not known.
    order_payload_id: str = ""


@dataclass(frozen=True)
class RenderedXml:
    """The document's bytes and the reference it goes by (cXML payloadID, UBL UUID)."""

    data: bytes
    reference: str


def render_xml(
    document: Document, plan: XmlPlan, mappings: MappingSet, outbound: OutboundDocument
) -> RenderedXml:
    """Map a canonical document through the partner's UBL or cXML template."""
    mapping = mappings.xml_outbound(
        document_type(document),
        outbound.standard,
        outbound.message_type,
        outbound.version,
        plan.partner.id,
    )
    envelope = _common(plan)
    if outbound.standard.upper() == "CXML":
        envelope |= _cxml(plan)
        reference = envelope["payload_id"]
    else:
        envelope["peppol"] = "true" if plan.partner.ubl_profile == "peppol" else ""
        reference = envelope["uuid"]
    return RenderedXml(mapping.apply(document, envelope), reference)


def _common(plan: XmlPlan) -> dict[str, str]:
    moment = plan.prepared_at
    return {
        "timestamp": moment.isoformat(timespec="seconds"),
        "uuid": str(uuid.uuid4()),
        "issue_time": moment.strftime("%H:%M:%S"),
        "test": "true" if plan.test else "",
    }


def _cxml(plan: XmlPlan) -> dict[str, str]:
    """cXML Header credentials and ids: we are From and Sender, the partner is To."""
    ids = plan.partner.cxml
    our_domain = (ids.our_domain if ids else None) or plan.identity.cxml_domain
    our_identity = (ids.our_identity if ids else None) or plan.identity.cxml_identity
    return {
        "payload_id": payload_id(plan),
        "deployment_mode": "test" if plan.test else "production",
        "from_domain": our_domain,
        "from_identity": our_identity,
        "to_domain": ids.domain if ids else "",
        "to_identity": ids.identities[0] if ids else "",
        "sender_domain": our_domain,
        "sender_identity": our_identity,
        "user_agent": USER_AGENT,
        "order_payload_id": plan.order_payload_id,
    }


def payload_id(plan: XmlPlan) -> str:
    """A payloadID unique in time and space: datetime.message.random@host (cXML 1.2 advice)."""
    stamp = plan.prepared_at.strftime("%Y%m%d%H%M%S")
    host = socket.gethostname() or "localhost"
    return f"{stamp}.{plan.message_id}.{secrets.token_hex(4)}@{host}"
