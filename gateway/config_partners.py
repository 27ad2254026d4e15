"""Trading-partner profiles: one `config/partners/<id>.toml` each, read into frozen dataclasses."""

from __future__ import annotations

import codecs
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from gateway.config_sftp import SFTP_KEYS, SftpSettings, read_sftp
from gateway.config_values import Table, suggest
from gateway.formats.detect import XML_STANDARDS
from gateway.formats.x12_envelope import X12Delimiters
from gateway.model import DOCUMENT_TYPES
from gateway.orders.port import (
    BACKORDER_POLICIES,
    PRICE_POLICIES,
    SHIP_TO_POLICIES,
    OrderPolicy,
)

PARTNER_ID = re.compile(r"^[a-z0-9_-]+$")
DUPLICATE_POLICIES = ("reject", "hold", "ignore")
TRANSPORT_KINDS = ("local", "sftp")
STANDARDS = ("EDIFACT", "X12", "UBL", "CXML")
FILENAME_PLACEHOLDERS = ("partner", "message_type", "control_ref", "timestamp", "message_id")
DEFAULT_FILENAME_PATTERN = "{partner}_{message_type}_{control_ref}.edi"
# The default for a partner that is sent XML (UBL or cXML) only.
DEFAULT_XML_FILENAME_PATTERN = "{partner}_{message_type}_{control_ref}.xml"
CXML_KEYS = (
    "domain",
    "identity",
    "sender_domain",
    "sender_identity",
    "our_domain",
    "our_identity",
    "shared_secret_env",
)
# UBL customisations we write: plain OASIS UBL 2.1, or the Peppol BIS 3 profiles (which add
# their CustomizationID and ProfileID).
UBL_PROFILES = ("oasis", "peppol")
_PARTNER_KEYS = (
    "name",
    "edifact",
    "x12",
    "inbound",
    "outbound",
    "acknowledgements",
    "transport",
    "orders",
    "invoices",
    "cxml",
    "ubl",
)
ORDER_KEYS = (
    "price_tolerance",
    "price_mismatch",
    "unknown_ship_to",
    "backorders",
    "partial_shipments",
)
INVOICE_KEYS = ("mode", "tax_rounding", "freight", "freight_free_from", "freight_tax_category")
# One invoice per shipment as it ships, or one per order for the shipments of a whole day,
# ISO week or calendar month (billed by the invoice run once the period is over).
INVOICE_MODES = ("per_shipment", "daily", "weekly", "monthly")
# Tax rounded on every line, or once per tax rate on the rate's total (EN 16931 BR-CO-17).
TAX_ROUNDING = ("line", "total")
# When an inbound interchange is acknowledged (CONTRL, 997/999): always, only when the sender
# asks for it (EDIFACT UNB 0031 = 1, X12 ISA14 = 1), or never.
ACKNOWLEDGE_POLICIES = ("always", "requested", "never")
# What the CONTRL reports: the syntax check (UCI 0083 = 7 or 4, UCM per message) or only that
# the interchange was received (UCI 0083 = 8).
ACKNOWLEDGE_LEVELS = ("syntax", "receipt")
DEFAULT_ACK_WINDOW = timedelta(hours=24)
X12_KEYS = (
    "isa_qualifier",
    "isa_id",
    "gs_id",
    "control_version",
    "delimiters",
    "ta1",
    "functional_ack",
    "ship_notice_hierarchy",
    "request_ta1",
)
DEFAULT_X12_DELIMITERS = X12Delimiters(suffix="\n")
# ISA12 interchange control version numbers we write.
X12_CONTROL_VERSIONS = ("00401", "00501")
# UNB S001.0001 syntax identifier: UNOA..UNOY (character repertoire); S001.0002 version 1-4.
_SYNTAX_IDENTIFIER = re.compile(r"^UNO[A-Z]$")
_SYNTAX_VERSIONS = ("1", "2", "3", "4")


