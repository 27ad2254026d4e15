"""Every X12 file of the shared corpus through `translate_file`, as `gateway translate` runs it.

The context is the real one: the packaged mappings and structures, the sample identity and
partners of `gateway init` (none of which sends these files, so the sender is unknown and each
file draws an `x12.recipient` warning for ISA08). Where an outcome needs a partner, one is built
for the file's ISA05/ISA06.

The expectations come from PROVENANCE.md (what each file is, its deliberate and accidental
errors) and from reading the files against X12.5/X12.6 and the 004010/005010 segment
directory: valid files give their documents and no error; 855/856/810 have no inbound mapping;
the INVALID__ ones give exactly their errors, each at its place with the value as it stood.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.app import load_mappings, load_schemas, load_x12_schemas
from gateway.config import Identity, Settings, load_settings
from gateway.config_partners import Partner
from gateway.errors import Issue
from gateway.formats.edifact_acks import PartnerAck
from gateway.model import Envelope, OrderLine, Party, PurchaseOrder
from gateway.pipeline.translate import TranslateContext, Translation
from gateway.pipeline.x12_translate import translate_file
from gateway.workspace import init_workspace

# (code, segment position, tag, element, component, value as it stood in the file)
Error = tuple[str, int | None, str | None, int | None, int | None, str | None]


def _no_mapping(position: int) -> Error:
    # No inbound mapping for the set: the place to point at is ST01 (transaction set id).
    return ("mapping.none", position, "ST", 1, None, None)


# file -> (document types mapped, every error)
EXPECTED: dict[str, tuple[list[str], list[Error]]] = {
    # EdiEngine's syntax-note fixture: PO1*1*120*EA*9.25*TE*CB**PR... gives PO106 (235 = CB)
    # without PO107 (P0607); the last PO4*6*6*EA*PLT94*X**LR*10*CT gives PO405 X without PO406
    # (C0506) and PO407 LR without PO406 (P0607).
    "INVALID__ediengine__850_SyntaxNotes_ERR_4010.edi": (
        [],
        [
            ("x12.element.conditional", 15, "PO1", 7, None, None),
            ("x12.element.conditional", 32, "PO4", 6, None, None),
            ("x12.element.conditional", 32, "PO4", 6, None, None),
        ],
    ),
    # NO-BREAK SPACE padding: ISA02 is 5 spaces and 5 U+00A0, 15 bytes where X12.5 fixes 10.
    "INVALID__edinet__850_4010_BOM_NBSP_in_ISA.edi": (
        [],
        [("x12.isa.authorization", 1, "ISA", 2, None, " \xa0" * 5)],
    ),
    # AK101 (479, ID 2/2) "HC NOT IN CODESET"; AK402 (725, N0) "66 NON NUMERIC".
    "INVALID__staedi__invalid997_5010.edi": (
        [],
        [
            ("x12.element.too_long", 4, "AK1", 1, None, "HC NOT IN CODESET"),
            ("x12.element.character", 7, "AK4", 2, None, "66 NON NUMERIC"),
        ],
    ),
    # IK5 before AK1; AK101 "HC   " padded; AK2 has AK203 and then two elements too many;
    # IK501 "Q" not in 717 and a second IK5 in the AK2 loop; CTX06-1 (725, N0) "C023";
    # SE01 says 16 for 18 segments.
    "INVALID__staedi__invalid999_5010.edi": (
        [],
        [
            ("x12.segment.unexpected", 4, "IK5", None, None, None),
            ("x12.element.too_long", 5, "AK1", 1, None, "HC   "),
            ("x12.element.too_many", 6, "AK2", 4, None, "Y"),
            ("x12.element.code", 7, "IK5", 1, None, "Q"),
            ("x12.segment.too_many", 8, "IK5", None, None, None),
            ("x12.element.character", 16, "CTX", 6, 1, "C023"),
            ("x12.se.count", 20, "SE", 1, None, "16"),
        ],
    ),
    # ISA declares '$' as terminator; N1, N3, N4 end with '~' and run into the next '$' (after
    # HL*2*1*O*1), so they read as one N1: its N105/N106 too long and N107 too many; PRF then
    # follows N1 out of sequence, HL*3 follows HL*1, and SE01 says 25 for 22.
    "INVALID__stupidedi__SH856_fail2_mixed_terminators.edi": (
        [],
        [
            ("x12.element.too_many", 13, "N1", 7, None, "QC"),
            ("x12.element.too_long", 13, "N1", 5, None, "123 MAIN ST.~N4"),
            ("x12.element.too_long", 13, "N1", 6, None, "BEAUPORT"),
            ("x12.segment.order", 14, "PRF", None, None, None),
            ("x12.element.code", 19, "HL", 1, None, "3"),
            ("x12.element.code", 19, "HL", 2, None, "2"),
            ("x12.se.count", 24, "SE", 1, None, "25"),
        ],
    ),
    "ediengine__856_Crossdock_4010_NLterminator.edi": ([], [_no_mapping(3)]),
    "imsweb__999_rejected_5010_ISA16-pipe.edi": (["PartnerAck"], []),
    "nodex12__850_004010VICS.edi": (["PurchaseOrder"], []),
    "nodex12__855_004010.edi": ([], [_no_mapping(3)]),
    "nodex12__856_004060.edi": ([], [_no_mapping(3)]),
    # Two 810s (no inbound mapping) in one group, the 850 003010 in the other.
    "staedi__invoice810_po850_dual_4010_3010.edi": (
        ["PurchaseOrder"],
        [_no_mapping(3), _no_mapping(35)],
    ),
    "staedi__multi-tx_855x2_4010.edi": ([], [_no_mapping(3), _no_mapping(6)]),
    "staedi__simple997_5010.edi": (["PartnerAck"], []),
    "staedi__simple999_5010.edi": (["PartnerAck"], []),
    "stedi__850_005010_GS01-OW.edi": (["PurchaseOrder"], []),
    "stedi__855_005010.edi": ([], [_no_mapping(3)]),
    "stupidedi__999_X231A1_BOM_singleline.edi": (["PartnerAck"], []),
    "stupidedi__IN810_4010_pipe_separator.edi": ([], [_no_mapping(3)]),
}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The settings of a fresh `gateway init` workspace: sample identity and partners."""
    root = tmp_path_factory.mktemp("ws")
    init_workspace(root)
    return load_settings(root, {})


