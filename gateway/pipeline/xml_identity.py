"""The glue between partner profiles and cXML headers: who a partner must say it is, and what
its status answers mean for what we sent."""

from __future__ import annotations

from gateway.config import Identity
from gateway.config_partners import CxmlIds
from gateway.formats.cxml_header import Credential, CxmlIdentity
from gateway.formats.cxml_status import CxmlStatusAnswer
from gateway.formats.edifact_acks import PartnerAck

# What a cXML status answer is filed as among partner acknowledgements.
CXML_STATUS = "cXML Status"


def cxml_identity(ids: CxmlIds, identity: Identity) -> CxmlIdentity:
    """The credentials a partner's cXML Header must carry, from its [cxml] table and ours."""
    our_domain = ids.our_domain or identity.cxml_domain
    our_identity = ids.our_identity or identity.cxml_identity
    return CxmlIdentity(
        from_credentials=tuple(Credential(ids.domain, i) for i in ids.identities),
        to_credentials=(Credential(our_domain, our_identity),),
        sender_credentials=tuple(Credential(ids.sender_domain, i) for i in ids.sender_identities),
        secret_required=ids.shared_secret_env is not None,
        secret_env=ids.shared_secret_env,
    )


def status_ack(answer: CxmlStatusAnswer) -> PartnerAck:
    """A partner's cXML Response/Status as an acknowledgement of the document it answers."""
    detail = f"{answer.code} {answer.text}".strip()
    if answer.detail:
        detail += f": {answer.detail}"
    return PartnerAck(
        kind=CXML_STATUS,
        references=(answer.in_reply_to,) if answer.in_reply_to else (),
        status="accepted" if answer.success else "rejected",
        errors=() if answer.success else (detail,),
        message_ref=answer.payload_id,
    )
