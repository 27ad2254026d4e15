"""The pure middle: parse, validate and map one file into canonical documents.

The functions here work on one interchange header and one message at a time, so that the
pipeline can stream a file of any size through them; `translate` runs them over a whole
file for the `gateway translate` command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from gateway.config import Identity, Partner
from gateway.errors import Issue, Location, MappingError, ParseError
from gateway.formats.detect import detect_standard
from gateway.formats.edifact import (
    EdifactInterchange,
    EdifactMessage,
    parse_interchanges,
    read_interchange_header,
)
from gateway.formats.edifact_acks import PartnerAck, read_aperak, read_contrl
from gateway.mapping import MappingSet
from gateway.model import Document, Envelope
from gateway.validate.edifact_schema import EdifactSchemas
from gateway.validate.edifact_structure import validate_message
from gateway.validate.x12_schema import X12Schemas
from gateway.validate.xml_schema import XmlSchemas

# Messages about our own interchanges: read by the gateway itself, never mapped, accepted from
# every known partner (ISO 9735-4 CONTRL; APERAK, the application acknowledgement).
ACKNOWLEDGEMENT_TYPES = ("CONTRL", "APERAK")


class UnbHeader(Protocol):
    """What validation needs of an interchange header (UNB), streamed or parsed whole."""

    @property
    def sender_id(self) -> str: ...
    @property
    def sender_qualifier(self) -> str | None: ...
    @property
    def recipient_id(self) -> str: ...
    @property
    def recipient_qualifier(self) -> str | None: ...
    @property
    def control_ref(self) -> str: ...
    @property
    def test(self) -> bool: ...


@dataclass(frozen=True)
class MappedDocument:
    """A canonical document (or a partner's acknowledgement) with the envelope it arrived in."""

    document: Document | PartnerAck
    envelope: Envelope


@dataclass(frozen=True)
class Translation:
    """Everything `translate` learnt about one file: documents and every issue found."""

    standard: str | None
    interchanges: tuple[EdifactInterchange, ...]
    documents: tuple[MappedDocument, ...]
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        """True when no issue is an error."""
        return not any(i.severity == "error" for i in self.issues)


def require_edifact(raw: bytes, filename: str | None) -> None:
    """ParseError unless the content is EDIFACT (the only standard accepted so far)."""
    standard = detect_standard(raw)
    if standard != "EDIFACT":
        raise ParseError(
            f"{standard} files are recognised but not accepted yet",
            [
                Issue(
                    "format.unsupported",
                    f"{standard} is not accepted yet; send EDIFACT",
                    Location(file=filename, offset=0),
                )
            ],
        )


def parse_file(
    raw: bytes, filename: str | None, charset: str | None = None
) -> list[EdifactInterchange]:
    """Detect the standard by content and parse every interchange of the file."""
    require_edifact(raw[:4096], filename)
    return parse_interchanges(raw, filename, charset=charset)


def header_issues(
    header: UnbHeader, partner: Partner | None, identity: Identity | None, filename: str | None
) -> list[Issue]:
    """What the partner agreement says of UNB: who may send to whom."""
    issues: list[Issue] = []
    if partner is not None:
        issues += _sender_issues(header, partner, filename)
    if identity is not None and header.recipient_id != identity.edifact_id:
        # UNB S003.0010: an interchange addressed to someone else is not ours to process.
        issues.append(
            Issue(
                "edifact.recipient",
                f"UNB S003 recipient {header.recipient_id!r} is not our id {identity.edifact_id!r}",
                _unb(filename, element=3),
                severity="warning",
            )
        )
    return issues


def message_issues(
    message: EdifactMessage,
    partner: Partner | None,
    schemas: EdifactSchemas,
    *,
    decimal: str,
    filename: str | None,
) -> list[Issue]:
    """The agreement (may this partner send this type?) and the message structure."""
    issues: list[Issue] = []
    accepted = message.message_type in ACKNOWLEDGEMENT_TYPES or partner is None
    if not accepted and partner is not None:
        accepted = partner.accepts("EDIFACT", message.message_type, message.version)
    if not accepted and partner is not None:
        issues.append(
            Issue(
                "partner.message_type",
                f"{message.message_type} {message.version} is not accepted from partner "
                f"{partner.id!r} (accepted: "
                f"{', '.join(' '.join(a) for a in partner.accept) or 'none'})",
                Location(filename, message.segments[0].position, "UNH", 2),
            )
        )
    issues += validate_message(message, schemas, decimal=decimal, file=filename)
    return issues


def _unb(filename: str | None, element: int | None = None) -> Location:
    return Location(file=filename, segment_position=1, segment_tag="UNB", element=element)


def _sender_issues(header: UnbHeader, partner: Partner, filename: str | None) -> list[Issue]:
    ids = partner.edifact
    if ids is None:
        return [
            Issue(
                "partner.standard",
                f"partner {partner.id!r} has no [edifact] identifiers "
                "in its profile, so EDIFACT from it cannot be accepted",
                _unb(filename, 2),
            )
        ]
    if header.sender_id != ids.id or (
        ids.qualifier and header.sender_qualifier not in (None, ids.qualifier)
    ):
        # UNB S002 must be the partner's identification as agreed (0004 id, 0007 qualifier).
        return [
            Issue(
                "partner.sender",
                f"UNB S002 sender {header.sender_id}:{header.sender_qualifier or ''} is not "
                f"partner {partner.id!r} ({ids.id}:{ids.qualifier or ''}, {partner.source.name})",
                _unb(filename, 2),
            )
        ]
    return []


def map_message(
    message: EdifactMessage,
    header: UnbHeader,
    mappings: MappingSet,
    partner_id: str | None,
    *,
    decimal: str,
    filename: str | None,
) -> MappedDocument:
    """One message as a canonical document (CONTRL and APERAK are read, not mapped)."""
    envelope = _envelope(header, message)
    if message.message_type == "CONTRL":
        return MappedDocument(read_contrl(message), envelope)
    if message.message_type == "APERAK":
        return MappedDocument(read_aperak(message), envelope)
    try:
        mapping = mappings.inbound("EDIFACT", message.message_type, message.version, partner_id)
    except MappingError as exc:
        # No mapping for this type and version: the place to point at is UNH S009.
        where = Location(filename, message.segments[0].position, "UNH", 2)
        raise MappingError(exc.message, [Issue("mapping.none", exc.message, where)]) from exc
    return MappedDocument(mapping.apply(message.segments, decimal, filename), envelope)


def _envelope(header: UnbHeader, message: EdifactMessage) -> Envelope:
    return Envelope(
        standard="EDIFACT",
        message_type=message.message_type,
        version=message.version,
        sender=header.sender_id,
        receiver=header.recipient_id,
        control_ref=header.control_ref,
        message_ref=message.reference,
        group_ref=message.group_ref,
        sender_qualifier=header.sender_qualifier,
        receiver_qualifier=header.recipient_qualifier,
        test=header.test,
    )


def identify_partner(header: UnbHeader, partners: Sequence[Partner]) -> Partner | None:
    """The partner whose UNB identification matches the sender."""
    for partner in partners:
        ids = partner.edifact
        if ids and ids.id == header.sender_id and ids.qualifier in (None, header.sender_qualifier):
            return partner
    return None


@dataclass(frozen=True)
class TranslateContext:
    """What `translate` reads against: mappings, structures, and who we and the partners are."""

    mappings: MappingSet
    schemas: EdifactSchemas
    identity: Identity | None = None
    known_partners: Sequence[Partner] = ()
    x12_schemas: X12Schemas | None = None
    xml_schemas: XmlSchemas | None = None


def translate(
    raw: bytes, filename: str | None, context: TranslateContext, partner: Partner | None
) -> Translation:
    """Parse, validate and map one file without touching any store; never raises for bad input.

    Without a partner, the one whose UNB identification matches the sender is used.
    """
    first = _first_partner(raw, filename, partner, context)
    charset = first.edifact.charset if first and first.edifact else None
    try:
        interchanges = parse_file(raw, filename, charset)
    except ParseError as exc:
        found = exc.issues or (Issue("parse", exc.message, Location(file=filename)),)
        return Translation(None, (), (), tuple(found))
    documents: list[MappedDocument] = []
    issues: list[Issue] = []
    for ic in interchanges:
        who = partner or identify_partner(ic, context.known_partners)
        issues += [*ic.issues, *header_issues(ic, who, context.identity, filename)]
        for message in ic.messages:
            decimal = ic.delimiters.decimal
            issues += message_issues(
                message, who, context.schemas, decimal=decimal, filename=filename
            )
            try:
                documents.append(
                    map_message(
                        message,
                        ic,
                        context.mappings,
                        who.id if who else None,
                        decimal=decimal,
                        filename=filename,
                    )
                )
            except MappingError as exc:
                issues += exc.issues or [Issue("mapping.failed", exc.message, Location(filename))]
    unique = tuple(dict.fromkeys(issues))
    return Translation("EDIFACT", tuple(interchanges), tuple(documents), unique)


def _first_partner(
    raw: bytes, filename: str | None, partner: Partner | None, context: TranslateContext
) -> Partner | None:
    # The charset override belongs to the partner, known from UNB before the file is decoded.
    if partner is not None:
        return partner
    header = read_interchange_header(raw, filename)
    return identify_partner(header, context.known_partners) if header else None
