"""Warehouse confirmation files: what good CSV and JSON files read into; every problem placed."""

from __future__ import annotations

import codecs
import dataclasses
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.errors import PermanentError
from gateway.fulfilment.warehouse_files import (
    Confirmation,
    Delivered,
    Packed,
    PackedCarton,
    Picked,
    PickedLine,
    Shipped,
    WarehouseFileError,
    read_confirmations,
)

DATA = Path(__file__).resolve().parent / "data" / "warehouse"
README = (
    Path(__file__).resolve().parents[2] / "gateway" / "workspace_template" / "warehouse"
) / "README.md"
HEADER = "event,shipment,line,quantity,carton,weight_kg,sscc,carrier,service,tracking,date"
# Valid SSCC-18s (GS1 mod-10 check digits 2 and 9) of the GS1 example company prefix 0614141.
SSCC_1, SSCC_2 = "006141410000000012", "006141410000000029"


def flow(where: list[str]) -> tuple[Confirmation, ...]:
    """The worked flow of shipment SH-000012, placed at the given four places."""
    return (
        Picked("SH-000012", (PickedLine("1", Decimal(24)), PickedLine("2", Decimal(10))), where[0]),
        Packed(
            "SH-000012",
            (
                PackedCarton((PickedLine("1", Decimal(12)),), Decimal("5.2"), SSCC_1),
                PackedCarton(
                    (PickedLine("1", Decimal(12)), PickedLine("2", Decimal(10))),
                    Decimal("5.2"),
                    SSCC_2,
                ),
            ),
            where[1],
        ),
        Shipped(
            "SH-000012",
            "DHL",
            "JD014600006281234567",
            where[2],
            service="EXPRESS",
            ship_date=date(2026, 11, 23),
            weight_kg=Decimal("10.4"),
        ),
        Delivered(
            "SH-000012", date(2026, 11, 25), where[3], received_by="J. Smith", note="Left at dock 3"
        ),
    )