@dataclass(frozen=True)
class OutboundDocument:
    """How one canonical document type is sent to a partner: standard, message type, version."""

    document: str
    standard: str
    message_type: str
    version: str


@dataclass(frozen=True)
class EdifactIds:
    """The partner's EDIFACT identity (UNB S002/S003) and the syntax for our outbound UNB S001."""

    id: str
    qualifier: str | None
    syntax_identifier: str
    syntax_version: str
    # A Python codec that overrides what inbound UNB S001.0001 declares, for partners whose
    # files are mislabelled (UNOC that is really UTF-8 or Windows-1252).
    charset: str | None = None


@dataclass(frozen=True)
class X12Ids:
    """The partner's X12 identity: ISA05/ISA06 (or ISA07/ISA08) and GS02/GS03, and its habits."""

    isa_qualifier: str
    isa_id: str
    gs_id: str
    # ISA12 of what we send: 00401 (004010) or 00501 (005010).
    control_version: str = "00401"
    # Delimiters of what we send: ISA byte 4, ISA16, ISA11 (00402 on), the byte after ISA16,
    # and the line break written after each segment.
    delimiters: X12Delimiters = DEFAULT_X12_DELIMITERS
    # TA1 for an inbound interchange: never, when ISA14 = 1 asks for it, or always.
    ta1: str = "requested"
    # 997 or 999 for an inbound group; "auto" answers 004010 with 997 and 005010 on with 999.
    functional_ack: str = "auto"
    # The 856 HL hierarchy: SOPI shipment/order/pack/item (pick and pack), SOI shipment/order/item.
    ship_notice_hierarchy: str = "SOPI"
    # ISA14 = 1 on what we send: we ask the partner for a TA1.
    request_ta1: bool = False


@dataclass(frozen=True)
class CxmlIds:
    """The partner's cXML credentials (Header From and Sender) and how it addresses us (To).

    cXML 1.2 Header: From names the buying organisation, To the supplier, Sender the system
    that sent the document, with the SharedSecret that authenticates it. Domains (NetworkId,
    DUNS, ...) are compared without regard to case, as networks differ in spelling them.
    """

    domain: str
    identities: tuple[str, ...]
    sender_domain: str
    sender_identities: tuple[str, ...]
    # How the partner addresses us in To; None: the [identity] cxml_domain / cxml_identity.
    our_domain: str | None = None
    our_identity: str | None = None
    # The environment variable holding the SharedSecret the partner's Sender must carry.
    shared_secret_env: str | None = None


@dataclass(frozen=True)
class TransportSettings:
    """How files reach and leave the partner; secrets appear only as `*_env` variable names."""

    kind: str
    filename_pattern: str
    # The partner's server, for kind = "sftp".
    sftp: SftpSettings | None = None


@dataclass(frozen=True)
class InvoicePolicy:
    """How one partner is invoiced (the `[invoices]` table of its profile)."""

    mode: str = "per_shipment"
    tax_rounding: str = "line"
    # A freight charge per shipment (UNCL 7161 FC), waived from a goods total, and its tax.
    freight: Decimal = Decimal(0)
    freight_free_from: Decimal | None = None
    freight_tax_category: str = "S"


