"""Fulfilment on SQLite: orders released, picked, packed, shipped (with ship notice and
invoice queued) and delivered per second; pick list and label rendering.

Orders of two in-stock lines from the sample customer ACME are placed by the engine, then
taken through every step one shipment at a time, as ops or the warehouse files would.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from gateway.app import build_gateway
from gateway.config import load_settings
from gateway.fulfilment.documents_model import (
    Address,
    LabelContent,
    PickLine,
    PickList,
    ShippingLabel,
)
from gateway.fulfilment.labels import label_pdf, label_zpl
from gateway.fulfilment.pick_list import pick_list_pdf
from gateway.fulfilment.shipping import ShipDetails
from gateway.fulfilment.sscc import sscc
from gateway.model import OrderLine, Party, PurchaseOrder
from gateway.orders.embedded import EmbeddedOrderSystem
from gateway.orders.port import OrderPolicy, OrderSource
from gateway.pipeline.fulfilment_actions import (
    deliver_shipment,
    pack_shipment,
    pick_shipment,
    release_orders,
    ship_shipment,
)
from gateway.store import NewMessage
from gateway.store.masterdata_store import import_masterdata
from gateway.workspace import SAMPLE_MASTERDATA, init_workspace

TODAY = date.today()


def _order(number: int) -> PurchaseOrder:
    lines = (
        OrderLine("1", Decimal(10), gtin="4006381333931", uom="PCE", unit_price=Decimal("0.45")),
        OrderLine("2", Decimal(2), gtin="4006381333948", unit_price=Decimal("12.50")),
    )
    return PurchaseOrder(
        f"F-{number}",
        lines,
        order_date=TODAY,
        currency="EUR",
        requested_delivery_date=TODAY + timedelta(days=10),
        buyer=Party("5790000000001", "GLN"),
        ship_to=Party("5790000000018", "GLN"),
    )


def _workspace(root: Path, count: int) -> None:
    init_workspace(root)
    data = root / SAMPLE_MASTERDATA
    customers = data / "customers.csv"
    customers.write_text(customers.read_text().replace(",50000,", ",999999999,"))
    stock = data / "stock.csv"
    stock.write_text(
        stock.read_text()
        .replace(",5000\n", f",{20 * count}\n")
        .replace("PEN-SET,WH1,A-01-02,500", f"PEN-SET,WH1,A-01-02,{4 * count}")
    )


def bench_fulfilment(count: int = 500) -> None:
    """Print the rate of each step over `count` orders, and document rendering times."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _workspace(root, count)
        settings = load_settings(root, dict(os.environ))
        gateway = build_gateway(settings)
        import_masterdata(gateway.store, root / SAMPLE_MASTERDATA, actor="bench")
        with gateway.store.unit_of_work() as uow:
            message = uow.add_message(
                NewMessage("in", "acme", "EDIFACT", "ORDERS", "D96A", "mapped", "running")
            )
            engine = EmbeddedOrderSystem(uow, TODAY, {"acme": OrderPolicy()})
            for number in range(count):
                engine.place(_order(number), OrderSource("acme", message.id))
        started = time.perf_counter()
        released = release_orders(gateway, None, "bench").released
        _rate("release (one pick list, PDF + CSV)", count, started)
        numbers = released.shipments
        steps = (
            ("pick", lambda n: pick_shipment(gateway, n, None, "bench")),
            ("pack + labels (PDF + ZPL)", lambda n: pack_shipment(gateway, n, None, "bench")),
            (
                "ship + ship notice + invoice queued",
                lambda n: ship_shipment(gateway, n, ShipDetails("DHL", "T1"), "bench"),
            ),
            ("deliver (orders close)", lambda n: deliver_shipment(gateway, n, None, "bench")),
        )
        for label, step in steps:
            started = time.perf_counter()
            for number in numbers:
                step(number)
            _rate(label, len(numbers), started)
        gateway.close()
    _documents()


def _rate(label: str, count: int, started: float) -> None:
    seconds = time.perf_counter() - started
    print(f"fulfilment: {label:<40} {count:>5} in {seconds:6.2f} s  {count / seconds:8,.0f}/s")


def _documents() -> None:
    """Rendering alone: a 500-line pick list, and 100 labels as PDF and ZPL."""
    lines = tuple(
        PickLine(
            "WH1",
            f"A-{i // 20:02d}-{i % 20:02d}",
            f"SKU-{i}",
            "Item",
            Decimal(i % 7 + 1),
            "EA",
            f"PO-{i // 5}",
            str(i % 5 + 1),
            f"SH-{i // 5:06d}",
        )
        for i in range(500)
    )
    pick_list = PickList("PL-000001", datetime.now(UTC), lines, {"WH1": "Main"})
    started = time.perf_counter()
    pdf = pick_list_pdf(pick_list)
    seconds = time.perf_counter() - started
    print(
        f"fulfilment: pick list of 500 lines as PDF {seconds * 1000:8.0f} ms ({len(pdf):,} bytes)"
    )
    here = Address("Example Supplies NV", "Rue de l'Industrie 10", "Brussels", "1000", None, "BE")
    labels = [
        ShippingLabel(
            sscc(0, "5412345", i),
            here,
            here,
            "PO-1",
            "SH-000001",
            i,
            100,
            contents=(LabelContent("PEN-BLUE", "Ballpoint pen", Decimal(10), "EA"),),
        )
        for i in range(1, 101)
    ]
    for name, render in (("PDF", label_pdf), ("ZPL", label_zpl)):
        started = time.perf_counter()
        render(labels)
        seconds = time.perf_counter() - started
        print(f"fulfilment: 100 carton labels as {name} {seconds * 1000:14.0f} ms")
