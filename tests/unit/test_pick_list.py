"""Pick lists: the CSV the warehouse fills in, and the printable PDF read back with pypdf."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from gateway.fulfilment.documents_model import PickLine, PickList
from gateway.fulfilment.pick_list import pick_list_csv, pick_list_pdf

CREATED = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
HEADER = (
    "pick_list,warehouse,bin,sku,gtin,description,quantity,uom,order_number,line_number,"
    "shipment,picked_quantity"
)


def line(
    warehouse: str = "W1",
    bin: str = "A-01",
    sku: str = "SKU-1",
    quantity: str = "1",
    *,
    order: str = "PO-1",
    number: str = "1",
    description: str = "Widget",
    uom: str = "PCE",
    gtin: str | None = None,
) -> PickLine:
    """A pick line with defaults for what the test does not care about."""
    return PickLine(
        warehouse=warehouse,
        bin=bin,
        sku=sku,
        description=description,
        quantity=Decimal(quantity),
        uom=uom,
        order_number=order,
        line_number=number,
        shipment_number="SH-000001",
        gtin=gtin,
    )


def pick_list(*lines: PickLine, names: dict[str, str] | None = None) -> PickList:
    """Pick list PL-000012 of the given lines."""
    return PickList("PL-000012", CREATED, tuple(lines), names or {})


def csv_rows(text: str) -> list[list[str]]:
    """The CSV read back the way a spreadsheet or the confirmation reader would."""
    return list(csv.reader(io.StringIO(text, newline="")))


def pdf_pages(data: bytes) -> list[str]:
    """The extracted text of every page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def long_list() -> PickList:
    """500 lines over two warehouses, 50 bins, 1 to 3 units of PCE or KGM each."""
    lines = [
        line(
            warehouse=f"W{i % 2 + 1}",
            bin=f"B-{i % 50:03d}",
            sku=f"SKU-{i:04d}",
            quantity=str(i % 3 + 1),
            uom="KGM" if i % 5 == 0 else "PCE",
            order=f"PO-{i % 7}",
            number=str(i),
            description=f"Item {i} in a long description that wraps in its column",
        )
        for i in range(500)
    ]
    return pick_list(*lines, names={"W1": "Main DC", "W2": "Overflow"})


@pytest.fixture(scope="module")
def long_pages() -> list[str]:
    """The text of each page of the long pick list, printed once for the tests that read it."""
    return pdf_pages(pick_list_pdf(long_list()))


def test_csv_header_is_exact() -> None:
    # given a pick list of one line
    # when it is written as CSV
    text = pick_list_csv(pick_list(line()))

    # then the first line is the agreed header, ended by CRLF (RFC 4180)
    assert text.split("\r\n")[0] == HEADER


def test_csv_rows_are_sorted_by_warehouse_bin_sku_order_and_line() -> None:
    # given lines in no particular order, with bins and line numbers of different digit counts
    lines = [
        line("W2", "A-01", "SKU-1"),
        line("W1", "A-10", "SKU-1"),
        line("W1", "A-2", "SKU-9"),
        line("W1", "A-2", "SKU-1", order="PO-2", number="1"),
        line("W1", "A-2", "SKU-1", order="PO-1", number="10"),
        line("W1", "A-2", "SKU-1", order="PO-1", number="9"),
    ]

    # when the CSV is written
    rows = csv_rows(pick_list_csv(pick_list(*lines)))[1:]

    # then they follow the walk: warehouse, bin (A-2 before A-10), SKU, order, line (9 before 10)
    assert [(r[1], r[2], r[3], r[8], r[9]) for r in rows] == [
        ("W1", "A-2", "SKU-1", "PO-1", "9"),
        ("W1", "A-2", "SKU-1", "PO-1", "10"),
        ("W1", "A-2", "SKU-1", "PO-2", "1"),
        ("W1", "A-2", "SKU-9", "PO-1", "1"),
        ("W1", "A-10", "SKU-1", "PO-1", "1"),
        ("W2", "A-01", "SKU-1", "PO-1", "1"),
    ]


@pytest.mark.parametrize(
    ("quantity", "text"),
    [("12.5000", "12.5"), ("60.000", "60"), ("1E+1", "10"), ("0.25", "0.25"), ("3", "3")],
)
def test_csv_quantity_is_plain_decimal_text(quantity: str, text: str) -> None:
    # given a line whose quantity has padding zeros or an exponent
    # when the CSV is written
    rows = csv_rows(pick_list_csv(pick_list(line(quantity=quantity))))

    # then the quantity column has plain digits only
    assert rows[1][6] == text


