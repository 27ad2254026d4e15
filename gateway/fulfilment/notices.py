"""The ship notice of a shipment (canonical ShipNotice: DESADV, 856) and its parties."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from gateway.config_fulfilment import Company
from gateway.model.documents import (
    IdScheme,
    Package,
    Party,
    PurchaseOrder,
    ShipNotice,
    ShipNoticeLine,
)
from gateway.orders.embedded_backlog import stored_order
from gateway.store.fulfilment_store import cartons
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import ShipmentRow
from gateway.store.tables_orders import CarrierRow

# UN/ECE Recommendation 21: CT carton. UN/ECE Recommendation 19: 30 road transport.
CARTON = "CT"
ROAD = "30"


def our_party(company: Company) -> Party:
    """We as seller: our GLN, name and address from gateway.toml [company]."""
    return Party(
        id=company.gln,
        id_scheme=IdScheme.GLN.value if company.gln else None,
        name=company.name,
        street=company.street,
        city=company.city,
        postal_code=company.postal_code,
        country=company.country,
        tax_id=company.tax_id,
    )


def seller_of(order: PurchaseOrder, company: Company) -> Party:
    """The seller as the buyer named us on the order (their id for us), else our own party."""
    ours = our_party(company)
    if order.seller is None:
        return ours
    named = order.seller
    return Party(
        id=named.id or ours.id,
        id_scheme=named.id_scheme if named.id else ours.id_scheme,
        name=named.name or ours.name,
        street=named.street or ours.street,
        city=named.city or ours.city,
        postal_code=named.postal_code or ours.postal_code,
        country=named.country or ours.country,
        tax_id=named.tax_id or ours.tax_id,
        state=named.state,
    )


def ship_notice(
    session: Session, shipment: ShipmentRow, company: Company, *, prefer_scac: bool, today: date
) -> ShipNotice:
    """The ship notice of a shipped shipment: its cartons by SSCC with what each holds."""
    order_row = session.get_one(OrderRow, shipment.order_id)
    order = stored_order(order_row)
    carrier = session.get(CarrierRow, shipment.carrier) if shipment.carrier else None
    carrier_id, scheme = _carrier_id(carrier, prefer_scac)
    return ShipNotice(
        notice_number=shipment.number,
        order_number=order_row.order_number,
        issue_date=today,
        ship_date=shipment.ship_date or today,
        packages=_packages(session, shipment),
        carrier=carrier_id,
        carrier_scheme=scheme,
        carrier_name=carrier.name if carrier else None,
        tracking_number=shipment.tracking_number,
        transport_mode=ROAD,
        buyer=order.buyer,
        seller=seller_of(order, company),
        ship_to=order.ship_to,
        order_date=order.order_date,
        department=order.department,
        vendor_number=order.vendor_number,
    )


def _carrier_id(carrier: CarrierRow | None, prefer_scac: bool) -> tuple[str | None, str | None]:
    """X12 partners know carriers by SCAC (TD502 = 2), EDIFACT ones by GLN (TDT C040.3055 = 9)."""
    if carrier is None:
        return None, None
    if carrier.scac and (prefer_scac or not carrier.gln):
        return carrier.scac, "SCAC"
    if carrier.gln:
        return carrier.gln, IdScheme.GLN.value
    return carrier.id, IdScheme.SELLER_ASSIGNED.value


def _packages(session: Session, shipment: ShipmentRow) -> tuple[Package, ...]:
    packages = []
    for carton, lines in cartons(session, shipment.id):
        contents = []
        for carton_line in lines:
            line = session.get_one(OrderLineRow, carton_line.order_line_id)
            contents.append(
                ShipNoticeLine(
                    line_number=line.line_number,
                    quantity=carton_line.quantity,
                    gtin=line.gtin,
                    buyer_part=line.buyer_part,
                    seller_part=line.seller_part or line.sku,
                    uom=line.uom,
                )
            )
        packages.append(
            Package(
                sscc=carton.sscc,
                lines=tuple(contents),
                gross_weight_kg=carton.weight_kg,
                package_type=CARTON,
            )
        )
    return tuple(packages)
