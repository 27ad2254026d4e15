"""DESADV and INVOIC message structures (D96A, D01B, D97B, D03B) validate real and built files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.errors import Issue
from gateway.formats.edifact import parse_interchange
from gateway.validate.edifact_schema import EdifactSchemas, GroupEntry, MessageSchema
from gateway.validate.edifact_structure import validate_message

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"

Edit = Callable[[list[str]], list[str]]


@pytest.fixture(scope="module")
def schemas() -> EdifactSchemas:
    """Every schema directory of the repository, loaded once."""
    return EdifactSchemas.load(SCHEMAS)


def interchange(body: list[str], *, una: str = "UNA:+.? '") -> bytes:
    """UNB, one message (UNH..UNT with its segment count) and UNZ around `body`."""
    unb = "UNB+UNOC:3+5412345000013:14+4012345000009:14+240120:1000+IC0001"
    segments = [unb, *body, f"UNT+{len(body) + 1}+1", "UNZ+1+IC0001"]
    return (una + "'\n".join(segments) + "'\n").encode("latin-1")


def validate(
    schemas: EdifactSchemas, body: list[str], *, una: str = "UNA:+.? '", name: str = "t.edi"
) -> list[Issue]:
    """The structure issues of the one message built from `body` (UNH first)."""
    parsed = parse_interchange(interchange(body, una=una), name)
    assert [issue.code for issue in parsed.issues] == []
    [message] = parsed.messages
    return validate_message(message, schemas, decimal=parsed.delimiters.decimal, file=name)


def summary(issues: list[Issue]) -> list[tuple[str, str, int | None, str | None]]:
    """(code, severity, segment position, segment tag) of each issue, in order."""
    return [
        (i.code, i.severity, i.location.segment_position, i.location.segment_tag) for i in issues
    ]


def errors(issues: list[Issue]) -> list[Issue]:
    """Only the issues of severity error."""
    return [issue for issue in issues if issue.severity == "error"]


# Positions below count from UNB = 1 (UNA is not a segment), so UNH is 2.
def desadv(version: str, association: str) -> list[str]:
    """A despatch advice: consignment CPS+1, two pallets CPS+n+1 with SSCC, items per pallet."""
    return [
        f"UNH+1+DESADV:D:{version}:UN:{association}",
        "BGM+351+DES587441+9",
        "DTM+137:20240115:102",
        "DTM+11:20240115:102",
        "DTM+17:20240116:102",
        "RFF+ON:ORD12345",
        "DTM+171:20240110:102",
        "NAD+BY+5412345000013::9",
        "NAD+SU+4012345000009::9",
        "NAD+DP+5412345678908::9",
        "TDT+20++30+31",
        "CPS+1",
        "PAC+2++201",
        "CPS+2+1",
        "PAC+1++201",
        "PCI+33E",
        "GIN+BJ+354123450000000014",
        "LIN+1++4000862141404:EN",
        "QTY+12:24",
        "LIN+2++4000862141411:EN",
        "QTY+12:12",
        "CPS+3+1",
        "PAC+1++201",
        "PCI+33E",
        "GIN+BJ+354123450000000021",
        "LIN+3++4000862141428:EN",
        "QTY+12:48",
        "CNT+2:3",
    ]


def invoic(version: str, association: str, *, terms: str = "PAT+1++5:3:D:30") -> list[str]:
    """An invoice: order and despatch references, payment terms, lines, tax per rate, totals."""
    return [
        f"UNH+1+INVOIC:D:{version}:UN:{association}",
        "BGM+380+INV2024001+9",
        "DTM+137:20240120:102",
        "DTM+35:20240116:102",
        "RFF+ON:ORD12345",
        "DTM+171:20240110:102",
        "RFF+AAK:DES587441",
        "NAD+BY+5412345000013::9",
        "RFF+VA:BE0123456789",
        "NAD+SU+4012345000009::9",
        "RFF+VA:DE123456789",
        "CUX+2:EUR:4",
        terms,
        "DTM+13:20240219:102",
        "LIN+1++4000862141404:EN",
        "QTY+47:24",
        "MOA+203:240.00",
        "PRI+AAA:10.00",
        "TAX+7+VAT+++:::19+S",
        "LIN+2++4000862141411:EN",
        "QTY+47:12",
        "MOA+203:60.00",
        "PRI+AAA:5.00",
        "TAX+7+VAT+++:::0+Z",
        "UNS+S",
        "CNT+2:2",
        "MOA+79:300.00",
        "MOA+125:300.00",
        "MOA+124:45.60",
        "MOA+77:345.60",
        "TAX+7+VAT+++:::19+S",
        "MOA+125:240.00",
        "MOA+124:45.60",
        "TAX+7+VAT+++:::0+Z",
        "MOA+125:60.00",
        "MOA+124:0.00",
    ]


def replace(old: str, new: str) -> Edit:
    """An edit replacing the one segment `old` by `new` (nothing when `new` is empty)."""

    def edit(body: list[str]) -> list[str]:
        assert body.count(old) >= 1
        index = body.index(old)
        return body[:index] + ([new] if new else []) + body[index + 1 :]

    return edit


def drop_all(prefix: str) -> Edit:
    """An edit removing every segment that starts with `prefix`."""
    return lambda body: [segment for segment in body if not segment.startswith(prefix)]


def insert_after(anchor: str, *new: str) -> Edit:
    """An edit inserting `new` segments right after the first `anchor` segment."""

    def edit(body: list[str]) -> list[str]:
        index = body.index(anchor) + 1
        return body[:index] + list(new) + body[index:]

    return edit


def test_desadv_and_invoic_structures_exist_where_written(schemas: EdifactSchemas) -> None:
    # given the schema directories of the repository
    written = [("D96A", "DESADV"), ("D01B", "DESADV")]
    written += [(v, "INVOIC") for v in ("D96A", "D97B", "D01B", "D03B")]
    # then each of them has a structure from its own directory, and INVOIC D97A/D93A none
    for version, message_type in written:
        structure = schemas.structure_for(version, message_type)
        assert structure is not None, (version, message_type)
        assert (structure.directory, structure.message) == (version, message_type)
    assert schemas.structure_for("D97A", "INVOIC") is None
    assert schemas.structure_for("D93A", "INVOIC") is None


def group(structure: MessageSchema, *path: str) -> GroupEntry:
    """The segment group reached by following group names from the top level."""
    entries = structure.entries
    found: GroupEntry | None = None
    for name in path:
        found = next(e for e in entries if isinstance(e, GroupEntry) and e.name == name)
        entries = found.entries
    assert found is not None
    return found


def test_desadv_packing_hierarchy_nests_as_in_the_directory(schemas: EdifactSchemas) -> None:
    # given the DESADV structures
    d96a = schemas.structure_for("D96A", "DESADV")
    d01b = schemas.structure_for("D01B", "DESADV")
    assert d96a is not None and d01b is not None
    # then the SSCC (GIN) hangs below PCI below PAC below CPS, and LIN below CPS
    assert group(d96a, "SG10", "SG11", "SG13", "SG14").tag == "GIN"
    assert group(d96a, "SG10", "SG15").tag == "LIN"
    assert group(d01b, "SG10", "SG11", "SG13", "SG15").tag == "GIN"
    assert group(d01b, "SG10", "SG17").tag == "LIN"
    assert (group(d96a, "SG10").max, group(d01b, "SG10", "SG11", "SG13").max) == (9999, 1000)


def test_invoic_payment_terms_group_starts_with_pyt_from_d03b(schemas: EdifactSchemas) -> None:
    # given the INVOIC structures of D01B and D03B
    d01b = schemas.structure_for("D01B", "INVOIC")
    d03b = schemas.structure_for("D03B", "INVOIC")
    assert d01b is not None and d03b is not None
    # then SG8 starts with PAT in D01B and with PYT in D03B; the summary SG50 is mandatory
    assert (group(d01b, "SG8").tag, group(d03b, "SG8").tag) == ("PAT", "PYT")
    assert group(d01b, "SG50").mandatory and group(d01b, "SG50").max == 100


def test_invoic_d97b_bad_corpus_file_gives_exactly_its_deliberate_errors(
    schemas: EdifactSchemas, corpus_dir: Path
) -> None:
    # given the staedi INVOIC D97B validation fixture
    name = "INVALID__staedi__invoic_d97b_bad.edi"
    parsed = parse_interchange((corpus_dir / "edifact" / name).read_bytes(), name)
    [message] = parsed.messages
    # when its structure is validated
    issues = validate_message(message, schemas, decimal=parsed.delimiters.decimal, file=name)
    # then exactly the four deliberate errors, at their segments, elements and components
    found = [
        (i.code, i.location.segment_position, i.location.segment_tag, i.location.element)
        for i in errors(issues)
    ]
    components = [i.location.component for i in errors(issues)]
    assert found == [
        ("edifact.element_too_long", 6, "NAD", 1),
        ("edifact.element_type", 11, "QTY", 1),
        ("edifact.element_type", 14, "PRI", 1),
        ("edifact.segment_too_many", 22, "UNS", None),
    ]
    assert components == [None, 2, 2, None]
    assert "'BYZZ'" in errors(issues)[0].message
    assert "'1020A'" in errors(issues)[1].message
    assert "'$1.179'" in errors(issues)[2].message
    assert all(i.location.file == name for i in issues)


@pytest.mark.parametrize(
    "name",
    [
        "staedi__invoic_d97b_una_nonstd_separators.edi",
        "staedi__wrapped_invoic_d97b_una_linewrapped.edi",
        "smooks__INVOIC_D03B_with_UNA_syntax4.edi",
    ],
)
def test_valid_invoic_corpus_files_give_no_structure_errors(
    schemas: EdifactSchemas, corpus_dir: Path, name: str
) -> None:
    # given a valid INVOIC D97B or D03B corpus file
    parsed = parse_interchange((corpus_dir / "edifact" / name).read_bytes(), name)
    [message] = parsed.messages
    # when validated, then no error (unlisted codes of open lists may warn)
    issues = validate_message(message, schemas, decimal=parsed.delimiters.decimal, file=name)
    assert errors(issues) == []
    assert {issue.code for issue in issues} <= {"edifact.code_unknown"}


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("pydifact__invoice1_INVOIC_D97A.edi", "D97A"),
        ("staedi__invoic_d93a_una_INVOIC_D93A.edi", "D93A"),
    ],
)
def test_invoic_without_written_structure_only_warns(
    schemas: EdifactSchemas, corpus_dir: Path, name: str, version: str
) -> None:
    # given an INVOIC of a directory whose structure is not written
    parsed = parse_interchange((corpus_dir / "edifact" / name).read_bytes(), name)
    [message] = parsed.messages
    # when validated, then one warning names the message, version and missing folder
    [issue] = validate_message(message, schemas, decimal=parsed.delimiters.decimal, file=name)
    assert (issue.code, issue.severity) == ("edifact.structure_unknown", "warning")
    assert f"INVOIC {version}" in issue.message and f"schemas/edifact/{version}" in issue.message


@pytest.mark.parametrize(("version", "association"), [("96A", "EAN005"), ("01B", "EAN007")])
def test_handwritten_desadv_with_sscc_pallets_validates_cleanly(
    schemas: EdifactSchemas, version: str, association: str
) -> None:
    # given a DESADV with the CPS hierarchy, PAC, PCI, GIN+BJ (SSCC) and LIN/QTY per item
    body = desadv(version, association)
    # when validated against its directory, then no issue at all
    assert summary(validate(schemas, body)) == []


@pytest.mark.parametrize(("version", "association"), [("96A", "EAN008"), ("01B", "EAN010")])
def test_handwritten_invoic_with_tax_totals_and_terms_validates_cleanly(
    schemas: EdifactSchemas, version: str, association: str
) -> None:
    # given an INVOIC with line MOA, TAX per rate in the summary, totals, PAT, RFF ON and AAK
    body = invoic(version, association)
    # when validated against its directory, then no issue at all
    assert summary(validate(schemas, body)) == []


def test_handwritten_invoic_d03b_with_pyt_validates_cleanly(schemas: EdifactSchemas) -> None:
    # given an INVOIC D03B whose payment terms are given by PYT (not PAT)
    body = invoic("03B", "EAN010", terms="PYT+1++5+3+D+30")
    # when validated, then no issue at all
    assert summary(validate(schemas, body)) == []


DESADV_ERRORS: list[tuple[str, Edit, tuple[str, int, str]]] = [
    # CPS 7164 is an..12 in D96A (an..35 from D00A on)
    ("cps_id_too_long", replace("CPS+1", "CPS+1234567890123"), ("element_too_long", 13, "CPS")),
    # GIN C208 (identity number range) is mandatory
    (
        "gin_without_sscc",
        replace("GIN+BJ+354123450000000014", "GIN+BJ"),
        ("element_missing", 18, "GIN"),
    ),
    # QTY C186.6060 is numeric n..15
    ("quantity_not_numeric", replace("QTY+12:24", "QTY+12:2X4"), ("element_type", 20, "QTY")),
    # PAC belongs to a CPS group (SG10/SG11); without CPS+1 the first PAC fits nowhere
    ("pac_outside_cps", replace("CPS+1", ""), ("segment_unexpected", 13, "PAC")),
    # BGM is mandatory once, right after UNH
    ("bgm_missing", replace("BGM+351+DES587441+9", ""), ("segment_missing", 3, "BGM")),
    (
        "bgm_twice",
        insert_after("BGM+351+DES587441+9", "BGM+351+X+9"),
        ("segment_too_many", 4, "BGM"),
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in DESADV_ERRORS], ids=[c[0] for c in DESADV_ERRORS]
)
def test_desadv_d96a_with_one_error_gives_exactly_that_error(
    schemas: EdifactSchemas, edit: Edit, expected: tuple[str, int, str]
) -> None:
    # given the clean DESADV D96A with one deliberate error
    body = edit(desadv("96A", "EAN005"))
    # when validated, then exactly that error, at its segment
    code, position, tag = expected
    assert summary(validate(schemas, body)) == [(f"edifact.{code}", "error", position, tag)]


# D01B: QTY C186.6060 is an..35 there, so a non-numeric quantity is no error; PAC 7224 is n..8.
DESADV_D01B_ERRORS = [
    c for c in DESADV_ERRORS if c[0] not in ("cps_id_too_long", "quantity_not_numeric")
]
DESADV_D01B_ERRORS.append(
    ("package_count_not_numeric", replace("PAC+2++201", "PAC+2X++201"), ("element_type", 14, "PAC"))
)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [c[1:] for c in DESADV_D01B_ERRORS],
    ids=[c[0] for c in DESADV_D01B_ERRORS],
)
def test_desadv_d01b_with_one_error_gives_exactly_that_error(
    schemas: EdifactSchemas, edit: Edit, expected: tuple[str, int, str]
) -> None:
    # given the clean DESADV D01B with one deliberate error
    body = edit(desadv("01B", "EAN007"))
    # when validated, then exactly that error, at its segment
    code, position, tag = expected
    assert summary(validate(schemas, body)) == [(f"edifact.{code}", "error", position, tag)]


def test_desadv_cps_id_of_13_characters_is_valid_in_d01b(schemas: EdifactSchemas) -> None:
    # given the D01B DESADV whose consignment CPS has a 13-character hierarchical id
    body = replace("CPS+1", "CPS+1234567890123")(desadv("01B", "EAN007"))
    body = [s.replace("CPS+2+1", "CPS+2+1234567890123") for s in body]
    body = [s.replace("CPS+3+1", "CPS+3+1234567890123") for s in body]
    # when validated, then no issue: 7164/7166 are an..35 in D01B
    assert summary(validate(schemas, body)) == []


SIX_TAX = [f"TAX+7+VAT+++:::{rate}+S" for rate in (1, 2, 3, 4, 5, 6)]

INVOIC_ERRORS: list[tuple[str, Edit, tuple[str, int, str]]] = [
    # UNS separates detail and summary; it is mandatory
    ("uns_missing", replace("UNS+S", ""), ("segment_missing", 26, "UNS")),
    # the TAX 5283 list is complete (D96A, inherited by D01B): 8 is no duty/tax/fee function
    (
        "tax_function_unknown",
        replace("TAX+7+VAT+++:::0+Z", "TAX+8+VAT+++:::0+Z"),
        ("code_unknown", 25, "TAX"),
    ),
    # MOA C516.5004 written with a comma in a "." interchange
    ("moa_comma_decimal", replace("MOA+203:240.00", "MOA+203:240,00"), ("decimal_mark", 18, "MOA")),
    # PAT C112.2475 (payment time reference) is mandatory when C112 is present
    (
        "pat_time_reference_missing",
        replace("PAT+1++5:3:D:30", "PAT+1++:3:D:30"),
        ("component_missing", 14, "PAT"),
    ),
    # SG6 (header TAX-MOA-LOC) may occur at most 5 times
    (
        "six_header_tax_groups",
        insert_after("RFF+VA:DE123456789", *SIX_TAX),
        ("group_too_many", 18, "TAX"),
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in INVOIC_ERRORS], ids=[c[0] for c in INVOIC_ERRORS]
)
@pytest.mark.parametrize(("version", "association"), [("96A", "EAN008"), ("01B", "EAN010")])
def test_invoic_with_one_error_gives_exactly_that_error(
    schemas: EdifactSchemas,
    version: str,
    association: str,
    edit: Edit,
    expected: tuple[str, int, str],
) -> None:
    # given the clean INVOIC D96A or D01B with one deliberate error
    body = edit(invoic(version, association))
    # when validated, then exactly that error, at its segment
    code, position, tag = expected
    assert summary(validate(schemas, body)) == [(f"edifact.{code}", "error", position, tag)]


def test_invoic_without_summary_amounts_misses_the_mandatory_group(schemas: EdifactSchemas) -> None:
    # given the INVOIC D96A without any MOA after UNS (SG48 is mandatory, M 100)
    body = invoic("96A", "EAN008")
    uns = body.index("UNS+S")
    body = body[:uns] + [s for s in body[uns:] if not s.startswith("MOA+")]
    # when validated, then one segment_missing naming MOA, at the segment after CNT
    [issue] = validate(schemas, body)
    assert (issue.code, issue.location.segment_position) == ("edifact.segment_missing", 28)
    assert "MOA" in issue.message


def test_open_tax_category_list_warns_in_d01b(schemas: EdifactSchemas) -> None:
    # given the INVOIC D01B with a tax category not in the (incomplete) 5305 list
    body = replace("TAX+7+VAT+++:::0+Z", "TAX+7+VAT+++:::0+XX")(invoic("01B", "EAN010"))
    # when validated, then a warning, not an error, at that TAX segment, element 6
    [issue] = validate(schemas, body)
    assert (issue.code, issue.severity) == ("edifact.code_unknown", "warning")
    assert (issue.location.segment_position, issue.location.element) == (25, 6)


def test_pat_in_an_invoic_d03b_is_unexpected(schemas: EdifactSchemas) -> None:
    # given an INVOIC D03B that still uses PAT for its payment terms (PYT replaced it)
    body = invoic("03B", "EAN010")
    # when validated, then PAT is the only problem
    assert summary(validate(schemas, body)) == [("edifact.segment_unexpected", "error", 14, "PAT")]