def test_csv_row_has_every_column_and_leaves_picked_quantity_empty() -> None:
    # given a line with a GTIN and one without
    lines = [line(sku="SKU-1", gtin="04012345000016"), line(sku="SKU-2")]

    # when the CSV is written
    rows = csv_rows(pick_list_csv(pick_list(*lines)))

    # then each row carries the list number, the line's values, an empty GTIN when unknown,
    # and an empty picked_quantity for the picker
    assert rows[1] == [
        "PL-000012",
        "W1",
        "A-01",
        "SKU-1",
        "04012345000016",
        "Widget",
        "1",
        "PCE",
        "PO-1",
        "1",
        "SH-000001",
        "",
    ]
    assert rows[2][4] == ""
    assert all(len(row) == 12 for row in rows)


def test_csv_description_with_comma_quote_and_newline_reads_back_unchanged() -> None:
    # given a description with the characters CSV must quote
    description = 'Bolts, "M8"\nzinc plated'

    # when the CSV is written and read back
    rows = csv_rows(pick_list_csv(pick_list(line(description=description))))

    # then the description is intact and the row count is header + 1
    assert len(rows) == 2
    assert rows[1][5] == description


def test_pdf_of_500_lines_paginates_with_page_n_of_m(long_pages: list[str]) -> None:
    # given a pick list of 500 lines
    # when it is printed
    pages = long_pages

    # then it takes several pages, each numbered "page N of M" with the true page count
    count = len(pages)
    assert count > 1
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {count}" in text


def test_pdf_first_page_shows_list_number_warehouse_bin_sku_and_quantity(
    long_pages: list[str],
) -> None:
    # given the long pick list, whose first line in walk order is W1 bin B-000 SKU-0000 (1 KGM)
    # when it is printed
    first = long_pages[0]

    # then page 1 has the title, creation time, warehouse heading and the first line's values
    assert "Pick list PL-000012" in first
    assert "Created 2024-05-01 12:30 UTC" in first
    assert "Warehouse W1 - Main DC" in first
    assert "B-000" in first
    assert "SKU-0000" in first
    assert "1 KGM" in first
    assert "PO-0 / 0" in first


def test_pdf_repeats_the_table_header_on_every_page(long_pages: list[str]) -> None:
    # given the long pick list
    # when it is printed
    pages = long_pages

    # then every page carries the column headings
    for text in pages:
        assert "Bin" in text
        assert "Description" in text
        assert "Picked" in text


def test_pdf_ends_each_warehouse_with_its_line_and_unit_totals(long_pages: list[str]) -> None:
    # given the long pick list: 250 lines per warehouse, units per UOM summed here
    plan = long_list()
    expected: dict[str, str] = {}
    for warehouse in ("W1", "W2"):
        mine = [item for item in plan.lines if item.warehouse == warehouse]
        kgm = sum((item.quantity for item in mine if item.uom == "KGM"), Decimal(0))
        pce = sum((item.quantity for item in mine if item.uom == "PCE"), Decimal(0))
        expected[warehouse] = f"Total: {len(mine)} lines, {kgm} KGM, {pce} PCE"

    # when it is printed
    pages = long_pages

    # then the W2 section (the last) ends on the last page with its totals, and W1's are earlier
    everything = "\n".join(pages)
    assert expected["W2"] in pages[-1]
    assert expected["W1"] in everything
    assert everything.index(expected["W1"]) < everything.index("Warehouse W2 - Overflow")


def test_pdf_prints_markup_characters_as_they_are() -> None:
    # given a description and SKU with characters that mean something to reportlab's markup
    item = line(sku="<SKU&1>", description="Nuts & bolts <M8>")

    # when the pick list is printed
    (text,) = pdf_pages(pick_list_pdf(pick_list(item)))

    # then they appear verbatim
    assert "<SKU&1>" in text
    assert "Nuts & bolts <M8>" in text


def test_pdf_of_an_empty_pick_list_is_one_page_saying_so() -> None:
    # given a pick list with no lines
    # when it is printed
    pages = pdf_pages(pick_list_pdf(pick_list()))

    # then there is one page that says there is nothing to pick
    assert len(pages) == 1
    assert "No lines to pick." in pages[0]
    assert "page 1 of 1" in pages[0]


def test_pdf_warehouse_without_a_name_is_headed_by_its_id() -> None:
    # given a line in a warehouse the names mapping does not know
    # when the pick list is printed
    (text,) = pdf_pages(pick_list_pdf(pick_list(line(warehouse="W9"))))

    # then the heading is the id alone
    assert "Warehouse W9\n" in text
