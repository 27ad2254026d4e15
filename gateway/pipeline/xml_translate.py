"""The pure middle for XML: read, check and map one UBL or cXML document.

An XML file holds one document, so there is no interchange to split and no streaming: the
file is bounded by `[xml] max_megabytes` and read whole by the safe parser. What the EDI
envelopes carry comes from the document itself: the reference that detects a resend is the
UBL cbc:UUID (else cbc:ID) or the cXML payloadID; a cXML test document says so in
Request/@deploymentMode; a cXML document names its sender in Header/From and proves it with
Header/Sender/Credential/SharedSecret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from gateway.config import Identity, Partner
from gateway.errors import Issue, Location, MappingError, ParseError
from gateway.formats.cxml_header import CxmlHeader, check_credentials, read_cxml_header
from gateway.formats.cxml_status import read_cxml_response
from gateway.formats.xml_kind import CBC, XmlKind, xml_kind
from gateway.formats.xml_safe import MAX_BYTES, parse_xml
from gateway.mapping import MappingSet
from gateway.mapping.mapping_set import normalise_version
from gateway.model import Envelope
from gateway.pipeline.translate import MappedDocument, TranslateContext, Translation
from gateway.pipeline.xml_identity import cxml_identity, status_ack
from gateway.validate.xml_schema import XmlSchemas

# cbc:UBLVersionID is optional; the -2 namespaces are read by the UBL 2.1 mappings.
UBL_DEFAULT_VERSION = "2.1"
# cXML status answers: the partner's Response/Status (or Message/Status) to what we sent.
CXML_RESPONSE = "Status"


@dataclass(frozen=True)
class XmlDocument:
    """One parsed XML file: its root, its kind, and the cXML header when it is cXML."""

    root: etree._Element
    kind: XmlKind
    header: CxmlHeader | None

    @property
    def reference(self) -> str:
        """What tells a resend: cXML payloadID, else UBL cbc:UUID, else cbc:ID."""
        if self.header is not None:
            return self.header.payload_id
        return _ubl_value(self.root, "UUID") or _ubl_value(self.root, "ID") or ""

    @property
    def signed(self) -> bool:
        """A cXML document with a Header (every one but a Response, which has none)."""
        return self.header is not None and self.root.find("Header") is not None

    @property
    def test(self) -> bool:
        """cXML Request/@deploymentMode = "test"; UBL has no test flag."""
        return self.header is not None and self.header.deployment_mode == "test"

    @property
    def name(self) -> str:
        """ "UBL Order 2.1", "cXML OrderRequest 1.2.050", for history lines and errors."""
        kind = self.kind
        standard = "cXML" if kind.standard == "CXML" else kind.standard
        return " ".join(p for p in (standard, kind.document, kind.version) if p)


def read_xml_document(raw: bytes, filename: str | None, max_bytes: int = MAX_BYTES) -> XmlDocument:
    """Parse safely and tell the kind; ParseError for anything hostile or unreadable."""
    root = parse_xml(raw, filename, max_bytes=max_bytes)
    kind = xml_kind(root, filename)
    header = read_cxml_header(root, filename) if kind.standard == "CXML" else None
    return XmlDocument(root, kind, header)


def mapping_version(kind: XmlKind) -> str:
    """The version that picks the mapping: as the document says, UBL 2.1 when it is silent."""
    if kind.version:
        return kind.version
    return UBL_DEFAULT_VERSION if kind.standard == "UBL" else ""


def _ubl_value(root: etree._Element, name: str) -> str | None:
    found = root.find(f"{{{CBC}}}{name}")
    text = found.text if found is not None else None
    return text.strip() if text and text.strip() else None


def document_issues(  # noqa: PLR0917 - the document and everything it is checked against
    document: XmlDocument,
    partner: Partner | None,
    schemas: XmlSchemas | None,
    identity: Identity,
    secret: str | None,
    filename: str | None,
) -> list[Issue]:
    """The agreement, the XSDs, and for cXML the credentials and the shared secret."""
    kind = document.kind
    issues = agreement_issues(kind, partner, filename) if partner else []
    if schemas is not None:
        issues += schemas.issues(document.root, kind.standard, kind.document, filename)
    if document.header is not None and document.signed and partner is not None:
        issues += credential_issues(document.header, partner, identity, secret, filename)
    return issues


def agreement_issues(kind: XmlKind, partner: Partner, filename: str | None) -> list[Issue]:
    """The partner must be agreed to send this document ([inbound] accept)."""
    if kind.document == CXML_RESPONSE:
        return []  # a status answer to what we sent is taken from every cXML partner
    version = normalise_version(mapping_version(kind), kind.standard)
    if partner.accepts(kind.standard, kind.document, version):
        return []
    agreed = ", ".join(" ".join(a) for a in partner.accept) or "nothing"
    wanted = f"{kind.standard} {kind.document} {version}"
    message = (
        f"partner {partner.id} is not agreed to send {wanted}; its [inbound] accept lists "
        f'{agreed}. Add "{wanted}" to config/partners/{partner.id}.toml if it is expected'
    )
    return [Issue("partner.accept", message, Location(file=filename, xpath=f"/{kind.document}"))]


def credential_issues(
    header: CxmlHeader,
    partner: Partner,
    identity: Identity,
    secret: str | None,
    filename: str | None,
) -> list[Issue]:
    """cXML Header From/To/Sender against the partner's [cxml] table and its shared secret."""
    if partner.cxml is None:
        message = (
            f"partner {partner.id} has no [cxml] table, so the cXML credentials cannot be "
            f"checked; add one to config/partners/{partner.id}.toml"
        )
        return [Issue("cxml.partner", message, Location(file=filename, xpath="/cXML/Header"))]
    expected = cxml_identity(partner.cxml, identity)
    return check_credentials(header, expected, secret, filename)


