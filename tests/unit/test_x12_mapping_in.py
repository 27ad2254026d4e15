"""850 in: the corpus purchase orders (003010, 004010VICS, 005010) map field by field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.errors import ConfigError, MappingError
from gateway.formats.segments import Segment, segment
from gateway.mapping import MappingSet
from gateway.mapping.converters import ConversionError, InContext
from gateway.mapping.selectors import Picked, parse_selector
from gateway.mapping.x12_converters import convert_x12_date, convert_x12_decimal, convert_x12_n2
from gateway.model import OrderLine, Party, PurchaseOrder

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"


@dataclass(frozen=True)
class TransactionSet:
    """ST .. SE of one set, with the GS08 version of its group."""

    version: str
    segments: list[Segment]


def read_sets(data: bytes) -> list[TransactionSet]:
    """A test-only X12 splitter: delimiters from the fixed-width ISA, positions from ISA = 1."""
    text = data.decode("ascii")
    element, component, terminator = text[3], text[104], text[105]
    segments: list[Segment] = []
    for chunk in text.split(terminator):
        raw = chunk.strip("\r\n")
        if not raw:
            continue
        parts = raw.split(element)
        elements = tuple(tuple(p.split(component)) if p else ("",) for p in parts[1:])
        if parts[0] == "ISA":  # ISA16 is the component separator itself, not a composite
            elements = tuple((p,) for p in parts[1:])
        segments.append(Segment(parts[0], elements, len(segments) + 1))
    sets: list[TransactionSet] = []
    version, current = "", list[Segment]()
    for seg in segments:
        if seg.tag == "GS":
            version = seg.value(8) or ""
        elif seg.tag == "ST":
            current = [seg]
        elif current:
            current.append(seg)
            if seg.tag == "SE":
                sets.append(TransactionSet(version, current))
                current = []
    return sets


def corpus_set(corpus: Path, name: str, set_id: str = "850") -> TransactionSet:
    sets = read_sets((corpus / "x12" / name).read_bytes())
    return next(s for s in sets if s.segments[0].value(1) == set_id)


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(MAPPINGS)


def map_set(mappings: MappingSet, tx: TransactionSet) -> PurchaseOrder:
    order = mappings.inbound("X12", "850", tx.version).apply(tx.segments, ".", "in.edi")
    assert isinstance(order, PurchaseOrder)
    return order


@pytest.mark.corpus
def test_vics_004010_order_maps_number_date_parties_and_lines(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the node-x12 850 with GS08 004010VICS
    tx = corpus_set(corpus_dir, "nodex12__850_004010VICS.edi")
    # when mapped (004010VICS resolves to the 004010 mapping)
    order = map_set(mappings, tx)
    # then BEG, DTM 002, the N1 ST loop and every PO1/PID are in the canonical order
    assert order.order_number == "08292233294"
    # BEG02 SA stand-alone order; REF DP department 038 (no REF IA in this order)
    assert (order.order_type, order.department, order.vendor_number) == ("SA", "038", None)
    assert order.function == "original"
    assert order.order_date == date(2010, 11, 27)
    assert order.requested_delivery_date == date(2010, 12, 14)
    assert order.ship_to == Party(
        id="0003947268292",
        id_scheme="DUNS+4",
        name="XYZ RETAIL",
        street="31875 SOLON RD",
        city="SOLON",
        state="OH",
        postal_code="44139",
    )
    assert order.buyer is None
    assert len(order.lines) == 6
    assert order.lines[0] == OrderLine(
        line_number="1",
        quantity=Decimal("120"),
        uom="EA",
        unit_price=Decimal("9.25"),
        buyer_part="065322-117",
        seller_part="AB3542",
        description="SMALL WIDGET",
    )
    assert [(x.line_number, x.quantity, x.unit_price) for x in order.lines[1:]] == [
        ("2", Decimal("220"), Decimal("13.79")),
        ("3", Decimal("126"), Decimal("10.99")),
        ("4", Decimal("76"), Decimal("4.35")),
        ("5", Decimal("72"), Decimal("7.5")),
        ("6", Decimal("696"), Decimal("9.55")),
    ]
    assert order.lines[5].seller_part == "DX1875"
    assert order.lines[5].description == "ORANGE WIDGET"


@pytest.mark.corpus
def test_005010_drop_ship_order_reads_zero_padded_quantities_and_sku_pairs(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the Stedi 850 005010 (BEG02 DS, quantities "0008", VC/SK id pairs)
    tx = corpus_set(corpus_dir, "stedi__850_005010_GS01-OW.edi")
    # when mapped
    order = map_set(mappings, tx)
    # then
    assert order.order_number == "365465413"
    assert order.order_date == date(2022, 8, 30)
    assert order.ship_to == Party(
        id="123",
        id_scheme="buyer",
        name="Wile E Coyote",
        street="111 Canyon Court",
        city="Phoenix",
        state="AZ",
        postal_code="85001",
        country="US",
    )
    assert order.lines == (
        OrderLine(
            line_number="item-1",
            quantity=Decimal("8"),
            uom="EA",
            unit_price=Decimal("400"),
            seller_part="VND1234567",
            buyer_part="ACM/8900-400",
            description="400 pound anvil",
        ),
        OrderLine(
            line_number="item-2",
            quantity=Decimal("4"),
            uom="EA",
            unit_price=Decimal("125"),
            seller_part="VND000111222",
            buyer_part="ACM/1100-001",
            description="Detonator",
        ),
    )


@pytest.mark.corpus
def test_003010_order_reads_a_six_digit_date_and_buyer_duns(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the 850 003010 group of the staedi dual interchange (BEG05 YYMMDD, no prices)
    tx = corpus_set(corpus_dir, "staedi__invoice810_po850_dual_4010_3010.edi")
    assert tx.version == "003010"
    # when mapped
    order = map_set(mappings, tx)
    # then
    assert order.order_number == "S115921858"
    assert order.order_date == date(2004, 3, 17)
    assert order.buyer == Party(id="999999999", id_scheme="DUNS", name="SHIPPING GROUP, INC.")
    assert order.ship_to is not None
    assert order.ship_to.name == "CARGO LIMITED #112"
    assert order.ship_to.city == "SAN PEDRO"
    assert [(x.line_number, x.quantity, x.uom, x.buyer_part) for x in order.lines] == [
        ("1", Decimal("150"), "EA", "02006"),
        ("2", Decimal("50"), "EA", "02008"),
        ("3", Decimal("25"), "EA", "01019"),
        ("4", Decimal("25"), "EA", "01220"),
    ]
    assert all(x.unit_price is None for x in order.lines)


@pytest.mark.parametrize(
    ("gs08", "found"),
    [
        ("004010", "004010"),
        ("004010VICS", "004010"),
        ("005010", "005010"),
        ("005010X231A1", "005010"),
        ("003010", "003010"),
    ],
)
def test_gs08_industry_identifier_resolves_to_the_base_version_mapping(
    mappings: MappingSet, gs08: str, found: str
) -> None:
    # given GS08 with or without an industry identifier / when the 850 mapping is looked up
    mapping = mappings.inbound("X12", "850", gs08)
    # then the mapping of its six-digit version and release answers
    assert mapping.version == found


def test_an_x12_version_without_a_mapping_is_reported_with_those_that_exist(
    mappings: MappingSet,
) -> None:
    # given no 850 mapping for 004030 / when looked up / then the error names the existing ones
    with pytest.raises(MappingError) as caught:
        mappings.inbound("X12", "850", "004030")
    assert "no inbound mapping for X12 850 004030" in caught.value.message
    assert "X12 850 004010" in caught.value.message


def order_set(*body: Segment) -> list[Segment]:
    """ST, the given segments and SE, numbered from ISA = 1 and GS = 2."""
    segments = [segment("ST", "850", "0001"), *body, segment("SE", str(len(body) + 2), "0001")]
    return [Segment(s.tag, s.elements, n) for n, s in enumerate(segments, start=3)]


PO1_WITH_IDS = ("1", "3", "CA", "12.50", "", "UP", "012345678905", "BO", "RED", "EN",
                "4006381333931", "BP", "B-77")  # fmt: skip


def test_id_pairs_keep_the_first_identifier_of_each_kind_and_drop_unknown_qualifiers(
    mappings: MappingSet,
) -> None:
    # given a PO1 with UP and EN (both GTINs), a colour (BO) and a buyer's part number
    segments = order_set(
        segment("BEG", "00", "SA", "PO-1", "", "20240301"),
        segment("PO1", *PO1_WITH_IDS),
    )
    # when mapped
    order = mappings.inbound("X12", "850", "004010").apply(segments)
    # then the first GTIN wins, the colour is not an identifier the order keeps
    assert isinstance(order, PurchaseOrder)
    assert order.lines[0].gtin == "012345678905"
    assert order.lines[0].buyer_part == "B-77"
    assert order.lines[0].seller_part is None
    assert order.lines[0].quantity == Decimal("3")
    assert order.lines[0].unit_price == Decimal("12.50")


def test_a_bad_date_and_a_bad_quantity_are_reported_with_segment_and_element(
    mappings: MappingSet,
) -> None:
    # given BEG05 that is no date and a PO102 with a thousands separator
    segments = order_set(
        segment("BEG", "00", "SA", "PO-1", "", "20241301"),
        segment("PO1", "1", "1,000", "EA"),
    )
    # when mapped / then both problems are reported at once, each where it stands
    with pytest.raises(MappingError) as caught:
        mappings.inbound("X12", "850", "004010").apply(segments, ".", "po.edi")
    found = {(i.code, i.location.segment_position, i.location.segment_tag, i.location.element)
             for i in caught.value.issues}  # fmt: skip
    assert found == {("mapping.date", 4, "BEG", 5), ("mapping.decimal", 5, "PO1", 2)}
    assert "BEG05 (purchase order date) '20241301' is not a calendar date" in str(
        caught.value.issues
    )


def test_a_missing_order_number_names_the_beg_segment(mappings: MappingSet) -> None:
    # given a BEG without BEG03 / when mapped / then the required field points at BEG
    segments = order_set(segment("BEG", "00", "SA", "", "", "20240301"), segment("PO1", "1", "1"))
    with pytest.raises(MappingError) as caught:
        mappings.inbound("X12", "850", "004010").apply(segments, ".", "po.edi")
    issue = caught.value.issues[0]
    assert issue.code == "mapping.required"
    assert (issue.location.segment_position, issue.location.segment_tag) == (4, "BEG")
    assert "BEG03 (purchase order number) is required" in issue.message


def test_an_unknown_party_role_is_dropped_and_a_known_one_kept(mappings: MappingSet) -> None:
    # given an N1 loop for the remit-to party (not kept) and one for the buyer (UL = GLN)
    segments = order_set(
        segment("BEG", "00", "SA", "PO-9", "", "20240301"),
        segment("N1", "RE", "REMIT HERE", "92", "R1"),
        segment("N1", "BY", "BUYER INC", "UL", "5790000000001"),
        segment("N4", "CHICAGO", "IL", "60601", "US"),
        segment("PO1", "1", "1", "EA"),
    )
    # when mapped
    order = mappings.inbound("X12", "850", "004010").apply(segments)
    # then only the buyer is kept, with its GLN
    assert isinstance(order, PurchaseOrder)
    assert order.buyer == Party(
        id="5790000000001",
        id_scheme="GLN",
        name="BUYER INC",
        city="CHICAGO",
        state="IL",
        postal_code="60601",
        country="US",
    )
    assert order.seller is None
    assert order.bill_to is None


def x12_value(text: str) -> Picked:
    picked = parse_selector("PO1.2").pick(segment("PO1", "1", text))
    assert picked is not None
    return picked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20240229", date(2024, 2, 29)),
        ("040317", date(2004, 3, 17)),
        ("991231", date(1999, 12, 31)),
    ],
)
def test_x12_dates_are_read_as_ccyymmdd_or_yymmdd(text: str, expected: date) -> None:
    assert convert_x12_date(x12_value(text), InContext()) == expected


@pytest.mark.parametrize("text", ["2024-02-29", "20240230", "2402291", "24-3-17"])
def test_x12_dates_that_are_not_dt_are_refused(text: str) -> None:
    with pytest.raises(ConversionError):
        convert_x12_date(x12_value(text), InContext())


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0008", Decimal("8")), ("12.50", Decimal("12.50")), ("-3", Decimal("-3")),
     (".5", Decimal("0.5")), ("1.5E2", Decimal("150"))],
)  # fmt: skip
def test_x12_decimals_follow_the_r_type(text: str, expected: Decimal) -> None:
    assert convert_x12_decimal(x12_value(text), InContext()) == expected


@pytest.mark.parametrize("text", ["+3", "1,000", "12.5.0", "1 000", "E5"])
def test_x12_decimals_outside_the_r_type_are_refused(text: str) -> None:
    with pytest.raises(ConversionError):
        convert_x12_decimal(x12_value(text), InContext())


def test_x12_n2_has_two_implied_decimal_places() -> None:
    assert convert_x12_n2(x12_value("123450"), InContext()) == Decimal("1234.50")
    assert convert_x12_n2(x12_value("-5"), InContext()) == Decimal("-0.05")
    with pytest.raises(ConversionError):
        convert_x12_n2(x12_value("1234.50"), InContext())


def copy_mappings(target: Path) -> Path:
    """The project's mapping files in a scratch folder that a test may add to."""
    for path in MAPPINGS.rglob("*.*"):
        destination = target / path.relative_to(MAPPINGS)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(path.read_bytes())
    return target


