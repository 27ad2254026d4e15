"""Loading schemas/edifact: the shipped data loads, and bad data is refused with file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gateway.errors import ConfigError
from gateway.validate.edifact_schema import EdifactSchemas, GroupEntry, SegmentEntry

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _segment_entries(entries: tuple[SegmentEntry | GroupEntry, ...]) -> list[SegmentEntry]:
    found: list[SegmentEntry] = []
    for entry in entries:
        if isinstance(entry, GroupEntry):
            found += _segment_entries(entry.entries)
        else:
            found.append(entry)
    return found


def _write(root: Path, relative: str, text: str) -> None:
    path = root / "edifact" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _minimal_directory(root: Path, name: str = "D96A") -> None:
    _write(root, f"{name}/directory.toml", f'name = "{name}"\n')
    _write(
        root,
        f"{name}/segments/UNH.toml",
        'tag = "UNH"\nname = "Message header"\nelements = """\n0062 M an..14\nS009 M\n'
        '  0065 M an..6\n  0052 M an..3\n  0054 M an..3\n  0051 M an..3\n"""\n',
    )
    _write(
        root,
        f"{name}/segments/UNT.toml",
        'tag = "UNT"\nname = "Message trailer"\nelements = """\n0074 M n..10\n0062 M an..14\n"""\n',
    )


def test_every_shipped_directory_loads_without_problems() -> None:
    # given the repository's schemas folder / when it is loaded
    schemas = EdifactSchemas.load(SCHEMAS)
    # then every directory H1 writes is there, with its message structures
    assert {"D96A", "D01B", "D03B"} <= set(schemas.directories())
    for directory, types in {
        "D96A": ("ORDERS", "ORDRSP", "APERAK", "CONTRL"),
        "D01B": ("ORDERS", "ORDRSP", "APERAK", "CONTRL"),
        "D03B": ("ORDERS",),
    }.items():
        for message_type in types:
            assert schemas.structure_for(directory, message_type) is not None, (
                directory,
                message_type,
            )


def test_every_message_file_is_loaded_and_names_only_defined_segments() -> None:
    # given every messages/<TYPE>.toml file of every directory
    schemas = EdifactSchemas.load(SCHEMAS)
    files = sorted(SCHEMAS.glob("edifact/*/messages/*.toml"))
    assert files
    for file in files:
        directory, message_type = file.parent.parent.name, file.stem
        # when its structure is looked up
        structure = schemas.structure_for(directory, message_type)
        # then it is there and each segment of it resolves to a layout of that tag
        assert structure is not None, file
        for entry in _segment_entries(structure.entries):
            assert entry.segment.tag == entry.tag, (file, entry.tag)
            assert entry.segment.elements, (file, entry.tag)


def test_loading_every_directory_takes_well_under_half_a_second() -> None:
    # given the shipped schemas / when they are loaded five times
    started = time.perf_counter()
    for _ in range(5):
        EdifactSchemas.load(SCHEMAS)
    # then one load takes well under the 0.5 s budget
    assert (time.perf_counter() - started) / 5 < 0.25


def test_contrl_is_found_by_its_syntax_level_version() -> None:
    # given the shipped schemas
    schemas = EdifactSchemas.load(SCHEMAS)
    # when CONTRL is looked up by the UNH S009 versions partners send
    syntax3 = [schemas.structure_for(v, "CONTRL") for v in ("22", "2:2", "D3", "D96A")]
    syntax4 = [schemas.structure_for(v, "CONTRL") for v in ("41", "4:1", "D01B")]
    # then 2:2 and D:3 give the syntax version 3 CONTRL, 4:1 the syntax version 4 one
    assert {s.directory for s in syntax3 if s} == {"D96A"} and all(syntax3)
    assert {s.directory for s in syntax4 if s} == {"D01B"} and all(syntax4)
    assert schemas.structure_for("22", "ORDERS") is None


