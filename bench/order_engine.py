"""The embedded order engine: orders placed per second, and a backlog review, on SQLite.

Orders of three lines each (one in stock, one partly backordered, one case item) from the
sample customer ACME, placed in batches of 200 per transaction as the process stage does.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from gateway.model import OrderLine, Party, PurchaseOrder
from gateway.orders.embedded import EmbeddedOrderSystem
from gateway.orders.port import OrderPolicy, OrderSource
from gateway.store import NewMessage, Store
from gateway.store.masterdata_store import import_masterdata
from gateway.workspace import SAMPLE_MASTERDATA, init_workspace

BATCH = 200
POLICIES = {"acme": OrderPolicy()}
TODAY = date.today()


def _order(number: int) -> PurchaseOrder:
    lines = (
        OrderLine("1", Decimal(10), gtin="4006381333931", uom="PCE", unit_price=Decimal("0.45")),
        OrderLine("2", Decimal(5), gtin="5412345000020", unit_price=Decimal("3.00")),
        OrderLine("3", Decimal(2), gtin="4006381333948", unit_price=Decimal("12.50")),
    )
    return PurchaseOrder(
        f"B-{number}",
        lines,
        order_date=TODAY,
        currency="EUR",
        requested_delivery_date=TODAY + timedelta(days=10),
        buyer=Party("5790000000001", "GLN"),
    )


def _place(store: Store, count: int) -> float:
    started = time.perf_counter()
    with store.unit_of_work() as uow:
        message = uow.add_message(
            NewMessage("in", "acme", "EDIFACT", "ORDERS", "D96A", "mapped", "running")
        )
    for first in range(0, count, BATCH):
        with store.unit_of_work() as uow:
            engine = EmbeddedOrderSystem(uow, TODAY, POLICIES)
            for number in range(first, min(first + BATCH, count)):
                engine.place(_order(number), OrderSource("acme", message.id))
    return time.perf_counter() - started


def bench_order_engine(counts: tuple[int, ...] = (1_000, 10_000)) -> None:
    """Print orders placed per second and the time of one backlog review."""
    for count in counts:
        with tempfile.TemporaryDirectory() as tmp:
            workspace = Path(tmp)
            init_workspace(workspace)
            store = Store.open(f"sqlite:///{workspace / 'var' / 'gateway.db'}")
            # Credit is not what is measured: raise ACME's limit out of the way.
            customers = workspace / SAMPLE_MASTERDATA / "customers.csv"
            customers.write_text(customers.read_text().replace(",50000,", ",999999999,"))
            import_masterdata(store, workspace / SAMPLE_MASTERDATA, actor="bench")
            seconds = _place(store, count)
            print(
                f"order engine: {count:>6} orders x 3 lines placed in {seconds:7.2f} s"
                f"   {count / seconds:8,.0f} orders/s"
            )
            started = time.perf_counter()
            with store.unit_of_work() as uow:
                engine = EmbeddedOrderSystem(uow, TODAY + timedelta(days=90), POLICIES)
                changed = engine.review_backlog(TODAY + timedelta(days=90), "bench")
            review = time.perf_counter() - started
            print(
                f"order engine: backlog review of {count:>6} orders' waiting lines"
                f" {review:7.2f} s ({len(changed)} changed responses)"
            )
            store.close()
