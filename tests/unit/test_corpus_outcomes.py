"""Every EDIFACT file of the shared corpus through read, envelope, structure and mapping.

The expectations come from PROVENANCE.md (what each file is, its deliberate and accidental
errors) and from reading the files: valid ones give their documents and no error; the
INVALID__ ones and those with accidental errors give exactly those errors, with their place.
Warnings are left out except where they are the point (hard wrapping).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.app import PACKAGED_MAPPINGS, PACKAGED_SCHEMAS
from gateway.formats.edifact import parse_interchanges
from gateway.mapping import MappingSet
from gateway.pipeline.translate import TranslateContext, Translation, translate
from gateway.validate.edifact_schema import EdifactSchemas

# file -> (document types mapped, [(error code, segment position, tag, element, component)])
EXPECTED: dict[str, tuple[list[str], list[tuple[str, int | None, str, int | None, int | None]]]] = {
    "INVALID__smooks__BAD_ORDERS_D03B.edi": (
        ["PurchaseOrder"],
        [
            ("edifact.unt_count", 58, "UNT", 1, None),
            ("edifact.segment_too_many", 39, "DTM", None, None),  # DTM x36, max 35
        ],
    ),
    "INVALID__staedi__invoic_d97b_bad.edi": (
        [],
        [
            ("edifact.invalid_character", 14, "PRI", 1, 2),  # '$' is not in UNOA
            ("edifact.element_too_long", 6, "NAD", 1, None),  # 3035 'BYZZ', an..3
            ("edifact.element_type", 11, "QTY", 1, 2),  # 6060 '1020A'
            ("edifact.element_type", 14, "PRI", 1, 2),  # 5118 '$1.179'
            ("edifact.segment_too_many", 22, "UNS", None, None),  # UNS twice
            ("mapping.none", 2, "UNH", 2, None),  # we take no INVOIC in
        ],
    ),
    "edinet__ORDRSP_D10A_singleline.edi": (
        [],
        [
            ("edifact.unt_count", 32, "UNT", 1, None),  # says 17, has 31
            ("edifact.unt_reference", 32, "UNT", 2, None),
            ("edifact.unz_reference", 33, "UNZ", 2, None),
            ("mapping.none", 2, "UNH", 2, None),
        ],
    ),
    # PROVENANCE calls it valid; its UNT says 8 for 7 segments.
    "pydifact__aperak_rejected_APERAK_D96A_syntax4.edi": (
        ["PartnerAck"],
        [("edifact.unt_count", 8, "UNT", 1, None)],
    ),
    "pydifact__invoice1_INVOIC_D97A.edi": ([], [("mapping.none", 2, "UNH", 2, None)]),
    "pydifact__order_ORDERS_D96A_EAN008_noUNZ.edi": (
        ["PurchaseOrder"],
        [("edifact.unz_missing", None, "UNZ", None, None)],
    ),
    "pydifact__wikipedia_de_ORDERS_D96A.edi": (
        ["PurchaseOrder"],
        [("edifact.unz_reference", 11, "UNZ", 2, None)],
    ),
    # smooks removed a CUX without fixing UNT: 36 for 35.
    "smooks__INVOIC_D03B_with_UNA_syntax4.edi": (
        [],
        [("edifact.unt_count", 36, "UNT", 1, None), ("mapping.none", 2, "UNH", 2, None)],
    ),
    "smooks__ORDERS_D03B_syntax4_repetition.edi": (["PurchaseOrder"], []),
    # UNOA declared, UTF-8 "München" sent (twice): each place named.
    "staedi__invoic_d93a_una_INVOIC_D93A.edi": (
        [],
        [
            ("edifact.charset", 7, "NAD", 6, 1),
            ("edifact.charset", 8, "NAD", 6, 1),
            ("mapping.none", 2, "UNH", 2, None),
        ],
    ),
    "staedi__invoic_d97b_una_nonstd_separators.edi": ([], [("mapping.none", 2, "UNH", 2, None)]),
    "staedi__orders-with-group_ORDERS_D96B_UNG.edi": (
        ["PurchaseOrder"],
        [("edifact.unt_count", 20, "UNT", 1, None)],  # says 21, has 18
    ),
    "staedi__wrapped_invoic_d97b_una_linewrapped.edi": (
        [],
        [("mapping.none", 2, "UNH", 2, None)],
    ),
}


@pytest.fixture(scope="module")
def context() -> TranslateContext:
    mappings = MappingSet.load(PACKAGED_MAPPINGS, ())
    return TranslateContext(mappings, EdifactSchemas.load(PACKAGED_SCHEMAS))


def _translate(corpus_dir: Path, name: str, context: TranslateContext) -> Translation:
    path = corpus_dir / "edifact" / name
    return translate(path.read_bytes(), name, context, None)


def test_every_corpus_file_has_an_expected_outcome(corpus_dir: Path) -> None:
    # the table above covers the whole folder, so a new corpus file cannot go untested
    assert sorted(p.name for p in (corpus_dir / "edifact").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_its_documents_and_exactly_its_errors(
    corpus_dir: Path, context: TranslateContext, name: str
) -> None:
    # when the file is read, validated and mapped
    result = _translate(corpus_dir, name, context)
    documents, errors = EXPECTED[name]
    # then the documents and the errors, each at its place, are as expected
    assert [type(d.document).__name__ for d in result.documents] == documents
    found = [
        (
            i.code,
            i.location.segment_position,
            i.location.segment_tag,
            i.location.element,
            i.location.component,
        )
        for i in result.issues
        if i.severity == "error"
    ]
    assert found == errors
    assert all(i.location.file == name for i in result.issues if i.severity == "error")


def test_hard_wrapped_file_reads_like_the_unwrapped_one_with_a_warning(
    corpus_dir: Path, context: TranslateContext
) -> None:
    wrapped = _translate(corpus_dir, "staedi__wrapped_invoic_d97b_una_linewrapped.edi", context)
    plain = _translate(corpus_dir, "staedi__invoic_d97b_una_nonstd_separators.edi", context)
    assert wrapped.interchanges[0].segments == plain.interchanges[0].segments
    warnings = [i for i in wrapped.issues if i.severity == "warning"]
    assert [w.code for w in warnings] == ["edifact.wrapped"]


def test_mislabelled_charset_reads_clean_with_the_partner_override(
    corpus_dir: Path, context: TranslateContext
) -> None:
    # given the UNOA file that really is UTF-8, read with charset "utf-8" as a partner would
    data = (corpus_dir / "edifact" / "staedi__invoic_d93a_una_INVOIC_D93A.edi").read_bytes()
    (ic,) = parse_interchanges(data, "d93a.edi", charset="utf-8")
    # then "München" is read and no charset error is left
    assert [i.code for i in ic.issues if i.severity == "error"] == []
    nad = ic.segments[6]
    assert nad.tag == "NAD" and nad.value(6) == "München"
