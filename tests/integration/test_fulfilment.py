"""The fulfilment flow on a real database (SQLite and PostgreSQL), from a placed order through
release, pick, pack, ship and delivery, driven as ops, the warehouse's files and the demo mode
drive it. Master data is the workspace's sample set: 24 mugs (MUG-01) in WH1/C-01-01 at 3.00
for ACME, pens (PEN-BLUE) at 0.45, pen sets (PEN-SET) at 12.50; acme is invoiced per shipment
with 9.50 freight and Danish VAT (25 %) rounded on the rate's total."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from gateway.app import Gateway, build_gateway
from gateway.config import load_settings
from gateway.errors import BusinessRuleError
from gateway.fulfilment.release import Released, release
from gateway.fulfilment.shipping import GivenCarton, ShipDetails
from gateway.fulfilment.sscc import is_valid_sscc, sscc
from gateway.model import OrderLine, Party, PurchaseOrder
from gateway.orders.port import OrderSource, StockChange
from gateway.pipeline.fulfilment_actions import (
    deliver_shipment,
    pack_shipment,
    pick_shipment,
    release_orders,
    ship_shipment,
)
from gateway.pipeline.fulfilment_jobs import demo_advance
from gateway.pipeline.order_actions import receive_stock
from gateway.pipeline.warehouse_inbox import apply_file
from gateway.store import NewMessage, Store
from gateway.store.fulfilment_store import shipment_lines
from gateway.store.masterdata_store import import_masterdata
from gateway.store.tables import MessageRow, OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import (
    CartonLineRow,
    CartonRow,
    InvoiceRow,
    ShipmentLineRow,
    ShipmentRow,
)
from gateway.store.tables_orders import ItemRow, StockLevelRow, StockMovementRow
from gateway.transport.local import LocalInbox, LocalOutbox
from gateway.workspace import SAMPLE_MASTERDATA, init_workspace
from tests.integration.conftest import with_sample_masterdata

D = Decimal
# A Monday (ISO week 48 of 2026), 09:00 UTC: the day the flow starts.
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MUG, PEN, PEN_SET = "5412345000020", "4006381333931", "4006381333948"
BIN_OF = {"MUG-01": "C-01-01", "PEN-BLUE": "A-01-01", "PEN-SET": "A-01-02"}
ACTOR = "test"
SQLITE = "sqlite:///"


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """A gateway over the test's database with the sample master data, and its clock."""

    gateway: Gateway
    clock: Clock

    def with_partner(self, **tables: dict[str, object]) -> Gateway:
        """The same gateway and store with acme's profile tables changed (orders, invoices)."""
        settings = self.gateway.settings
        acme = settings.partners["acme"]
        changed = replace(
            acme,
            **{name: replace(getattr(acme, name), **values) for name, values in tables.items()},
        )
        partners = {**settings.partners, "acme": changed}
        return replace(self.gateway, settings=replace(settings, partners=partners))


@dataclass(frozen=True)
class Template:
    """Built once per session: a gateway's loaded mappings and schemas, and a SQLite database
    migrated and holding the sample master data, for each test to copy (the tests run ~2x
    faster)."""

    gateway: Gateway
    database: Path


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The session's template gateway and SQLite database."""
    root = tmp_path_factory.mktemp("template") / "ws"
    init_workspace(root)
    database = root / "template.db"
    settings = load_settings(root, {"GATEWAY_DATABASE_URL": f"sqlite:///{database}"})
    gateway = with_sample_masterdata(build_gateway(settings))
    gateway.close()
    return Template(gateway, database)


@pytest.fixture
def world(store_url: str, tmp_path: Path, template: Template) -> Iterator[World]:
    """A fresh workspace on the test's database (SQLite or PostgreSQL), master data imported."""
    root = tmp_path / "ws"
    init_workspace(root)
    if store_url.startswith(SQLITE):
        shutil.copyfile(template.database, store_url.removeprefix(SQLITE))
    clock = Clock(MONDAY)
    settings = load_settings(root, {"GATEWAY_DATABASE_URL": store_url})
    settle = {partner.id: partner.settle_time for partner in settings.partners.values()}
    # As build_gateway wires it, with the template's mappings and schemas (they are read-only).
    gateway = replace(
        template.gateway,
        settings=settings,
        store=Store.open(store_url, clock=clock),
        inbox=LocalInbox(settings.inbox, settle, clock),
        outbox=LocalOutbox(settings.outbox),
        clock=clock,
        rand=lambda: 0.5,
    )
    try:
        yield World(with_sample_masterdata(gateway), clock)
    finally:
        gateway.close()


