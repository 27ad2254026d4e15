"""Canonical documents: one model for every standard the gateway speaks."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class IdScheme(enum.StrEnum):
    """Who issued a party identifier (EDIFACT 3055, X12 66, UBL schemeID)."""

    GLN = "GLN"
    DUNS = "DUNS"
    DUNS_PLUS_4 = "DUNS+4"  # X12 66 = 9: DUNS with a four-character location suffix
    BUYER_ASSIGNED = "buyer"
    SELLER_ASSIGNED = "seller"
    MUTUAL = "mutual"
    OTHER = "other"


@dataclass(frozen=True)
class Party:
    """A trading party: identifier with its scheme, name and postal address."""

    id: str | None = None
    id_scheme: str | None = None
    name: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None
    tax_id: str | None = None  # VAT registration number (EDIFACT RFF+VA after the NAD)
    # Country subdivision: state or province (X12 N402, EDIFACT NAD 3229, UBL CountrySubentity).
    state: str | None = None


@dataclass(frozen=True)
class OrderLine:
    """One line of a purchase order as the buyer sent it."""

    line_number: str
    quantity: Decimal
    gtin: str | None = None
    buyer_part: str | None = None
    seller_part: str | None = None
    description: str | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    requested_delivery_date: date | None = None


@dataclass(frozen=True)
class PurchaseOrder:
    """A buyer's order (ORDERS, 850, UBL Order, cXML OrderRequest)."""

    order_number: str
    lines: tuple[OrderLine, ...]
    order_date: date | None = None
    currency: str | None = None
    requested_delivery_date: date | None = None
    buyer: Party | None = None
    seller: Party | None = None
    ship_to: Party | None = None
    bill_to: Party | None = None
    notes: tuple[str, ...] = ()
    function: str = "original"
    # X12 BEG02 purchase order type (SA stand-alone, DS drop ship, RL release, ...).
    order_type: str | None = None
    # The buyer's department and our vendor number at the buyer (X12 REF DP / REF IA, EDIFACT
    # RFF); US retailers expect both echoed on the 856 and 810.
    department: str | None = None
    vendor_number: str | None = None


class LineStatus(enum.StrEnum):
    """What the seller says of one ordered line (EDIFACT 1229, X12 ACK01)."""

    ACCEPTED = "accepted"
    CHANGED = "changed"
    BACKORDERED = "backordered"
    REJECTED = "rejected"


class ResponseStatus(enum.StrEnum):
    """What the seller says of the order as a whole (EDIFACT BGM 4343, X12 BAK02)."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_CHANGES = "accepted_with_changes"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ResponseLine:
    """The seller's answer for one order line."""

    line_number: str
    status: LineStatus
    ordered_quantity: Decimal
    confirmed_quantity: Decimal
    gtin: str | None = None
    buyer_part: str | None = None
    seller_part: str | None = None
    description: str | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    confirmed_delivery_date: date | None = None
    backordered_quantity: Decimal | None = None
    backorder_date: date | None = None  # when the backordered rest is expected
    reason: str | None = None  # change or rejection reason code, as agreed with the partner


@dataclass(frozen=True)
class OrderResponse:
    """The seller's answer to an order (ORDRSP, 855, UBL OrderResponse)."""

    response_number: str
    order_number: str
    issue_date: date
    status: ResponseStatus
    lines: tuple[ResponseLine, ...]
    order_date: date | None = None
    currency: str | None = None
    buyer: Party | None = None
    seller: Party | None = None
    ship_to: Party | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShipNoticeLine:
    """A quantity of one item inside a package."""

    line_number: str
    quantity: Decimal
    gtin: str | None = None
    buyer_part: str | None = None
    seller_part: str | None = None
    uom: str | None = None
    batch: str | None = None


@dataclass(frozen=True)
class Package:
    """A shipped handling unit identified by its SSCC (GS1 AI 00).

    A package inside another one (cartons on a pallet) names its parent's SSCC; packages
    are listed parents first. `package_type` is a UN/ECE Recommendation 21 code (CT carton,
    PX pallet, ...).
    """

    sscc: str
    lines: tuple[ShipNoticeLine, ...]
    gross_weight_kg: Decimal | None = None
    package_type: str | None = None
    parent_sscc: str | None = None


@dataclass(frozen=True)
class ShipNotice:
    """What was shipped against an order (DESADV, 856, UBL DespatchAdvice)."""

    notice_number: str
    order_number: str
    issue_date: date
    ship_date: date
    packages: tuple[Package, ...]
    carrier: str | None = None  # the carrier's identifier, in carrier_scheme (e.g. a GLN)
    tracking_number: str | None = None
    estimated_delivery_date: date | None = None
    buyer: Party | None = None
    seller: Party | None = None
    ship_to: Party | None = None
    order_date: date | None = None
    carrier_name: str | None = None
    carrier_scheme: str | None = None
    transport_mode: str | None = None  # UN/ECE Recommendation 19 code (30 road, 10 sea ...)
    # The bill of lading number (X12 REF BM, EDIFACT RFF+BM).
    bill_of_lading: str | None = None
    department: str | None = None  # echoed from the order (X12 REF DP)
    vendor_number: str | None = None  # echoed from the order (X12 REF IA)