def test_x12_converters_and_pairs_are_checked_when_the_files_are_loaded(tmp_path: Path) -> None:
    # given an EDIFACT file naming an X12 converter, and an 850 whose id pairs name a component
    root = copy_mappings(tmp_path / "mappings")
    (root / "edifact" / "ORDERS_D97A.in.toml").write_text(
        (MAPPINGS / "edifact" / "ORDERS_D96A.in.toml")
        .read_text(encoding="utf-8")
        .replace('version = "D96A"', 'version = "D97A"')
        .replace('convert = "edifact_date", label = "DTM C507.2380 (order date)"',
                 'convert = "x12_date", label = "DTM C507.2380 (order date)"'),
        encoding="utf-8",
    )  # fmt: skip
    (root / "x12" / "850_004020.in.toml").write_text(
        'extends = "850_004010.in.toml"\n[mapping]\nversion = "004020"\n'
        '[[groups.lines.by_code]]\nfrom = "PO1.6.1"\npairs = true\ncode = 1\n'
        'table = "x12_product_id_235"\n',
        encoding="utf-8",
    )
    # when loaded
    with pytest.raises(ConfigError) as caught:
        MappingSet.load(root)
    # then each problem is reported, X12 converters are offered to X12 files only
    problems = caught.value.problems
    assert any(
        p.startswith("mappings/edifact/ORDERS_D97A.in.toml: fields.order_date.convert: unknown"
                     " converter 'x12_date' (known: decimal, edifact_date, strip, text,")
        for p in problems
    ), problems  # fmt: skip
    assert any("'value' and 'code' (component positions) do not apply" in p for p in problems)
    assert any("with pairs, name the element of the first qualifier" in p for p in problems)


