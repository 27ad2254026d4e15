"""Packing into cartons on worked examples: by weight rules, explicit packing and its files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gateway.errors import BusinessRuleError
from gateway.fulfilment.packing import (
    CartonLine,
    PackingRules,
    PackItem,
    pack_by_rules,
    pack_explicit,
    parse_packing,
    parse_packing_file,
)

D = Decimal
RULES = PackingRules(max_weight_kg=D(5), tare_kg=D("0.5"))
MUGS = PackItem(1, "1", "MUG", D(30), D("0.4"))
PLATES = PackItem(2, "2", "PLATE", D(5), D(1))


def quantities(plan_cartons: tuple[tuple[CartonLine, ...], ...]) -> list[list[tuple[str, int]]]:
    return [[(line.line_number, int(line.quantity)) for line in lines] for lines in plan_cartons]


def test_line_is_split_across_cartons_at_the_weight_limit() -> None:
    # given 30 mugs of 0.4 kg, a 5 kg limit and a 0.5 kg carton: 4.5 kg of room = 11 mugs
    # when packed by rules
    plan = pack_by_rules([MUGS], RULES)
    # then cartons of 11, 11 and 8 mugs weigh 0.5 + 4.4 = 4.9, 4.9 and 0.5 + 3.2 = 3.7 kg
    assert quantities(tuple(c.lines for c in plan.cartons)) == [
        [("1", 11)],
        [("1", 11)],
        [("1", 8)],
    ]
    assert [c.weight_kg for c in plan.cartons] == [D("4.9"), D("4.9"), D("3.7")]
    assert plan.warnings == ()


def test_next_line_fills_the_room_left_in_the_open_carton() -> None:
    # given 5 mugs (2.0 kg) then 5 plates of 1 kg, limit 5 kg, tare 0.5 kg
    mugs = PackItem(1, "1", "MUG", D(5), D("0.4"))
    # when packed by rules
    plan = pack_by_rules([mugs, PLATES], RULES)
    # then 2 plates join the mugs (0.5 + 2.0 + 2.0 = 4.5 kg; a third would make 5.5) and
    # the other 3 plates fill a second carton (0.5 + 3.0 = 3.5 kg)
    assert quantities(tuple(c.lines for c in plan.cartons)) == [
        [("1", 5), ("2", 2)],
        [("2", 3)],
    ]
    assert [c.weight_kg for c in plan.cartons] == [D("4.5"), D("3.5")]
    assert plan.cartons[0].lines[1] == CartonLine(2, "2", "PLATE", D(2))


def test_items_that_ship_alone_get_a_carton_per_unit() -> None:
    # given 2 television sets that ship alone (8 kg each) between mugs and plates
    tv = PackItem(3, "3", "TV", D(2), D(8), ships_alone=True)
    mugs = PackItem(1, "1", "MUG", D(3), D("0.4"))
    # when packed by rules (limit 20 kg)
    plan = pack_by_rules([mugs, tv, PLATES], PackingRules())
    # then mugs and plates share a carton and each set has its own (8 + 0.5 kg), after it
    assert quantities(tuple(c.lines for c in plan.cartons)) == [
        [("1", 3), ("2", 5)],
        [("3", 1)],
        [("3", 1)],
    ]
    assert [c.weight_kg for c in plan.cartons] == [D("6.7"), D("8.5"), D("8.5")]
    assert plan.warnings == ()


def test_unit_heavier_than_the_limit_goes_alone_with_a_warning() -> None:
    # given 2 anvils of 25 kg and a 20 kg limit, between two lines of light goods
    anvils = PackItem(4, "4", "ANVIL", D(2), D(25))
    mugs = PackItem(1, "1", "MUG", D(2), D("0.4"))
    # when packed by rules
    plan = pack_by_rules([mugs, anvils, PLATES], PackingRules())
    # then each anvil travels alone (25.5 kg) and a warning names the line, SKU and weight
    assert quantities(tuple(c.lines for c in plan.cartons)) == [
        [("1", 2), ("2", 5)],
        [("4", 1)],
        [("4", 1)],
    ]
    assert plan.cartons[1].weight_kg == D("25.5")
    assert len(plan.warnings) == 1
    assert "line 4 (SKU ANVIL)" in plan.warnings[0]
    assert "25.5 kg, over the 20 kg" in plan.warnings[0]


def test_unknown_weight_counts_as_zero_with_a_warning() -> None:
    # given 100 pens whose weight the item master does not know
    pens = PackItem(5, "5", "PEN", D(100), None)
    # when packed by rules
    plan = pack_by_rules([pens], RULES)
    # then they all fit one carton weighing its tare, and a warning says why
    assert quantities(tuple(c.lines for c in plan.cartons)) == [[("5", 100)]]
    assert plan.cartons[0].weight_kg == D("0.5")
    assert plan.warnings == (
        "line 5 (SKU PEN) has no weight per unit in the item master; it was counted as 0 kg, "
        "so carton weights are too low: add weight_kg to the item",
    )


def test_carton_weight_is_rounded_to_three_decimals() -> None:
    # given 3 units of 0.3333 kg: 0.5 + 0.9999 = 1.4999 kg
    item = PackItem(6, "6", "BOLT", D(3), D("0.3333"))
    # when packed by rules, then the weight is rounded half up to grams
    assert pack_by_rules([item], RULES).cartons[0].weight_kg.as_tuple().exponent == -3
    assert pack_by_rules([item], RULES).cartons[0].weight_kg == D("1.500")


def test_lines_with_nothing_to_pack_make_no_carton() -> None:
    # given a line with 0 units, when packed, then there is no carton and no warning
    plan = pack_by_rules([PackItem(7, "7", "X", D(0), None)], RULES)
    assert plan.cartons == ()
    assert plan.warnings == ()


def test_fraction_of_a_base_unit_is_refused() -> None:
    # given 2.5 base units to pack
    item = PackItem(1, "1", "MUG", D("2.5"), D("0.4"))
    # when packed, then the error names the line, SKU and quantity
    with pytest.raises(BusinessRuleError, match=r"line 1 \(SKU MUG\) has 2\.5 base units"):
        pack_by_rules([item], RULES)


def test_explicit_packing_that_adds_up_is_kept_as_given() -> None:
    # given 12 mugs and 12 plates, packed by a person as 1:12,2:6 and 2:6
    items = [PackItem(1, "1", "MUG", D(12), D("0.4")), PackItem(2, "2", "PLATE", D(12), D(1))]
    # when the packing is checked (limit 20 kg)
    plan = pack_explicit(items, parse_packing("1:12,2:6;2:6"), PackingRules())
    # then the cartons are as given: 0.5 + 4.8 + 6 = 11.3 kg and 0.5 + 6 = 6.5 kg
    assert quantities(tuple(c.lines for c in plan.cartons)) == [[("1", 12), ("2", 6)], [("2", 6)]]
    assert [c.weight_kg for c in plan.cartons] == [D("11.3"), D("6.5")]
    assert plan.cartons[0].lines[0] == CartonLine(1, "1", "MUG", D(12))
    assert plan.warnings == ()


def test_explicit_packing_over_a_line_quantity_says_by_how_much() -> None:
    # given 12 mugs packed as 10 + 4
    items = [PackItem(1, "1", "MUG", D(12), D("0.4"))]
    # when checked, then the error says the line is 2 over
    with pytest.raises(BusinessRuleError) as raised:
        pack_explicit(items, [{"1": D(10)}, {"1": D(4)}], RULES)
    assert "line 1 (SKU MUG) is packed 14 but 12 are to be packed (2 over)" in str(raised.value)
    assert [issue.code for issue in raised.value.issues] == ["packing.over"]


def test_explicit_packing_short_of_a_line_quantity_says_by_how_much() -> None:
    # given 12 mugs and 5 plates of which only 10 mugs are packed and the plates forgotten
    items = [PackItem(1, "1", "MUG", D(12), D("0.4")), PLATES]
    # when checked, then both lines are reported short at once
    with pytest.raises(BusinessRuleError) as raised:
        pack_explicit(items, [{"1": D(10)}], RULES)
    message = str(raised.value)
    assert "line 1 (SKU MUG) is packed 10 but 12 are to be packed (2 short)" in message
    assert "line 2 (SKU PLATE) is packed 0 but 5 are to be packed (5 short)" in message
    assert [issue.code for issue in raised.value.issues] == ["packing.short", "packing.short"]


def test_explicit_packing_naming_an_unknown_line_is_refused() -> None:
    # given a carton naming line 9, which is not among the lines to pack
    # when checked, then the error names the carton, the line and the known lines
    with pytest.raises(BusinessRuleError, match=r"carton 2 names line 9.*\(lines: 1, 2\)"):
        pack_explicit([MUGS, PLATES], [{"1": D(30), "2": D(5)}, {"9": D(1)}], RULES)


def test_explicit_carton_of_a_fraction_is_refused() -> None:
    with pytest.raises(BusinessRuleError, match=r"carton 1 has 1\.5 of line 2"):
        pack_explicit([PLATES], [{"2": D("1.5")}, {"2": D("3.5")}], RULES)


def test_explicit_carton_over_the_weight_limit_is_only_a_warning() -> None:
    # given all 30 mugs (12 kg) in one carton against a 5 kg limit
    # when checked, then the person's decision stands with a warning
    plan = pack_explicit([MUGS], [{"1": D(30)}], RULES)
    assert [c.weight_kg for c in plan.cartons] == [D("12.5")]
    assert plan.warnings == (
        "carton 1 weighs 12.5 kg, over the 5 kg carton limit (packed as given)",
    )


def test_packing_text_allows_spaces() -> None:
    # given the command-line form with spaces around separators
    # when parsed, then each carton maps line numbers to quantities
    assert parse_packing(" 1 : 12 , 2:6 ; 2: 6") == ({"1": D(12), "2": D(6)}, {"2": D(6)})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1:12,2-6", r"carton 1, entry 2: expected line:quantity like 1:12, got '2-6'"),
        ("1:12;", r"carton 2, entry 1: expected line:quantity"),
        ("1:twelve", r"carton 1, entry 1: expected a quantity .* got 'twelve'"),
        ("1:0", r"carton 1, entry 1: expected a quantity of whole base units above 0"),
        ("1:-3", r"got '-3'"),
        ("1:6,1:6", r"carton 1, entry 2: line 1 is named twice in one carton"),
    ],
)
def test_bad_packing_text_says_where_and_what_was_expected(text: str, expected: str) -> None:
    # given a mistyped packing, when parsed, then the error names carton and entry
    with pytest.raises(BusinessRuleError, match=expected):
        parse_packing(text)


def test_packing_json_file_is_read(tmp_path: Path) -> None:
    # given a JSON packing file with numbers and a quoted quantity
    path = tmp_path / "packing.json"
    path.write_text('{"cartons": [{"lines": {"1": 12, "2": 6}}, {"lines": {"2": "6"}}]}')
    # when read, then it gives the same cartons as the command-line form
    assert parse_packing_file(path) == parse_packing("1:12,2:6;2:6")


def test_packing_json_file_with_a_bad_quantity_names_file_and_carton(tmp_path: Path) -> None:
    path = tmp_path / "packing.json"
    path.write_text('{"cartons": [{"lines": {"1": 12}}, {"lines": {"2": true}}]}')
    with pytest.raises(BusinessRuleError) as raised:
        parse_packing_file(path)
    assert str(raised.value).startswith(f"{path}: carton 2, line 2: expected a quantity")
    assert raised.value.location is not None
    assert raised.value.location.file == str(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"cartons": [', "not valid JSON at line 1, column 14"),
        ('{"boxes": []}', 'no list of cartons at the top; expected {"cartons"'),
        ('{"cartons": [{"lines": {}}]}', "carton 1 has no object of lines"),
    ],
)
def test_packing_json_file_of_the_wrong_shape_says_what_was_expected(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "packing.json"
    path.write_text(content)
    with pytest.raises(BusinessRuleError, match=expected):
        parse_packing_file(path)


def test_packing_csv_file_groups_rows_by_carton(tmp_path: Path) -> None:
    # given a CSV saved by a spreadsheet (byte order mark, CRLF, a blank line)
    path = tmp_path / "packing.csv"
    path.write_bytes(b"\xef\xbb\xbfcarton,line,quantity\r\n1,1,12\r\n1,2,6\r\n\r\n2,2,6\r\n")
    # when read, then rows of the same carton form one carton, in order of appearance
    assert parse_packing_file(path) == ({"1": D(12), "2": D(6)}, {"2": D(6)})


def test_packing_csv_file_with_a_bad_row_names_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "packing.csv"
    path.write_text("carton,line,quantity\n1,1,12\n1,2,6.5x\n")
    with pytest.raises(BusinessRuleError) as raised:
        parse_packing_file(path)
    assert str(raised.value) == (
        f"{path}, row 3: carton 1, line 2: expected a quantity of whole base units above 0 "
        "like 12, got '6.5x'"
    )
    assert raised.value.location is not None
    assert raised.value.location.row == 3


def test_packing_csv_file_needs_its_header(tmp_path: Path) -> None:
    path = tmp_path / "packing.csv"
    path.write_text("1,1,12\n")
    with pytest.raises(BusinessRuleError, match=r"row 1: expected the header carton,line,quantity"):
        parse_packing_file(path)


def test_packing_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "packing.txt"
    path.write_text("1:12")
    with pytest.raises(BusinessRuleError, match=r"ending in \.json or \.csv, got packing\.txt"):
        parse_packing_file(path)


def test_missing_packing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(BusinessRuleError, match="cannot read the packing file"):
        parse_packing_file(tmp_path / "absent.csv")