@dataclass(frozen=True)
class TaxLine:
    """Tax on an invoice or line: category (UNCL 5305: S standard, Z zero ...), rate, amounts."""

    category: str
    rate: Decimal
    taxable_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceLine:
    """One billed line."""

    line_number: str
    quantity: Decimal
    unit_price: Decimal
    net_amount: Decimal
    gtin: str | None = None
    buyer_part: str | None = None
    seller_part: str | None = None
    description: str | None = None
    uom: str | None = None
    tax: TaxLine | None = None


class AllowanceOrCharge(enum.StrEnum):
    """Whether an amount is taken off or added (EDIFACT ALC 5463, X12 SAC01)."""

    ALLOWANCE = "allowance"
    CHARGE = "charge"


@dataclass(frozen=True)
class AllowanceCharge:
    """A discount or surcharge on the whole invoice, with the tax it falls under."""

    indicator: AllowanceOrCharge
    amount: Decimal
    reason: str | None = None  # UNCL 7161 special service code (e.g. FC freight, DI discount)
    tax: TaxLine | None = None


@dataclass(frozen=True)
class Invoice:
    """A bill for shipped goods (INVOIC, 810, UBL Invoice).

    Totals are carried, never computed by a renderer: `net_total` is the taxable amount
    (lines plus charges minus allowances), `gross_total` what is payable, `lines_total` the
    sum of line net amounts and `allowance_charge_total` charges minus allowances.
    """

    invoice_number: str
    order_number: str
    issue_date: date
    currency: str
    lines: tuple[InvoiceLine, ...]
    taxes: tuple[TaxLine, ...]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    due_date: date | None = None
    ship_notice_number: str | None = None
    buyer: Party | None = None
    seller: Party | None = None
    bill_to: Party | None = None
    order_date: date | None = None
    delivery_date: date | None = None
    ship_to: Party | None = None
    payment_terms_days: int | None = None
    payment_terms_text: str | None = None
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    lines_total: Decimal | None = None
    allowance_charge_total: Decimal | None = None
    ship_date: date | None = None  # X12 DTM 011, EDIFACT DTM 35 (despatch date)
    department: str | None = None  # echoed from the order (X12 REF DP)
    vendor_number: str | None = None  # echoed from the order (X12 REF IA)


class AckStatus(enum.StrEnum):
    """Outcome of a syntax check (EDIFACT 0083, X12 AK501/AK901)."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    # X12 AK901 = P: some transaction sets of the group accepted, others rejected.
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class AckError:
    """One syntax error reported back to the sender (EDIFACT 0085, X12 AK3/AK4 codes)."""

    code: str
    text: str
    segment_position: int | None = None
    segment_tag: str | None = None
    element_position: int | None = None
    component_position: int | None = None
    # X12 AK404/IK404: a copy of the bad data element as received.
    value: str | None = None
    # X12 AK402/IK402: the data element reference number (e.g. 234 for PO107).
    element_ref: str | None = None


@dataclass(frozen=True)
class MessageAck:
    """The outcome for one message (UNH/ST) inside the acknowledged interchange."""

    message_ref: str
    message_type: str
    version: str
    status: AckStatus
    errors: tuple[AckError, ...] = ()
    # X12 ST03 implementation convention reference (999 AK203).
    implementation: str | None = None
    # X12 999 CTX business unit identifier of the set: element and value, e.g. BEG03, PO-1.
    business_unit: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionalAck:
    """A syntax acknowledgement of a received interchange (CONTRL, 997/999, TA1)."""

    interchange_ref: str
    sender_id: str
    sender_qualifier: str | None
    recipient_id: str
    recipient_qualifier: str | None
    status: AckStatus
    received_at: datetime
    messages: tuple[MessageAck, ...] = ()
    errors: tuple[AckError, ...] = ()
    group_ref: str | None = None
    syntax_version: str | None = None
    # X12: GS01 of the acknowledged group (AK101), GE01 as received (AK902), and ISA09/ISA10
    # of the acknowledged interchange (TA102/TA103).
    functional_id: str | None = None
    sets_included: int | None = None
    interchange_date: str | None = None
    interchange_time: str | None = None


Document = PurchaseOrder | OrderResponse | ShipNotice | Invoice | FunctionalAck

DOCUMENT_TYPES: dict[str, type[Document]] = {
    "purchase_order": PurchaseOrder,
    "order_response": OrderResponse,
    "ship_notice": ShipNotice,
    "invoice": Invoice,
    "functional_ack": FunctionalAck,
}


def document_type(document: Document) -> str:
    """The canonical type name of a document (`purchase_order`, ...)."""
    for name, cls in DOCUMENT_TYPES.items():
        if isinstance(document, cls):
            return name
    raise TypeError(f"not a canonical document: {type(document).__name__}")


@dataclass(frozen=True)
class Envelope:
    """Where a document travelled: standard, parties and control references."""

    standard: str
    message_type: str
    version: str
    sender: str
    receiver: str
    control_ref: str
    message_ref: str | None = None
    group_ref: str | None = None
    sender_qualifier: str | None = None
    receiver_qualifier: str | None = None
    test: bool = False
    extra: dict[str, str] = field(default_factory=dict)
