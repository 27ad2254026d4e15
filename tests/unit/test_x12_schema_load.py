"""Loading schemas/x12: versions, base versions, GS08 fallback, and errors in schema files."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ConfigError
from gateway.validate.x12_schema import LoopEntry, SegmentEntry, X12Schemas

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schemas() -> X12Schemas:
    """The project's schemas/x12, loaded once."""
    return X12Schemas.load(REPO / "schemas")


def test_every_required_set_loads_for_both_versions(schemas: X12Schemas) -> None:
    # given the project's schemas
    # when the sets are looked up
    # then 004010 and 005010 both have the order, acknowledgment, ship notice, invoice,
    # change and 997 sets, and only 005010 has the 999
    assert schemas.versions() == ["004010", "005010"]
    for set_id in ("850", "855", "856", "810", "860", "997"):
        for version in ("004010", "005010"):
            structure = schemas.structure_for(set_id, version)
            assert structure is not None, (set_id, version)
            assert structure.version == version
    assert schemas.structure_for("999", "004010") is None
    assert schemas.structure_for("999", "005010") is not None


def test_gs08_with_an_industry_suffix_falls_back_to_its_version(schemas: X12Schemas) -> None:
    # given GS08 values naming an industry guide or implementation convention
    # when the set is looked up
    vics = schemas.structure_for("850", "004010VICS")
    x231 = schemas.structure_for("999", "005010X231A1")
    # then the base version's structure is used
    assert vics is not None and vics.version == "004010"
    assert x231 is not None and x231.version == "005010"
    assert schemas.structure_for("850", "003010") is None
    assert schemas.structure_for("940", "004010") is None


def test_sets_start_with_st_end_with_se_and_loops_begin_mandatory_once(
    schemas: X12Schemas,
) -> None:
    # given every loaded set
    for version in schemas.versions():
        found = schemas.version_for(version)
        assert found is not None
        for structure in found.sets.values():
            # then ST comes first and SE last
            assert structure.tags[0] == "ST" and structure.tags[-1] == "SE"
            _assert_loops_begin_with_a_mandatory_segment(structure.entries)


def _assert_loops_begin_with_a_mandatory_segment(entries: tuple[object, ...]) -> None:
    for entry in entries:
        if isinstance(entry, LoopEntry):
            first = entry.entries[0]
            assert isinstance(first, SegmentEntry) and first.mandatory and first.max == 1
            _assert_loops_begin_with_a_mandatory_segment(entry.entries)


def test_relational_elements_are_governed_by_a_syntax_note(schemas: X12Schemas) -> None:
    # given every segment layout: an X element is only conditional through a note
    for version in schemas.versions():
        found = schemas.version_for(version)
        assert found is not None
        for tag, layout in found.segments.items():
            noted = {p for note in layout.notes for p in note.positions}
            relational = [n for n, e in enumerate(layout.elements, 1) if e.requirement == "X"]
            # then each X position appears in one of the segment's notes
            assert set(relational) <= noted, (version, tag)


def test_the_850_heading_detail_and_summary_are_one_table(schemas: X12Schemas) -> None:
    # given the 004010 850
    structure = schemas.structure_for("850", "004010")
    assert structure is not None
    # then the PO1 loop is mandatory, unbounded loops read ">1", and CTT is a loop of its own
    po1 = next(e for e in structure.entries if isinstance(e, LoopEntry) and e.name == "PO1")
    assert po1.mandatory and po1.max == 100000
    ref = next(e for e in structure.entries if e.tag == "REF")
    assert ref.max >= 1_000_000
    assert "CTT" in structure.tags


def test_base_version_supplies_what_the_version_does_not_write(schemas: X12Schemas) -> None:
    # given 005010, based on 004010
    new = schemas.version_for("005010")
    old = schemas.version_for("004010")
    assert new is not None and old is not None
    # then BEG comes from 004010, N4 and ST are 005010's own, 127 is 50 long in 005010
    beg = [(e.id, e.requirement) for e in new.segments["BEG"].elements]
    assert beg == [(e.id, e.requirement) for e in old.segments["BEG"].elements]
    assert len(new.segments["N4"].elements) == 7 and len(old.segments["N4"].elements) == 6
    assert [e.id for e in new.segments["ST"].elements] == ["143", "329", "1705"]
    ref_5010 = new.segments["REF"].elements[1].simple
    ref_4010 = old.segments["REF"].elements[1].simple
    assert ref_5010 is not None and ref_4010 is not None
    assert (ref_4010.max_length, ref_5010.max_length) == (30, 50)


def test_inherited_code_lists_are_open_and_written_ones_stay_complete(
    schemas: X12Schemas,
) -> None:
    # given BEG01 (353) in both versions and IK501 (717) in 005010
    old = schemas.version_for("004010")
    new = schemas.version_for("005010")
    assert old is not None and new is not None
    old_353 = old.segments["BEG"].elements[0].simple
    new_353 = new.segments["BEG"].elements[0].simple
    ik5 = new.segments["IK5"].elements[0].simple
    assert old_353 is not None and new_353 is not None and ik5 is not None
    # then 353 is complete in 004010 only, and 717 is complete in 005010
    assert old_353.codes is not None and old_353.codes.complete
    assert new_353.codes is not None and not new_353.codes.complete
    assert ik5.codes is not None and ik5.codes.complete and "Q" not in ik5.codes.codes