def test_a_partner_override_may_omit_a_field_of_the_default(tmp_path: Path) -> None:
    # given a partner whose notes are not wanted and whose N101 VN is not the seller
    root = copy_mappings(tmp_path / "mappings")
    override = root / "partners" / "acme" / "850_004010.in.toml"
    override.parent.mkdir(parents=True)
    override.write_text(
        '[fields.notes]\nomit = true\n\n[codes.x12_party_role_98]\nVN = "bill_to"\n',
        encoding="utf-8",
    )
    mappings = MappingSet.load(root, partner_ids=["acme"])
    segments = order_set(
        segment("BEG", "00", "SA", "PO-9", "", "20240301"),
        segment("MSG", "CALL BEFORE DELIVERY"),
        segment("N1", "VN", "VENDOR INC", "92", "V1"),
        segment("PO1", "1", "1", "EA"),
    )
    # when mapped for the partner and for anyone else
    acme = mappings.inbound("X12", "850", "004010", partner="acme").apply(segments)
    other = mappings.inbound("X12", "850", "004010").apply(segments)
    # then the override dropped the notes and moved VN to bill_to
    assert isinstance(acme, PurchaseOrder)
    assert isinstance(other, PurchaseOrder)
    assert (acme.notes, other.notes) == ((), ("CALL BEFORE DELIVERY",))
    assert acme.bill_to is not None and acme.seller is None
    assert other.seller is not None and other.bill_to is None