# -- the steps, as ops would take them ------------------------------------------------------


def place(gateway: Gateway, number: str, *lines: tuple[str, int]) -> int:
    """An ORDERS from ACME (GLN 5790000000001) for (GTIN, quantity) lines, placed as the process
    stage places it; the order's id."""
    order = PurchaseOrder(
        number,
        tuple(OrderLine(str(n), D(q), gtin=g) for n, (g, q) in enumerate(lines, 1)),
        order_date=MONDAY.date(),
        currency="EUR",
        requested_delivery_date=MONDAY.date() + timedelta(days=14),
        buyer=Party("5790000000001", "GLN"),
        seller=Party("5412345000013", "GLN"),
        ship_to=Party("5790000000018", "GLN"),
    )
    with gateway.store.unit_of_work() as uow:
        message = uow.add_message(
            NewMessage("in", "acme", "EDIFACT", "ORDERS", "D96A", "processed", "running")
        )
        policy = gateway.settings.partners["acme"].orders
        source = OrderSource("acme", message.id, policy)
        return gateway.order_system(uow).place(order, source).order_id


def cancel(gateway: Gateway, number: str) -> None:
    """The buyer cancels its order (EDIFACT BGM 1225 = 1)."""
    order = PurchaseOrder(
        number,
        (OrderLine("1", D(1), gtin=PEN),),
        currency="EUR",
        buyer=Party("5790000000001", "GLN"),
        function="cancellation",
    )
    with gateway.store.unit_of_work() as uow:
        message = uow.add_message(
            NewMessage("in", "acme", "EDIFACT", "ORDERS", "D96A", "processed", "running")
        )
        gateway.order_system(uow).place(order, OrderSource("acme", message.id))


def released(gateway: Gateway, *order_ids: int) -> list[str]:
    """Release these orders; the shipment numbers made."""
    return list(release_orders(gateway, list(order_ids), ACTOR).released.shipments)


def ship(gateway: Gateway, number: str, tracking: str = "JD0001") -> None:
    """Pick in full, pack by the rules and ship a released shipment with DHL."""
    pick_shipment(gateway, number, None, ACTOR)
    pack_shipment(gateway, number, None, ACTOR)
    ship_shipment(gateway, number, ShipDetails("DHL", tracking), ACTOR)


def receive(gateway: Gateway, sku: str, quantity: int) -> None:
    """Stock arrives for an item, into its one bin."""
    receive_stock(gateway, StockChange(sku, D(quantity), reference="PO-7001"), ACTOR)


# -- what the store says --------------------------------------------------------------------


def order_status(gateway: Gateway, order_id: int) -> str:
    """The order's status."""
    with gateway.store.read() as session:
        return session.get_one(OrderRow, order_id).status


def line_of(gateway: Gateway, order_id: int, number: str = "1") -> OrderLineRow:
    """One line of an order, as stored."""
    with gateway.store.read() as session:
        query = select(OrderLineRow).where(
            OrderLineRow.order_id == order_id, OrderLineRow.line_number == number
        )
        return session.scalars(query).one()


def shipment(gateway: Gateway, number: str) -> ShipmentRow:
    """A shipment by its number."""
    with gateway.store.read() as session:
        return session.scalars(select(ShipmentRow).where(ShipmentRow.number == number)).one()


def on_hand(gateway: Gateway, sku: str) -> Decimal:
    """What is on hand of an item in its one bin of WH1."""
    with gateway.store.read() as session:
        return session.get_one(StockLevelRow, (sku, "WH1", BIN_OF[sku])).on_hand