@pytest.fixture(scope="module")
def context(settings: Settings) -> TranslateContext:
    """What `gateway translate` reads against in that workspace."""
    return _context(settings, settings.identity, list(settings.partners.values()))


def _context(settings: Settings, identity: Identity, partners: list[Partner]) -> TranslateContext:
    return TranslateContext(
        load_mappings(settings),
        load_schemas(settings),
        identity,
        partners,
        load_x12_schemas(settings),
    )


def _translate(corpus_dir: Path, name: str, context: TranslateContext) -> Translation:
    return translate_file((corpus_dir / "x12" / name).read_bytes(), name, context, None)


def _errors(result: Translation) -> list[Issue]:
    return [i for i in result.issues if i.severity == "error"]


def _warnings(result: Translation, code: str) -> list[Issue]:
    return [i for i in result.issues if i.severity == "warning" and i.code == code]


def _as_tuple(issue: Issue) -> Error:
    where = issue.location
    return (
        issue.code,
        where.segment_position,
        where.segment_tag,
        where.element,
        where.component,
        issue.value,
    )


def _order(result: Translation) -> tuple[PurchaseOrder, Envelope]:
    (mapped,) = result.documents
    assert isinstance(mapped.document, PurchaseOrder)
    return mapped.document, mapped.envelope