def map_xml_document(
    document: XmlDocument,
    mappings: MappingSet,
    partner_id: str | None,
    filename: str | None,
) -> MappedDocument:
    """The canonical document (or a partner's status answer) with the envelope it came in."""
    kind = document.kind
    envelope = xml_envelope(document, partner_id)
    if kind.document == CXML_RESPONSE:
        return MappedDocument(status_ack(read_cxml_response(document.root, filename)), envelope)
    mapping = mappings.xml_inbound(kind.standard, kind.document, mapping_version(kind), partner_id)
    return MappedDocument(mapping.apply(document.root, filename), envelope)


def xml_envelope(document: XmlDocument, partner_id: str | None) -> Envelope:
    """What an envelope would say, from the document: its reference, test flag, and parties."""
    kind, header = document.kind, document.header
    extra: dict[str, str] = {}
    if kind.profile:
        extra["profile"] = kind.profile
    sender, receiver = partner_id or "", ""
    if header is not None:
        extra["payload_id"] = header.payload_id
        extra["deployment_mode"] = header.deployment_mode
        if header.from_credentials:
            sender = header.from_credentials[0].identity
        if header.to_credentials:
            receiver = header.to_credentials[0].identity
    return Envelope(
        standard=kind.standard,
        message_type=kind.document,
        version=kind.version or "",
        sender=sender,
        receiver=receiver,
        control_ref=document.reference,
        message_ref=document.reference,
        test=document.test,
        extra=extra,
    )


def translate_xml(
    raw: bytes, filename: str | None, context: TranslateContext, partner: Partner | None
) -> Translation:
    """`translate` for a UBL or cXML file; without a partner, cXML's From names it.

    The shared secret is not checked: translating reads a file, it does not accept it.
    """
    try:
        document = read_xml_document(raw, filename)
    except ParseError as exc:
        found = exc.issues or (Issue("parse", exc.message, Location(file=filename)),)
        return Translation(None, (), (), tuple(found))
    who = partner or _sender(document, context.known_partners)
    identity = context.identity or Identity()
    checked = document_issues(document, who, context.xml_schemas, identity, None, filename)
    issues = [i for i in checked if not i.code.startswith("cxml.secret")]
    documents: list[MappedDocument] = []
    try:
        partner_id = who.id if who else None
        documents.append(map_xml_document(document, context.mappings, partner_id, filename))
    except MappingError as exc:
        issues += exc.issues or [Issue("mapping.failed", exc.message, Location(filename))]
    return Translation(document.kind.standard, (), tuple(documents), tuple(dict.fromkeys(issues)))


def _sender(document: XmlDocument, partners: Sequence[Partner]) -> Partner | None:
    """The partner whose [cxml] credential is the document's Header/From."""
    header = document.header
    if header is None:
        return None
    for partner in partners:
        ids = partner.cxml
        if ids is None:
            continue
        for received in header.from_credentials:
            same_domain = received.domain.casefold() == ids.domain.casefold()
            if same_domain and received.identity in ids.identities:
                return partner
    return None
