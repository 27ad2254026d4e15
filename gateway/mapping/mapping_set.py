"""MappingSet: every loaded mapping, looked up by standard, message and partner."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from gateway.errors import ConfigError, Issue, MappingError
from gateway.mapping.converters import (
    InConverter,
    OutConverter,
    inbound_converters,
    outbound_converters,
)
from gateway.mapping.inbound import InboundMapping
from gateway.mapping.loader import (
    FileReader,
    MappingFile,
    build_file,
    default_context,
    load_code_tables,
    partner_files,
)
from gateway.mapping.merge import merge_mapping
from gateway.mapping.outbound import OutboundMapping
from gateway.mapping.rules import BuildContext

InKey = tuple[str, str, str]  # standard, message type, version
OutKey = tuple[str, str, str, str]  # document type, standard, message type, version


def normalise_version(version: str) -> str:
    """EDIFACT UNH S009 0052/0054 as one word: 'D:96A', '96A' and 'D96A' all give 'D96A'."""
    text = version.replace(":", "").strip().upper()
    return f"D{text}" if text[:1].isdigit() else text


@dataclass
class MappingSet:
    """The loaded mappings; the default for each message, and per-partner variants."""

    inbound_maps: dict[tuple[str | None, InKey], InboundMapping] = field(default_factory=dict)
    outbound_maps: dict[tuple[str | None, OutKey], OutboundMapping] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        root: Path,
        partner_ids: Iterable[str] = (),
        inbound: Mapping[str, InConverter] | None = None,
        outbound: Mapping[str, OutConverter] | None = None,
    ) -> MappingSet:
        """Load and check every file under `root`; ConfigError lists every problem found."""
        problems: list[str] = []
        reader = FileReader(root, problems)
        if not root.is_dir():
            raise ConfigError([f"{root}: mappings folder does not exist"])
        tables = load_code_tables(reader)
        context = default_context(
            tables, inbound or inbound_converters(), outbound or outbound_converters()
        )
        result = cls()
        defaults = result._load_defaults(reader, context)
        result._load_partners(reader, context, defaults, partner_ids)
        if problems:
            raise ConfigError(problems)
        return result

    def _load_defaults(self, reader: FileReader, context: BuildContext) -> dict[str, MappingFile]:
        """Build every default file; returns the cleanly built ones by file name."""
        clean: dict[str, MappingFile] = {}
        skip = {reader.root / "codes", reader.root / "partners"}
        for path in sorted(reader.root.rglob("*.toml")):
            if any(folder in path.parents for folder in skip):
                continue
            data = reader.mapping(path)
            if data is None:
                continue
            before = len(reader.problems)
            built = build_file(data, reader.shown(path), context, reader.problems)
            if built is not None and self._add(built, None, reader):
                clean.setdefault(path.name, MappingFile(path, reader.shown(path), data))
            elif len(reader.problems) == before:
                reader.problems.append(f"{reader.shown(path)}: could not be built")
        return clean

    def _load_partners(
        self,
        reader: FileReader,
        context: BuildContext,
        defaults: dict[str, MappingFile],
        partner_ids: Iterable[str],
    ) -> None:
        """Merge each partner override over the default file of the same name and build it."""
        for partner, paths in partner_files(reader.root, partner_ids, reader.problems).items():
            for path in paths:
                shown = reader.shown(path)
                base = defaults.get(path.name)
                override = reader.read(path)
                if base is None:
                    reader.problems.append(
                        f"{shown}: overrides no default mapping named {path.name}"
                    )
                    continue
                if override is None:
                    continue
                built = build_file(
                    merge_mapping(base.data, override), shown, context, reader.problems
                )
                if built is not None:
                    self._add(built, partner, reader)

    def _add(
        self, built: InboundMapping | OutboundMapping, partner: str | None, reader: FileReader
    ) -> bool:
        """Register a mapping; a second file for the same message is a problem."""
        version = normalise_version(built.version)
        clash: InboundMapping | OutboundMapping | None
        if isinstance(built, InboundMapping):
            in_key = (partner, (built.standard.upper(), built.message_type, version))
            clash = self.inbound_maps.get(in_key)
            if clash is None:
                self.inbound_maps[in_key] = replace(built, partner=partner)
        else:
            out_key = (
                partner,
                (built.document_type, built.standard.upper(), built.message_type, version),
            )
            clash = self.outbound_maps.get(out_key)
            if clash is None:
                self.outbound_maps[out_key] = replace(built, partner=partner)
        if clash is not None:
            reader.problems.append(f"{built.source}: maps the same message as {clash.source}")
        return clash is None

    def inbound(
        self, standard: str, message_type: str, version: str, partner: str | None = None
    ) -> InboundMapping:
        """The partner's inbound mapping, else the default; MappingError when there is none."""
        key = (standard.upper(), message_type.upper(), normalise_version(version))
        found = self.inbound_maps.get((partner, key)) or self.inbound_maps.get((None, key))
        if found is None:
            raise _none(
                "inbound",
                " ".join(key),
                partner,
                sorted({" ".join(k) for _, k in self.inbound_maps}),
            )
        return found

    def outbound(
        self,
        document_type: str,
        standard: str,
        message_type: str,
        version: str,
        partner: str | None = None,
    ) -> OutboundMapping:
        """The partner's outbound mapping, else the default; MappingError when there is none."""
        key = (document_type, standard.upper(), message_type.upper(), normalise_version(version))
        found = self.outbound_maps.get((partner, key)) or self.outbound_maps.get((None, key))
        if found is None:
            existing = sorted({" ".join(k) for _, k in self.outbound_maps})
            raise _none("outbound", " ".join(key), partner, existing)
        return found


def _none(direction: str, asked: str, partner: str | None, existing: list[str]) -> MappingError:
    """The error for a mapping that does not exist, naming what does."""
    who = f" (partner {partner})" if partner else ""
    have = "; ".join(existing) or "none"
    message = (
        f"no {direction} mapping for {asked}{who}; available: {have}."
        f" Add a file under mappings/ for it."
    )
    return MappingError(message, [Issue("mapping.none", message)])