def invoices(gateway: Gateway) -> list[InvoiceRow]:
    """Every invoice, by number."""
    with gateway.store.read() as session:
        return list(session.scalars(select(InvoiceRow).order_by(InvoiceRow.number)))


def ssccs(gateway: Gateway, number: str) -> list[str]:
    """The SSCCs of a shipment's cartons, in carton order."""
    with gateway.store.read() as session:
        query = (
            select(CartonRow.sscc)
            .join(ShipmentRow, ShipmentRow.id == CartonRow.shipment_id)
            .where(ShipmentRow.number == number)
            .order_by(CartonRow.sequence)
        )
        return list(session.scalars(query))


def snapshot(gateway: Gateway) -> dict[str, Any]:
    """Everything a fulfilment step changes: shipments, lines, stock, cartons, invoices, sends."""
    with gateway.store.read() as session:
        return {
            "shipments": [
                (row.number, row.status, row.carrier, row.tracking_number)
                for row in session.scalars(select(ShipmentRow).order_by(ShipmentRow.id))
            ],
            "lines": [
                (
                    row.status,
                    row.allocated_quantity,
                    row.backordered_quantity,
                    row.released_quantity,
                    row.shipped_quantity,
                    row.delivered_quantity,
                    row.invoiced_quantity,
                )
                for row in session.scalars(select(OrderLineRow).order_by(OrderLineRow.id))
            ],
            "orders": list(session.scalars(select(OrderRow.status).order_by(OrderRow.id))),
            "stock": [
                (row.sku, row.bin, row.on_hand)
                for row in session.scalars(select(StockLevelRow).order_by(StockLevelRow.sku))
            ],
            "movements": session.scalar(select(func.count()).select_from(StockMovementRow)),
            "cartons": session.scalar(select(func.count()).select_from(CartonRow)),
            "invoices": session.scalar(select(func.count()).select_from(InvoiceRow)),
            "messages": session.scalar(select(func.count()).select_from(MessageRow)),
        }


def test_partial_shipment_ships_what_is_on_hand_and_the_rest_when_it_arrives(
    world: World,
) -> None:
    gw = world.gateway
    # given 30 mugs ordered with 24 on hand: 24 allocated, 6 backordered
    order_id = place(gw, "PO-1", (MUG, 30))
    # when it is released, picked, packed and shipped
    (first,) = released(gw, order_id)
    line = line_of(gw, order_id)
    # then the 24 went to the warehouse and the line still waits for its 6
    assert (line.status, line.released_quantity, line.backordered_quantity) == (
        "backordered",
        D(24),
        D(6),
    )
    ship(gw, first)
    # and shipping took the 24 out of their bin and counts them shipped
    assert on_hand(gw, "MUG-01") == D(0)
    line = line_of(gw, order_id)
    assert (line.shipped_quantity, line.released_quantity, line.allocated_quantity) == (
        D(24),
        D(0),
        D(0),
    )
    # when the missing 6 arrive
    receive(gw, "MUG-01", 6)
    # then the line is ready for its rest, which the next release ships
    assert line_of(gw, order_id).status == "ready"
    (second,) = released(gw, order_id)
    ship(gw, second, "JD0002")
    line = line_of(gw, order_id)
    assert (line.status, line.shipped_quantity, line.backordered_quantity) == (
        "shipped",
        D(30),
        D(0),
    )
    assert order_status(gw, order_id) == "shipped"
    # and each shipment has its own invoice: goods, 9.50 freight, 25 % on the total
    # 24 x 3.00 + 9.50 = 81.50, tax 20.375 -> 20.38; 6 x 3.00 + 9.50 = 27.50, tax 6.875 -> 6.88
    bills = invoices(gw)
    assert [(b.number, b.net_total, b.tax_total, b.gross_total) for b in bills] == [
        ("INV-000001", D("81.50"), D("20.38"), D("101.88")),
        ("INV-000002", D("27.50"), D("6.88"), D("34.38")),
    ]
    with gw.store.read() as session:
        billed = session.execute(
            select(InvoiceRow.number, ShipmentRow.number)
            .join(ShipmentLineRow, ShipmentLineRow.invoice_id == InvoiceRow.id)
            .join(ShipmentRow, ShipmentRow.id == ShipmentLineRow.shipment_id)
            .order_by(InvoiceRow.number)
        ).all()
    assert [tuple(row) for row in billed] == [("INV-000001", first), ("INV-000002", second)]
    assert line_of(gw, order_id).invoiced_quantity == D(30)


