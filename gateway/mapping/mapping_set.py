"""MappingSet: every loaded mapping, looked up by standard, message and partner."""

from __future__ import annotations

import re
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
    Built,
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
from gateway.mapping.xml_inbound import XmlInboundMapping
from gateway.mapping.xml_outbound import XmlOutboundMapping

InKey = tuple[str, str, str]  # standard, message type, version
# document type, standard, message type, version, variant ("" for none)
OutKey = tuple[str, str, str, str, str]
# X12 GS08 version/release/industry identifier code: 004010, 004010VICS, 005010X231A1.
_X12_VERSION = re.compile(r"^(\d{6})")
# cXML version attribute / DOCTYPE: 1.2.014, 1.2.050; every 1.2.0xx shares the 1.2 mapping.
_CXML_VERSION = re.compile(r"^(\d+\.\d+)")
InMapping = InboundMapping | XmlInboundMapping
OutMapping = OutboundMapping | XmlOutboundMapping


def normalise_version(version: str, standard: str = "EDIFACT") -> str:
    """One word per version: EDIFACT 'D:96A', '96A' -> 'D96A'; X12 '004010VICS' -> '004010'.

    EDIFACT UNH S009 0052/0054 may come apart or together; X12 GS08 is six digits of version
    and release followed by an industry or implementation identifier the mapping ignores;
    cXML 1.2.050 is read by the 1.2 mapping, UBL 2.1 stays as it is.
    """
    text = version.replace(":", "").strip().upper()
    if standard.upper() == "X12":
        match = _X12_VERSION.match(text)
        return match[1] if match else text
    if standard.upper() == "CXML":
        match = _CXML_VERSION.match(text)
        return match[1] if match else text
    if standard.upper() == "UBL":
        return text
    return f"D{text}" if text[:1].isdigit() else text


