"""Reading schemas/x12: TOML files to element, segment, code list and set definitions.

Every problem is collected (file and key) and raised together as one ConfigError.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gateway.validate.x12_schema import (
    ELEMENT_TYPES,
    CodeList,
    ComponentDef,
    CompositeDef,
    ElementDef,
    SegmentDef,
    SimpleElement,
    Structure,
    SyntaxNote,
    Version,
    raise_problems,
    schema_problem,
)
from gateway.validate.x12_schema_parse import parse_note, parse_spec, parse_table

_VERSION_KEYS = {"version", "name", "base"}
_DIRECTORY_KEYS = {"elements", "composites", "segments"}
_ELEMENT_KEYS = {"name", "type", "min", "max"}
_SEGMENT_KEYS = {"name", "elements", "notes", "lenient"}
_CODE_KEYS = {"element", "name", "complete", "codes"}
_SET_KEYS = {"set", "name", "heading", "detail", "summary"}

Table = dict[str, Any]


@dataclass
class _Raw:
    """One version folder as read, before its base is applied."""

    version: str
    name: str
    path: Path
    base: str | None
    elements: dict[str, Table] = field(default_factory=dict)
    composites: dict[str, Table] = field(default_factory=dict)
    segments: dict[str, Table] = field(default_factory=dict)
    codes: dict[str, CodeList] = field(default_factory=dict)
    sets: dict[str, tuple[Table, Path]] = field(default_factory=dict)


def load_versions(root: Path) -> dict[str, Version]:
    """Every version under root/x12, keyed by its name (004010, 005010)."""
    base = root / "x12"
    if not base.is_dir():
        raise_problems([f"{base}: no such folder; expected schemas/x12/<version>/ folders"])
    problems: list[str] = []
    raws: dict[str, _Raw] = {}
    for path in sorted(p for p in base.iterdir() if p.is_dir()):
        raw = _read_version(path, problems)
        if raw is not None:
            raws[raw.version] = raw
    versions = {}
    for name in raws:
        chain = _chain(raws, name, problems)
        if chain:
            versions[name] = _Builder(chain, problems).build()
    # A base version's problems show again while building the versions based on it.
    raise_problems(list(dict.fromkeys(problems)))
    return versions


def _read_version(path: Path, problems: list[str]) -> _Raw | None:
    data = _read_toml(path / "version.toml", _VERSION_KEYS, problems)
    if data is None:
        return None
    version, base = data.get("version"), data.get("base")
    if version != path.name:
        message = f"must be the folder's name {path.name!r}, not {version!r}"
        problems.append(schema_problem(path / "version.toml", "version", message))
    if base is not None and not isinstance(base, str):
        problems.append(schema_problem(path / "version.toml", "base", "must be text"))
        base = None
    raw = _Raw(path.name, str(data.get("name", path.name)), path, base)
    _read_dictionary(path / "elements.toml", raw, problems)
    _read_dictionary(path / "segments.toml", raw, problems)
    for file in sorted((path / "codes").glob("*.toml")):
        codes = _read_codes(file, problems)
        if codes is not None:
            raw.codes[codes.element] = codes
    for file in sorted((path / "sets").glob("*.toml")):
        table = _read_toml(file, _SET_KEYS, problems)
        if table is not None and _expect_stem(file, table, "set", problems):
            raw.sets[file.stem] = (table, file)
    return raw


def _read_dictionary(path: Path, raw: _Raw, problems: list[str]) -> None:
    if not path.exists() and raw.base is not None:
        return  # a version based on another may leave a whole file to its base
    data = _read_toml(path, _DIRECTORY_KEYS, problems)
    for section, target in (
        ("elements", raw.elements),
        ("composites", raw.composites),
        ("segments", raw.segments),
    ):
        tables = (data or {}).get(section, {})
        if not isinstance(tables, dict):
            problems.append(schema_problem(path, section, "must be a table of tables"))
            continue
        for key, table in tables.items():
            if not isinstance(table, dict):
                problems.append(schema_problem(path, f"{section}.{key}", "must be a table"))
                continue
            target[key] = {**table, "__file__": path}


def _read_codes(path: Path, problems: list[str]) -> CodeList | None:
    data = _read_toml(path, _CODE_KEYS, problems)
    if data is None or not _expect_stem(path, data, "element", problems):
        return None
    codes, complete = data.get("codes"), data.get("complete")
    if not isinstance(complete, bool):
        problems.append(schema_problem(path, "complete", "must be true or false"))
        complete = False
    if isinstance(codes, dict):
        codes = list(codes)
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        message = "must be a table of code = description, or a list of codes"
        problems.append(schema_problem(path, "codes", message))
        return None
    return CodeList(path.stem, str(data.get("name", "")), complete, frozenset(codes))


def _read_toml(path: Path, keys: set[str], problems: list[str]) -> Table | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(schema_problem(path, None, "missing"))
        return None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(schema_problem(path, None, f"not valid TOML: {exc}"))
        return None
    for key in sorted(set(data) - keys):
        message = f"unknown key; expected only {', '.join(sorted(keys))}"
        problems.append(schema_problem(path, key, message))
    return data


def _expect_stem(path: Path, data: Table, key: str, problems: list[str]) -> bool:
    if data.get(key) == path.stem:
        return True
    message = f"must be the file's name {path.stem!r}, not {data.get(key)!r}"
    problems.append(schema_problem(path, key, message))
    return False


def _chain(raws: dict[str, _Raw], name: str, problems: list[str]) -> list[_Raw]:
    chain = [raws[name]]
    while chain[-1].base is not None:
        base = chain[-1].base
        if base not in raws or any(raw.version == base for raw in chain):
            why = "is not a version folder" if base not in raws else "leads back to itself"
            path = chain[-1].path / "version.toml"
            problems.append(schema_problem(path, "base", f"{base!r} {why}"))
            return []
        chain.append(raws[base])
    return chain


class _Builder:
    """Resolves one version: its own definitions first, then its base's, and so on."""

    def __init__(self, chain: list[_Raw], problems: list[str]) -> None:
        self.chain = chain
        self.problems = problems
        self.elements: dict[str, SimpleElement | None] = {}
        self.composites: dict[str, CompositeDef | None] = {}
        self.segments: dict[str, SegmentDef | None] = {}

    def build(self) -> Version:
        """The version with every segment of its directory and every set resolved."""
        own = self.chain[0]
        tags = {tag for raw in self.chain for tag in raw.segments}
        for tag in sorted(tags):
            self.segment(tag)
        directory = frozenset(tags)
        sets: dict[str, Structure] = {}
        for raw in reversed(self.chain):
            for set_id, (table, path) in raw.sets.items():
                structure = self._structure(table, path, directory)
                if structure is not None:
                    sets[set_id] = structure
        segments = {tag: layout for tag, layout in self.segments.items() if layout is not None}
        return Version(own.version, own.name, segments, sets)

    def _find(self, section: str, key: str) -> Table | None:
        for raw in self.chain:
            table: Table | None = getattr(raw, section).get(key)
            if table is not None:
                return table
        return None

    def codes(self, element: str) -> CodeList | None:
        """The element's code list; one inherited from a base version is used as open."""
        for depth, raw in enumerate(self.chain):
            if element in raw.codes:
                codes = raw.codes[element]
                return codes if depth == 0 else replace(codes, complete=False)
        return None

    def element(self, key: str) -> SimpleElement | None:
        """The data element `key` of elements.toml, resolved once."""
        if key not in self.elements:
            self.elements[key] = self._element(key)
        return self.elements[key]

    def _element(self, key: str) -> SimpleElement | None:
        table = self._find("elements", key)
        if table is None:
            return None
        path, where = table["__file__"], f"elements.{key}"
        kind, low, high = table.get("type"), table.get("min"), table.get("max")
        problem = _element_problem(table, kind, low, high)
        if problem:
            self.problems.append(schema_problem(path, where, problem))
            return None
        if not isinstance(low, int) or not isinstance(high, int):
            return None  # reported by _element_problem
        name = str(table.get("name", ""))
        return SimpleElement(key, name, str(kind), low, high, self.codes(key))

    def composite(self, key: str) -> CompositeDef | None:
        """The composite `key` of segments.toml, resolved once."""
        if key not in self.composites:
            self.composites[key] = self._composite(key)
        return self.composites[key]

    def _composite(self, key: str) -> CompositeDef | None:
        table = self._find("composites", key)
        if table is None:
            return None
        path, where = table["__file__"], f"composites.{key}"
        self._unknown_keys(table, path, where)
        components = []
        for spec in _list(table, "elements", path, where, self.problems):
            parsed = parse_spec(spec)
            element = self.element(parsed[0]) if isinstance(parsed, tuple) else None
            if isinstance(parsed, str) or element is None or parsed[2] != 1:
                problem = parsed if isinstance(parsed, str) else f"{spec!r}: no such data element"
                self.problems.append(schema_problem(path, where, problem))
                continue
            components.append(ComponentDef(element, parsed[1]))
        notes = self._notes(table, len(components), path, where)
        return CompositeDef(key, str(table.get("name", "")), tuple(components), notes)

    def segment(self, tag: str) -> SegmentDef | None:
        """The segment `tag` of segments.toml, resolved once."""
        if tag not in self.segments:
            self.segments[tag] = self._segment(tag)
        return self.segments[tag]

    def _segment(self, tag: str) -> SegmentDef | None:
        table = self._find("segments", tag)
        if table is None:
            return None
        path, where = table["__file__"], f"segments.{tag}"
        self._unknown_keys(table, path, where)
        elements = []
        for spec in _list(table, "elements", path, where, self.problems):
            element = self._position(spec)
            if isinstance(element, str):
                self.problems.append(schema_problem(path, where, element))
                continue
            elements.append(element)
        notes = self._notes(table, len(elements), path, where)
        return SegmentDef(tag, str(table.get("name", "")), tuple(elements), notes)

    def _unknown_keys(self, table: Table, path: Path, where: str) -> None:
        for key in sorted(set(table) - _SEGMENT_KEYS - {"__file__"}):
            message = f"unknown key; expected only {', '.join(sorted(_SEGMENT_KEYS))}"
            self.problems.append(schema_problem(path, f"{where}.{key}", message))

    def _position(self, spec: object) -> ElementDef | str:
        parsed = parse_spec(spec)
        if isinstance(parsed, str):
            return parsed
        key, requirement, repeats = parsed
        if key.startswith("C"):
            composite = self.composite(key)
            if composite is None:
                return f"{spec!r}: no composite {key} in segments.toml"
            return ElementDef(requirement, composite=composite, repeats=repeats)
        element = self.element(key)
        if element is None:
            return f"{spec!r}: no data element {key} in elements.toml"
        return ElementDef(requirement, simple=element, repeats=repeats)

    def _notes(self, table: Table, count: int, path: Path, where: str) -> tuple[SyntaxNote, ...]:
        lenient = set(_list(table, "lenient", path, where, self.problems, required=False))
        notes = []
        for text in _list(table, "notes", path, where, self.problems, required=False):
            note = parse_note(text, count)
            if isinstance(note, str):
                self.problems.append(schema_problem(path, f"{where}.notes", note))
                continue
            notes.append(replace(note, lenient=note.text in lenient))
        unknown = lenient - {note.text for note in notes}
        if unknown:
            message = f"{', '.join(sorted(map(str, unknown)))} not among the notes"
            self.problems.append(schema_problem(path, f"{where}.lenient", message))
        return tuple(notes)

    def _structure(self, table: Table, path: Path, directory: frozenset[str]) -> Structure | None:
        text = "\n".join(str(table.get(area, "")) for area in ("heading", "detail", "summary"))
        entries, problems = parse_table(text, self.segment)
        for problem in problems:
            self.problems.append(schema_problem(path, "heading/detail/summary", problem))
        if problems or not entries:
            return None
        name, version = str(table.get("name", "")), self.chain[0].version
        return Structure(str(table["set"]), name, version, entries, directory, path)


def _element_problem(table: Table, kind: object, low: object, high: object) -> str | None:
    unknown = sorted(set(table) - _ELEMENT_KEYS - {"__file__"})
    if unknown:
        return f"unknown key {unknown[0]}; expected {', '.join(sorted(_ELEMENT_KEYS))}"
    if kind not in ELEMENT_TYPES:
        return f"type {kind!r} is not one of {', '.join(ELEMENT_TYPES)}"
    if not isinstance(low, int) or not isinstance(high, int) or not 0 < low <= high:
        return f"min {low!r} and max {high!r} must be whole numbers with 0 < min <= max"
    return None


def _list(
    table: Table, key: str, path: Path, where: str, problems: list[str], *, required: bool = True
) -> list[Any]:
    value = table.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        problems.append(schema_problem(path, f"{where}.{key}", "must be a list of strings"))
        return []
    return value
