"""The order engine's reads inside its transaction: the catalog, supply, exposure, the backlog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from gateway.orders.atp import Availability
from gateway.orders.backlog import WaitingLine
from gateway.orders.catalog import same_unit
from gateway.orders.masterdata import Customer, Item, Price, ShipTo
from gateway.orders.states import LineState, OrderStatus
from gateway.store.masterdata_store import as_record
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_orders import (
    BuyerPartRow,
    CustomerIdentifierRow,
    CustomerRow,
    ItemRow,
    ItemUnitRow,
    PriceRow,
    ReplenishmentRow,
    ShipToRow,
    StockLevelRow,
    WarehouseRow,
)

R = TypeVar("R")
# Lines that hold stock or wait for it. Lines of test orders (a test interchange: UNB 0035 = 1,
# ISA15 = T) are answered like any other but hold no stock, count for no credit and never
# wait in the backlog.
OPEN_LINES = (LineState.READY.value, LineState.BACKORDERED.value, LineState.RELEASED.value)
# Orders that are over for good, or were never orders (a copy): a repeated number is no
# duplicate of them, and a cancellation cannot reach them.
NOT_LIVE = (
    OrderStatus.REJECTED.value,
    OrderStatus.CANCELLED.value,
    OrderStatus.RECORDED.value,
)
# Orders whose lines count against the customer's credit.
OPEN_ORDERS = (
    OrderStatus.CONFIRMED.value,
    OrderStatus.PARTIALLY_CONFIRMED.value,
    OrderStatus.BACKORDERED.value,
    OrderStatus.RELEASED.value,
    OrderStatus.PARTIALLY_SHIPPED.value,
)


class SqlCatalog:
    """The Catalog port served from the md_* tables in the engine's session."""

    def __init__(self, session: Session) -> None:
        self._session = session
        # Master data does not change inside the engine's transaction: each answer is looked
        # up once per transaction (a batch of orders asks for the same items again and again).
        self._memo: dict[tuple[object, ...], Any] = {}

    def _once(self, key: tuple[object, ...], look_up: Callable[[], R]) -> R:
        if key not in self._memo:
            self._memo[key] = look_up()
        return cast(R, self._memo[key])

    def customer_by_identifier(self, value: str, scheme: str | None) -> Customer | None:
        """The customer known by this identifier (an identifier without scheme matches any)."""
        return self._once(
            ("customer_by_identifier", value, scheme),
            lambda: self._customer_by_identifier(value, scheme),
        )

    def _customer_by_identifier(self, value: str, scheme: str | None) -> Customer | None:
        query = select(CustomerIdentifierRow.customer).where(CustomerIdentifierRow.value == value)
        if scheme is not None:
            query = query.where(
                or_(CustomerIdentifierRow.scheme.is_(None), CustomerIdentifierRow.scheme == scheme)
            )
        found = self._session.scalars(query.limit(1)).first()
        return None if found is None else self.customer(found)

    def customers_of_partner(self, partner: str) -> Sequence[Customer]:
        """The customers of a trading partner."""
        return self._once(
            ("customers_of_partner", partner), lambda: self._customers_of_partner(partner)
        )

    def _customers_of_partner(self, partner: str) -> Sequence[Customer]:
        rows = self._session.scalars(select(CustomerRow).where(CustomerRow.partner == partner))
        return [_customer(row) for row in rows]

    def customer(self, customer_id: str) -> Customer | None:
        """The customer with this id."""
        return self._once(("customer", customer_id), lambda: self._customer(customer_id))

    def _customer(self, customer_id: str) -> Customer | None:
        row = self._session.get(CustomerRow, customer_id)
        return None if row is None else _customer(row)

    def ship_to(self, customer_id: str, location: str) -> ShipTo | None:
        """The customer's delivery location."""
        return self._once(
            ("ship_to", customer_id, location), lambda: self._ship_to(customer_id, location)
        )

    def _ship_to(self, customer_id: str, location: str) -> ShipTo | None:
        row = self._session.get(ShipToRow, (customer_id, location))
        return None if row is None else as_record(ShipTo, row)

    def item_by_gtin(self, gtin14: str) -> Item | None:
        """The item with this GTIN."""
        return self._once(("item_by_gtin", gtin14), lambda: self._item_by_gtin(gtin14))

    def _item_by_gtin(self, gtin14: str) -> Item | None:
        row = self._session.scalars(select(ItemRow).where(ItemRow.gtin == gtin14)).first()
        return None if row is None else as_record(Item, row)

    def item_by_buyer_part(self, customer_id: str, buyer_part: str) -> Item | None:
        """The item the customer calls by this article number."""
        return self._once(
            ("item_by_buyer_part", customer_id, buyer_part),
            lambda: self._item_by_buyer_part(customer_id, buyer_part),
        )

    def _item_by_buyer_part(self, customer_id: str, buyer_part: str) -> Item | None:
        row = self._session.get(BuyerPartRow, (customer_id, buyer_part))
        return None if row is None else self.item(row.sku)

    def item(self, sku: str) -> Item | None:
        """The item with this SKU."""
        return self._once(("item", sku), lambda: self._item(sku))

    def _item(self, sku: str) -> Item | None:
        row = self._session.get(ItemRow, sku)
        return None if row is None else as_record(Item, row)

    def unit_factor(self, sku: str, uom: str) -> Decimal | None:
        """Base units in one `uom` of the item (1 for its base unit)."""
        return self._once(("unit_factor", sku, uom), lambda: self._unit_factor(sku, uom))

    def _unit_factor(self, sku: str, uom: str) -> Decimal | None:
        item = self._session.get(ItemRow, sku)
        if item is None:
            return None
        if same_unit(uom, item.base_uom):
            return Decimal(1)
        units = self._session.scalars(select(ItemUnitRow).where(ItemUnitRow.sku == sku))
        for unit in units:
            if same_unit(unit.uom, uom):
                return unit.factor
        return None

    def prices(self, sku: str, customer_id: str | None) -> Sequence[Price]:
        """The customer's and the default price rows of an item."""
        return self._once(("prices", sku, customer_id), lambda: self._prices(sku, customer_id))

    def _prices(self, sku: str, customer_id: str | None) -> Sequence[Price]:
        query = select(PriceRow).where(
            PriceRow.sku == sku,
            or_(PriceRow.customer.is_(None), PriceRow.customer == customer_id),
        )
        return [as_record(Price, row) for row in self._session.scalars(query)]