@dataclass(frozen=True)
class Partner:
    """One trading partner's profile, from `config/partners/<id>.toml`."""

    id: str
    name: str
    edifact: EdifactIds | None
    x12: X12Ids | None
    accept: tuple[tuple[str, str, str], ...]
    settle_time: timedelta
    duplicates: str
    acknowledge: str
    outbound: tuple[OutboundDocument, ...]
    transport: TransportSettings
    source: Path
    acknowledge_level: str = "syntax"
    # Our outbound interchanges: ask for an acknowledgement and count one as overdue when none
    # came within `ack_within`.
    expect_ack: bool = False
    ack_within: timedelta = DEFAULT_ACK_WINDOW
    # How orders are checked and confirmed ([orders]; duplicates from [inbound]).
    orders: OrderPolicy = field(default_factory=OrderPolicy)
    invoices: InvoicePolicy = field(default_factory=InvoicePolicy)
    cxml: CxmlIds | None = None
    # [ubl] profile: "oasis" or "peppol" (Peppol BIS 3 ids on what we send).
    ubl_profile: str = "oasis"

    def acknowledges(self, requested: bool) -> bool:
        """True when an inbound interchange gets an acknowledgement under this policy."""
        return self.acknowledge == "always" or (self.acknowledge == "requested" and requested)

    def accepts(self, standard: str, message_type: str, version: str) -> bool:
        """True when the partner may send this standard, message type and version."""
        return (standard.upper(), message_type.upper(), version.upper()) in self.accept

    def outbound_for(self, document: str) -> OutboundDocument | None:
        """How the partner wants a canonical document type sent, or None."""
        return next((out for out in self.outbound if out.document == document), None)


def parse_partner(
    data: Mapping[str, object],
    source: Path,
    label: str,
    *,
    settle_default: timedelta,
    problems: list[str],
) -> Partner:
    """Read one partner file's parsed TOML (id = file stem); problems go to `problems`."""
    partner_id = source.stem
    root = Table(data, label, problems)
    root.check_keys(_PARTNER_KEYS)
    if not PARTNER_ID.match(partner_id):
        problems.append(
            f"{label}: the file name {partner_id!r} is not a valid partner id; use only "
            "lower-case letters, digits, '-' and '_' (the file stem is the partner id)"
        )
    inbound = root.table("inbound") or Table({}, label, problems, "inbound.")
    inbound.check_keys(("accept", "settle_time", "duplicates", "acknowledge", "acknowledge_level"))
    edifact_table, x12_table = root.table("edifact"), root.table("x12")
    acks = root.table("acknowledgements") or Table({}, label, problems, "acknowledgements.")
    acks.check_keys(("expect", "within"))
    duplicates = inbound.choice("duplicates", "reject", DUPLICATE_POLICIES)
    cxml_table, ubl_table = root.table("cxml"), root.table("ubl")
    outbound = _outbound(root)
    partner = Partner(
        id=partner_id,
        name=root.text("name", partner_id),
        edifact=_edifact(edifact_table) if edifact_table else None,
        x12=_x12(x12_table) if x12_table else None,
        accept=_accept(inbound),
        settle_time=inbound.duration("settle_time", settle_default),
        duplicates=duplicates,
        acknowledge=_acknowledge(inbound),
        outbound=outbound,
        transport=_transport(
            root.table("transport") or Table({}, label, problems, "transport."),
            source.parent.parent.parent,
            inbound.duration("settle_time", settle_default),
            _default_pattern(outbound),
        ),
        source=source,
        acknowledge_level=inbound.choice("acknowledge_level", "syntax", ACKNOWLEDGE_LEVELS),
        expect_ack=acks.boolean("expect", False),
        ack_within=acks.duration("within", DEFAULT_ACK_WINDOW),
        orders=_orders(root.table("orders") or Table({}, label, problems, "orders."), duplicates),
        invoices=_invoices(root.table("invoices") or Table({}, label, problems, "invoices.")),
        cxml=_cxml(cxml_table) if cxml_table else None,
        ubl_profile=_ubl_profile(ubl_table),
    )
    _check_identities(partner, label, problems)
    return partner


def _cxml(table: Table) -> CxmlIds:
    """The [cxml] table: the partner's From/Sender credentials, our To, the secret's variable."""
    table.check_keys(CXML_KEYS)
    domain = table.required_text("domain").strip()
    identities = _identities(table, "identity", required=True)
    secret_env = (table.optional_text("shared_secret_env") or "").strip() or None
    if secret_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", secret_env):
        table.problem("shared_secret_env", f"{secret_env!r} is not an environment variable name")
    return CxmlIds(
        domain=domain,
        identities=identities,
        sender_domain=table.text("sender_domain", domain).strip(),
        sender_identities=_identities(table, "sender_identity", required=False) or identities,
        our_domain=(table.optional_text("our_domain") or "").strip() or None,
        our_identity=(table.optional_text("our_identity") or "").strip() or None,
        shared_secret_env=secret_env,
    )