def test_a_segment_not_written_in_a_directory_comes_from_the_one_it_is_based_on() -> None:
    # given D03B, based on D01B, which writes NAD with 3251 an..17 (an..9 in D96A)
    schemas = EdifactSchemas.load(SCHEMAS)
    structure = schemas.structure_for("D03B", "ORDERS")
    assert structure is not None
    # when the NAD layout of D03B ORDERS is looked at
    nad = next(e for e in _segment_entries(structure.entries) if e.tag == "NAD").segment
    # then it is D01B's
    postcode = next(e for e in nad.elements if e.id == "3251")
    assert postcode.format is not None and postcode.format.max_length == 17


def test_a_malformed_format_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    # given a segment whose second element has the format "an35x"
    _minimal_directory(tmp_path)
    _write(
        tmp_path,
        "D96A/segments/NAD.toml",
        'tag = "NAD"\nname = "Name and address"\nelements = """\n3035 M an..3\n3039 C an35x\n"""\n',
    )
    # when the schemas are loaded / then the file and line 5 are named
    with pytest.raises(ConfigError) as caught:
        EdifactSchemas.load(tmp_path)
    problems = "\n".join(caught.value.problems)
    assert "NAD.toml:5:" in problems
    assert "format 'an35x' is not a/n/an with a length" in problems


def test_a_message_naming_an_undefined_segment_is_refused(tmp_path: Path) -> None:
    # given ORDERS naming BGM, which no directory in the chain defines
    _minimal_directory(tmp_path)
    _write(
        tmp_path,
        "D96A/messages/ORDERS.toml",
        'message = "ORDERS"\nname = "x"\nstructure = """\nUNH M 1\nBGM M 1\nUNT M 1\n"""\n',
    )
    # when loaded / then the problem names the message file, its line and the tag
    with pytest.raises(ConfigError) as caught:
        EdifactSchemas.load(tmp_path)
    problems = "\n".join(caught.value.problems)
    assert "ORDERS.toml:5: segment BGM is not defined in D96A" in problems


def test_a_group_must_start_with_a_mandatory_trigger(tmp_path: Path) -> None:
    # given a group whose first line is conditional
    _minimal_directory(tmp_path)
    _write(
        tmp_path,
        "D96A/messages/ORDERS.toml",
        'message = "ORDERS"\nname = "x"\nstructure = """\n'
        'UNH M 1\nSG1 C 9\n  UNT C 1\nUNT M 1\n"""\n',
    )
    # when loaded / then the trigger line is named
    with pytest.raises(ConfigError) as caught:
        EdifactSchemas.load(tmp_path)
    assert any(
        "ORDERS.toml:6: group SG1 must start with its trigger segment, status M, max 1" in p
        for p in caught.value.problems
    )


def test_based_on_a_missing_directory_is_refused(tmp_path: Path) -> None:
    # given D01B based on a directory that is not there
    _minimal_directory(tmp_path, "D01B")
    _write(tmp_path, "D01B/directory.toml", 'name = "D01B"\nbased_on = "D96A"\n')
    # when loaded / then directory.toml is named
    with pytest.raises(ConfigError) as caught:
        EdifactSchemas.load(tmp_path)
    assert any("D01B/directory.toml: based_on = 'D96A'" in p for p in caught.value.problems)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    # given two broken files
    _minimal_directory(tmp_path)
    _write(tmp_path, "D96A/segments/BGM.toml", 'tag = "BGM"\nelements = """\n1004 X an..35\n"""\n')
    _write(tmp_path, "D96A/codes/1225.toml", 'element = "1001"\ncomplete = true\n[codes]\n')
    # when loaded / then both are listed
    with pytest.raises(ConfigError) as caught:
        EdifactSchemas.load(tmp_path)
    problems = caught.value.problems
    assert any("BGM.toml:3: status 'X' of 1004 must be M or C" in p for p in problems)
    assert any("1225.toml: element = '1001' must be the file's name '1225'" in p for p in problems)
