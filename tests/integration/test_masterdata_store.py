"""Master data import on SQLite and PostgreSQL: replace by kind, all or nothing, stock movements."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.orders.masterdata import MasterData, Price
from gateway.orders.masterdata_csv import MASTERDATA_KINDS, MasterDataError, read_masterdata
from gateway.store import Store
from gateway.store.masterdata_store import import_masterdata, load_kind, load_masterdata
from gateway.store.tables_orders import StockMovementRow

TEMPLATE = Path(__file__).resolve().parents[2] / "gateway" / "workspace_template" / "masterdata"


def folder_with(tmp_path: Path, name: str, **files: str) -> Path:
    """A master data folder holding the given files (name without .csv -> content)."""
    folder = tmp_path / name
    folder.mkdir()
    for stem, content in files.items():
        (folder / f"{stem}.csv").write_text(content, encoding="utf-8")
    return folder


def stored(store: Store) -> MasterData:
    """Everything the database holds."""
    with store.read() as session:
        return load_masterdata(session)


def movements(store: Store) -> list[tuple[str, str, Decimal, str]]:
    """The stock movements, oldest first, as (sku, bin, quantity, actor), all of kind import."""
    with store.read() as session:
        rows = list(session.scalars(select(StockMovementRow).order_by(StockMovementRow.id)))
    assert {(r.kind, r.warehouse) for r in rows} <= {("import", "WH1")}
    return [(r.sku, r.bin, r.quantity, r.actor) for r in rows]


def reasons(store: Store) -> set[str]:
    """The distinct reasons of the stock movements."""
    with store.read() as session:
        return set(session.scalars(select(StockMovementRow.reason)))


def test_import_then_load_gives_the_same_data_back(store: Store) -> None:
    # given the sample set
    expected = read_masterdata(TEMPLATE).data
    # when it is imported and read back
    summary = import_masterdata(store, TEMPLATE, actor="test")
    back = stored(store)
    # then every kind holds the same records (Decimal scale aside, which compares equal)
    for kind in MASTERDATA_KINDS:
        assert getattr(back, kind), kind
        assert set(getattr(back, kind)) == set(getattr(expected, kind)), kind
        assert len(getattr(back, kind)) == len(getattr(expected, kind)), kind
    assert summary.counts == {kind: len(getattr(expected, kind)) for kind in MASTERDATA_KINDS}
    assert summary.counts["customers"] == 4
    assert summary.stock_movements == 5
    # and rows with a surrogate id come back in file order
    assert back.prices == expected.prices


def test_second_import_with_one_kind_replaces_only_that_kind(store: Store, tmp_path: Path) -> None:
    # given the sample set in the database
    import_masterdata(store, TEMPLATE, actor="test")
    before = stored(store)
    # when a folder with only prices.csv is imported
    prices = "sku,unit_price,currency,customer\nW-100,2.40,USD,GLOBEX\n"
    summary = import_masterdata(store, folder_with(tmp_path, "prices", prices=prices), "test")
    # then the prices are that file's, and every other kind is as it was
    after = stored(store)
    assert after.prices == (Price("W-100", Decimal("2.40"), "USD", customer="GLOBEX"),)
    for kind in MASTERDATA_KINDS:
        if kind != "prices":
            assert getattr(after, kind) == getattr(before, kind), kind
    assert (summary.counts, summary.previous, summary.stock_movements) == (
        {"prices": 1},
        {"prices": 8},
        0,
    )


def test_references_of_a_lone_file_are_checked_against_the_database(
    store: Store, tmp_path: Path
) -> None:
    # given prices.csv alone and an empty database
    folder = folder_with(tmp_path, "prices", prices="sku,unit_price,currency\nMUG-01,3,EUR\n")
    # when imported / then the item it names is unknown
    with pytest.raises(MasterDataError) as caught:
        import_masterdata(store, folder, "test")
    assert [str(i) for i in caught.value.issues] == [
        "prices.csv, row 2, column sku: unknown item MUG-01: not in the database "
        "(items.csv is not in this folder)"
    ]
    # and once the items are in the database the same folder imports
    import_masterdata(store, TEMPLATE, actor="test")
    assert import_masterdata(store, folder, "test").counts == {"prices": 1}


def test_failing_import_writes_nothing(store: Store, tmp_path: Path) -> None:
    # given the sample set in the database
    import_masterdata(store, TEMPLATE, actor="test")
    before, moves_before = stored(store), movements(store)
    # and a folder whose customers and stock are fine but one item row is wrong
    folder = folder_with(
        tmp_path,
        "bad",
        customers="id,name\nNEW,New customer\n",
        stock="sku,warehouse,bin,on_hand\nPEN-BLUE,WH1,A-01-01,1\n",
        items="sku,description,gtin\nPEN-BLUE,Pen,4006381333932\n",
    )
    # when it is imported
    with pytest.raises(MasterDataError) as caught:
        import_masterdata(store, folder, "test")
    # then the problem is reported and no kind, no stock movement was written
    assert [i.location.file for i in caught.value.issues] == ["items.csv"]
    assert stored(store) == before
    assert movements(store) == moves_before


def test_stock_import_writes_a_movement_per_changed_bin(store: Store, tmp_path: Path) -> None:
    # given the sample set: its five stock levels arrive as five movements from nothing
    import_masterdata(store, TEMPLATE, actor="test")
    assert movements(store) == [
        ("MUG-01", "C-01-01", Decimal(24), "test"),
        ("PEN-BLUE", "A-01-01", Decimal(5000), "test"),
        ("PEN-SET", "A-01-02", Decimal(500), "test"),
        ("W-100", "B-02-01", Decimal(1000), "test"),
        ("W-200", "B-02-02", Decimal(600), "test"),
    ]
    assert reasons(store) == {"master data import masterdata"}
    # when a count changes one bin, keeps three, drops W-100 and adds MUG-01 in a second bin
    stock = (
        "sku,warehouse,bin,on_hand\n"
        "PEN-BLUE,WH1,A-01-01,4000\nPEN-SET,WH1,A-01-02,500\nW-200,WH1,B-02-02,600\n"
        "MUG-01,WH1,C-01-01,24\nMUG-01,WH1,B-02-01,6\n"
    )
    summary = import_masterdata(store, folder_with(tmp_path, "count", stock=stock), "alice")
    # then one movement per changed bin is written, signed, including the one gone to 0
    assert summary.stock_movements == 3
    assert movements(store)[5:] == [
        ("MUG-01", "B-02-01", Decimal(6), "alice"),
        ("PEN-BLUE", "A-01-01", Decimal(-1000), "alice"),
        ("W-100", "B-02-01", Decimal(-1000), "alice"),
    ]
    assert reasons(store) == {"master data import masterdata", "master data import count"}
    with store.read() as session:
        levels = {(s.sku, s.bin): s.on_hand for s in load_kind(session, "stock")}
    assert levels[("PEN-BLUE", "A-01-01")] == 4000
    assert ("W-100", "B-02-01") not in levels


def test_dry_run_counts_without_writing(store: Store) -> None:
    # when the sample set is imported as a dry run
    summary = import_masterdata(store, TEMPLATE, actor="test", dry_run=True)
    # then it says what would change and nothing is written
    assert summary.dry_run
    assert summary.counts["items"] == 5
    assert summary.previous["items"] == 0
    assert summary.stock_movements == 5
    assert stored(store) == MasterData()
    assert movements(store) == []