def test_whole_orders_only_wait_for_every_line_then_release_whole(world: World) -> None:
    # given a partner that takes whole orders only, and 30 mugs ordered with 24 on hand
    gw = world.with_partner(orders={"partial_shipments": False})
    order_id = place(gw, "PO-1", (MUG, 30))
    # when a release is asked for
    outcome = release_orders(gw, [order_id], ACTOR).released
    # then nothing goes to the warehouse, and the sentence says why
    assert outcome.shipments == () and outcome.pick_list is None
    (reason,) = outcome.skipped
    assert reason == (
        f"order {order_id} (PO-1): line(s) 1 still wait for stock and the partner takes whole "
        "orders only ([orders] partial_shipments = false)"
    )
    assert line_of(gw, order_id).released_quantity == D(0)
    # when the missing 6 arrive and the order is released again
    receive(gw, "MUG-01", 6)
    (number,) = released(gw, order_id)
    # then all 30 go in one shipment
    with gw.store.read() as session:
        row = session.scalars(select(ShipmentRow).where(ShipmentRow.number == number)).one()
        assert sum(line.quantity for line in shipment_lines(session, row.id)) == D(30)
    assert line_of(gw, order_id).status == "released"
    assert order_status(gw, order_id) == "released"


def test_short_pick_corrects_the_bin_and_sends_the_rest_back_to_the_backlog(
    world: World,
) -> None:
    gw = world.gateway
    # given 24 mugs ordered and released: all 24 on hand are with the warehouse
    order_id = place(gw, "PO-1", (MUG, 24))
    (number,) = released(gw, order_id)
    # when the warehouse finds only 20
    notes = pick_shipment(gw, number, {"1": D(20)}, ACTOR)
    # then the pick says so, the bin is corrected by -4 with a pick_short movement ...
    assert notes == [f"line 1: short pick on {number}: 4 not found; it waits in the backlog"]
    assert on_hand(gw, "MUG-01") == D(20)
    with gw.store.read() as session:
        (movement,) = session.scalars(
            select(StockMovementRow).where(StockMovementRow.kind == "pick_short")
        )
    assert (movement.sku, movement.bin, movement.quantity, movement.reference) == (
        "MUG-01",
        "C-01-01",
        D(-4),
        number,
    )
    # ... the line waits for 4 more, and the shipment is picked with 20
    line = line_of(gw, order_id)
    assert (line.status, line.allocated_quantity, line.backordered_quantity) == (
        "backordered",
        D(20),
        D(4),
    )
    assert line.released_quantity == D(20)
    assert shipment(gw, number).status == "picked"
    # and shipping it ships and bills the 20 found
    pack_shipment(gw, number, None, ACTOR)
    ship_shipment(gw, number, ShipDetails("DHL", "JD0001"), ACTOR)
    assert on_hand(gw, "MUG-01") == D(0)
    assert line_of(gw, order_id).shipped_quantity == D(20)
    (bill,) = invoices(gw)
    assert bill.lines_total == D("60.00")


def test_order_cancelled_after_release_is_never_packed_shipped_or_invoiced(
    world: World,
) -> None:
    gw = world.gateway
    # given an order for 24 mugs and 100 pens released to the warehouse
    order_id = place(gw, "PO-1", (MUG, 24), (PEN, 100))
    (number,) = released(gw, order_id)
    # when the buyer cancels it before the warehouse picked it
    cancel(gw, "PO-1")
    # then the pick finds nothing to take: the shipment is cancelled
    assert pick_shipment(gw, number, None, ACTOR) == []
    assert shipment(gw, number).status == "cancelled"
    # and it cannot be packed or shipped, nothing left stock and nothing was invoiced
    with pytest.raises(BusinessRuleError, match="it is cancelled, and only a picked"):
        pack_shipment(gw, number, None, ACTOR)
    with pytest.raises(BusinessRuleError, match="it is cancelled, and only a packed"):
        ship_shipment(gw, number, ShipDetails("DHL", "JD0001"), ACTOR)
    assert (on_hand(gw, "MUG-01"), on_hand(gw, "PEN-BLUE")) == (D(24), D(5000))
    assert invoices(gw) == [] and ssccs(gw, number) == []
    assert order_status(gw, order_id) == "cancelled"
    # and the freed mugs can go to the next order at once
    again = place(gw, "PO-2", (MUG, 24))
    assert len(released(gw, again)) == 1


