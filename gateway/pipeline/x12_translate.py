"""The pure middle for X12: the agreement, the structure, and mapping one transaction set."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from gateway.config import Identity, Partner
from gateway.errors import Issue, Location, MappingError, ParseError
from gateway.formats.detect import detect_standard
from gateway.formats.x12_acks_read import read_functional_ack, read_ta1
from gateway.formats.x12_envelope import X12Header, X12Transaction
from gateway.formats.x12_reader import chunks_of, read_x12
from gateway.mapping import MappingSet
from gateway.model import Envelope
from gateway.pipeline.translate import MappedDocument, TranslateContext, Translation, translate
from gateway.pipeline.x12_scan import X12Scan, errors, transactions_of
from gateway.pipeline.xml_translate import translate_xml
from gateway.validate.x12_schema import X12Schemas
from gateway.validate.x12_structure import validate_transaction

# Sets about our own interchanges: read by the gateway, never mapped, accepted from every known
# partner (997 functional acknowledgement, 999 implementation acknowledgement).
X12_ACKNOWLEDGEMENTS = ("997", "999")


def identify_x12_partner(header: X12Header, partners: Sequence[Partner]) -> Partner | None:
    """The partner whose ISA05/ISA06 is the interchange's sender."""
    for partner in partners:
        ids = partner.x12
        if ids and ids.isa_id == header.sender_id and ids.isa_qualifier == header.sender_qualifier:
            return partner
    return None


def x12_header_issues(
    header: X12Header, partner: Partner | None, identity: Identity | None, filename: str | None
) -> list[Issue]:
    """What the agreement says of ISA: the sender is the partner, the receiver is us."""
    issues: list[Issue] = []
    ids = partner.x12 if partner else None
    if partner is not None and ids is None:
        issues.append(
            Issue(
                "partner.standard",
                f"partner {partner.id!r} has no [x12] identifiers in its profile, so X12 from "
                "it cannot be accepted",
                _isa(filename, 6),
            )
        )
    elif (
        partner is not None
        and ids is not None
        and (header.sender_id != ids.isa_id or header.sender_qualifier != ids.isa_qualifier)
    ):
        # ISA05/ISA06 must be the partner's interchange id as agreed.
        issues.append(
            Issue(
                "partner.sender",
                f"ISA05/ISA06 sender {header.sender_qualifier}/{header.sender_id} is not partner "
                f"{partner.id!r} ({ids.isa_qualifier}/{ids.isa_id}, {partner.source.name})",
                _isa(filename, 6),
                value=header.sender_id,
            )
        )
    if identity is not None and header.recipient_id != identity.x12_id:
        issues.append(
            Issue(
                "x12.recipient",
                f"ISA08 receiver {header.recipient_id!r} is not our id {identity.x12_id!r}",
                _isa(filename, 8),
                severity="warning",
                value=header.recipient_id,
            )
        )
    return issues


def _isa(filename: str | None, element: int) -> Location:
    return Location(filename, 1, "ISA", element)


def x12_set_issues(
    tx: X12Transaction, partner: Partner | None, schemas: X12Schemas, filename: str | None
) -> list[Issue]:
    """The agreement (may this partner send this set in this version?) and the structure."""
    issues: list[Issue] = []
    if partner is not None and not _accepted(partner, tx):
        accepted = ", ".join(" ".join(a) for a in partner.accept) or "none"
        issues.append(
            Issue(
                "x12.st.unsupported",
                f"{tx.set_id} {tx.version} is not accepted from partner {partner.id!r} "
                f"(accepted: {accepted})",
                Location(filename, tx.segments[0].position, "ST", 1),
                value=tx.set_id,
            )
        )
    issues += validate_transaction(tx, schemas, file=filename)
    return issues


def _accepted(partner: Partner, tx: X12Transaction) -> bool:
    if tx.set_id in X12_ACKNOWLEDGEMENTS:
        return True
    # GS08 may carry an industry identifier (004010VICS, 005010X...): the base version agrees.
    return any(
        partner.accepts("X12", tx.set_id, version)
        for version in (tx.version, tx.group.base_version)
    )