def _line(
    number: str,
    quantity: str,
    price: str | None,
    *,
    buyer: str | None = None,
    seller: str | None = None,
    description: str | None = None,
) -> OrderLine:
    # Every corpus order counts in EA (355 "each") and names no GTIN (no UP/EN/UK qualifier).
    return OrderLine(
        line_number=number,
        quantity=Decimal(quantity),
        buyer_part=buyer,
        seller_part=seller,
        description=description,
        uom="EA",
        unit_price=Decimal(price) if price is not None else None,
    )


def test_every_x12_corpus_file_has_an_expected_outcome(corpus_dir: Path) -> None:
    # the table covers the whole folder, so a new corpus file cannot go untested
    assert sorted(p.name for p in (corpus_dir / "x12").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_x12_corpus_file_gives_its_documents_and_exactly_its_errors(
    corpus_dir: Path, context: TranslateContext, name: str
) -> None:
    # when the file is read, validated and mapped as `gateway translate` does
    result = _translate(corpus_dir, name, context)
    documents, errors = EXPECTED[name]
    # then the documents and the errors, each at its place with its value, are as expected
    assert [type(d.document).__name__ for d in result.documents] == documents
    assert sorted(map(_as_tuple, _errors(result)), key=repr) == sorted(errors, key=repr)
    assert all(i.location.file == name for i in result.issues)


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("ediengine__856_Crossdock_4010_NLterminator.edi", "856 004010"),
        ("nodex12__855_004010.edi", "855 004010"),
        ("nodex12__856_004060.edi", "856 004060"),
        ("staedi__multi-tx_855x2_4010.edi", "855 004010"),
        ("stedi__855_005010.edi", "855 005010"),
        ("stupidedi__IN810_4010_pipe_separator.edi", "810 004010"),
    ],
)
def test_outbound_set_types_read_clean_and_are_not_mapped_in(
    corpus_dir: Path, context: TranslateContext, name: str, what: str
) -> None:
    # given an 855, 856 or 810 (sets we send, never take in)
    result = _translate(corpus_dir, name, context)
    # then the only errors say that no inbound mapping exists for that set and version
    assert {i.code for i in _errors(result)} == {"mapping.none"}
    assert all(f"no inbound mapping for X12 {what}" in i.message for i in _errors(result))