def _identities(table: Table, key: str, *, required: bool) -> tuple[str, ...]:
    """A credential identity: one string, or a list of the identities a partner may use."""
    raw = table.values.get(key)
    values = table.text_list(key) if isinstance(raw, list) else [table.text(key, "")]
    found = tuple(v.strip() for v in values if v.strip())
    if required and not found:
        table.problem(key, "the partner's cXML credential identity is required")
    return found


def _ubl_profile(table: Table | None) -> str:
    """The [ubl] table: which UBL customisation we write for the partner."""
    if table is None:
        return "oasis"
    table.check_keys(("profile",))
    return table.choice("profile", "oasis", UBL_PROFILES)


def _default_pattern(outbound: tuple[OutboundDocument, ...]) -> str:
    """Outbound file names end in .xml for a partner sent only UBL or cXML, else .edi."""
    if outbound and all(out.standard in XML_STANDARDS for out in outbound):
        return DEFAULT_XML_FILENAME_PATTERN
    return DEFAULT_FILENAME_PATTERN


def _orders(table: Table, duplicates: str) -> OrderPolicy:
    """The `[orders]` table: how this partner's orders are checked and confirmed."""
    table.check_keys(ORDER_KEYS)
    return OrderPolicy(
        price_tolerance=_percent(table, "price_tolerance", OrderPolicy.price_tolerance),
        price_mismatch=table.choice("price_mismatch", "our_price", PRICE_POLICIES),
        unknown_ship_to=table.choice("unknown_ship_to", "accept", SHIP_TO_POLICIES),
        backorders=table.choice("backorders", "allow", BACKORDER_POLICIES),
        duplicates=duplicates,
        partial_shipments=table.boolean("partial_shipments", True),
    )


def _invoices(table: Table) -> InvoicePolicy:
    """The `[invoices]` table: when and how this partner is invoiced."""
    table.check_keys(INVOICE_KEYS)
    return InvoicePolicy(
        mode=table.choice("mode", "per_shipment", INVOICE_MODES),
        tax_rounding=table.choice("tax_rounding", "line", TAX_ROUNDING),
        freight=_amount(table, "freight") or Decimal(0),
        freight_free_from=_amount(table, "freight_free_from"),
        freight_tax_category=table.text("freight_tax_category", "S").strip().upper(),
    )


def _amount(table: Table, key: str) -> Decimal | None:
    """A money amount of 0 or more, written as a string ("12.50") or a number."""
    raw = table.values.get(key)
    if raw is None:
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        table.problem(key, f'{raw!r} is not an amount; write a number of 0 or more like "12.50"')
        return None
    return value


def _percent(table: Table, key: str, default: Decimal) -> Decimal:
    """A percentage: a number (2.5) or a string with a percent sign ("2.5%"), 0 to 100."""
    raw = table.values.get(key)
    if raw is None:
        return default
    text = str(raw).strip().removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if isinstance(raw, bool) or not value.is_finite() or not 0 <= value <= 100:
        table.problem(
            key, f'expected a percentage from 0 to 100 such as 2.5 or "2.5%", got {raw!r}'
        )
        return default
    return value


def _acknowledge(inbound: Table) -> str:
    """`acknowledge`: a policy name; true and false (the first releases) mean always and never."""
    if inbound.has("acknowledge") and isinstance(inbound.values.get("acknowledge"), bool):
        return "always" if inbound.boolean("acknowledge", True) else "never"
    return inbound.choice("acknowledge", "always", ACKNOWLEDGE_POLICIES)


def _charset(table: Table) -> str | None:
    """`charset`: a Python codec name (utf-8, cp1252, ...) or absent."""
    name = (table.optional_text("charset") or "").strip()
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        table.problem("charset", f"{name!r} is not a character set Python knows (utf-8, cp1252)")
        return None


