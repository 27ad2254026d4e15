"""Inbound XML mappings: one UBL or cXML document -> one canonical document.

A mapping file (mappings/ubl/Order_2.1.in.toml, mappings/cxml/OrderRequest_1.2.in.toml, ...)
declares its `[namespaces]`, its `[fields]` (XPaths from the document element) and its
`[groups.<name>]` (elements that each build a nested record: lines, parties, tax subtotals);
the file heads describe the syntax. The XPaths are compiled once when the file is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from gateway.errors import MappingError
from gateway.mapping.rules import BuildContext
from gateway.mapping.xml_build_inbound import XmlInboundBuilder, parse_namespaces
from gateway.mapping.xml_records import XmlRecordRule, XmlRun
from gateway.model import DOCUMENT_TYPES, Document

_DOCUMENT_CLASSES = tuple(DOCUMENT_TYPES.values())


@dataclass(frozen=True)
class XmlInboundMapping:
    """A loaded inbound XML mapping: UBL or cXML elements -> canonical document."""

    source: str
    standard: str  # "UBL" or "CXML"
    message_type: str  # UBL root element (Order) or cXML request element (OrderRequest)
    version: str  # "2.1" for UBL; "1.2" for cXML (every 1.2.0xx)
    document_type: str
    partner: str | None = None
    record: XmlRecordRule | None = None
    namespaces: Mapping[str, str] = field(default_factory=dict)

    def apply(self, root: etree._Element, filename: str | None = None) -> Document:
        """Map one document; MappingError lists every problem with its XPath and line."""
        if self.record is None:
            raise MappingError(f"mapping {self.source} has no rules (it was not built)")
        run = XmlRun(filename)
        document = run.record(self.record, root, optional=False)
        if run.issues or not isinstance(document, _DOCUMENT_CLASSES):
            raise MappingError(self._failure(len(run.issues), filename), run.issues)
        return document

    def _failure(self, count: int, file: str | None) -> str:
        where = f" in {file}" if file else ""
        return (
            f"{self.standard} {self.message_type} {self.version}{where} could not be mapped to"
            f" {self.document_type} ({count} problem{'s' if count != 1 else ''}; mapping"
            f" {self.source})"
        )


def build_xml_inbound(
    data: dict[str, Any], shown: str, context: BuildContext, problems: list[str]
) -> XmlInboundMapping | None:
    """Build an inbound XML mapping from its TOML data; None (with problems) when it cannot."""
    before = len(problems)
    meta = data["mapping"]
    for key in ("header_ends", "template", "variant", "default_variant"):
        if key in meta:
            problems.append(f"{shown}: mapping.{key}: does not apply to an inbound XML mapping")
    if "segments" in data:
        problems.append(f"{shown}: segments: an XML mapping has fields and groups, not segments")
    namespaces = parse_namespaces(data.get("namespaces"), f"{shown}: namespaces", problems)
    builder = XmlInboundBuilder(context, namespaces, problems)
    record = builder.record(DOCUMENT_TYPES[meta["document"]], data, f"{shown}: ")
    if len(problems) > before:
        return None
    # Message types are looked up upper-cased (MappingSet.xml_inbound): Order -> ORDER.
    return XmlInboundMapping(
        shown, str(meta["standard"]).upper(), str(meta["message_type"]).upper(), meta["version"],
        meta["document"], record=record, namespaces=namespaces,
    )  # fmt: skip
