"""Reading schemas/edifact: TOML files to segment, code list and message definitions.

Every problem is collected (file and line) and raised together as one ConfigError.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gateway.validate.edifact_schema import (
    CodeList,
    Entry,
    GroupEntry,
    MessageSchema,
    SegmentDef,
    SegmentEntry,
    normalise_version,
    raise_problems,
    schema_problem,
)
from gateway.validate.edifact_schema_parse import (
    GROUP_NAME,
    Node,
    parse_elements,
    parse_structure,
)

_DIRECTORY_KEYS = {"name", "based_on"}
_SEGMENT_KEYS = {"tag", "name", "elements"}
_CODE_KEYS = {"element", "name", "complete", "codes"}
_MESSAGE_KEYS = {"message", "name", "structure", "versions"}


@dataclass
class _Directory:
    name: str
    path: Path
    based_on: str | None
    segments: dict[str, SegmentDef] = field(default_factory=dict)
    codes: dict[str, CodeList] = field(default_factory=dict)
    messages: dict[str, tuple[dict[str, Any], Path, int]] = field(default_factory=dict)


def load_directories(root: Path) -> tuple[dict[tuple[str, str], MessageSchema], list[str]]:
    """Every directory under root/edifact: (version, type) -> structure, and the names."""
    base = root / "edifact"
    if not base.is_dir():
        raise_problems([f"{base}: no such folder; expected schemas/edifact/<DIR>/ directories"])
    problems: list[str] = []
    directories: dict[str, _Directory] = {}
    for path in sorted(p for p in base.iterdir() if p.is_dir()):
        directory = _read_directory(path, problems)
        if directory is not None:
            directories[directory.name] = directory
    structures = _Binder(directories, problems).bind()
    raise_problems(problems)
    return structures, sorted(directories)


def _read_directory(path: Path, problems: list[str]) -> _Directory | None:
    data = _read_toml(path / "directory.toml", _DIRECTORY_KEYS, problems)
    if data is None:
        return None
    name, based_on = data.get("name"), data.get("based_on")
    if name != path.name:
        message = f"name = {name!r} must be the folder's name {path.name!r}"
        problems.append(schema_problem(path / "directory.toml", None, message))
    if based_on is not None and not isinstance(based_on, str):
        problems.append(schema_problem(path / "directory.toml", None, "based_on must be text"))
        based_on = None
    directory = _Directory(path.name, path, based_on)
    for file in sorted((path / "segments").glob("*.toml")):
        segment = _read_segment(file, problems)
        if segment is not None:
            directory.segments[segment.tag] = segment
    for file in sorted((path / "codes").glob("*.toml")):
        codes = _read_codes(file, problems)
        if codes is not None:
            directory.codes[codes.element] = codes
    for file in sorted((path / "messages").glob("*.toml")):
        data = _read_toml(file, _MESSAGE_KEYS, problems)
        if data is not None and _expect_stem(file, data, "message", problems):
            directory.messages[file.stem] = (data, file, _string_line(file, "structure"))
    return directory


def _read_toml(path: Path, keys: set[str], problems: list[str]) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(schema_problem(path, None, "missing"))
        return None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(schema_problem(path, None, f"not valid TOML: {exc}"))
        return None
    unknown = sorted(set(data) - keys)
    if unknown:
        expected = ", ".join(sorted(keys))
        message = f"unknown key(s) {', '.join(unknown)}; expected only {expected}"
        problems.append(schema_problem(path, None, message))
    return data


def _expect_stem(path: Path, data: dict[str, Any], key: str, problems: list[str]) -> bool:
    if data.get(key) == path.stem:
        return True
    message = f"{key} = {data.get(key)!r} must be the file's name {path.stem!r}"
    problems.append(schema_problem(path, None, message))
    return False


def _string_line(path: Path, key: str) -> int:
    # TOML drops the line break right after an opening """; the text starts one line lower.
    pattern = re.compile(rf"^\s*{key}\s*=")
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number + 1 if line.rstrip().endswith('"""') else number
    return 1


def _read_segment(path: Path, problems: list[str]) -> SegmentDef | None:
    data = _read_toml(path, _SEGMENT_KEYS, problems)
    if data is None or not _expect_stem(path, data, "tag", problems):
        return None
    text = data.get("elements")
    if not isinstance(text, str):
        problems.append(schema_problem(path, None, 'elements = """...""" is missing'))
        return None
    elements = parse_elements(text, path, _string_line(path, "elements"), problems)
    return SegmentDef(path.stem, str(data.get("name", "")), elements)


def _read_codes(path: Path, problems: list[str]) -> CodeList | None:
    data = _read_toml(path, _CODE_KEYS, problems)
    if data is None or not _expect_stem(path, data, "element", problems):
        return None
    codes, complete = data.get("codes"), data.get("complete")
    if not isinstance(complete, bool):
        problems.append(schema_problem(path, None, "complete must be true or false"))
    if not isinstance(codes, dict) or not all(isinstance(v, str) for v in codes.values()):
        problems.append(schema_problem(path, None, '[codes] must map each code to its name"'))
        return None
    return CodeList(path.stem, str(data.get("name", "")), complete is True, frozenset(codes))