def test_order_cancelled_after_pick_or_pack_is_not_packed_shipped_or_invoiced(
    world: World,
) -> None:
    gw = world.gateway
    # given an order for pens released and picked, and one for mugs released, picked and packed
    picked_id, packed_id = place(gw, "PO-1", (PEN, 100)), place(gw, "PO-2", (MUG, 24))
    picked, packed = released(gw, picked_id, packed_id)
    for number in (picked, packed):
        pick_shipment(gw, number, None, ACTOR)
    pack_shipment(gw, packed, None, ACTOR)
    # when the buyer cancels both orders
    cancel(gw, "PO-1")
    cancel(gw, "PO-2")
    # then packing the picked one packs nothing and cancels it, saying why
    packing, files = pack_shipment(gw, picked, None, ACTOR)
    assert packing.ssccs == () and files == ()
    assert "was cancelled after it was picked" in packing.plan.warnings[0]
    # and shipping the packed one cancels it instead: no ship notice, no invoice
    outcome = ship_shipment(gw, packed, ShipDetails("DHL", "JD0001"), ACTOR)
    assert outcome.cancelled and outcome.notice is None and outcome.invoices == ()
    assert [shipment(gw, n).status for n in (picked, packed)] == ["cancelled", "cancelled"]
    # and no stock left, nothing shipped or invoiced
    assert (on_hand(gw, "PEN-BLUE"), on_hand(gw, "MUG-01")) == (D(5000), D(24))
    assert [line_of(gw, i).shipped_quantity for i in (picked_id, packed_id)] == [D(0), D(0)]
    assert invoices(gw) == []
    with gw.store.read() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(MessageRow).where(MessageRow.direction == "out")
            )
            == 0
        )
    # and the mugs are free for the next order
    again = place(gw, "PO-3", (MUG, 24))
    assert len(released(gw, again)) == 1


def test_steps_out_of_order_are_refused_and_change_nothing(world: World) -> None:
    gw = world.gateway
    # given a shipment of 24 mugs just released
    (number,) = released(gw, place(gw, "PO-1", (MUG, 24)))
    before = snapshot(gw)
    # when it is shipped, packed or delivered before it was picked
    # then each step is refused, saying where the shipment is and what it must be
    with pytest.raises(BusinessRuleError) as shipped:
        ship_shipment(gw, number, ShipDetails("DHL", "JD0001"), ACTOR)
    assert shipped.value.message == (
        f"shipment {number} cannot be shipped: it is released, and only a packed shipment can be"
    )
    with pytest.raises(BusinessRuleError, match="cannot be packed: it is released"):
        pack_shipment(gw, number, None, ACTOR)
    with pytest.raises(BusinessRuleError, match="cannot be delivered: it is released"):
        deliver_shipment(gw, number, None, ACTOR)
    # and nothing changed: no stock out, no carton, no message, no SSCC or invoice number taken
    assert snapshot(gw) == before
    # when it is picked, then picked again, and delivered before it shipped
    pick_shipment(gw, number, None, ACTOR)
    picked = snapshot(gw)
    with pytest.raises(BusinessRuleError, match="cannot be picked: it is picked, and only a rel"):
        pick_shipment(gw, number, {"1": D(24)}, ACTOR)
    pack_shipment(gw, number, None, ACTOR)
    packed = snapshot(gw)
    with pytest.raises(BusinessRuleError, match="cannot be delivered: it is packed"):
        deliver_shipment(gw, number, None, ACTOR)
    with pytest.raises(BusinessRuleError, match=r"carrier 'FEDEX' is not in carriers\.csv"):
        ship_shipment(gw, number, ShipDetails("FEDEX", "1"), ACTOR)
    # then the second pick and the early delivery changed nothing either
    assert snapshot(gw) == packed and picked != packed
    # and the first SSCC is still the first of our range: the refusals took no serial
    assert ssccs(gw, number) == [sscc(0, "5412345", 1)]


