"""Render an outbound document as an X12 interchange: mapping, ST/SE, GS/GE, ISA/IEA.

Each file we send holds one interchange with one group and one set. ISA13, GS06 and ST02 come
from three persistent per-partner counters, so they survive a restart and are never reused
until they roll over from 999,999,999 back to 1 (ISA13 is exactly nine digits, GS06 N0 1/9,
ST02 AN 4/9; X12.5/X12.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.config import Identity, Partner, X12Ids
from gateway.errors import Issue, Location, MappingError
from gateway.formats.x12_acks import render_997, render_999, render_ta1
from gateway.formats.x12_writer import (
    OutboundGroup,
    OutboundInterchange,
    OutboundTransaction,
    render_interchange,
    render_ta1_interchange,
)
from gateway.mapping import MappingSet
from gateway.model import Document, FunctionalAck, document_type
from gateway.store import Store

# GS01 functional identifier code (X12 element 479) of each transaction set we send.
FUNCTIONAL_IDS = {
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "810": "IN",
    "860": "PC",
    "865": "CA",
    "997": "FA",
    "999": "FA",
}
X12_NUMBER_WRAP = 999_999_999


@dataclass(frozen=True)
class X12Numbers:
    """The control numbers of one outbound interchange: ISA13, GS06, ST02."""

    interchange: int
    group: int
    transaction: int


def next_x12_numbers(store: Store, partner: str) -> X12Numbers:
    """Draw the next ISA13, GS06 and ST02 for a partner from their separate counters."""
    return X12Numbers(
        *(
            store.next_control_number(partner, f"x12.{kind}", wrap_at=X12_NUMBER_WRAP)
            for kind in ("interchange", "group", "transaction")
        )
    )


@dataclass(frozen=True)
class X12Plan:
    """What an outbound X12 document needs beyond its content: who, which numbers, when."""

    partner: Partner
    identity: Identity
    numbers: X12Numbers
    prepared_at: datetime
    test: bool = False


def render_x12(
    document: Document, plan: X12Plan, mappings: MappingSet, set_id: str, version: str
) -> bytes:
    """Map a canonical document (or answer with a 997/999/TA1) and wrap it in its envelopes."""
    ids = _x12_ids(plan)
    interchange = _interchange(plan, ids)
    if isinstance(document, FunctionalAck) and set_id == "TA1":
        return render_ta1_interchange(interchange, render_ta1(document))
    if isinstance(document, FunctionalAck):
        # A copied bad value (AK404/IK404) that holds one of our delimiters is left out.
        render = render_999 if set_id == "999" else render_997
        body = render(document, delimiters=ids.delimiters)
    else:
        mapping = mappings.outbound(
            document_type(document), "X12", set_id, version, plan.partner.id, variant=_variant(plan)
        )
        body = mapping.apply(document, ".")
    transaction = OutboundTransaction(
        set_id, plan.numbers.transaction, body, implementation=_implementation(version)
    )
    group = OutboundGroup(
        FUNCTIONAL_IDS.get(set_id, "PO"),
        plan.identity.x12_id,
        ids.gs_id,
        plan.numbers.group,
        version,
        [transaction],
    )
    return render_interchange(interchange, [group])


def _variant(plan: X12Plan) -> str | None:
    # The 856 hierarchy: the default mapping is shipment/order/pack/item; SOI is a variant.
    ids = plan.partner.x12
    return ids.ship_notice_hierarchy if ids and ids.ship_notice_hierarchy != "SOPI" else None


def _implementation(version: str) -> str | None:
    # ST03 (005010 on) names an implementation guide when GS08 carries one (005010X231A1).
    return version if len(version) > 6 and version >= "005010" else None


def _x12_ids(plan: X12Plan) -> X12Ids:
    ids = plan.partner.x12
    if ids is None:
        raise MappingError(
            f"partner {plan.partner.id!r} has no [x12] ids to address an interchange to",
            [
                Issue(
                    "partner.x12",
                    "add an [x12] section with isa_qualifier, isa_id and gs_id",
                    Location(file=str(plan.partner.source)),
                )
            ],
        )
    return ids


def _interchange(plan: X12Plan, ids: X12Ids) -> OutboundInterchange:
    return OutboundInterchange(
        sender_qualifier=plan.identity.x12_qualifier,
        sender_id=plan.identity.x12_id,
        recipient_qualifier=ids.isa_qualifier,
        recipient_id=ids.isa_id,
        control_ref=plan.numbers.interchange,
        version=ids.control_version,
        prepared_at=plan.prepared_at,
        delimiters=ids.delimiters,
        ack_requested=ids.request_ta1,
        test=plan.test,
    )