def test_vics_850_maps_header_parties_and_every_line(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # when the node-x12 850 (GS08 004010VICS, ISA05 12 / ISA07 01) is translated
    order, envelope = _order(_translate(corpus_dir, "nodex12__850_004010VICS.edi", context))
    # then BEG, REF DP, DTM 002 and the N1*ST loop are read
    assert (order.order_number, order.order_date) == ("08292233294", date(2010, 11, 27))
    assert (order.function, order.order_type, order.department) == ("original", "SA", "038")
    assert order.requested_delivery_date == date(2010, 12, 14)
    assert order.currency is None and order.buyer is None and order.bill_to is None
    # N103 9 = D-U-N-S+4
    assert order.ship_to == Party(
        id="0003947268292",
        id_scheme="DUNS+4",
        name="XYZ RETAIL",
        street="31875 SOLON RD",
        city="SOLON",
        state="OH",
        postal_code="44139",
    )
    # and each PO1 with its PO106 CB (buyer's catalog no.) / PO110 VN pair and PID05
    assert order.lines == (
        _line("1", "120", "9.25", buyer="065322-117", seller="AB3542", description="SMALL WIDGET"),
        _line(
            "2", "220", "13.79", buyer="066850-116", seller="RD5322", description="MEDIUM WIDGET"
        ),
        _line("3", "126", "10.99", buyer="060733-110", seller="XY5266", description="LARGE WIDGET"),
        _line("4", "76", "4.35", buyer="065308-116", seller="VX2332", description="NANO WIDGET"),
        _line("5", "72", "7.5", buyer="065374-118", seller="RV0524", description="BLUE WIDGET"),
        _line("6", "696", "9.55", buyer="067504-118", seller="DX1875", description="ORANGE WIDGET"),
    )
    # and the envelope is ISA, GS and ST as sent
    assert envelope == Envelope(
        standard="X12",
        message_type="850",
        version="004010VICS",
        sender="4405197800",
        receiver="999999999",
        control_ref="000003438",
        message_ref="000000010",
        group_ref="1421",
        sender_qualifier="12",
        receiver_qualifier="01",
        test=False,
    )


def test_005010_850_in_an_ow_group_maps_with_zero_padded_quantities(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # when the Stedi drop-ship 850 (GS01 "OW", ISA11 "U" under 00501) is translated
    result = _translate(corpus_dir, "stedi__850_005010_GS01-OW.edi", context)
    order, envelope = _order(result)
    # then BEG00*DS and the N1*ST loop (N103 92 = assigned by buyer, N404 US) are read
    assert (order.order_number, order.order_date) == ("365465413", date(2022, 8, 30))
    assert (order.function, order.order_type) == ("original", "DS")
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
    # and PO102 "0008" reads as 8; PO106 VC (vendor's catalog) and PO108 SK (SKU) are routed
    assert order.lines == (
        _line("item-1", "8", "400", buyer="ACM/8900-400", seller="VND1234567",
              description="400 pound anvil"),
        _line("item-2", "4", "125", buyer="ACM/1100-001", seller="VND000111222",
              description="Detonator"),
    )  # fmt: skip
    assert [str(line.quantity) for line in order.lines] == ["8", "4"]
    # and the envelope is a test interchange (ISA15 T) in 005010
    assert (envelope.version, envelope.test, envelope.control_ref) == ("005010", True, "000000057")
    # and ISA11 "U" where 00501 wants a repetition separator is a warning, not an error
    (warning,) = _warnings(result, "x12.isa.standards_id")
    assert (warning.location.segment_tag, warning.location.element, warning.value) == (
        "ISA",
        11,
        "U",
    )


def test_003010_850_in_the_second_group_maps_its_yymmdd_date(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # when the staedi file (two 810s in group 1, an 850 003010 in group 2) is translated
    name = "staedi__invoice810_po850_dual_4010_3010.edi"
    order, envelope = _order(_translate(corpus_dir, name, context))
    # then BEG05 "040317" (YYMMDD in 003010) is 17 March 2004
    assert (order.order_number, order.order_date, order.order_type) == (
        "S115921858",
        date(2004, 3, 17),
        "NE",
    )
    # and N1*BY with N103 1 (D-U-N-S) and N104
    assert order.buyer == Party(id="999999999", id_scheme="DUNS", name="SHIPPING GROUP, INC.")
    # and N1*ST with its address; it names N103 92 without an N104, so it has no id
    ship_to = order.ship_to
    assert ship_to is not None and ship_to.id is None
    assert (ship_to.name, ship_to.street, ship_to.city, ship_to.state, ship_to.postal_code) == (
        "CARGO LIMITED #112",
        "3000 LONG BEACH DRIVE",
        "SAN PEDRO",
        "CA",
        "83308",
    )
    # and four PO1 lines with PO106 IN (buyer's item number) and no price
    assert order.lines == (
        _line("1", "150", None, buyer="02006"),
        _line("2", "50", None, buyer="02008"),
        _line("3", "25", None, buyer="01019"),
        _line("4", "25", None, buyer="01220"),
    )
    assert (envelope.version, envelope.group_ref, envelope.message_ref) == (
        "003010",
        "165",
        "000191240",
    )


SET_REJECTED_5 = "rejected: one or more segments in error"
SIMPLE_999_ERRORS = (
    "set 837 0002: segment CLM at 22 (CLM01 123456789): element 2 (data element 782): "
    "mandatory data element missing (IK403 1)",
    f"set 837 0002: {SET_REJECTED_5} (IK502 5)",
    "set 837 0003: segment REF at 57 (triggered by CLM at 43) (CLM01 987654321): "
    "required segment missing (IK304 3)",
    f"set 837 0003: {SET_REJECTED_5} (IK502 5)",
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "staedi__simple997_5010.edi",
            PartnerAck(
                "997",
                ("000001",),
                "rejected",
                (
                    "set 837 0021: segment NM1 at 8: element 8 (data element 66): "
                    "invalid code value 'MI' (AK403 7)",
                    f"set 837 0021: {SET_REJECTED_5} (AK502 5)",
                ),
                "0001",
            ),
        ),
        (
            "staedi__simple999_5010.edi",
            PartnerAck("999", ("17456",), "partially_accepted", SIMPLE_999_ERRORS, "2870001"),
        ),
        (
            "stupidedi__999_X231A1_BOM_singleline.edi",
            PartnerAck("999", ("17456",), "partially_accepted", SIMPLE_999_ERRORS, "2870001"),
        ),
        (
            "imsweb__999_rejected_5010_ISA16-pipe.edi",
            PartnerAck(
                "999",
                ("28",),
                "rejected",
                (
                    "set 837 0028: segment NM at 17: unrecognized segment ID (IK304 1)",
                    f"set 837 0028: {SET_REJECTED_5} (IK502 5)",
                ),
                "95832987",
            ),
        ),
    ],
)
def test_partner_acknowledgement_is_read_with_its_references_status_and_errors(
    corpus_dir: Path, context: TranslateContext, name: str, expected: PartnerAck
) -> None:
    # when a 997/999 is translated
    (mapped,) = _translate(corpus_dir, name, context).documents
    # then AK102 is the group it answers, AK9 the status, and every AK3/AK4/IK3/IK4/AK5/IK5
    # note is a sentence naming the set (AK201/AK202), segment and element
    assert mapped.document == expected
    assert mapped.envelope.message_type == expected.kind


def test_isa_padded_with_no_break_spaces_is_rejected_with_every_field_named(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # when the EDI.Net 850 (UTF-8 BOM, ISA padded with U+00A0) is translated
    result = _translate(corpus_dir, "INVALID__edinet__850_4010_BOM_NBSP_in_ISA.edi", context)
    # then nothing is read past the ISA, and the one error says why and how to fix it
    assert result.standard is None and result.documents == ()
    (error,) = result.issues
    assert error.message.startswith("ISA is 122 characters, X12.5 fixes it at 106: ")
    for field, length, expected in (
        ("ISA02 authorization information", 15, 10),
        ("ISA04 security information", 15, 10),
        ("ISA06 sender id", 18, 15),
        ("ISA08 receiver id", 18, 15),
    ):
        assert f"{field} is {length} characters, expected {expected}" in error.message
    assert "U+00A0 NO-BREAK SPACE" in error.message and "pad with ASCII spaces" in error.message
    # and the byte offset of ISA02 counts the 3-byte BOM and "ISA*00*"
    assert error.location.offset == 10


def test_se01_count_of_the_mixed_terminator_856_names_both_counts(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # when the stupidedi 856 with '~' inside '$'-terminated segments is translated
    name = "INVALID__stupidedi__SH856_fail2_mixed_terminators.edi"
    result = _translate(corpus_dir, name, context)
    # then SE01 is reported against the 22 segments read from ST to SE
    (count,) = [i for i in result.issues if i.code == "x12.se.count"]
    assert count.message == (
        "SE01 says '25' segments; the set has 22 (ST at segment 3 to SE at 24, inclusive)"
    )
    # and the glued N1 is pointed out as a layout warning naming both terminators
    (layout,) = _warnings(result, "x12.layout")
    assert (layout.location.segment_position, layout.location.segment_tag) == (13, "N1")
    assert "'~'" in layout.message and "'$'" in layout.message


def test_ebcdic_interchange_is_refused_with_a_hint_to_convert(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # given a valid corpus 850 encoded in EBCDIC code page 037, as a mainframe would send it
    text = (corpus_dir / "x12" / "nodex12__850_004010VICS.edi").read_bytes().decode("ascii")
    # when it is translated
    result = translate_file(text.encode("cp037"), "ebcdic.x12", context, None)
    # then one error says it is X12 in EBCDIC and what to do, and nothing is mapped
    assert result.standard is None and result.documents == ()
    (error,) = result.issues
    assert (error.code, error.severity, error.location.offset) == ("format.ebcdic", "error", 0)
    assert "X12 interchange in EBCDIC" in error.message
    assert "convert the file to ASCII" in error.message


def test_ebcdic_error_names_the_file(corpus_dir: Path, context: TranslateContext) -> None:
    # given the EBCDIC 850 above
    text = (corpus_dir / "x12" / "nodex12__850_004010VICS.edi").read_bytes().decode("ascii")
    # when it is translated
    result = translate_file(text.encode("cp037"), "ebcdic.x12", context, None)
    # then the error says which file, as every other error does
    assert [i.location.file for i in result.issues] == ["ebcdic.x12"]


def _partner_for(
    settings: Settings, qualifier: str, isa_id: str, accept: tuple[tuple[str, str, str], ...]
) -> Partner:
    """The sample X12 partner, given the file's ISA05/ISA06 and an accept list."""
    globex = settings.partners["globex"]
    assert globex.x12 is not None
    ids = replace(globex.x12, isa_qualifier=qualifier, isa_id=isa_id, gs_id=isa_id)
    return replace(globex, id="filepartner", x12=ids, accept=accept)


def test_vics_850_from_its_partner_to_us_is_accepted_without_any_issue(
    corpus_dir: Path, settings: Settings
) -> None:
    # given a partner with the file's ISA05/ISA06 (12/4405197800) that may send 850 004010,
    # and our ISA08 being the file's receiver
    partner = _partner_for(settings, "12", "4405197800", (("X12", "850", "004010"),))
    identity = replace(settings.identity, x12_qualifier="01", x12_id="999999999")
    context = _context(settings, identity, [partner])
    # when the 850 (GS08 004010VICS) is translated
    result = _translate(corpus_dir, "nodex12__850_004010VICS.edi", context)
    # then the industry suffix does not stop the agreement, and there is nothing to report
    assert result.issues == ()
    assert [type(d.document).__name__ for d in result.documents] == ["PurchaseOrder"]


def test_855_from_a_partner_that_may_only_send_850_is_not_supported(
    corpus_dir: Path, settings: Settings
) -> None:
    # given a partner with the file's ISA05/ISA06 (ZZ/1556150) that may send 850 004010 only
    partner = _partner_for(settings, "ZZ", "1556150", (("X12", "850", "004010"),))
    identity = replace(settings.identity, x12_id="123MILL")
    context = _context(settings, identity, [partner])
    # when its 855 is translated
    result = _translate(corpus_dir, "nodex12__855_004010.edi", context)
    # then the set is refused at ST01 (AK502 1: transaction set not supported), before mapping
    assert list(map(_as_tuple, result.issues)) == [("x12.st.unsupported", 3, "ST", 1, None, "855")]
    assert "accepted: X12 850 004010" in result.issues[0].message
    assert result.documents == ()


def test_set_without_a_structure_is_reported_as_a_warning(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # when the staedi file is translated: its 850 is in 003010, for which schemas/x12 has no
    # structure (schemas/README.md: such a set is accepted with one warning)
    result = _translate(corpus_dir, "staedi__invoice810_po850_dual_4010_3010.edi", context)
    # then that warning points at the 850's ST
    found = _warnings(result, "x12.structure_unknown")
    assert [(w.location.segment_position, w.location.segment_tag) for w in found] == [(59, "ST")]


def test_po405_is_named_by_its_data_element_weight_qualifier(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # when the EdiEngine 850 with PO405 "X" and no PO406 is translated
    result = _translate(corpus_dir, "INVALID__ediengine__850_SyntaxNotes_ERR_4010.edi", context)
    # then the C0506 error names PO405 as X12.3 does: 187 Weight Qualifier
    (c0506,) = [i for i in result.issues if "C0506" in i.message]
    assert "PO4 element 5 (187 Weight Qualifier)" in c0506.message
