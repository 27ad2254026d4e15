"""The pure middle: parse, validate and map one file into canonical documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gateway.config import Identity, Partner
from gateway.errors import Issue, Location, MappingError, ParseError
from gateway.formats.detect import detect_standard
from gateway.formats.edifact import EdifactInterchange, EdifactMessage, parse_interchange
from gateway.mapping import MappingSet
from gateway.model import Document, Envelope


@dataclass(frozen=True)
class MappedDocument:
    """A canonical document with the envelope it arrived in."""

    document: Document
    envelope: Envelope


@dataclass(frozen=True)
class Translation:
    """Everything `translate` learnt about one file: documents and every issue found."""

    standard: str | None
    interchange: EdifactInterchange | None
    documents: tuple[MappedDocument, ...]
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        """True when no issue is an error."""
        return not any(i.severity == "error" for i in self.issues)


def parse_file(raw: bytes, filename: str | None) -> EdifactInterchange:
    """Detect the standard by content and parse the interchange."""
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
    return parse_interchange(raw, filename)


def validate_interchange(
    interchange: EdifactInterchange,
    partner: Partner | None,
    identity: Identity | None,
    filename: str | None,
) -> list[Issue]:
    """Envelope issues plus what the partner agreement says: who may send what to whom."""
    issues = list(interchange.issues)
    if partner is not None:
        issues += _sender_issues(interchange, partner, filename)
        issues += _accepted_type_issues(interchange, partner, filename)
    if identity is not None and interchange.recipient_id != identity.edifact_id:
        # UNB S003.0010: an interchange addressed to someone else is not ours to process.
        issues.append(
            Issue(
                "edifact.recipient",
                f"UNB S003 recipient {interchange.recipient_id!r} is not our id "
                f"{identity.edifact_id!r}",
                _unb(filename, element=3),
                severity="warning",
            )
        )
    return issues


def _unb(filename: str | None, element: int | None = None) -> Location:
    return Location(file=filename, segment_position=1, segment_tag="UNB", element=element)


def _sender_issues(ic: EdifactInterchange, partner: Partner, filename: str | None) -> list[Issue]:
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
    if ic.sender_id != ids.id or (
        ids.qualifier and ic.sender_qualifier not in (None, ids.qualifier)
    ):
        # UNB S002 must be the partner's identification as agreed (0004 id, 0007 qualifier).
        return [
            Issue(
                "partner.sender",
                f"UNB S002 sender {ic.sender_id}:{ic.sender_qualifier or ''} is not partner "
                f"{partner.id!r} ({ids.id}:{ids.qualifier or ''}, {partner.source.name})",
                _unb(filename, 2),
            )
        ]
    return []


def _accepted_type_issues(
    ic: EdifactInterchange, partner: Partner, filename: str | None
) -> list[Issue]:
    return [
        Issue(
            "partner.message_type",
            f"{m.message_type} {m.version} is not accepted from partner {partner.id!r} "
            f"(accepted: {', '.join(' '.join(a) for a in partner.accept) or 'none'})",
            Location(
                file=filename, segment_position=m.segments[0].position, segment_tag="UNH", element=2
            ),
        )
        for m in ic.messages
        if not partner.accepts("EDIFACT", m.message_type, m.version)
    ]


def map_interchange(
    ic: EdifactInterchange,
    mappings: MappingSet,
    partner_id: str | None,
    filename: str | None,
) -> tuple[list[MappedDocument], list[Issue]]:
    """Map every message of the interchange; collect the issues of those that fail."""
    documents: list[MappedDocument] = []
    issues: list[Issue] = []
    for message in ic.messages:
        try:
            mapping = mappings.inbound("EDIFACT", message.message_type, message.version, partner_id)
            document = mapping.apply(message.segments, ic.delimiters.decimal, filename)
        except MappingError as exc:
            issues += exc.issues or [Issue("mapping.failed", exc.message, Location(file=filename))]
            continue
        documents.append(MappedDocument(document, _envelope(ic, message)))
    return documents, issues


def _envelope(ic: EdifactInterchange, message: EdifactMessage) -> Envelope:
    return Envelope(
        standard="EDIFACT",
        message_type=message.message_type,
        version=message.version,
        sender=ic.sender_id,
        receiver=ic.recipient_id,
        control_ref=ic.control_ref,
        message_ref=message.reference,
        group_ref=message.group_ref,
        sender_qualifier=ic.sender_qualifier,
        receiver_qualifier=ic.recipient_qualifier,
        test=ic.test,
    )


def identify_partner(ic: EdifactInterchange, partners: Sequence[Partner]) -> Partner | None:
    """The partner whose UNB identification matches the sender."""
    for partner in partners:
        ids = partner.edifact
        if ids and ids.id == ic.sender_id and ids.qualifier in (None, ic.sender_qualifier):
            return partner
    return None


def translate(
    raw: bytes,
    filename: str | None,
    mappings: MappingSet,
    partner: Partner | None,
    *,
    identity: Identity | None = None,
    known_partners: Sequence[Partner] = (),
) -> Translation:
    """Parse, validate and map one file without touching any store; never raises for bad input.

    Without a partner, the one whose UNB identification matches the sender is used.
    """
    try:
        ic = parse_file(raw, filename)
    except ParseError as exc:
        found = exc.issues or (Issue("parse", exc.message, Location(file=filename)),)
        return Translation(None, None, (), found)
    partner = partner or identify_partner(ic, known_partners)
    issues = validate_interchange(ic, partner, identity, filename)
    documents, mapping_issues = map_interchange(
        ic, mappings, partner.id if partner else None, filename
    )
    return Translation("EDIFACT", ic, tuple(documents), tuple(issues + mapping_issues))
