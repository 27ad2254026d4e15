"""855, 856 and 810 out: canonical documents render as X12 bodies checked line by line."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.errors import ConfigError, MappingError
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import X12Delimiters
from gateway.formats.x12_writer import render_segments
from gateway.mapping import MappingSet
from gateway.mapping.build_outbound import OutboundBuilder
from gateway.mapping.converters import (
    ConversionError,
    OutContext,
    inbound_converters,
    outbound_converters,
)
from gateway.mapping.outbound import OutboundMapping
from gateway.mapping.rules import BuildContext
from gateway.mapping.x12_converters import (
    render_gtin_qualifier,
    render_sscc_with_ai,
    render_x12_decimal,
    render_x12_n2,
    render_x12_percent,
)
from gateway.model import (
    AllowanceCharge,
    AllowanceOrCharge,
    Invoice,
    InvoiceLine,
    LineStatus,
    OrderResponse,
    Package,
    Party,
    ResponseLine,
    ResponseStatus,
    ShipNotice,
    ShipNoticeLine,
    TaxLine,
)

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
EXPECTED = Path(__file__).resolve().parent / "expected" / "x12"
LINES = X12Delimiters(suffix="\n")
VERSIONS = ("004010", "005010")
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(MAPPINGS)


def body_text(segments: list[Segment]) -> str:
    """The body as the expected files hold it: one segment per line, '*' and '~'."""
    return render_segments(segments, LINES)


def expected(name: str) -> str:
    """A reviewed rendering kept beside the tests."""
    path = EXPECTED / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: write the rendering there once and review it")
    return path.read_text(encoding="ascii")


def elements(segments: list[Segment], tag: str) -> list[list[str]]:
    """Each segment with the tag as its list of (first-component) element values."""
    return [[e[0] for e in s.elements] for s in segments if s.tag == tag]


BUYER = Party(
    id="0003947268292",
    id_scheme="DUNS+4",
    name="XYZ RETAIL",
    street="31875 SOLON RD",
    city="SOLON",
    state="OH",
    postal_code="44139",
    country="US",
)
SELLER = Party(id="5412345000013", id_scheme="GLN", name="ACME WIDGETS", city="DAYTON")
SHIP_TO = Party(id="0012", id_scheme="buyer", name="XYZ STORE 12", city="ATLANTA", state="GA")


# --- 855 ---------------------------------------------------------------------------------


def order_response() -> OrderResponse:
    """An accepted, a changed (quantity), a backordered (with date) and a rejected line."""
    day = date(2024, 3, 8)
    return OrderResponse(
        response_number="SO-5521",
        order_number="08292233294",
        order_date=date(2024, 3, 1),
        issue_date=date(2024, 3, 2),
        status=ResponseStatus.ACCEPTED_WITH_CHANGES,
        currency="USD",
        buyer=BUYER,
        seller=SELLER,
        ship_to=SHIP_TO,
        lines=(
            ResponseLine(
                "1", LineStatus.ACCEPTED, Decimal("120"), Decimal("120"), gtin="012345678905",
                buyer_part="065322-117", seller_part="AB3542", description="SMALL WIDGET",
                uom="EA", unit_price=Decimal("9.25"), confirmed_delivery_date=day,
            ),
            ResponseLine(
                "2", LineStatus.CHANGED, Decimal("220"), Decimal("200"), gtin="4006381333931",
                uom="EA", unit_price=Decimal("13.79"), confirmed_delivery_date=day,
            ),
            ResponseLine(
                "3", LineStatus.BACKORDERED, Decimal("126"), Decimal("100"),
                seller_part="XY5266", uom="EA", unit_price=Decimal("10.90"),
                confirmed_delivery_date=day, backordered_quantity=Decimal("26"),
                backorder_date=date(2024, 3, 22),
            ),
            ResponseLine(
                "4", LineStatus.REJECTED, Decimal("76"), Decimal("0"), gtin="10012345678902",
                uom="CA", unit_price=Decimal("4.35"),
            ),
        ),
    )  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_order_response_renders_the_reviewed_855_body(mappings: MappingSet, version: str) -> None:
    # given an order response with four kinds of line
    mapping = mappings.outbound("order_response", "X12", "855", version)
    # when rendered
    text = body_text(mapping.apply(order_response()))
    # then it is line for line the reviewed file
    assert text == expected(f"855_{version}.txt")


def test_backordered_line_gets_an_accepted_and_a_backordered_ack(mappings: MappingSet) -> None:
    # given the line 3 of 126 of which 100 are confirmed and 26 come on 22 March
    mapping = mappings.outbound("order_response", "X12", "855", "004010")
    # when rendered
    acks = elements(mapping.apply(order_response()), "ACK")
    # then ACK IA for the confirmed part and ACK IB with the rest and its date follow each
    # other; the rejected line has no date pair (ACK04/ACK05 are written together or not)
    assert acks == [
        ["IA", "120", "EA", "067", "20240308"],
        ["IC", "200", "EA", "067", "20240308"],
        ["IA", "100", "EA", "067", "20240308"],
        ["IB", "26", "EA", "067", "20240322"],
        ["IR", "0", "CA"],
    ]


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (ResponseStatus.ACCEPTED, "AD"),
        (ResponseStatus.ACCEPTED_WITH_CHANGES, "AC"),
        (ResponseStatus.REJECTED, "RD"),
    ],
)
def test_bak02_follows_the_response_status(
    mappings: MappingSet, status: ResponseStatus, code: str
) -> None:
    mapping = mappings.outbound("order_response", "X12", "855", "005010")
    bak = elements(mapping.apply(replace(order_response(), status=status)), "BAK")
    assert bak == [["00", code, "08292233294", "20240301", "", "", "", "SO-5521", "20240302"]]


def test_id_pairs_are_packed_and_the_gtin_qualifier_follows_its_length(
    mappings: MappingSet,
) -> None:
    # given lines with a GTIN-12 and all ids, a GTIN-13 alone, a seller part alone, a GTIN-14
    mapping = mappings.outbound("order_response", "X12", "855", "004010")
    # when rendered
    po1 = [row[4:] for row in elements(mapping.apply(order_response()), "PO1")]
    # then PO105 is empty and PO106 on holds only complete qualifier/id pairs, packed
    assert po1 == [
        ["", "UP", "012345678905", "IN", "065322-117", "VN", "AB3542"],
        ["", "EN", "4006381333931"],
        ["", "VN", "XY5266"],
        ["", "UK", "10012345678902"],
    ]


def test_a_party_id_without_a_scheme_is_a_problem_not_a_lone_n104(mappings: MappingSet) -> None:
    # given a buyer id with no scheme: N103/N104 must be written together (P0304)
    response = replace(order_response(), buyer=Party(id="777", name="NO SCHEME"))
    mapping = mappings.outbound("order_response", "X12", "855", "004010")
    # when rendered / then the mapping refuses with the segment and the field
    with pytest.raises(MappingError) as caught:
        mapping.apply(response)
    issue = caught.value.issues[0]
    assert issue.code == "mapping.pair"
    assert issue.location.segment_tag == "N1"
    assert "{buyer.id}" in issue.message


# --- 856 ---------------------------------------------------------------------------------

PALLETS = ("000123450000000017", "000123450000000024")
CARTONS = ("000123450000000031", "000123450000000048", "000123450000000055", "000123450000000062")


def item(number: str, gtin: str, quantity: str, **more: str) -> ShipNoticeLine:
    return ShipNoticeLine(number, Decimal(quantity), gtin=gtin, uom="EA", **more)


def ship_notice() -> ShipNotice:
    """Two pallets, each holding two cartons; the cartons hold the lines."""
    carton_lines = (
        (item("1", "012345678905", "24", buyer_part="065322-117"),),
        (item("1", "012345678905", "24"), item("2", "4006381333931", "6", batch="L2024-07")),
        (item("3", "012345678912", "12", seller_part="XY5266"),),
        (item("3", "012345678912", "12"),),
    )
    pallets = tuple(
        Package(sscc, (), gross_weight_kg=Decimal("310.5"), package_type="PX") for sscc in PALLETS
    )
    cartons = tuple(
        Package(sscc, lines, gross_weight_kg=Decimal("12.25"), package_type="CT",
                parent_sscc=PALLETS[index // 2])
        for index, (sscc, lines) in enumerate(zip(CARTONS, carton_lines, strict=True))
    )  # fmt: skip
    return ShipNotice(
        notice_number="ASN-2024-88",
        order_number="08292233294",
        order_date=date(2024, 3, 1),
        issue_date=date(2024, 3, 4),
        ship_date=date(2024, 3, 4),
        estimated_delivery_date=date(2024, 3, 6),
        carrier="FFRT",
        carrier_scheme="SCAC",
        carrier_name="FAST FREIGHT",
        transport_mode="30",
        tracking_number="PRO778899",
        bill_of_lading="BOL-55120",
        department="038",
        vendor_number="V-1207",
        buyer=BUYER,
        seller=SELLER,
        ship_to=SHIP_TO,
        packages=(pallets[0], *cartons[:2], pallets[1], *cartons[2:]),
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("hierarchy", ["SOPI", "SOI"])
def test_ship_notice_renders_the_reviewed_856_body(
    mappings: MappingSet, version: str, hierarchy: str
) -> None:
    # given two pallets of cartons, and the partner's hierarchy as the mapping variant
    mapping = mappings.outbound("ship_notice", "X12", "856", version, variant=hierarchy)
    # when rendered
    text = body_text(mapping.apply(ship_notice()))
    # then it is line for line the reviewed file
    assert text == expected(f"856_{version}_{hierarchy}.txt")


def test_sopi_hl_numbers_count_every_level_and_point_at_the_parent(mappings: MappingSet) -> None:
    # given two pallets of two cartons each, five lines in all
    mapping = mappings.outbound("ship_notice", "X12", "856", "004010", variant="SOPI")
    # when rendered
    hls = elements(mapping.apply(ship_notice()), "HL")
    # then HL01 runs 1.. over all levels, HL02 is the parent's HL01, HL04 says whether a
    # subordinate HL follows
    assert hls == [
        ["1", "", "S", "1"],
        ["2", "1", "O", "1"],
        ["3", "2", "T", "1"],
        ["4", "3", "P", "1"],
        ["5", "4", "I", "0"],
        ["6", "3", "P", "1"],
        ["7", "6", "I", "0"],
        ["8", "6", "I", "0"],
        ["9", "2", "T", "1"],
        ["10", "9", "P", "1"],
        ["11", "10", "I", "0"],
        ["12", "9", "P", "1"],
        ["13", "12", "I", "0"],
    ]


def test_soi_puts_every_line_under_the_order_with_its_carton_sscc(mappings: MappingSet) -> None:
    # given the same notice for a partner on the standard carton pack hierarchy
    mapping = mappings.outbound("ship_notice", "X12", "856", "005010", variant="SOI")
    # when rendered
    body = mapping.apply(ship_notice())
    # then S, O and five items under the order, each item followed by its carton's SSCC
    assert elements(body, "HL") == [
        ["1", "", "S", "1"],
        ["2", "1", "O", "1"],
        *[[str(n), "2", "I", "0"] for n in range(3, 8)],
    ]
    assert [m[1] for m in elements(body, "MAN")] == [
        "00" + CARTONS[0], "00" + CARTONS[1], "00" + CARTONS[1], "00" + CARTONS[2],
        "00" + CARTONS[3],
    ]  # fmt: skip
    assert elements(body, "BSN")[0][4] == "0004"
    assert elements(body, "CTT") == [["7"]]


def test_an_empty_package_has_no_subordinate_hl(mappings: MappingSet) -> None:
    # given a pallet with nothing on it, before a carton straight under the order
    notice = replace(
        ship_notice(),
        packages=(Package(PALLETS[0], (), package_type="PX"),
                  Package(CARTONS[0], (item("1", "012345678905", "1"),), package_type="CT")),
    )  # fmt: skip
    mapping = mappings.outbound("ship_notice", "X12", "856", "004010", variant="SOPI")
    # when rendered / then the pallet's HL04 is 0 and the carton hangs from the order
    assert elements(mapping.apply(notice), "HL")[2:] == [
        ["3", "2", "T", "0"],
        ["4", "2", "P", "1"],
        ["5", "4", "I", "0"],
    ]


def test_no_variant_gives_the_default_hierarchy_and_an_unknown_one_is_refused(
    mappings: MappingSet,
) -> None:
    # given the 856 mappings (default_variant = "SOPI")
    # when looked up without a variant / then the S/O/P/I mapping answers
    default = mappings.outbound("ship_notice", "X12", "856", "004010")
    assert default.variant == "SOPI"
    assert default is mappings.outbound("ship_notice", "X12", "856", "004010", variant="SOPI")
    # and an unknown variant is refused, naming the message and the variant
    with pytest.raises(MappingError) as unknown:
        mappings.outbound("ship_notice", "X12", "856", "004010", variant="SIO")
    assert "no outbound mapping for ship_notice X12 856 004010 variant SIO" in (
        unknown.value.message
    )


def test_a_default_variant_that_does_not_exist_is_a_start_up_problem(tmp_path: Path) -> None:
    # given a partner 856 override whose default_variant names no variant
    root = tmp_path / "mappings"
    for path in MAPPINGS.rglob("*.*"):
        destination = root / path.relative_to(MAPPINGS)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(path.read_bytes())
    override = root / "partners" / "acme" / "856_004010.out.toml"
    override.parent.mkdir(parents=True)
    override.write_text('[mapping]\ndefault_variant = "SOTPI"\n', encoding="utf-8")
    # when loaded / then the file and the variants that exist are named
    with pytest.raises(ConfigError) as caught:
        MappingSet.load(root, partner_ids=["acme"])
    assert list(caught.value.problems) == [
        "mappings/partners/acme/856_004010.out.toml: mapping.default_variant: 'SOTPI' is not"
        " a variant of X12 856 004010 (variants: SOI, SOPI)"
    ]


def test_a_message_without_variants_ignores_the_variant(mappings: MappingSet) -> None:
    # given the 855 (no variants) asked for with the partner's 856 hierarchy
    mapping = mappings.outbound("order_response", "X12", "855", "004010", variant="SOPI")
    # then the one 855 mapping answers
    assert mapping.message_type == "855"
    assert mapping.variant is None


# --- 810 ---------------------------------------------------------------------------------

STANDARD = ("S", Decimal("19"))
REDUCED = ("AA", Decimal("7"))


def tax(category: str, rate: Decimal, taxable: Decimal) -> TaxLine:
    return TaxLine(category, rate, taxable, (taxable * rate / 100).quantize(CENT))


def invoice() -> Invoice:
    """Two lines at two VAT rates and a freight charge at the standard rate."""
    lines = (
        InvoiceLine("1", Decimal("24"), Decimal("9.25"), Decimal("222.00"), gtin="012345678905",
                    buyer_part="065322-117", description="SMALL WIDGET", uom="EA",
                    tax=tax(*STANDARD, Decimal("222.00"))),
        InvoiceLine("2", Decimal("6"), Decimal("13.79"), Decimal("82.74"), gtin="4006381333931",
                    uom="EA", tax=tax(*REDUCED, Decimal("82.74"))),
    )  # fmt: skip
    freight = AllowanceCharge(
        AllowanceOrCharge.CHARGE, Decimal("25.00"), "FC", tax(*STANDARD, Decimal("25.00"))
    )
    taxes = (tax(*STANDARD, Decimal("247.00")), tax(*REDUCED, Decimal("82.74")))
    net = Decimal("329.74")
    tax_total = sum((t.amount for t in taxes), Decimal(0))
    return Invoice(
        invoice_number="INV-2024-301",
        order_number="08292233294",
        order_date=date(2024, 3, 1),
        issue_date=date(2024, 3, 5),
        delivery_date=date(2024, 3, 6),
        ship_date=date(2024, 3, 4),
        department="038",
        vendor_number="V-1207",
        ship_notice_number="ASN-2024-88",
        currency="USD",
        due_date=date(2024, 4, 4),
        payment_terms_days=30,
        payment_terms_text="NET 30",
        buyer=BUYER,
        seller=replace(SELLER, tax_id="BE0123456789"),
        bill_to=BUYER,
        ship_to=SHIP_TO,
        lines=lines,
        allowances_charges=(freight,),
        taxes=taxes,
        lines_total=Decimal("304.74"),
        allowance_charge_total=Decimal("25.00"),
        net_total=net,
        tax_total=tax_total,
        gross_total=net + tax_total,
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_invoice_renders_the_reviewed_810_body(mappings: MappingSet, version: str) -> None:
    # given an invoice with two tax rates and freight
    mapping = mappings.outbound("invoice", "X12", "810", version)
    # when rendered
    text = body_text(mapping.apply(invoice()))
    # then it is line for line the reviewed file
    assert text == expected(f"810_{version}.txt")


def test_tds_is_the_payable_total_in_cents_and_sac_the_freight(mappings: MappingSet) -> None:
    # given gross total 329.74 + 46.93 + 5.79 = 382.46 and freight of 25.00
    body = mappings.outbound("invoice", "X12", "810", "004010").apply(invoice())
    # then TDS01 and SAC05 are N2 (implied decimals) and SAC02 is D240 freight
    assert elements(body, "TDS") == [["38246"]]
    assert elements(body, "SAC") == [["C", "D240", "", "", "2500"]]
    # and every TXI writes the rate as a decimal fraction with its taxable amount
    rates = [(t[2], t[7]) for t in elements(body, "TXI")]
    assert rates == [(".19", "222"), (".07", "82.74"), (".19", "247"), (".07", "82.74"),
                     (".19", "25")]  # fmt: skip


def test_an_amount_with_fractions_of_a_cent_is_refused_not_rounded(mappings: MappingSet) -> None:
    # given a payable total of 382.465
    bad = replace(invoice(), gross_total=Decimal("382.465"))
    # when rendered / then TDS01 cannot carry it
    with pytest.raises(MappingError) as caught:
        mappings.outbound("invoice", "X12", "810", "004010").apply(bad)
    assert [i.location.segment_tag for i in caught.value.issues] == ["TDS"]
    assert "more than two decimal places" in caught.value.issues[0].message


def test_an_unknown_allowance_reason_is_a_problem_naming_the_code_table(
    mappings: MappingSet,
) -> None:
    # given a charge whose UNCL 7161 reason has no X12 1300 code in the table
    odd = AllowanceCharge(AllowanceOrCharge.CHARGE, Decimal("5"), "XYZ")
    bad = replace(invoice(), allowances_charges=(odd,))
    with pytest.raises(MappingError) as caught:
        mappings.outbound("invoice", "X12", "810", "005010").apply(bad)
    assert "x12_service_charge_1300" in caught.value.issues[0].message


# --- converters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("12.50"), "12.5"), (Decimal("120.00"), "120"), (Decimal("0.19"), ".19"),
     (Decimal("-0.5"), "-.5"), (Decimal("0"), "0"), (Decimal("0.00"), "0"), (7, "7"),
     (Decimal("1E+3"), "1000")],
)  # fmt: skip
def test_r_values_suppress_leading_and_trailing_zeros(value: Decimal, text: str) -> None:
    assert render_x12_decimal(value, OutContext()) == text


def test_n2_percent_gtin_and_sscc_renderings() -> None:
    assert render_x12_n2(Decimal("1234.5"), OutContext()) == "123450"
    assert render_x12_n2(Decimal("-0.05"), OutContext()) == "-5"
    assert render_x12_percent(Decimal("19"), OutContext()) == ".19"
    assert render_x12_percent(Decimal("100"), OutContext()) == "1"
    assert render_gtin_qualifier("012345678905", OutContext()) == "UP"
    assert render_gtin_qualifier("4006381333931", OutContext()) == "EN"
    assert render_gtin_qualifier("10012345678902", OutContext()) == "UK"
    assert render_sscc_with_ai(PALLETS[0], OutContext()) == "00" + PALLETS[0]
    for bad in ("12345678", "ABC123456789"):
        with pytest.raises(ConversionError):
            render_gtin_qualifier(bad, OutContext())
    with pytest.raises(ConversionError):
        render_sscc_with_ai("12345", OutContext())


def test_a_gtin_without_an_x12_qualifier_is_reported_once(mappings: MappingSet) -> None:
    # given a GTIN-8, for which the mapping has no 235 qualifier
    response = order_response()
    odd = replace(response.lines[1], gtin="96385074")
    mapping = mappings.outbound("order_response", "X12", "855", "004010")
    # when rendered / then one problem, at PO1, about the GTIN (not also a lone value)
    with pytest.raises(MappingError) as caught:
        mapping.apply(replace(response, lines=(odd,)))
    assert [(i.code, i.location.segment_tag) for i in caught.value.issues] == [
        ("mapping.gtin", "PO1")
    ]


# --- engine: what a mapping file may say ---------------------------------------------------

X12_HEADER = """
[mapping]
standard = "X12"
message_type = "856"
version = "004010"
direction = "out"
document = "ship_notice"
"""


def build(text: str) -> tuple[OutboundMapping | None, list[str]]:
    context = BuildContext(inbound_converters(), outbound_converters(), {})
    builder = OutboundBuilder(context)
    return builder.build(tomllib.loads(X12_HEADER + text), "test.toml"), builder.problems


@pytest.mark.parametrize(
    ("segment_text", "problem"),
    [
        ('["MAN", "GM", "{@hl_child}"]', "{@hl_child} is HL04 and belongs in an HL segment"),
        ('["LIN", "1", { pairs = [["UP"]] }]', "must be a list of [qualifier, value] pairs"),
        ('["MAN", { pairs = [["GM", "{package.ssc}"]] }]', "Package has no field 'ssc'"),
        ('["MAN", { pair = [["GM", "{package.sscc}"]] }]', "pair: unknown key"),
    ],
)
def test_bad_x12_templates_are_start_up_problems(segment_text: str, problem: str) -> None:
    # given a segment in the package loop that cannot work
    text = f'[segments.x]\nfor_each = "package in packages"\nsegment = {segment_text}\n'
    # when built / then the problem is named
    mapping, problems = build(text)
    assert mapping is None
    assert any(problem in p for p in problems), problems


def test_an_empty_for_each_list_is_a_problem() -> None:
    _, problems = build('[segments.x]\nfor_each = []\nsegment = ["HL", "1"]\n')
    assert problems == ["test.toml: segments.x.for_each: an empty list names no loop"]


def test_a_loop_counted_by_a_tag_numbers_entries_as_that_tag_is_written() -> None:
    # given HL levels for packages counted by HL, and a line HL under each
    mapping, problems = build(
        '[segments.top]\nsegment = ["HL", "{@count:HL}", "", "S", "{@hl_child}"]\n'
        '[segments.pack]\nfor_each = "package in packages"\n'
        'number = { from = "HL", key = "sscc", parent = "parent_sscc", root = "1" }\n'
        'segment = ["HL", "{package@number}", "{package@parent}", "P", "{@hl_child}"]\n'
        '[segments.line]\nfor_each = "line in package.lines"\n'
        'segment = ["HL", "{@count:HL}", "{package@number}", "I", "{@hl_child}"]\n'
    )
    assert problems == []
    assert mapping is not None
    notice = replace(
        ship_notice(),
        packages=(
            Package(PALLETS[0], (item("1", "012345678905", "1"), item("2", "012345678912", "1"))),
            Package(CARTONS[0], (item("3", "012345678929", "1"),), parent_sscc=PALLETS[0]),
        ),
    )
    # when rendered / then the pallet is 2, its lines 3 and 4, the carton 5 under 2, its line 6
    assert elements(mapping.apply(notice), "HL") == [
        ["1", "", "S", "1"],
        ["2", "1", "P", "1"],
        ["3", "2", "I", "0"],
        ["4", "2", "I", "0"],
        ["5", "2", "P", "1"],
        ["6", "5", "I", "0"],
    ]