def test_packing_as_given_is_checked_and_numbered_from_our_sscc_range(
    world: World, tmp_path: Path
) -> None:
    gw = world.gateway
    # given 100 pens (line 1) and 24 mugs (line 2) picked
    (number,) = released(gw, place(gw, "PO-1", (PEN, 100), (MUG, 24)))
    pick_shipment(gw, number, None, ACTOR)
    # when the cartons given leave 4 mugs out
    short = [GivenCarton({"1": D(100), "2": D(12)}), GivenCarton({"2": D(8)})]
    with pytest.raises(BusinessRuleError) as refused:
        pack_shipment(gw, number, short, ACTOR)
    # then the packing is refused naming the line, and nothing is packed
    assert refused.value.message == (
        "the packing does not add up: line 2 (SKU MUG-01) is packed 20 but 24 are to be packed "
        "(4 short)"
    )
    assert shipment(gw, number).status == "picked" and ssccs(gw, number) == []
    # when cartons that add up are given
    given = [GivenCarton({"1": D(100), "2": D(12)}), GivenCarton({"2": D(12)})]
    packing, files = pack_shipment(gw, number, given, ACTOR)
    # then each gets the next SSCC of our range (consecutive serials, valid check digits)
    expected = [sscc(0, "5412345", 1), sscc(0, "5412345", 2)]
    assert list(packing.ssccs) == expected == ssccs(gw, number)
    assert all(is_valid_sscc(code) for code in expected)
    # extension 0, prefix 5412345, serial 000000001 and 2, GS1 mod-10 check digits 3 and 0
    assert expected == ["054123450000000013", "054123450000000020"]
    assert [path.suffix for path in files] == [".pdf", ".zpl"]
    with gw.store.read() as session:
        contents = session.execute(
            select(CartonRow.sequence, OrderLineRow.line_number, CartonLineRow.quantity)
            .join(CartonLineRow, CartonLineRow.carton_id == CartonRow.id)
            .join(OrderLineRow, OrderLineRow.id == CartonLineRow.order_line_id)
            .order_by(CartonRow.sequence, OrderLineRow.line_number)
        ).all()
    assert [tuple(row) for row in contents] == [(1, "1", D(100)), (1, "2", D(12)), (2, "2", D(12))]
    # when mugs become an item that ships alone and 6 of them are packed by the rules
    _ships_alone(gw, tmp_path, "MUG-01")
    receive(gw, "MUG-01", 6)
    (alone,) = released(gw, place(gw, "PO-2", (MUG, 6), (PEN, 10)))
    pick_shipment(gw, alone, None, ACTOR)
    packing, _files = pack_shipment(gw, alone, None, ACTOR)
    # then the pens share a carton and each mug has its own, numbered on from the range
    cartons = [
        {line.line_number: line.quantity for line in carton.lines}
        for carton in packing.plan.cartons
    ]
    assert cartons == [{"2": D(10)}] + [{"1": D(1)}] * 6
    assert list(packing.ssccs) == [sscc(0, "5412345", n) for n in range(3, 10)]


def _ships_alone(gateway: Gateway, tmp_path: Path, sku: str) -> None:
    """Import the sample items again with one of them marked ships_alone."""
    source = gateway.settings.workspace / SAMPLE_MASTERDATA / "items.csv"
    rows = source.read_text(encoding="utf-8").splitlines()
    marked = [rows[0] + ",ships_alone"]
    marked += [row + (",true" if row.startswith(f"{sku},") else ",false") for row in rows[1:]]
    folder = tmp_path / "items-update"
    folder.mkdir()
    (folder / "items.csv").write_text("\n".join(marked) + "\n", encoding="utf-8")
    import_masterdata(gateway.store, folder, actor=ACTOR)
    with gateway.store.read() as session:
        assert session.get_one(ItemRow, sku).ships_alone


