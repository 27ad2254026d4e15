"""Inbound XML mappings: one UBL or cXML document -> one canonical document.

SKELETON: the interface the loader and the pipeline rely on; the engine is being built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from gateway.mapping.rules import BuildContext
from gateway.model import Document


@dataclass(frozen=True)
class XmlInboundMapping:
    """A loaded inbound XML mapping: UBL or cXML elements -> canonical document."""

    source: str
    standard: str  # "UBL" or "CXML"
    message_type: str  # UBL root element (Order) or cXML request element (OrderRequest)
    version: str  # "2.1" for UBL; "1.2" for cXML (every 1.2.0xx)
    document_type: str
    partner: str | None = None

    def apply(self, root: etree._Element, filename: str | None = None) -> Document:
        """Map one document; MappingError lists every problem with its XPath and line."""
        raise NotImplementedError


def build_xml_inbound(
    data: dict[str, Any], shown: str, context: BuildContext, problems: list[str]
) -> XmlInboundMapping | None:
    """Build an inbound XML mapping from its TOML data; None (with problems) when it cannot."""
    raise NotImplementedError