def _customer(row: CustomerRow) -> Customer:
    return as_record(Customer, row)


def default_warehouse(session: Session, customer: Customer | None) -> str | None:
    """The customer's warehouse, else the first warehouse by id."""
    if customer is not None and customer.warehouse:
        return customer.warehouse
    return session.scalars(select(WarehouseRow.id).order_by(WarehouseRow.id).limit(1)).first()


def on_hand(session: Session, sku: str, warehouse: str) -> Decimal:
    """Stock of an item in a warehouse, all bins, in base units."""
    query = select(func.coalesce(func.sum(StockLevelRow.on_hand), 0)).where(
        StockLevelRow.sku == sku, StockLevelRow.warehouse == warehouse
    )
    return Decimal(session.scalar(query) or 0)


def _line_sum(
    session: Session, column: Any, sku: str, warehouse: str, states: tuple[str, ...]
) -> Decimal:
    query = (
        select(func.coalesce(func.sum(column * OrderLineRow.factor), 0))
        .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
        .where(
            OrderLineRow.sku == sku,
            OrderLineRow.status.in_(states),
            OrderRow.warehouse == warehouse,
            OrderRow.test.is_(False),
        )
    )
    return Decimal(str(session.scalar(query) or 0))


def supply(session: Session, sku: str, warehouse: str) -> Availability:
    """Free stock, replenishments by date and the backorders already waiting, in base units.

    The item's stock rows stay locked until the transaction ends (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite has one writer anyway), so two workers cannot promise the same stock.
    """
    lock = (
        select(StockLevelRow.bin)
        .where(StockLevelRow.sku == sku, StockLevelRow.warehouse == warehouse)
        .with_for_update()
    )
    session.execute(lock).all()
    allocated = _line_sum(session, OrderLineRow.allocated_quantity, sku, warehouse, OPEN_LINES)
    waiting = _line_sum(
        session, OrderLineRow.backordered_quantity, sku, warehouse, (LineState.BACKORDERED.value,)
    )
    return Availability(
        on_hand(session, sku, warehouse) - allocated, incoming(session, sku, warehouse), waiting
    )