# The warehouse prints its own labels from its own GS1 prefix (0614141).
THEIR_SSCCS = (sscc(0, "0614141", 12), sscc(0, "0614141", 13))


def good_csv(number: str) -> str:
    """Picked in full, packed in two cartons with the warehouse's SSCCs, shipped with DHL."""
    return (
        "event,shipment,line,quantity,carton,weight_kg,sscc,carrier,tracking,date\n"
        f"picked,{number},1,100,,,,,,\n"
        f"picked,{number},2,24,,,,,,\n"
        f"packed,{number},1,100,C1,1.7,{THEIR_SSCCS[0]},,,\n"
        f"packed,{number},2,24,C2,10.1,{THEIR_SSCCS[1]},,,\n"
        f"shipped,{number},,,,,,DHL,JD014600006281234567,2026-11-24\n"
    )


def drop(gateway: Gateway, name: str, text: str) -> Path:
    """A confirmation file in the warehouse inbox."""
    inbox = gateway.settings.fulfilment.warehouse_inbox
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    return path


def test_warehouse_csv_file_is_applied_whole_and_refused_when_dropped_again(
    world: World,
) -> None:
    gw = world.gateway
    # given 100 pens and 24 mugs released as one shipment
    order_id = place(gw, "PO-1", (PEN, 100), (MUG, 24))
    (number,) = released(gw, order_id)
    # when the warehouse confirms picked, packed with its own SSCCs and shipped in one file
    done = apply_file(gw, drop(gw, "confirm.csv", good_csv(number)))
    # then all three are applied and the file archived
    assert (done.applied, done.errors) == (3, ())
    assert done.moved_to is not None and done.moved_to.read_text() == good_csv(number)
    assert done.moved_to.parent == gw.settings.archive / "warehouse"
    assert not done.path.exists()
    # and the shipment left with its carrier, date and the warehouse's cartons
    row = shipment(gw, number)
    assert (row.status, row.carrier, row.tracking_number, row.ship_date) == (
        "shipped",
        "DHL",
        "JD014600006281234567",
        date(2026, 11, 24),
    )
    assert row.weight_kg == D("11.8") and row.notice_message_id is not None
    assert ssccs(gw, number) == list(THEIR_SSCCS)
    assert (on_hand(gw, "PEN-BLUE"), on_hand(gw, "MUG-01")) == (D(4900), D(0))
    (bill,) = invoices(gw)
    assert bill.lines_total == D("117.00")  # 100 x 0.45 + 24 x 3.00
    # when the same file is dropped again
    before = snapshot(gw)
    again = apply_file(gw, drop(gw, "confirm.csv", good_csv(number)))
    # then it is refused at its first row, moved aside with its errors, and nothing changed
    assert again.applied == 0
    assert again.errors == (
        f"confirm.csv rows 2-3: shipment {number} cannot be picked: it is shipped, and only a "
        "released shipment can be",
    )
    failed = gw.settings.fulfilment.warehouse_failed
    assert again.moved_to == failed / "confirm.csv"
    assert (failed / "confirm.csv.errors.txt").read_text() == again.errors[0] + "\n"
    assert snapshot(gw) == before