class _Binder:
    """Resolves `based_on` chains, binds code lists into segments and builds structures."""

    def __init__(self, directories: dict[str, _Directory], problems: list[str]) -> None:
        self.directories = directories
        self.problems = problems
        self.bound: dict[tuple[str, str], SegmentDef | None] = {}

    def bind(self) -> dict[tuple[str, str], MessageSchema]:
        structures: dict[tuple[str, str], MessageSchema] = {}
        claimed: dict[tuple[str, str], Path] = {}
        for directory in self.directories.values():
            if not self._chain_ok(directory):
                continue
            for message_type, (data, path, line) in sorted(directory.messages.items()):
                schema = self._message(directory, message_type, data, path, line)
                if schema is None:
                    continue
                for version in (directory.name, *schema.versions):
                    key = (normalise_version(version), message_type)
                    if key in claimed:
                        other = claimed[key]
                        message = f"{message_type} version {version} is also defined in {other}"
                        self.problems.append(schema_problem(path, None, message))
                        continue
                    claimed[key] = path
                    structures[key] = schema
        return structures

    def _chain_ok(self, directory: _Directory) -> bool:
        seen = {directory.name}
        current = directory
        while current.based_on is not None:
            base = self.directories.get(current.based_on)
            where = current.path / "directory.toml"
            if base is None:
                message = f"based_on = {current.based_on!r}: no such directory beside it"
                self.problems.append(schema_problem(where, None, message))
                return False
            if base.name in seen:
                message = f"based_on = {current.based_on!r} makes a cycle"
                self.problems.append(schema_problem(where, None, message))
                return False
            seen.add(base.name)
            current = base
        return True

    def _chain(self, directory: _Directory) -> list[_Directory]:
        chain = [directory]
        while chain[-1].based_on is not None:
            chain.append(self.directories[chain[-1].based_on])
        return chain

    def _message(
        self, directory: _Directory, message_type: str, data: dict[str, Any], path: Path, line: int
    ) -> MessageSchema | None:
        text, versions = data.get("structure"), data.get("versions", [])
        if not isinstance(text, str):
            self.problems.append(schema_problem(path, None, 'structure = """...""" is missing'))
            return None
        if not isinstance(versions, list) or not all(isinstance(v, str) for v in versions):
            self.problems.append(schema_problem(path, None, 'versions must be a list ["22"]'))
            versions = []
        nodes = parse_structure(text, path, line, self.problems)
        entries = self._entries(directory, nodes, path)
        if entries is None:
            return None
        name = str(data.get("name", ""))
        return MessageSchema(
            message_type, name, directory.name, entries, tuple(versions), source=path
        )

    def _entries(
        self, directory: _Directory, nodes: list[Node], path: Path
    ) -> tuple[Entry, ...] | None:
        entries: list[Entry] = []
        ok = True
        for node in nodes:
            entry = self._entry(directory, node, path)
            if entry is None:
                ok = False
            else:
                entries.append(entry)
        return tuple(entries) if ok else None

    def _entry(self, directory: _Directory, node: Node, path: Path) -> Entry | None:
        if node.max < 1:
            self.problems.append(schema_problem(path, node.line, f"{node.name}: max must be >= 1"))
            return None
        if GROUP_NAME.match(node.name):
            return self._group(directory, node, path)
        if node.children:
            return None  # reported by parse_structure
        segment = self._segment(directory, node.name)
        if segment is None:
            chain = " -> ".join(d.name for d in self._chain(directory))
            message = f"segment {node.name} is not defined in {chain} (segments/{node.name}.toml)"
            self.problems.append(schema_problem(path, node.line, message))
            return None
        return SegmentEntry(node.name, node.mandatory, node.max, segment)

    def _group(self, directory: _Directory, node: Node, path: Path) -> GroupEntry | None:
        if not node.children:
            message = f"group {node.name} has no segments (indent them below it)"
            self.problems.append(schema_problem(path, node.line, message))
            return None
        trigger = node.children[0]
        if GROUP_NAME.match(trigger.name) or not trigger.mandatory or trigger.max != 1:
            message = (
                f"group {node.name} must start with its trigger segment, status M, max 1 "
                f"(found {trigger.name} {'M' if trigger.mandatory else 'C'} {trigger.max})"
            )
            self.problems.append(schema_problem(path, trigger.line, message))
            return None
        entries = self._entries(directory, node.children, path)
        if entries is None:
            return None
        return GroupEntry(node.name, node.mandatory, node.max, entries)

    def _segment(self, directory: _Directory, tag: str) -> SegmentDef | None:
        key = (directory.name, tag)
        if key not in self.bound:
            chain = self._chain(directory)
            segment = next((d.segments[tag] for d in chain if tag in d.segments), None)
            self.bound[key] = None if segment is None else self._with_codes(chain, segment)
        return self.bound[key]

    def _with_codes(self, chain: list[_Directory], segment: SegmentDef) -> SegmentDef:
        def codes(element_id: str) -> CodeList | None:
            return next((d.codes[element_id] for d in chain if element_id in d.codes), None)

        elements = tuple(
            replace(
                element,
                codes=codes(element.id) if not element.composite else None,
                components=tuple(replace(c, codes=codes(c.id)) for c in element.components),
            )
            for element in segment.elements
        )
        return replace(segment, elements=elements)
