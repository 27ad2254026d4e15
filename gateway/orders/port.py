"""The boundary between the gateway and whatever decides orders: the `OrderSystem` port.

The embedded engine (`gateway.orders.embedded`) implements it on the gateway's own database; a
company with its own ERP implements the same methods against the ERP. The pipeline only ever
talks to this port: it hands over a canonical order and sends the order response it gets back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from gateway.errors import BusinessRuleError
from gateway.model import OrderResponse, PurchaseOrder
from gateway.orders.states import OrderStatus


class OrderActionError(BusinessRuleError):
    """An order or stock command that cannot be done as asked (the text says why and what to do)."""

    code = "order_action"


class Effect(enum.StrEnum):
    """What a finding did: held the order, rejected a line, changed a line, or only noted."""

    HOLD = "hold"
    REJECT = "reject"
    CHANGE = "change"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One thing a check found, with its stable code and a sentence for ops and the partner."""

    code: str
    effect: Effect
    text: str
    line_number: str | None = None


# What to do with a buyer's price outside the tolerance: confirm it anyway, answer with our
# price (the line is confirmed with a change), or reject the line.
PRICE_POLICIES = ("accept", "our_price", "reject_line")
# An order for a delivery location the customer does not have: accept it, or hold the order.
SHIP_TO_POLICIES = ("accept", "hold")
# The part of a line stock cannot serve now: backorder it, or cancel it (confirm what is there).
BACKORDER_POLICIES = ("allow", "cancel")


@dataclass(frozen=True)
class OrderPolicy:
    """How one partner's orders are checked (the `[orders]` table of its profile)."""

    price_tolerance: Decimal = Decimal("0.5")  # percent either way
    price_mismatch: str = "our_price"
    unknown_ship_to: str = "accept"
    backorders: str = "allow"
    # A repeated order number from the same customer: reject, hold for review, or ignore.
    duplicates: str = "reject"
    # Ship what is in stock now and the backorder later (true), or only whole orders (false).
    partial_shipments: bool = True


@dataclass(frozen=True)
class OrderSource:
    """Where an order came from: the partner, the inbound message, test or not, the policy."""

    partner: str
    message_id: int
    policy: OrderPolicy = OrderPolicy()
    test: bool = False
    # A person let a held duplicate through: a repeated order number is no reason to stop it.
    accept_duplicate: bool = False


@dataclass(frozen=True)
class Placement:
    """The outcome of placing, releasing, rejecting or reviewing an order.

    `response` is the order response to send now; None when nothing is to be sent (the order
    waits on hold, or is an ignored duplicate).
    """

    order_id: int
    order_number: str
    status: OrderStatus
    findings: tuple[Finding, ...] = ()
    response: OrderResponse | None = None
    partner: str | None = None  # whose order it is (the response goes to this partner)
    test: bool = False  # the order came in a test interchange
    # The inbound message that carried the order (outbound answers are linked to it).
    message_id: int | None = None


@dataclass(frozen=True)
class StockChange:
    """Stock arriving (receive) or corrected (adjust, signed) for an item in a warehouse bin."""

    sku: str
    quantity: Decimal
    warehouse: str | None = None
    bin: str | None = None
    reference: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class LineAllocated:
    """A backordered line that received stock: how much, and whether it is now ready."""

    order_id: int
    order_number: str
    line_number: str
    quantity: Decimal
    ready: bool


@dataclass(frozen=True)
class StockResult:
    """On hand after a stock change, and the backordered lines it served in fair order."""

    sku: str
    warehouse: str
    bin: str
    on_hand: Decimal
    allocated: tuple[LineAllocated, ...] = ()


class OrderSystem(Protocol):
    """What the gateway asks of an order system; every call runs in the caller's transaction."""

    def place(self, order: PurchaseOrder, source: OrderSource) -> Placement:
        """Check, record and confirm a received order."""
        ...

    def release(self, order_id: int, actor: str, reason: str) -> Placement:
        """Confirm an order that was on hold, overriding what held it."""
        ...

    def reject(self, order_id: int, reason_code: str, text: str, actor: str) -> Placement:
        """Reject an order that was on hold, every line with the reason."""
        ...

    def receive_stock(self, change: StockChange, actor: str) -> StockResult:
        """Add arrived stock and serve the backlog from it in fair order."""
        ...

    def adjust_stock(self, change: StockChange, actor: str) -> StockResult:
        """Correct on-hand stock by a signed quantity; an increase serves the backlog."""
        ...

    def review_backlog(self, today: date, actor: str) -> list[Placement]:
        """Recompute backorder dates; one changed response per order whose date slipped."""
        ...