def map_transaction(
    tx: X12Transaction,
    header: X12Header,
    mappings: MappingSet,
    partner_id: str | None,
    filename: str | None,
) -> MappedDocument:
    """One set as a canonical document (997 and 999 are read, not mapped)."""
    envelope = x12_envelope(header, tx)
    if tx.set_id in X12_ACKNOWLEDGEMENTS:
        return MappedDocument(read_functional_ack(tx), envelope)
    try:
        mapping = mappings.inbound("X12", tx.set_id, tx.version, partner_id)
    except MappingError as exc:
        # No mapping for this set and version: the place to point at is ST01.
        where = Location(filename, tx.segments[0].position, "ST", 1)
        raise MappingError(exc.message, [Issue("mapping.none", exc.message, where)]) from exc
    return MappedDocument(mapping.apply(tx.segments, ".", filename), envelope)


def x12_envelope(header: X12Header, tx: X12Transaction) -> Envelope:
    """Where a set came from: ISA sender and receiver, ISA13, GS06, ST02."""
    return Envelope(
        standard="X12",
        message_type=tx.set_id,
        version=tx.version,
        sender=header.sender_id,
        receiver=header.recipient_id,
        control_ref=header.control_ref,
        message_ref=tx.control_ref,
        group_ref=tx.group.control_ref,
        sender_qualifier=header.sender_qualifier,
        receiver_qualifier=header.recipient_qualifier,
        test=header.test,
    )


def ta1_envelope(header: X12Header) -> Envelope:
    """Where a partner's TA1 came from: the interchange that carries it."""
    return Envelope(
        standard="X12",
        message_type="TA1",
        version=header.version,
        sender=header.sender_id,
        receiver=header.recipient_id,
        control_ref=header.control_ref,
        sender_qualifier=header.sender_qualifier,
        receiver_qualifier=header.recipient_qualifier,
        test=header.test,
    )


def translate_x12(
    raw: bytes, filename: str | None, context: TranslateContext, partner: Partner | None
) -> Translation:
    """Parse, validate and map an X12 file without touching any store; never raises for bad input.

    Without a partner, the one whose ISA05/ISA06 is the sender is used, per interchange.
    """
    schemas = context.x12_schemas or X12Schemas({})
    scans: list[X12Scan] = []
    documents: list[MappedDocument] = []
    issues: list[Issue] = []

    def who(header: X12Header) -> Partner | None:
        return partner or identify_x12_partner(header, context.known_partners)

    def check(header: X12Header, tx: X12Transaction) -> list[Issue]:
        return x12_set_issues(tx, who(header), schemas, filename)

    try:
        for ic, tx, found in transactions_of(read_x12(chunks_of(raw), filename), scans, check):
            issues += found
            if errors(found):
                continue
            sender = who(ic.header)
            try:
                documents.append(
                    map_transaction(
                        tx, ic.header, context.mappings, sender.id if sender else None, filename
                    )
                )
            except MappingError as exc:
                issues += exc.issues or [Issue("mapping.failed", exc.message, Location(filename))]
    except ParseError as exc:
        found_issues = exc.issues or (Issue("parse", exc.message, Location(file=filename)),)
        return Translation(None, (), (), tuple(found_issues))
    for ic in scans:
        documents += [MappedDocument(read_ta1(t), ta1_envelope(ic.header)) for t in ic.ta1]
        issues += [
            *ic.issues,
            *x12_header_issues(ic.header, who(ic.header), context.identity, filename),
        ]
        issues += [i for group in ic.groups for i in group.issues]
    return Translation("X12", (), tuple(documents), tuple(dict.fromkeys(issues)))


def translate_file(
    raw: bytes, filename: str | None, context: TranslateContext, partner: Partner | None
) -> Translation:
    """`translate` for any accepted standard, told apart by content."""
    try:
        standard = detect_standard(raw[:4096])
    except ParseError as exc:
        found = exc.issues or (Issue("parse", exc.message),)
        named = (replace(i, location=i.location.with_file(filename or "")) for i in found)
        return Translation(None, (), (), tuple(named))
    if standard == "X12":
        return translate_x12(raw, filename, context, partner)
    if standard == "XML":
        return translate_xml(raw, filename, context, partner)
    return translate(raw, filename, context, partner)
