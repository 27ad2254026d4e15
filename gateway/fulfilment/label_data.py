"""What goes on a shipment's carton labels: from and to addresses, carrier, SSCC, contents."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from gateway.config_fulfilment import Company
from gateway.fulfilment.documents_model import Address, LabelContent, ShippingLabel
from gateway.model.documents import Party
from gateway.orders.embedded_backlog import stored_order
from gateway.store.fulfilment_store import cartons
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import ShipmentRow
from gateway.store.tables_orders import CarrierRow, CustomerRow, ItemRow, ShipToRow, WarehouseRow


def shipment_labels(
    session: Session, shipment: ShipmentRow, company: Company
) -> list[ShippingLabel]:
    """One label per carton of a packed or shipped shipment."""
    order = session.get_one(OrderRow, shipment.order_id)
    ship_from = _ship_from(session, shipment, company)
    ship_to = _ship_to(session, order)
    carrier = session.get(CarrierRow, shipment.carrier) if shipment.carrier else None
    boxes = cartons(session, shipment.id)
    return [
        ShippingLabel(
            sscc=carton.sscc,
            ship_from=ship_from,
            ship_to=ship_to,
            order_number=order.order_number,
            shipment_number=shipment.number,
            carton_index=carton.sequence,
            carton_count=len(boxes),
            ship_date=shipment.ship_date,
            carrier_name=carrier.name if carrier else None,
            service=shipment.service,
            tracking_number=shipment.tracking_number,
            weight_kg=carton.weight_kg,
            contents=tuple(_content(session, line.order_line_id, line.quantity) for line in lines),
        )
        for carton, lines in boxes
    ]


def _content(session: Session, line_id: int, quantity: Decimal) -> LabelContent:
    line = session.get_one(OrderLineRow, line_id)
    item = session.get(ItemRow, line.sku) if line.sku else None
    return LabelContent(
        sku=line.sku or "",
        description=(item.description if item else None) or line.description or "",
        quantity=quantity,
        uom=line.uom or (item.base_uom if item else "EA"),
        gtin=line.gtin,
    )


def _ship_from(session: Session, shipment: ShipmentRow, company: Company) -> Address:
    """Our warehouse's address under our company name (the GS1 logistic label's FROM)."""
    warehouse = session.get(WarehouseRow, shipment.warehouse)
    if warehouse is None:
        return Address(
            name=company.name,
            street=company.street,
            city=company.city,
            postal_code=company.postal_code,
            country=company.country,
            gln=company.gln,
        )
    return Address(
        name=f"{company.name} - {warehouse.name}",
        street=warehouse.street,
        city=warehouse.city,
        postal_code=warehouse.postal_code,
        country=warehouse.country,
    )


def _ship_to(session: Session, order: OrderRow) -> Address:
    """The delivery address: the order's ship-to, completed from ship_tos.csv when it only
    names a location, else the customer's address."""
    party = stored_order(order).ship_to
    known = (
        session.get(ShipToRow, (order.customer_id, order.ship_to_id))
        if order.customer_id and order.ship_to_id
        else None
    )
    customer = session.get(CustomerRow, order.customer_id) if order.customer_id else None
    if party is not None and party.street:
        return _from_party(party, customer)
    if known is not None:
        return Address(
            name=known.name or (customer.name if customer else known.location),
            street=known.street,
            city=known.city,
            postal_code=known.postal_code,
            region=known.region,
            country=known.country,
            gln=known.location,
        )
    if party is not None:
        return _from_party(party, customer)
    if customer is not None:
        return Address(
            name=customer.name,
            street=customer.street,
            city=customer.city,
            postal_code=customer.postal_code,
            region=customer.region,
            country=customer.country,
        )
    return Address(name=order.buyer_name or order.partner)


def _from_party(party: Party, customer: CustomerRow | None) -> Address:
    return Address(
        name=party.name or (customer.name if customer else party.id or ""),
        street=party.street,
        city=party.city,
        postal_code=party.postal_code,
        region=party.state,
        country=party.country,
        gln=party.id,
    )