def incoming(session: Session, sku: str, warehouse: str) -> tuple[tuple[Any, Decimal], ...]:
    """Replenishments still expected, by date."""
    query = (
        select(ReplenishmentRow.expected_date, ReplenishmentRow.quantity)
        .where(ReplenishmentRow.sku == sku, ReplenishmentRow.warehouse == warehouse)
        .order_by(ReplenishmentRow.expected_date, ReplenishmentRow.id)
    )
    return tuple((row.expected_date, row.quantity) for row in session.execute(query))


def exposure(session: Session, customer: Customer) -> Decimal:
    """What the customer owes or has on order: open balance plus open order lines' value."""
    query = (
        select(
            func.coalesce(
                func.sum(
                    OrderLineRow.confirmed_quantity
                    * func.coalesce(OrderLineRow.confirmed_price, OrderLineRow.unit_price, 0)
                ),
                0,
            )
        )
        .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
        .where(
            OrderRow.customer_id == customer.id,
            OrderRow.status.in_(OPEN_ORDERS),
            OrderRow.test.is_(False),
            OrderLineRow.status.in_(OPEN_LINES),
        )
    )
    return customer.open_balance + Decimal(str(session.scalar(query) or 0))


def live_order(session: Session, customer: Customer | None, this: OrderRow) -> OrderRow | None:
    """The earliest live order with this order's number from the same customer (or buyer).

    Rejected, cancelled and recorded-only orders are not live: a buyer may resend a rejected
    order, fixed, under its number.
    """
    same_buyer = (
        OrderRow.customer_id == customer.id
        if customer is not None
        else and_(OrderRow.partner == this.partner, OrderRow.buyer_id == this.buyer_id)
    )
    query = (
        select(OrderRow)
        .where(
            same_buyer,
            OrderRow.order_number == this.order_number,
            OrderRow.id < this.id,
            OrderRow.status.not_in(NOT_LIVE),
        )
        .order_by(OrderRow.id)
        .limit(1)
    )
    return session.scalars(query).first()


def earlier_order(session: Session, customer: Customer | None, this: OrderRow) -> str | None:
    """The live order this one repeats, described for a finding; None if there is none."""
    row = live_order(session, customer, this)
    if row is None:
        return None
    return f"order {row.id} received {row.created_at:%Y-%m-%d %H:%M} UTC"


def waiting_lines(
    session: Session, sku: str | None = None
) -> dict[tuple[str, str], list[WaitingLine]]:
    """Backordered lines by (sku, warehouse), with what the fair order and dates need."""
    query = (
        select(OrderLineRow, OrderRow, ItemRow.lead_time_days)
        .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
        .join(ItemRow, ItemRow.sku == OrderLineRow.sku)
        .where(OrderLineRow.status == LineState.BACKORDERED.value, OrderRow.test.is_(False))
    )
    if sku is not None:
        query = query.where(OrderLineRow.sku == sku)
    found: dict[tuple[str, str], list[WaitingLine]] = {}
    for line, order, lead_time in session.execute(query):
        key = (line.sku or "", order.warehouse or "")
        found.setdefault(key, []).append(_waiting(line, order, lead_time))
    return found


def _waiting(line: OrderLineRow, order: OrderRow, lead_time: int) -> WaitingLine:
    return WaitingLine(
        order_id=order.id,
        order_number=order.order_number,
        line_number=line.line_number,
        sku=line.sku or "",
        factor=line.factor,
        backordered=line.backordered_quantity,
        requested_date=line.requested_delivery_date or order.requested_delivery_date,
        order_date=order.order_date,
        promised_date=line.promised_date,
        lead_time_days=lead_time,
        line_id=line.id,
    )


def has_masterdata(session: Session) -> bool:
    """Whether any customer or item has been imported."""
    customers = session.scalars(select(CustomerRow.id).limit(1)).first()
    return (
        customers is not None or session.scalars(select(ItemRow.sku).limit(1)).first() is not None
    )