def read(name: str, content: str | bytes) -> tuple[Confirmation, ...]:
    """The confirmations of a file with the given name and content."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return read_confirmations(Path("/srv/gateway/warehouse/in") / name, data)


def problems(name: str, content: str | bytes) -> list[str]:
    """Every problem of a file that must not read, as `place: message` lines."""
    with pytest.raises(WarehouseFileError) as caught:
        read(name, content)
    assert caught.value.issues, "a refused file names at least one problem"
    return [str(issue) for issue in caught.value.issues]


def without_where(confirmations: tuple[Confirmation, ...]) -> list[Confirmation]:
    return [dataclasses.replace(c, where="") for c in confirmations]


# --- worked files -------------------------------------------------------------------------


def test_csv_flow_reads_every_event_grouped_by_consecutive_rows() -> None:
    # given the worked CSV file: 2 picked rows, 3 packed rows in 2 cartons, shipped, delivered
    path = DATA / "flow.csv"
    # when it is read
    confirmations = read_confirmations(path, path.read_bytes())
    # then each group of rows is one confirmation, placed by its rows (the header is row 1)
    assert confirmations == flow(
        ["flow.csv rows 2-3", "flow.csv rows 4-6", "flow.csv row 7", "flow.csv row 8"]
    )


def test_json_flow_reads_every_event_placed_by_json_path() -> None:
    # given the worked JSON file of the same flow
    path = DATA / "flow.json"
    # when it is read
    confirmations = read_confirmations(path, path.read_bytes())
    # then it reads exactly like the CSV, each confirmation placed by its JSON path
    assert confirmations == flow([f"flow.json $.confirmations[{i}]" for i in range(4)])


def test_json_numbers_are_read_exactly_as_decimals() -> None:
    # given quantities and weights written as JSON numbers and as strings
    content = (
        '{"confirmations": [{"event": "packed", "shipment": "SH-1", "cartons": '
        '[{"weight_kg": 0.1, "lines": [{"line": "1", "quantity": "2.5"}]}]}]}'
    )
    # when it is read
    (packed,) = read("p.json", content)
    # then 0.1 is the decimal 0.1, never the binary float 0.1000000000000000055...
    assert isinstance(packed, Packed)
    assert packed.cartons[0].weight_kg == Decimal("0.1")
    assert packed.cartons[0].lines[0].quantity == Decimal("2.5")


def test_readme_examples_read_like_the_worked_files() -> None:
    # given the CSV and JSON examples of the warehouse README
    text = README.read_text(encoding="utf-8")
    csv_example = re.search(r"```csv\n(.*?)```", text, re.S)
    json_example = re.search(r"```json\n(.*?)```", text, re.S)
    assert csv_example is not None and json_example is not None
    # when both are read
    from_csv = read("example.csv", csv_example.group(1))
    from_json = read("example.json", json_example.group(1))
    # then both say what the worked test files say
    assert without_where(from_csv) == without_where(flow(["", "", "", ""]))
    assert without_where(from_json) == without_where(flow(["", "", "", ""]))


def test_byte_order_mark_and_crlf_line_ends_are_accepted() -> None:
    # given a CSV file saved by a spreadsheet: BOM, CRLF, trailing empty cells
    content = codecs.BOM_UTF8 + b"event,shipment,date\r\ndelivered,SH-1,2026-11-25,,\r\n"
    # when it is read
    confirmations = read("d.csv", content)
    # then it reads as the one delivery it holds
    assert confirmations == (Delivered("SH-1", date(2026, 11, 25), "d.csv row 2"),)


def test_columns_in_any_order_and_optional_values_left_out() -> None:
    # given only the columns a shipped row needs, in another order, no date/service/weight
    content = "tracking,carrier,shipment,event\n1Z999AA10123456784,UPS,SH-7,shipped\n"
    # when it is read
    (shipped,) = read("s.csv", content)
    # then the optional values are None (the ship date defaults when the lead applies it)
    assert shipped == Shipped("SH-7", "UPS", "1Z999AA10123456784", "s.csv row 2")


def test_file_order_is_kept_and_a_new_shipment_starts_a_new_confirmation() -> None:
    # given picks for two shipments, then packing for the first, blank line in between
    content = (
        "event,shipment,line,quantity,carton\n"
        "picked,SH-1,1,5,\n"
        "picked,SH-2,1,3,\n"
        "\n"
        "packed,SH-1,1,5,A\n"
    )
    # when it is read
    confirmations = read("m.csv", content)
    # then there are three confirmations, in file order
    assert [(type(c).__name__, c.shipment, c.where) for c in confirmations] == [
        ("Picked", "SH-1", "m.csv row 2"),
        ("Picked", "SH-2", "m.csv row 3"),
        ("Packed", "SH-1", "m.csv row 5"),
    ]


def test_carton_rows_need_not_be_adjacent_and_weight_may_repeat() -> None:
    # given carton A's rows around carton B's, its weight written twice the same
    content = (
        "event,shipment,line,quantity,carton,weight_kg\n"
        "packed,SH-1,1,5,A,2.50\n"
        "packed,SH-1,2,1,B,\n"
        "packed,SH-1,3,4,A,2.5\n"
    )
    # when it is read
    (packed,) = read("p.csv", content)
    # then carton A holds lines 1 and 3 with one weight, and comes first
    assert isinstance(packed, Packed)
    assert packed.cartons == (
        PackedCarton((PickedLine("1", Decimal(5)), PickedLine("3", Decimal(4))), Decimal("2.50")),
        PackedCarton((PickedLine("2", Decimal(1)),)),
    )


def test_a_warehouse_file_error_is_permanent() -> None:
    # given a file that does not read
    with pytest.raises(PermanentError) as caught:
        read("x.csv", "")
    # then it goes to the failed folder for a person, with the file named in the message
    assert caught.value.message == "the warehouse file x.csv cannot be read: 1 problem"
    assert caught.value.issues[0].code == "warehouse_file.empty"


# --- one problem of each kind, at its exact place -----------------------------------------


def test_unknown_column_is_refused_with_a_hint() -> None:
    content = "event,shipment,quantty\npicked,SH-1,3\n"
    assert problems("a.csv", content)[0] == (
        "a.csv, row 1, column quantty: unknown column 'quantty' (did you mean 'quantity'?); "
        "the columns are event, shipment, line, quantity, carton, weight_kg, sscc, carrier, "
        "service, tracking, date, received_by, note"
    )


def test_missing_required_column_is_named() -> None:
    assert problems("a.csv", "event,line,quantity\npicked,1,3\n") == [
        "a.csv, row 1, column shipment: the required column shipment is missing from the header"
    ]


def test_bad_quantity_names_row_column_and_value() -> None:
    content = f'{HEADER}\npicked,SH-1,1,"12,5",,,,,,,\n'
    assert problems("q.csv", content) == [
        "q.csv, row 2, column quantity: expected a decimal number like 12.50 (a point before "
        "the decimals, no thousands separators), got '12,5'"
    ]


def test_zero_quantity_is_refused_in_a_carton() -> None:
    content = "event,shipment,line,quantity,carton\npacked,SH-1,1,0,A\n"
    assert problems("q.csv", content) == [
        "q.csv, row 2, column quantity: expected a number greater than 0, got 0"
    ]


def test_zero_picked_says_none_was_found_but_negative_is_refused() -> None:
    # given a pick listing line 2 with 0 (every released line is listed; none was found)
    content = "event,shipment,line,quantity\npicked,SH-1,1,4\npicked,SH-1,2,0\n"
    (picked,) = read("z.csv", content)
    assert picked == Picked(
        "SH-1", (PickedLine("1", Decimal(4)), PickedLine("2", Decimal(0))), "z.csv rows 2-3"
    )
    # and a negative picked quantity is refused
    assert problems("z.csv", "event,shipment,line,quantity\npicked,SH-1,1,-1\n") == [
        "z.csv, row 2, column quantity: expected a number of at least 0, got -1"
    ]


def test_bad_date_is_refused() -> None:
    content = "event,shipment,date\ndelivered,SH-1,25.11.2026\ndelivered,SH-2,2026-02-30\n"
    assert problems("d.csv", content) == [
        "d.csv, row 2, column date: expected a date as YYYY-MM-DD like 2026-01-31, "
        "got '25.11.2026'",
        "d.csv, row 3, column date: 2026-02-30 is not a calendar date "
        "(day is out of range for month)",
    ]


def test_bad_sscc_check_digit_names_the_expected_digit() -> None:
    content = "event,shipment,line,quantity,carton,sscc\npacked,SH-1,1,2,A,006141410000000013\n"
    assert problems("s.csv", content) == [
        "s.csv, row 2, column sscc: the SSCC check digit is 3 but the GS1 mod-10 check digit "
        "of 00614141000000001 is 2"
    ]


def test_sscc_must_be_18_digits() -> None:
    content = "event,shipment,line,quantity,carton,sscc\npacked,SH-1,1,2,A,0061414100000001\n"
    assert problems("s.csv", content) == [
        "s.csv, row 2, column sscc: expected an SSCC of 18 digits, got '0061414100000001'"
    ]


def test_two_weights_for_one_carton_are_refused() -> None:
    content = (
        "event,shipment,line,quantity,carton,weight_kg\n"
        "packed,SH-1,1,2,A,5.2\n"
        "packed,SH-1,2,2,A,5.3\n"
    )
    assert problems("w.csv", content) == [
        "w.csv, row 3, column weight_kg: carton A has weight_kg 5.2 in row 2 but 5.3 here; "
        "give one value per carton"
    ]


def test_two_ssccs_for_one_carton_are_refused() -> None:
    content = (
        "event,shipment,line,quantity,carton,sscc\n"
        f"packed,SH-1,1,2,A,{SSCC_1}\n"
        f"packed,SH-1,2,2,A,{SSCC_2}\n"
    )
    assert problems("w.csv", content) == [
        f"w.csv, row 3, column sscc: carton A has sscc {SSCC_1} in row 2 but {SSCC_2} here; "
        "give one value per carton"
    ]


def test_one_sscc_on_two_cartons_is_refused() -> None:
    content = (
        "event,shipment,line,quantity,carton,sscc\n"
        f"packed,SH-1,1,2,A,{SSCC_1}\n"
        f"packed,SH-2,1,2,A,{SSCC_1}\n"
    )
    assert problems("w.csv", content) == [
        f"w.csv, row 3, column sscc: SSCC {SSCC_1} is given to another carton too (at row 2)"
    ]


def test_unknown_event_is_refused_with_a_hint() -> None:
    assert problems("e.csv", "event,shipment\nshiped,SH-1\n") == [
        "e.csv, row 2, column event: unknown event 'shiped' (did you mean 'shipped'?); "
        "the events are picked, packed, shipped, delivered"
    ]


def test_unknown_json_key_is_refused_with_a_hint() -> None:
    content = json.dumps(
        {
            "confirmations": [
                {"event": "picked", "shipment": "SH-1", "lines": [{"line": "1", "quantiy": 2}]}
            ]
        }
    )
    assert problems("k.json", content) == [
        "k.json, $.confirmations[0].lines[0].quantiy: unknown key 'quantiy' (did you mean "
        "'quantity'?); a line has the keys line, quantity",
        "k.json, $.confirmations[0].lines[0].quantity: quantity is missing: a line needs it",
    ]


def test_json_key_of_another_event_is_refused() -> None:
    content = json.dumps(
        {
            "confirmations": [
                {"event": "delivered", "shipment": "SH-1", "date": "2026-11-25", "tracking": "X"}
            ]
        }
    )
    assert problems("k.json", content) == [
        "k.json, $.confirmations[0].tracking: unknown key 'tracking'; a delivered confirmation "
        "has the keys event, shipment, date, received_by, note"
    ]


def test_non_utf8_bytes_are_refused_with_their_byte_offset() -> None:
    # given a Latin-1 "é" (0xe9) in row 2 after a byte order mark: 3 + 20 + 18 bytes before it
    content = codecs.BOM_UTF8 + b"event,shipment,note\ndelivered,SH-1,caf\xe9\n"
    assert content.index(b"\xe9") == 41
    assert problems("n.csv", content) == [
        "n.csv, byte 41: not UTF-8: byte 0xe9 at byte offset 41 (line 2) cannot be read; "
        "save the file as UTF-8"
    ]


@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, b" \r\n\n"])
@pytest.mark.parametrize("name", ["e.csv", "e.json"])
def test_empty_file_is_refused(name: str, content: bytes) -> None:
    assert problems(name, content) == [f"{name}: the file is empty: it holds no confirmations"]


def test_header_without_rows_is_refused() -> None:
    assert problems("h.csv", f"{HEADER}\n\n") == [
        "h.csv, row 2: no confirmations: the file has its header row but no rows below it"
    ]


def test_json_without_confirmations_is_refused() -> None:
    assert problems("h.json", '{"confirmations": []}') == [
        "h.json, $.confirmations: confirmations is empty: the file needs at least one entry"
    ]
    assert problems("h.json", "{}") == [
        "h.json, $.confirmations: confirmations is missing: the file needs it"
    ]


@pytest.mark.parametrize("name", ["stock.txt", "stock.xlsx", "stock"])
def test_unsupported_extension_is_refused_with_the_supported_list(name: str) -> None:
    (problem,) = problems(name, "event,shipment\npicked,SH-1\n")
    assert problem.startswith(f"{name}: ")
    assert problem.endswith("is not supported: a warehouse file ends in .csv or .json")


def test_upper_case_extension_is_accepted() -> None:
    assert read("D.CSV", "event,shipment,date\ndelivered,SH-1,2026-11-25\n")


# --- rules of the forms -------------------------------------------------------------------


def test_value_in_a_column_the_event_does_not_use_is_refused() -> None:
    content = "event,shipment,line,quantity,carrier\npicked,SH-1,1,2,DHL\n"
    assert problems("u.csv", content) == [
        "u.csv, row 2, column carrier: a picked row has no carrier: leave the cell empty"
    ]


def test_shipped_needs_carrier_and_tracking() -> None:
    assert problems("s.csv", "event,shipment,service\nshipped,SH-1,EXPRESS\n") == [
        "s.csv, row 2, column carrier: carrier is missing: a shipped row needs it",
        "s.csv, row 2, column tracking: tracking is missing: a shipped row needs it",
    ]


def test_shipped_is_one_row() -> None:
    content = "event,shipment,carrier,tracking\nshipped,SH-1,DHL,A1\nshipped,SH-1,DHL,A2\n"
    assert problems("s.csv", content) == [
        "s.csv, row 3: a shipped confirmation is one row: row 2 already confirms shipment "
        "SH-1 shipped"
    ]


def test_a_line_listed_twice_in_one_pick_is_refused() -> None:
    content = "event,shipment,line,quantity\npicked,SH-1,1,2\npicked,SH-1,1,3\n"
    assert problems("p.csv", content) == [
        "p.csv, row 3, column line: line 1 is listed twice for shipment SH-1 (also in row 2); "
        "list it once"
    ]


def test_a_shipment_confirmed_twice_for_one_event_in_a_file_is_refused() -> None:
    content = "event,shipment,date\ndelivered,SH-1,2026-11-25\ndelivered,SH-2,2026-11-25\n"
    content += "delivered,SH-1,2026-11-26\n"
    assert problems("r.csv", content) == [
        "r.csv, row 4: shipment SH-1 is confirmed delivered twice in this file "
        "(also at r.csv row 2); confirm each event of a shipment once"
    ]


def test_json_line_number_must_be_text() -> None:
    content = '{"confirmations": [{"event": "picked", "shipment": "SH-1", '
    content += '"lines": [{"line": 1, "quantity": 2}]}]}'
    assert problems("l.json", content) == [
        "l.json, $.confirmations[0].lines[0].line: expected text in double quotes, got 1"
    ]


def test_json_key_written_twice_is_refused() -> None:
    content = '{"confirmations": [{"event": "delivered", "shipment": "SH-1", '
    content += '"date": "2026-11-25", "date": "2026-11-26"}]}'
    assert problems("t.json", content) == [
        "t.json, $.confirmations[0].date: the key date is written twice in this object; "
        "write it once"
    ]


def test_invalid_json_is_placed_by_byte_offset_line_and_column() -> None:
    content = '{"confirmations": [\n  {"event": "picked",, }]}'
    assert problems("j.json", content) == [
        "j.json, byte 41: not valid JSON: Expecting property name enclosed in double quotes "
        "(line 2, column 22)"
    ]


def test_json_nan_is_not_a_number() -> None:
    content = '{"confirmations": [{"event": "picked", "shipment": "SH-1", '
    content += '"lines": [{"line": "1", "quantity": NaN}]}]}'
    assert problems("n.json", content) == [
        "n.json, $.confirmations[0].lines[0].quantity: expected a number, got NaN"
    ]


def test_semicolon_separated_csv_is_refused_with_advice() -> None:
    assert problems("s.csv", "event;shipment\npicked;SH-1\n") == [
        "s.csv, row 1: the header is one column with semicolons: save the file comma separated"
    ]


# --- many problems at once ----------------------------------------------------------------


def test_every_problem_of_a_csv_file_is_reported_in_row_order() -> None:
    # given a file with a problem in nearly every row
    content = (
        "event,shipment,line,quantity,carton,weight_kg,sscc,carrier,tracking,date,colour\n"
        "picked,SH-1,1,-2,,,,,,,\n"
        "pickd,SH-1,2,2,,,,,,,\n"
        "packed,SH-1,1,2,A,5,006141410000000013,,,,\n"
        "packed,SH-1,2,2,A,6,,,,,\n"
        "shipped,SH-1,,,,,,DHL,,2026-11-31,\n"
        "delivered,,,,,,,,,2026-11-25,\n"
    )
    # when it is read, then every problem is listed together, header first, then by row
    assert problems("many.csv", content) == [
        "many.csv, row 1, column colour: unknown column 'colour'; the columns are event, "
        "shipment, line, quantity, carton, weight_kg, sscc, carrier, service, tracking, date, "
        "received_by, note",
        "many.csv, row 2, column quantity: expected a number of at least 0, got -2",
        "many.csv, row 3, column event: unknown event 'pickd' (did you mean 'picked'?); "
        "the events are picked, packed, shipped, delivered",
        "many.csv, row 4, column sscc: the SSCC check digit is 3 but the GS1 mod-10 check "
        "digit of 00614141000000001 is 2",
        "many.csv, row 5, column weight_kg: carton A has weight_kg 5 in row 4 but 6 here; "
        "give one value per carton",
        "many.csv, row 6, column tracking: tracking is missing: a shipped row needs it",
        "many.csv, row 6, column date: 2026-11-31 is not a calendar date "
        "(day is out of range for month)",
        "many.csv, row 7, column shipment: shipment is missing: a row needs it",
    ]


def test_every_problem_of_a_json_file_is_reported_by_path() -> None:
    # given a JSON file with problems at several depths
    content = json.dumps(
        {
            "confirmations": [
                {"event": "picked", "shipment": "SH-1", "lines": [{"line": "1", "quantity": -1}]},
                {
                    "event": "packed",
                    "shipment": "SH-1",
                    "cartons": [
                        {"sscc": "006141410000000013", "lines": []},
                        {"weight_kg": "heavy", "lines": [{"line": "1", "quantity": "1"}]},
                    ],
                },
                {"event": "shipped", "shipment": "SH-1", "carrier": "DHL"},
                {"event": "deliverd", "shipment": "SH-1"},
                "delivered",
            ],
            "sender": "3PL",
        }
    )
    # when it is read, then every problem is listed with its JSON path
    assert problems("many.json", content) == [
        "many.json, $.sender: unknown key 'sender'; the file has the keys confirmations",
        "many.json, $.confirmations[0].lines[0].quantity: expected a number of at least 0, got -1",
        "many.json, $.confirmations[1].cartons[0].sscc: the SSCC check digit is 3 but the GS1 "
        "mod-10 check digit of 00614141000000001 is 2",
        "many.json, $.confirmations[1].cartons[0].lines: lines is empty: a carton needs at "
        "least one entry",
        "many.json, $.confirmations[1].cartons[1].weight_kg: expected a decimal number like "
        "12.50 (a point before the decimals, no thousands separators), got 'heavy'",
        "many.json, $.confirmations[2].tracking: tracking is missing: a shipped confirmation "
        "needs it",
        "many.json, $.confirmations[3].event: unknown event 'deliverd' (did you mean "
        "'delivered'?); the events are picked, packed, shipped, delivered",
        "many.json, $.confirmations[4]: expected an object {...}, got delivered",
    ]


def test_issues_carry_the_offending_value() -> None:
    # given a bad quantity
    with pytest.raises(WarehouseFileError) as caught:
        read("v.csv", "event,shipment,line,quantity\npicked,SH-1,1,abc\n")
    # then the issue keeps the cell as written, and its row and column for tools
    (issue,) = caught.value.issues
    assert (issue.value, issue.location.row, issue.location.column) == ("abc", 2, "quantity")
    assert issue.location.file == "v.csv"


def test_a_huge_json_exponent_is_refused_without_writing_it_out() -> None:
    content = '{"confirmations": [{"event": "picked", "shipment": "SH-1", '
    content += '"lines": [{"line": "1", "quantity": 1e999999999}]}]}'
    assert problems("x.json", content) == [
        "x.json, $.confirmations[0].lines[0].quantity: expected a decimal number like 12.50 "
        "(a point before the decimals, no thousands separators), got '1E+999999999'"
    ]


def test_deeply_nested_json_is_refused_not_crashed() -> None:
    (problem,) = problems("deep.json", "[" * 200_000 + "]" * 200_000)
    assert problem == "deep.json, $: not readable as JSON: nested too deeply"


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".json"]))
def test_any_bytes_either_read_or_raise_a_warehouse_file_error(data: bytes, suffix: str) -> None:
    try:
        read_confirmations(Path(f"f{suffix}"), data)
    except WarehouseFileError as exc:
        assert exc.issues


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.sampled_from(["picked", "packed", "shipped", "delivered", "1", "2026-11-25", SSCC_1]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "event",
                    "shipment",
                    "lines",
                    "cartons",
                    "line",
                    "quantity",
                    "date",
                    "carrier",
                    "tracking",
                    "sscc",
                    "weight_kg",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(confirmations=st.lists(_JSON, max_size=4))
def test_any_json_confirmations_either_read_or_raise_a_warehouse_file_error(
    confirmations: list[object],
) -> None:
    content = json.dumps({"confirmations": confirmations})
    try:
        read_confirmations(Path("f.json"), content.encode("utf-8"))
    except WarehouseFileError as exc:
        assert exc.issues