@dataclass
class MappingSet:
    """The loaded mappings; the default for each message, and per-partner variants."""

    inbound_maps: dict[tuple[str | None, InKey], InMapping] = field(default_factory=dict)
    outbound_maps: dict[tuple[str | None, OutKey], OutMapping] = field(default_factory=dict)

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
        result._check_variants(problems)
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
            built = build_file(data, reader.shown(path), context, reader.problems, [path.parent])
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
                folders = [path.parent, base.path.parent]
                merged = merge_mapping(base.data, override)
                built = build_file(merged, shown, context, reader.problems, folders)
                if built is not None:
                    self._add(built, partner, reader)

    def _add(self, built: Built, partner: str | None, reader: FileReader) -> bool:
        """Register a mapping; a second file for the same message is a problem."""
        standard = built.standard.upper()
        version = normalise_version(built.version, standard)
        clash: Built | None
        if isinstance(built, InboundMapping | XmlInboundMapping):
            in_key = (partner, (standard, built.message_type.upper(), version))
            clash = self.inbound_maps.get(in_key)
            if clash is None:
                self.inbound_maps[in_key] = replace(built, partner=partner)
        else:
            message = (built.document_type, standard, built.message_type.upper(), version)
            out_key = (partner, (*message, built.variant or ""))
            clash = self.outbound_maps.get(out_key)
            if clash is None:
                self.outbound_maps[out_key] = replace(built, partner=partner)
        if clash is not None:
            reader.problems.append(f"{built.source}: maps the same message as {clash.source}")
        return clash is None

    def _check_variants(self, problems: list[str]) -> None:
        """Each `default_variant` must name a variant of its message that was loaded."""
        for (partner, key), mapping in self.outbound_maps.items():
            default = mapping.default_variant
            same = (k for p, k in self.outbound_maps if p in (None, partner))
            known = {k[4] for k in same if k[:4] == key[:4]}
            if default and default not in known:
                names = ", ".join(sorted(known - {""})) or "none"
                problems.append(
                    f"{mapping.source}: mapping.default_variant: {default!r} is not a variant"
                    f" of {' '.join(key[1:4])} (variants: {names})"
                )

    def inbound(
        self, standard: str, message_type: str, version: str, partner: str | None = None
    ) -> InboundMapping:
        """The partner's inbound mapping, else the default; MappingError when there is none.

        An X12 version is GS08 as received: 004010VICS finds the 004010 mapping."""
        found = self._inbound(standard, message_type, version, partner)
        if not isinstance(found, InboundMapping):
            raise _none("inbound", f"{standard} {message_type} {version}", partner, [])
        return found

    def xml_inbound(
        self, standard: str, message_type: str, version: str, partner: str | None = None
    ) -> XmlInboundMapping:
        """The partner's inbound UBL or cXML mapping, else the default; MappingError if none."""
        found = self._inbound(standard, message_type, version, partner)
        if not isinstance(found, XmlInboundMapping):
            raise _none("inbound", f"{standard} {message_type} {version}", partner, [])
        return found

    def _inbound(
        self, standard: str, message_type: str, version: str, partner: str | None
    ) -> InMapping:
        key = (standard.upper(), message_type.upper(), normalise_version(version, standard))
        found = self.inbound_maps.get((partner, key)) or self.inbound_maps.get((None, key))
        if found is None:
            # Only the same standard's mappings can stand in for the one asked for.
            existing = sorted({" ".join(k) for _, k in self.inbound_maps if k[0] == key[0]})
            raise _none("inbound", " ".join(key), partner, existing)
        return found

    def outbound(
        self,
        document_type: str,
        standard: str,
        message_type: str,
        version: str,
        partner: str | None = None,
        *,
        variant: str | None = None,
    ) -> OutboundMapping:
        """The partner's outbound mapping, else the default; MappingError when there is none.

        `variant` picks one of several mappings of the same message (`[mapping] variant`, e.g.
        the 856 hierarchy "SOPI" or "SOI"); a message that has no variants ignores it.
        """
        found = self._outbound(document_type, standard, message_type, version, partner, variant)
        if not isinstance(found, OutboundMapping):
            raise _none("outbound", f"{document_type} {standard} {message_type}", partner, [])
        return found

    def xml_outbound(
        self, document_type: str, standard: str, message_type: str, version: str, partner: str
    ) -> XmlOutboundMapping:
        """The partner's UBL or cXML outbound mapping, else the default; MappingError if none."""
        found = self._outbound(document_type, standard, message_type, version, partner, None)
        if not isinstance(found, XmlOutboundMapping):
            raise _none("outbound", f"{document_type} {standard} {message_type}", partner, [])
        return found

    def _outbound(  # noqa: PLR0917 - the lookup key, whole
        self,
        document_type: str,
        standard: str,
        message_type: str,
        version: str,
        partner: str | None,
        variant: str | None,
    ) -> OutMapping:
        message = (
            document_type, standard.upper(), message_type.upper(),
            normalise_version(version, standard),
        )  # fmt: skip
        wanted, variants = self._variant(message, partner, variant)
        key = (*message, wanted)
        found = self.outbound_maps.get((partner, key)) or self.outbound_maps.get((None, key))
        if found is None:
            asked = " ".join(message) + (f" variant {wanted}" if wanted else "")
            if variants and not wanted:
                asked += f" without a variant (variants: {', '.join(variants)})"
            same = (k for _, k in self.outbound_maps if k[1] == message[1])
            existing = sorted({" ".join(k).strip() for k in same})
            raise _none("outbound", asked, partner, existing)
        return found

    def _variant(
        self, message: tuple[str, ...], partner: str | None, variant: str | None
    ) -> tuple[str, list[str]]:
        """The variant to look up ("" for none) and the message's variants.

        A message without variants ignores the one asked for; with variants, no variant
        means the `default_variant` its mappings name.
        """
        same = [
            m
            for (p, k), m in self.outbound_maps.items()
            if k[:4] == message and p in (None, partner)
        ]
        variants = sorted({m.variant for m in same if m.variant})
        if not variants:
            return "", variants
        default = next((m.default_variant for m in same if m.default_variant), None)
        return variant or default or "", variants


def _none(direction: str, asked: str, partner: str | None, existing: list[str]) -> MappingError:
    """The error for a mapping that does not exist, naming what does."""
    who = f" (partner {partner})" if partner else ""
    have = "; ".join(existing) or "none"
    message = (
        f"no {direction} mapping for {asked}{who}; available: {have}."
        f" Add a file under mappings/ for it."
    )
    return MappingError(message, [Issue("mapping.none", message)])
