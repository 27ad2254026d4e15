"""Load every mapping file under ``mappings/`` at start, with all problems reported at once.

Layout: ``<standard dir>/<MESSAGE>_<VERSION>.<in|out>.toml`` (e.g. ``edifact/ORDERS_D96A.in.toml``),
``codes/<table>.toml`` and ``partners/<partner>/<same file name>`` for per-partner overrides.
A file may say ``extends = "<file name in the same folder>"`` to reuse another mapping
(ORDERS D96B reuses D96A and changes only the version). Overrides and `extends` merge the
same way: `fields`, `segments` and each group's `fields` entries replace the base's
entries of the same name or add new ones (a new segment goes after the one named by its
`after` key, or at the end), and an entry that is only ``omit = true`` removes the base's;
`codes` tables are merged entry by entry, the override winning.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.formats.detect import XML_STANDARDS
from gateway.mapping.build_inbound import InboundBuilder
from gateway.mapping.build_outbound import OutboundBuilder
from gateway.mapping.codes import CodeTable, parse_code_table, parse_codes
from gateway.mapping.converters import InConverter, OutConverter
from gateway.mapping.inbound import InboundMapping
from gateway.mapping.merge import merge_mapping
from gateway.mapping.outbound import OutboundMapping
from gateway.mapping.rules import BuildContext, check_keys
from gateway.mapping.xml_inbound import XmlInboundMapping, build_xml_inbound
from gateway.mapping.xml_outbound import XmlOutboundMapping, build_xml_outbound
from gateway.model import DOCUMENT_TYPES

Table = dict[str, Any]
_META_KEYS = {
    "standard", "message_type", "version", "direction", "document", "header_ends", "agency",
    "association", "description", "variant", "default_variant", "template",
}  # fmt: skip
_TOP_KEYS = {"mapping", "fields", "groups", "segments", "codes", "extends", "namespaces"}
Built = InboundMapping | OutboundMapping | XmlInboundMapping | XmlOutboundMapping


@dataclass(frozen=True)
class MappingFile:
    """A mapping file's merged data (after `extends`) and the name it is shown by."""

    path: Path
    shown: str
    data: Table


class FileReader:
    """Reads TOML files, following `extends`, appending problems instead of stopping."""

    def __init__(self, root: Path, problems: list[str]) -> None:
        self.root = root
        self.problems = problems

    def shown(self, path: Path) -> str:
        """A path as a person finds it: relative to the folder holding `mappings/`."""
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def read(self, path: Path) -> Table | None:
        """The TOML data of one file, or None with a problem."""
        try:
            with path.open("rb") as handle:
                return tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            self.problems.append(f"{self.shown(path)}: cannot be read: {exc}")
            return None

    def mapping(self, path: Path, seen: tuple[Path, ...] = ()) -> Table | None:
        """A mapping file's data with its `extends` chain merged in."""
        data = self.read(path)
        if data is None or "extends" not in data:
            return data
        base_path = path.parent / str(data["extends"])
        if base_path in (*seen, path) or not base_path.is_file():
            why = "is circular" if base_path.is_file() else "does not exist"
            self.problems.append(f"{self.shown(path)}: extends: {data['extends']!r} {why}")
            return None
        base = self.mapping(base_path, (*seen, path))
        return None if base is None else merge_mapping(base, data)


def load_code_tables(reader: FileReader) -> dict[str, CodeTable]:
    """Every ``codes/<table>.toml``, keyed by file stem."""
    tables: dict[str, CodeTable] = {}
    for path in sorted((reader.root / "codes").glob("*.toml")):
        data = reader.read(path)
        if data is not None:
            check_keys(
                data,
                {"description", "unknown", "default", "codes"},
                reader.shown(path),
                reader.problems,
            )
            tables[path.stem] = parse_code_table(
                path.stem, data, reader.shown(path), reader.problems
            )
    return tables


def check_meta(data: Table, shown: str, problems: list[str]) -> bool:
    """Check the [mapping] table every file needs; False when the file cannot be built."""
    check_keys(data, _TOP_KEYS, shown, problems)
    meta = data.get("mapping")
    if not isinstance(meta, dict):
        problems.append(
            f"{shown}: mapping: missing (standard, message_type, version, direction, document)"
        )
        return False
    check_keys(meta, _META_KEYS, f"{shown}: mapping", problems)
    ok = True
    for key in ("standard", "message_type", "version"):
        if not isinstance(meta.get(key), str):
            problems.append(f"{shown}: mapping.{key}: missing or not a string")
            ok = False
    if meta.get("direction") not in ("in", "out"):
        problems.append(
            f"{shown}: mapping.direction: {meta.get('direction')!r} is not 'in' or 'out'"
        )
        ok = False
    if meta.get("document") not in DOCUMENT_TYPES:
        known = ", ".join(DOCUMENT_TYPES)
        document = meta.get("document")
        problems.append(
            f"{shown}: mapping.document: unknown document type {document!r} (known: {known})"
        )
        ok = False
    return ok


def file_context(base: BuildContext, data: Table, shown: str, problems: list[str]) -> BuildContext:
    """The context for one file: its standard's converters, its `[codes.<table>]` merged in."""
    standard = str(data["mapping"]["standard"]).upper()
    inbound = {n: c for n, c in base.inbound.items() if c.standard in (None, standard)}
    outbound = {n: c for n, c in base.outbound.items() if c.standard in (None, standard)}
    overrides = data.get("codes", {})
    if not isinstance(overrides, dict):
        problems.append(f"{shown}: codes: must be a table of tables")
        return BuildContext(inbound, outbound, base.tables)
    tables = dict(base.tables)
    for name, codes in overrides.items():
        entries = parse_codes(codes, f"{shown}: codes.{name}", problems)
        table = tables.get(name, CodeTable(name))
        tables[name] = table.merged(entries)
    return BuildContext(inbound, outbound, tables)


def default_context(
    tables: Mapping[str, CodeTable],
    inbound: Mapping[str, InConverter],
    outbound: Mapping[str, OutConverter],
) -> BuildContext:
    """The context every default mapping file starts from."""
    return BuildContext(inbound, outbound, tables)


def build_file(
    data: Table,
    shown: str,
    base: BuildContext,
    problems: list[str],
    folders: Sequence[Path] = (),
) -> Built | None:
    """Build one (merged) mapping file; None when it has problems.

    `folders` are where an XML template named by the file is looked for, in order: a partner
    override's own folder, then the default file's.
    """
    if not check_meta(data, shown, problems):
        return None
    context = file_context(base, data, shown, problems)
    if str(data["mapping"]["standard"]).upper() in XML_STANDARDS:
        if data["mapping"]["direction"] == "in":
            return build_xml_inbound(data, shown, context, problems)
        return build_xml_outbound(data, shown, context, problems, folders)
    if data["mapping"]["direction"] == "in":
        inbound = InboundBuilder(context, problems)
        return inbound.build(data, shown)
    return OutboundBuilder(context, problems).build(data, shown)


def partner_files(
    root: Path, partner_ids: Iterable[str], problems: list[str]
) -> dict[str, list[Path]]:
    """Override files per partner folder; a folder for an unknown partner is a problem."""
    known = set(partner_ids)
    found: dict[str, list[Path]] = {}
    folder = root / "partners"
    for partner_dir in sorted(p for p in folder.glob("*") if p.is_dir()):
        if known and partner_dir.name not in known:
            names = ", ".join(sorted(known))
            problems.append(f"{folder.name}/{partner_dir.name}: no such partner (known: {names})")
            continue
        found[partner_dir.name] = sorted(partner_dir.rglob("*.toml"))
    return found