def test_element_reference_numbers_are_found_for_acknowledgments(schemas: X12Schemas) -> None:
    # given positions an AK4/IK4 has to name (AK402 / IK402 data element reference number)
    # then simple elements, composites and their components give their numbers
    assert schemas.element_id("004010VICS", "PO1", 7) == "234"
    assert schemas.element_id("005010", "REF", 4) == "C040"
    assert schemas.element_id("005010", "REF", 4, 2) == "127"
    assert schemas.element_id("004010", "PO1", 7, 1) == "234"
    # and positions that do not exist give None
    assert schemas.element_id("004010", "PO1", 26) is None
    assert schemas.element_id("004010", "ZZZ", 1) is None
    assert schemas.element_id("003010", "PO1", 1) is None


VERSION = 'version = "004010"\nname = "test"\n'
ELEMENTS = """
[elements]
"96" = { name = "Number of Included Segments", type = "N0", min = 1, max = 10 }
"143" = { name = "Transaction Set Identifier Code", type = "ID", min = 3, max = 3 }
"329" = { name = "Transaction Set Control Number", type = "AN", min = 4, max = 9 }
"""
SEGMENTS = """
[segments.ST]
name = "Transaction Set Header"
elements = ["143 M", "329 M"]

[segments.SE]
name = "Transaction Set Trailer"
elements = ["96 M", "329 M"]
"""
SET = 'set = "997"\nname = "Test"\nheading = """\nST M 1\nSE M 1\n"""\n'


def write_schemas(root: Path, **files: str) -> Path:
    """A one-version schemas/x12 tree; `files` replaces or adds files by relative path."""
    contents = {
        "version.toml": VERSION,
        "elements.toml": ELEMENTS,
        "segments.toml": SEGMENTS,
        "sets/997.toml": SET,
        **{name.replace("__", "/").replace("_toml", ".toml"): text for name, text in files.items()},
    }
    for name, text in contents.items():
        path = root / "x12" / "004010" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems_of(root: Path) -> tuple[str, ...]:
    """The problems ConfigError lists for the tree at `root`."""
    with pytest.raises(ConfigError) as caught:
        X12Schemas.load(root)
    return caught.value.problems


def test_minimal_tree_loads(tmp_path: Path) -> None:
    # given a version with ST, SE and a set of them
    root = write_schemas(tmp_path)
    # when it is loaded
    loaded = X12Schemas.load(root)
    # then the set is there
    assert loaded.structure_for("997", "004010") is not None


def test_missing_x12_folder_is_reported(tmp_path: Path) -> None:
    # given a schemas folder without x12/
    # then loading says which folder is expected
    (problem,) = problems_of(tmp_path)
    assert "x12" in problem and "no such folder" in problem


def test_element_with_a_bad_type_names_file_and_key(tmp_path: Path) -> None:
    # given element 96 of type "NUM"
    elements = ELEMENTS.replace('type = "N0"', 'type = "NUM"')
    root = write_schemas(tmp_path, elements_toml=elements)
    # then the problem names elements.toml and elements.96
    problems = problems_of(root)
    assert any(
        "elements.toml: elements.96: type 'NUM' is not one of" in problem for problem in problems
    )


def test_segment_naming_an_unknown_element_is_reported(tmp_path: Path) -> None:
    # given SE naming element 97, which elements.toml lacks
    segments = SEGMENTS.replace('"96 M", "329 M"', '"97 M", "329 M"')
    problems = problems_of(write_schemas(tmp_path, segments_toml=segments))
    # then the problem names segments.SE and the element
    assert any("segments.SE: '97 M': no data element 97" in problem for problem in problems)


def test_bad_syntax_note_and_unknown_lenient_note_are_reported(tmp_path: Path) -> None:
    # given ST notes with a position past its elements and a lenient note it does not have
    segments = SEGMENTS.replace(
        '["143 M", "329 M"]\n', '["143 M", "329 M"]\nnotes = ["P0103"]\nlenient = ["R0102"]\n', 1
    )
    problems = problems_of(write_schemas(tmp_path, segments_toml=segments))
    # then both are named with the segment's key
    assert any(
        "segments.ST.notes: P0103: positions must be between 01 and 02" in p for p in problems
    )
    assert any("segments.ST.lenient: R0102 not among the notes" in p for p in problems)


def test_set_naming_an_unknown_segment_or_a_bad_loop_is_reported(tmp_path: Path) -> None:
    # given a set with a segment BEG that is not written and a loop starting with an O segment
    table = SET.replace("SE M 1", "BEG M 1\nloop SE O 1\n  SE O 1")
    problems = problems_of(write_schemas(tmp_path, sets__997_toml=table))
    # then the set file and the line are named
    assert any("997.toml: heading/detail/summary: line 2: segment BEG" in p for p in problems)
    assert any("loop SE: its first line must be its beginning segment, M 1" in p for p in problems)


def test_file_that_is_not_toml_is_reported(tmp_path: Path) -> None:
    # given a version.toml that is not TOML
    problems = problems_of(write_schemas(tmp_path, version_toml='version = "004010'))
    # then the file is named
    assert any("version.toml: not valid TOML" in problem for problem in problems)


def test_base_that_is_no_version_is_reported(tmp_path: Path) -> None:
    # given a version based on 003010, which is not there
    problems = problems_of(write_schemas(tmp_path, version_toml=VERSION + 'base = "003010"\n'))
    # then version.toml and its key are named
    assert any("version.toml: base: '003010' is not a version folder" in p for p in problems)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    # given two independent mistakes
    elements = ELEMENTS.replace("min = 4, max = 9", "min = 9, max = 4")
    table = SET.replace('set = "997"', 'set = "998"')
    problems = problems_of(write_schemas(tmp_path, elements_toml=elements, sets__997_toml=table))
    # then both are reported together
    assert any("elements.329: min 9 and max 4" in problem for problem in problems)
    assert any("997.toml: set: must be the file's name '997'" in problem for problem in problems)