def test_warehouse_json_file_with_a_bad_confirmation_in_the_middle_applies_nothing(
    world: World,
) -> None:
    gw = world.gateway
    # given 100 pens and 24 mugs released as one shipment
    (number,) = released(gw, place(gw, "PO-1", (PEN, 100), (MUG, 24)))
    before = snapshot(gw)
    # when a JSON file confirms the pick, then cartons 4 mugs short, then the shipping
    document = {
        "confirmations": [
            {
                "event": "picked",
                "shipment": number,
                "lines": [{"line": "1", "quantity": 100}, {"line": "2", "quantity": 24}],
            },
            {
                "event": "packed",
                "shipment": number,
                "cartons": [
                    {"lines": [{"line": "1", "quantity": 100}, {"line": "2", "quantity": 20}]}
                ],
            },
            {"event": "shipped", "shipment": number, "carrier": "DHL", "tracking": "JD1"},
        ]
    }
    done = apply_file(gw, drop(gw, "bad.json", json.dumps(document)))
    # then nothing of it is applied, not even the pick before the bad packing
    assert done.applied == 0 and snapshot(gw) == before
    assert shipment(gw, number).status == "released"
    # and it lies in the failed folder with an errors file naming the confirmation and line
    failed = gw.settings.fulfilment.warehouse_failed
    assert done.moved_to == failed / "bad.json" and (failed / "bad.json").is_file()
    errors = (failed / "bad.json.errors.txt").read_text(encoding="utf-8")
    assert errors == (
        "bad.json $.confirmations[1]: line 2 (SKU MUG-01) is packed 20 but 24 are to be packed "
        "(4 short)\n"
    )
    assert not (gw.settings.fulfilment.warehouse_inbox / "bad.json").exists()


def test_demo_mode_moves_a_ready_order_one_step_per_run_to_delivered_and_invoiced(
    world: World,
) -> None:
    gw = world.gateway
    # given a ready order for 10 pens
    order_id = place(gw, "PO-1", (PEN, 10))
    steps = ("released", "picked", "packed", "shipped", "delivered")
    seen: list[tuple[str, str]] = []
    # when the demo warehouse runs five times, a day apart
    for step in steps:
        counts = demo_advance(gw, world.clock.now)
        # then each run takes exactly the next step, and only that
        assert {k: v for k, v in counts.items() if v} == {step: 1}, counts
        (row,) = _all_shipments(gw)
        seen.append((row.status, order_status(gw, order_id)))
        world.clock.now += timedelta(days=1)
    assert seen == [
        ("released", "released"),
        ("picked", "released"),
        ("packed", "released"),
        ("shipped", "shipped"),
        ("delivered", "closed"),
    ]
    # and it shipped with the first carrier and a demo tracking number, invoiced as it shipped
    (row,) = _all_shipments(gw)
    assert (row.carrier, row.tracking_number) == ("DHL", f"DEMO{row.number[3:]}")
    assert row.delivered_on == MONDAY.date() + timedelta(days=4)
    (bill,) = invoices(gw)
    assert bill.lines_total == D("4.50") and line_of(gw, order_id).invoiced_quantity == D(10)
    # and a sixth run has nothing left to do
    assert not any(demo_advance(gw, world.clock.now).values())


def _all_shipments(gateway: Gateway) -> list[ShipmentRow]:
    """Every shipment, oldest first."""
    with gateway.store.read() as session:
        return list(session.scalars(select(ShipmentRow).order_by(ShipmentRow.id)))


def test_two_releases_at_once_never_send_the_same_line_twice(world: World) -> None:
    gw = world.gateway
    # given an order for 100 pens (5000 on hand) and two workers releasing it at the same time
    order_id = place(gw, "PO-1", (PEN, 100))
    first_released, first_may_commit = threading.Event(), threading.Event()
    made: dict[str, Released] = {}

    def worker(name: str) -> None:
        with gw.store.unit_of_work() as uow:
            made[name] = release(uow.session, uow.now(), name, [order_id], lambda _p: True)
            if name == "first":
                first_released.set()
                first_may_commit.wait(10)

    first = threading.Thread(target=worker, args=("first",))
    second = threading.Thread(target=worker, args=("second",))
    # when the first has released but not committed, and the second starts
    first.start()
    assert first_released.wait(10)
    second.start()
    second.join(0.5)
    # then the second waits for the first ...
    assert second.is_alive() and "second" not in made
    first_may_commit.set()
    first.join(10)
    second.join(10)
    # ... and then finds nothing left: one shipment, the 100 pens sent to the warehouse once
    assert made["first"].shipments == ("SH-000001",)
    assert (made["second"].shipments, made["second"].skipped) == ((), ())
    assert line_of(gw, order_id).released_quantity == D(100)
    with gw.store.read() as session:
        assert session.scalars(select(func.sum(ShipmentLineRow.quantity))).one() == D(100)