def _edifact(table: Table) -> EdifactIds:
    """The [edifact] table: UNB S002/S003 id (0004) and qualifier (0007), outbound syntax."""
    table.check_keys(("id", "qualifier", "syntax_identifier", "syntax_version", "charset"))
    syntax_identifier = table.text("syntax_identifier", "UNOC")
    if not _SYNTAX_IDENTIFIER.match(syntax_identifier):
        table.problem(
            "syntax_identifier",
            f"{syntax_identifier!r} is not an EDIFACT syntax identifier (UNB S001.0001, "
            "such as UNOA, UNOB or UNOC)",
        )
    return EdifactIds(
        id=table.required_text("id"),
        qualifier=(table.optional_text("qualifier") or "").strip() or None,
        syntax_identifier=syntax_identifier,
        syntax_version=table.choice("syntax_version", "3", _SYNTAX_VERSIONS),
        charset=_charset(table),
    )


def _x12(table: Table) -> X12Ids:
    """The [x12] table: ISA05/06 qualifier and id (15 characters at most), GS02/03 id."""
    table.check_keys(X12_KEYS)
    qualifier, isa_id = table.required_text("isa_qualifier"), table.required_text("isa_id")
    if len(qualifier) > 2:
        table.problem("isa_qualifier", f"{qualifier!r} is longer than 2 characters (ISA05)")
    if len(isa_id) > 15:
        table.problem("isa_id", f"{isa_id!r} is longer than 15 characters (ISA06)")
    gs_id = table.text("gs_id", isa_id).strip()
    if len(gs_id) > 15:
        table.problem("gs_id", f"{gs_id!r} is longer than 15 characters (GS02)")
    version = table.choice("control_version", "00401", X12_CONTROL_VERSIONS)
    return X12Ids(
        qualifier,
        isa_id,
        gs_id,
        control_version=version,
        delimiters=_x12_delimiters(table, version),
        ta1=table.choice("ta1", "requested", ACKNOWLEDGE_POLICIES),
        functional_ack=table.choice("functional_ack", "auto", ("auto", "997", "999")),
        ship_notice_hierarchy=table.choice("ship_notice_hierarchy", "SOPI", ("SOPI", "SOI")),
        request_ta1=table.boolean("request_ta1", False),
    )


def _x12_delimiters(table: Table, version: str) -> X12Delimiters:
    """`delimiters = { element, component, repetition, segment, line_break }`, each checked."""
    given = table.table("delimiters") or Table({}, table.file, table.problems, "x12.delimiters.")
    given.check_keys(("element", "component", "repetition", "segment", "line_break"))
    # ISA11 is the repetition separator only from 00402 on (before, the code U).
    repetition = given.text("repetition", "^") if version >= "00402" else None
    delimiters = X12Delimiters(
        element=given.text("element", "*"),
        component=given.text("component", ">"),
        repetition=repetition,
        segment=given.text("segment", "~"),
        suffix=given.text("line_break", "\n"),
    )
    chosen = [delimiters.element, delimiters.component, delimiters.segment]
    chosen += [repetition] if repetition else []
    if any(len(c) != 1 or c.isalnum() or c == " " for c in chosen) or len(set(chosen)) != len(
        chosen
    ):
        given.problem(
            "element",
            f"delimiters {chosen!r} must be single, distinct characters that are neither "
            "letters, digits nor a space (X12.6)",
        )
    if delimiters.suffix not in ("", "\n", "\r\n"):
        given.problem("line_break", 'line_break must be "", "\\n" or "\\r\\n"')
    return delimiters


