"""Master data CSV files: what a good folder reads into; every problem with file, row, column."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import String

from gateway.commands_masterdata import print_issues
from gateway.errors import Issue, Location
from gateway.orders.masterdata import (
    Bin,
    Customer,
    CustomerStatus,
    Item,
    Price,
    StockLevel,
    Warehouse,
)
from gateway.orders.masterdata_csv import (
    MASTERDATA_KINDS,
    KnownKeys,
    MasterDataError,
    read_masterdata,
)
from gateway.orders.masterdata_schema import SPECS, spec_for
from gateway.orders.masterdata_values import CellError, gs1_check_digit
from gateway.store.masterdata_store import ROW_CLASSES
from gateway.store.tables import ExactDecimal

TEMPLATE = Path(__file__).resolve().parents[2] / "gateway" / "workspace_template" / "masterdata"

WAREHOUSES = "id,name,country\nWH1,Main warehouse,BE\n"
ITEMS = (
    "sku,description,gtin,base_uom,weight_kg\n"
    "W-100,Widget small,012345678905,EA,0.200\n"
    'PEN-BLUE,"Ballpoint pen, blue",4006381333931,EA,0.012\n'
)
CUSTOMERS = (
    "id,name,status,currency,credit_limit,tax_exempt,warehouse,country\n"
    "ACME,Acme Retail,active,EUR,50000,false,WH1,DK\n"
    "GLOBEX,Globex Corporation,blocked,USD,,yes,,US\n"
)


def folder_with(tmp_path: Path, **files: str) -> Path:
    """A master data folder holding the given files (name without .csv -> content)."""
    folder = tmp_path / "md"
    folder.mkdir(exist_ok=True)
    for stem, content in files.items():
        (folder / f"{stem}.csv").write_text(content, encoding="utf-8")
    return folder


def problems(folder: Path, known: KnownKeys | None = None) -> list[str]:
    """Every issue of a folder that must not read, as the command prints them."""
    with pytest.raises(MasterDataError) as caught:
        read_masterdata(folder, known)
    return [str(issue) for issue in caught.value.issues]


def test_good_folder_reads_into_the_master_data_dataclasses(tmp_path: Path) -> None:
    # given customers, items and warehouses in any column order, one file with a BOM
    folder = folder_with(tmp_path, warehouses=WAREHOUSES, items=ITEMS)
    (folder / "customers.csv").write_bytes(b"\xef\xbb\xbf" + CUSTOMERS.encode())
    # when the folder is read
    files = read_masterdata(folder)
    # then the present kinds are known and the records carry typed values
    assert files.present == ("customers", "items", "warehouses")
    acme, globex = files.data.customers
    assert acme == Customer(
        "ACME", "Acme Retail", status=CustomerStatus.ACTIVE, currency="EUR",
        credit_limit=Decimal("50000"), tax_exempt=False, warehouse="WH1", country="DK",
    )  # fmt: skip
    assert (globex.status, globex.credit_limit, globex.tax_exempt) == ("blocked", None, True)
    widget, pen = files.data.items
    assert widget.gtin == "00012345678905"  # GTIN-12 padded to 14 digits
    assert pen == Item("PEN-BLUE", "Ballpoint pen, blue", "EA", "04006381333931", Decimal("0.012"))
    assert isinstance(pen.weight_kg, Decimal)
    assert files.data.warehouses == (Warehouse("WH1", "Main warehouse", "BE"),)
    assert files.data.prices == ()


def test_empty_cells_take_the_dataclass_defaults(tmp_path: Path) -> None:
    # given a price with only its required columns filled
    folder = folder_with(
        tmp_path,
        items=ITEMS,
        prices="sku,unit_price,currency,min_quantity,uom,valid_from,valid_to\n"
        "W-100,2.50,USD,,,,2027-12-31\n",
    )
    # when read
    price = read_masterdata(folder).data.prices[0]
    # then the empty cells are the defaults and the date is a date
    assert price == Price("W-100", Decimal("2.50"), "USD", valid_to=date(2027, 12, 31))
    assert price.min_quantity == 0


def test_sample_set_in_the_workspace_template_validates_clean() -> None:
    # given the sample set that `gateway init` copies
    # when it is read with an empty database behind it
    files = read_masterdata(TEMPLATE)
    # then every kind is present and the values the sample orders need are there
    assert files.present == MASTERDATA_KINDS
    data = files.data
    assert len(data.items) == 5
    assert {i.gtin for i in data.items} >= {"04006381333931", "00012345678905"}
    assert {(c.id, c.partner) for c in data.customers} == {
        ("ACME", "acme"),
        ("GLOBEX", "globex"),
        ("INITECH", "initech"),
        ("NORRLAND", "norrland"),
    }
    assert StockLevel("MUG-01", "WH1", "C-01-01", Decimal(24)) in data.stock
    assert Bin("WH1", "A-01-01") in data.bins
    assert next(c for c in data.carriers if c.id == "DHL").gln == "4052481000006"


def test_missing_required_column_is_reported_on_the_header_row(tmp_path: Path) -> None:
    # given customers.csv without its name column
    folder = folder_with(tmp_path, customers="id,currency\nACME,EUR\n")
    # when read / then the header row and the column are named
    assert problems(folder) == [
        "customers.csv, row 1, column name: the required column name is missing from the header"
    ]


def test_required_value_left_empty_is_reported_at_its_cell(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, warehouses="id,name\nWH1,\n")
    assert problems(folder) == ["warehouses.csv, row 2, column name: a value is required"]


def test_decimal_with_a_comma_is_reported_with_row_and_column(tmp_path: Path) -> None:
    # given a price written with a decimal comma on the third row
    folder = folder_with(
        tmp_path,
        items=ITEMS,
        prices='sku,unit_price,currency\nW-100,2.50,USD\nPEN-BLUE,"0,45",EUR\n',
    )
    # when read / then that cell is named and the expected form is said
    [problem] = problems(folder)
    assert problem.startswith("prices.csv, row 3, column unit_price: expected a decimal number")
    assert "'0,45'" in problem


def test_date_not_in_iso_form_is_reported(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        items=ITEMS,
        replenishments="sku,warehouse,quantity,expected_date\nW-100,WH1,10,15.01.2027\n",
        warehouses=WAREHOUSES,
    )
    assert problems(folder) == [
        "replenishments.csv, row 2, column expected_date: "
        "expected a date as YYYY-MM-DD like 2026-01-31, got '15.01.2027'"
    ]


def test_date_that_is_not_a_calendar_day_is_reported(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        items=ITEMS,
        warehouses=WAREHOUSES,
        replenishments="sku,warehouse,quantity,expected_date\nW-100,WH1,10,2027-02-30\n",
    )
    [problem] = problems(folder)
    assert problem.startswith("replenishments.csv, row 2, column expected_date: 2027-02-30 is not")


def test_gtin_with_a_wrong_check_digit_is_reported(tmp_path: Path) -> None:
    # given an EAN-13 whose last digit is not its GS1 check digit (…931 is right)
    folder = folder_with(tmp_path, items="sku,description,gtin\nPEN-BLUE,Pen,4006381333932\n")
    # when read / then the expected check digit is given
    assert problems(folder) == [
        "items.csv, row 2, column gtin: the GTIN check digit is 2 but the GS1 mod-10 check "
        "digit of 400638133393 is 1"
    ]


@pytest.mark.parametrize("gtin", ["12345", "40063813339310", "4006381333931X", "１２３４５６７８"])
def test_gtin_must_be_8_12_13_or_14_digits_with_its_check_digit(tmp_path: Path, gtin: str) -> None:
    folder = folder_with(tmp_path, items=f"sku,description,gtin\nP,Pen,{gtin}\n")
    [problem] = problems(folder)
    assert problem.startswith("items.csv, row 2, column gtin: ")


def test_gs1_check_digit_follows_the_mod_10_weights() -> None:
    # GS1 General Specifications 7.9.1 worked examples: weights 3,1,3... from the right
    assert gs1_check_digit("400638133393") == "1"
    assert gs1_check_digit("01234567890") == "5"
    assert gs1_check_digit("541234500002") == "0"


def test_duplicate_key_names_the_earlier_row(tmp_path: Path) -> None:
    # given the same item number twice and the same GTIN on two items
    folder = folder_with(
        tmp_path,
        items="sku,description,gtin\nA,One,012345678905\nB,Two,012345678905\nA,Three,\n",
    )
    # when read / then each later row is reported, naming the row that had the key first
    assert problems(folder) == [
        "items.csv, row 4, column sku: duplicate sku A: row 2 has it already",
        "items.csv, row 3, column gtin: duplicate gtin 00012345678905: row 2 has it already",
    ]


def test_duplicate_composite_key_is_reported(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        tax_rates="category,country,region,rate\nS,US,IL,6.25\nS,US,,0\nS,US,IL,7\n",
    )
    assert problems(folder) == [
        "tax_rates.csv, row 4, column category: duplicate (category, country, region) "
        "S, US, IL: row 2 has it already"
    ]


def test_reference_to_an_item_not_in_the_file_is_reported(tmp_path: Path) -> None:
    # given a price of an item that items.csv in the same folder does not have
    folder = folder_with(tmp_path, items=ITEMS, prices="sku,unit_price,currency\nW-10O,1,EUR\n")
    # when read / then the cell is named, with the closest item as a suggestion
    assert problems(folder) == [
        "prices.csv, row 2, column sku: unknown item W-10O: not in items.csv; did you mean W-100?"
    ]


def test_reference_to_a_kind_not_in_the_folder_is_checked_against_the_database(
    tmp_path: Path,
) -> None:
    # given prices.csv alone: one price of a known item, one of an unknown customer
    folder = folder_with(
        tmp_path,
        prices="sku,unit_price,currency,customer\nW-100,1,EUR,\nW-100,1,EUR,INITECH\n",
    )
    known = KnownKeys(customers=frozenset({"ACME"}), items={"W-100": "EA"})
    # when read with what the database holds / then only the unknown customer is reported
    assert problems(folder, known) == [
        "prices.csv, row 3, column customer: unknown customer INITECH: not in the database "
        "(customers.csv is not in this folder)"
    ]
    # and without the unknown customer the folder reads
    (folder / "prices.csv").write_text("sku,unit_price,currency\nW-100,1,EUR\n", encoding="utf-8")
    assert read_masterdata(folder, known).present == ("prices",)


def test_stock_in_an_unknown_bin_of_a_known_warehouse_is_one_issue(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        items=ITEMS,
        warehouses=WAREHOUSES,
        bins="warehouse,bin\nWH1,A-01\n",
        stock="sku,warehouse,bin,on_hand\nW-100,WH1,A-02,5\nW-100,WH9,A-01,5\n",
    )
    assert problems(folder) == [
        "stock.csv, row 2, column bin: unknown bin A-02 of warehouse WH1: not in bins.csv; "
        "did you mean WH1, A-01?",
        "stock.csv, row 3, column warehouse: unknown warehouse WH9: not in warehouses.csv; "
        "did you mean WH1?",
    ]


def test_a_row_with_a_bad_cell_still_satisfies_references_to_it(tmp_path: Path) -> None:
    # given an item whose weight is wrong, and a price of that item
    folder = folder_with(
        tmp_path,
        items="sku,description,weight_kg\nW-100,Widget,heavy\n",
        prices="sku,unit_price,currency\nW-100,1,EUR\n",
    )
    # when read / then only the weight is reported, not the price's reference
    [problem] = problems(folder)
    assert problem.startswith("items.csv, row 2, column weight_kg: expected a decimal number")


def test_item_unit_may_not_be_the_base_unit(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, items=ITEMS, item_units="sku,uom,factor\nW-100,EA,1\n")
    assert problems(folder) == [
        "item_units.csv, row 2, column uom: EA is the base unit of W-100; item_units.csv lists "
        "the other units it is ordered in"
    ]


def test_price_unit_must_be_the_base_unit_or_one_of_the_items_units(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        items=ITEMS,
        item_units="sku,uom,factor\nW-100,CA,12\n",
        prices="sku,unit_price,currency,uom\nW-100,1,USD,EA\nW-100,12,USD,CA\nW-100,9,USD,PK\n",
    )
    assert problems(folder) == [
        "prices.csv, row 4, column uom: W-100 has no unit PK: expected one of EA, CA"
    ]


def test_valid_to_before_valid_from_is_reported(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        items=ITEMS,
        prices="sku,unit_price,currency,valid_from,valid_to\nW-100,1,EUR,2027-02-01,2027-01-31\n",
    )
    assert problems(folder) == [
        "prices.csv, row 2, column valid_to: valid_to 2027-01-31 is before valid_from 2027-02-01"
    ]


@pytest.mark.parametrize(
    ("kind", "content", "column", "expected"),
    [
        ("warehouses", "id,name,country\nW,N,be\n", "country", "ISO 3166-1 alpha-2"),
        ("customers", "id,name,currency\nC,N,euro\n", "currency", "ISO 4217"),
        ("carriers", "id,name,scac\nU,N,UPSNX\n", "scac", "2 to 4 capital letters"),
        ("carriers", "id,name,gln\nD,N,4052481000002\n", "gln", "GS1 mod-10 check digit"),
        ("customers", "id,name,tax_exempt\nC,N,maybe\n", "tax_exempt", "true/false"),
        ("customers", "id,name,status\nC,N,closed\n", "status", "active, blocked"),
        ("customers", "id,name,credit_limit\nC,N,-1\n", "credit_limit", "at least 0"),
        ("customers", "id,name,credit_limit\nC,N,1.005\n", "credit_limit", "2 decimal places"),
        ("customers", "id,name,payment_terms_days\nC,N,30.5\n", "payment_terms_days", "whole"),
        ("items", "sku,description,lead_time_days\nI,D,-2\n", "lead_time_days", "at least 0"),
        ("tax_rates", "category,country,rate\nS,BE,101\n", "rate", "at most 100"),
        ("warehouses", f"id,name\n{'W' * 61},N\n", "id", "at most 60 characters"),
        ("customer_identifiers", "customer,value,scheme\nC,1,EAN\n", "scheme", "GLN, DUNS"),
    ],
)
def test_cell_values_are_checked_against_their_column_type(
    tmp_path: Path, kind: str, content: str, column: str, expected: str
) -> None:
    # given one bad cell (references resolve against the database)
    folder = folder_with(tmp_path, **{kind: content})
    known = KnownKeys(customers=frozenset({"C"}))
    # when read / then the cell is named with what was expected
    [problem] = problems(folder, known)
    assert problem.startswith(f"{kind}.csv, row 2, column {column}: ")
    assert expected in problem


@pytest.mark.parametrize(
    ("kind", "content", "column"),
    [
        ("item_units", "sku,uom,factor\nW-100,CA,0\n", "factor"),
        ("replenishments", "sku,warehouse,quantity,expected_date\nW-100,WH1,0,2027-01-01\n",
         "quantity"),
        ("stock", "sku,warehouse,bin,on_hand\nW-100,WH1,A,-1\n", "on_hand"),
    ],
)  # fmt: skip
def test_factors_and_expected_quantities_are_positive_and_stock_not_negative(
    tmp_path: Path, kind: str, content: str, column: str
) -> None:
    folder = folder_with(tmp_path, **{kind: content})
    known = KnownKeys(
        items={"W-100": "EA"}, warehouses=frozenset({"WH1"}), bins=frozenset({("WH1", "A")})
    )
    [problem] = problems(folder, known)
    assert problem.startswith(f"{kind}.csv, row 2, column {column}: expected a number")


def test_stock_on_hand_may_be_zero(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, stock="sku,warehouse,bin,on_hand\nW-100,WH1,A,0\n")
    known = KnownKeys(
        items={"W-100": "EA"}, warehouses=frozenset({"WH1"}), bins=frozenset({("WH1", "A")})
    )
    assert read_masterdata(folder, known).data.stock[0].on_hand == 0


def test_unknown_file_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    # given a customer file with a misspelt name beside a good file
    folder = folder_with(tmp_path, warehouses=WAREHOUSES, customer="id,name\nC,N\n")
    (folder / "notes.txt").write_text("not a CSV file: ignored", encoding="utf-8")
    # when read / then the misspelt file is named with the name it probably meant
    assert problems(folder) == ["customer.csv: not a master data file: did you mean customers.csv?"]


def test_unknown_column_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, warehouses="id,name,postcode\nWH1,Main,1000\n")
    assert problems(folder) == [
        "warehouses.csv, row 1, column postcode: unknown column postcode: did you mean postal_code?"
    ]


def test_folder_without_master_data_files_lists_the_expected_names(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    [problem] = problems(folder)
    assert problem.startswith(f"{folder}: no master data file in this folder; expected one or")
    for kind in MASTERDATA_KINDS:
        assert f"{kind}.csv" in problem


def test_every_problem_is_reported_together(tmp_path: Path) -> None:
    # given several files, each with its own mistakes
    folder = folder_with(
        tmp_path,
        warehouses="id,name,notes\nWH1,Main,red\n",
        items="sku,description,gtin\nA,One,123\nA,Two,\n",
        prices="sku,unit_price,currency\nB,x,EUR\n",
        custommers="id,name\nC,N\n",
    )
    # when read
    found = problems(folder)
    # then every one is in the one error, not just the first
    assert found == [
        "custommers.csv: not a master data file: did you mean customers.csv?",
        "items.csv, row 2, column gtin: expected a GTIN of 8, 12, 13 or 14 digits, got '123'",
        "items.csv, row 3, column sku: duplicate sku A: row 2 has it already",
        "prices.csv, row 2, column unit_price: expected a decimal number like 12.50 (a point "
        "before the decimals, no thousands separators), got 'x'",
        "warehouses.csv, row 1, column notes: unknown column notes: the columns are id, name, "
        "country, street, city, postal_code",
    ]


def test_the_error_counts_its_problems(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, warehouses="id,name\nWH1,\nWH2,\n")
    with pytest.raises(MasterDataError, match=r"^2 problems in the master data files in "):
        read_masterdata(folder)


def test_row_with_the_wrong_number_of_cells_is_reported(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, warehouses="id,name\nWH1,Main,extra\nWH2\n\nWH3,Third,,\n")
    assert problems(folder) == [
        "warehouses.csv, row 2: the row has 3 cells but the header names 2",
        "warehouses.csv, row 3: the row has 1 cells but the header names 2",
    ]


def test_semicolon_separated_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, warehouses="id;name\nWH1;Main\n")
    assert problems(folder) == [
        "warehouses.csv, row 1: the header is one column with semicolons: save the file comma "
        "separated"
    ]


def test_file_not_in_utf8_is_reported_at_its_row(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    (folder / "warehouses.csv").write_bytes("id,name\nWH1,Entrepôt\n".encode("cp1252"))
    [problem] = problems(folder)
    assert (
        problem == "warehouses.csv, row 2, byte 18: not UTF-8 (byte 0xf4); save the file as UTF-8"
    )


def test_column_names_are_the_dataclass_field_names() -> None:
    for spec in SPECS:
        assert spec.column_names == tuple(spec.record.__dataclass_fields__)
        required = {c.name for c in spec.columns if c.required}
        assert required, spec.kind
    assert spec_for("items").column("sku") is not None
    assert tuple(ROW_CLASSES) == MASTERDATA_KINDS


def test_lengths_and_decimals_fit_the_database_columns() -> None:
    # given every column of every md_* table with a length or a scale
    for kind in MASTERDATA_KINDS:
        table = ROW_CLASSES[kind].__table__
        for column in spec_for(kind).columns:
            db_type = table.c[column.name].type
            # when a value one character or one decimal too long is parsed / then it is refused
            if isinstance(db_type, String) and db_type.length is not None:
                with pytest.raises(CellError):
                    column.parse("1" * (db_type.length + 1))
            if isinstance(db_type, ExactDecimal):
                with pytest.raises(CellError):
                    column.parse("1." + "0" * db_type.impl.scale + "1")  # type: ignore[attr-defined]


def test_readme_documents_every_file_and_column() -> None:
    # given the README beside the sample set
    readme = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", readme, flags=re.MULTILINE)
    documented = {s.split("\n", 1)[0].strip(): s for s in sections[1:]}
    # then each file has a section with one table row per column
    for spec in SPECS:
        section = documented[spec.file_name]
        rows = re.findall(r"^\| (\w+)\s+\|", section, flags=re.MULTILINE)
        assert [r for r in rows if r != "column"] == list(spec.column_names), spec.kind


def test_header_naming_a_column_twice_or_not_at_all_is_reported(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, warehouses="id,name,,name\nWH1,Main,,Main\n")
    assert problems(folder) == [
        "warehouses.csv, row 1: column 3 of the header has no name",
        "warehouses.csv, row 1, column name: the column is named twice in the header",
    ]


def test_a_path_that_is_not_a_folder_is_reported(tmp_path: Path) -> None:
    file = tmp_path / "customers.csv"
    file.write_text("id,name\n", encoding="utf-8")
    assert problems(file) == [f"{file}: not a folder"]


def test_printed_issues_are_capped_with_a_count_of_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given more issues than are printed
    issues = [Issue("masterdata.value", "bad", Location("stock.csv", row=n)) for n in range(205)]
    # when they are printed
    print_issues(issues, "205 problems")
    # then the headline, the first 200 and a count of the rest are on stderr
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "gateway: 205 problems"
    assert lines[1] == "stock.csv, row 0: bad"
    assert len(lines) == 202
    assert lines[-1] == "... and 5 more"