def _accept(inbound: Table) -> tuple[tuple[str, str, str], ...]:
    """`accept = ["EDIFACT ORDERS D96A", ...]`: standard, message type, version."""
    accepted: list[tuple[str, str, str]] = []
    for entry in inbound.text_list("accept"):
        parts = tuple(entry.upper().split())
        if len(parts) != 3:
            inbound.problem(
                "accept",
                f"{entry!r} must be three words: standard, message type and version, "
                'such as "EDIFACT ORDERS D96A" or "X12 850 004010"',
            )
        elif parts[0] not in STANDARDS:
            hint = suggest(parts[0], STANDARDS)
            inbound.problem(
                "accept", f"{entry!r}: {parts[0]!r} is not one of {', '.join(STANDARDS)}{hint}"
            )
        else:
            accepted.append((parts[0], parts[1], parts[2]))
    return tuple(accepted)


def _outbound(root: Table) -> tuple[OutboundDocument, ...]:
    """The [[outbound]] tables: one per canonical document type sent to the partner."""
    documents: list[OutboundDocument] = []
    for table in root.tables("outbound"):
        table.check_keys(("document", "standard", "message_type", "version"))
        document = table.required_text("document")
        if document and document not in DOCUMENT_TYPES:
            hint = suggest(document, DOCUMENT_TYPES)
            table.problem(
                "document",
                f"{document!r} is not one of {', '.join(DOCUMENT_TYPES)}{hint}",
            )
        elif any(out.document == document for out in documents):
            table.problem("document", f"{document!r} is already configured in an earlier entry")
        standard = (
            table.choice("standard", "", STANDARDS, upper=True)
            if table.has("standard")
            else table.required_text("standard")
        )
        # UBL and cXML names are case-sensitive element names (OrderResponse), kept as written.
        message_type = table.required_text("message_type")
        version = table.required_text("version")
        if standard not in XML_STANDARDS:
            message_type, version = message_type.upper(), version.upper()
        documents.append(OutboundDocument(document, standard, message_type, version))
    return tuple(documents)


def _transport(
    table: Table, workspace: Path, settle_default: timedelta, default_pattern: str
) -> TransportSettings:
    """The [transport] table: kind, outbound file name pattern and the SFTP options."""
    table.check_keys(("kind", "filename_pattern", *SFTP_KEYS))
    kind = table.choice("kind", "local", TRANSPORT_KINDS)
    pattern = table.text("filename_pattern", default_pattern)
    _check_pattern(table, pattern)
    if kind != "sftp":
        for key in SFTP_KEYS:
            if table.has(key):
                table.problem(key, f'is only used with kind = "sftp", not {kind!r}')
        return TransportSettings(kind, pattern)
    return TransportSettings(kind, pattern, read_sftp(table, workspace, settle_default))


def _check_pattern(table: Table, pattern: str) -> None:
    """Every `{placeholder}` in the file name pattern must be one the sender fills in."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        table.problem("filename_pattern", f"{pattern!r} is not a valid pattern: {exc}")
        return
    for name in fields:
        if name not in FILENAME_PLACEHOLDERS:
            hint = suggest(name, FILENAME_PLACEHOLDERS)
            table.problem(
                "filename_pattern",
                f"unknown placeholder {{{name}}}{hint}; known placeholders are "
                + ", ".join(FILENAME_PLACEHOLDERS),
            )


def _check_identities(partner: Partner, label: str, problems: list[str]) -> None:
    """A partner that uses a standard must say who it is in that standard's envelope."""
    used = {standard for standard, _, _ in partner.accept}
    used |= {out.standard for out in partner.outbound}
    if "EDIFACT" in used and partner.edifact is None:
        problems.append(
            f"{label}: edifact: an [edifact] table with the partner's id is required "
            "because the partner sends or receives EDIFACT"
        )
    if "X12" in used and partner.x12 is None:
        problems.append(
            f"{label}: x12: an [x12] table with the partner's ISA id is required "
            "because the partner sends or receives X12"
        )
    if "CXML" in used and partner.cxml is None:
        problems.append(
            f"{label}: cxml: a [cxml] table with the partner's credential (domain, identity) "
            "is required because the partner sends or receives cXML"
        )
