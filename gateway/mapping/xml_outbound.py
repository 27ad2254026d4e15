"""Outbound XML mappings: a canonical document rendered through an XML template.

SKELETON: the interface the loader and the pipeline rely on; the engine is being built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.mapping.rules import BuildContext
from gateway.model import Document


@dataclass(frozen=True)
class XmlOutboundMapping:
    """A loaded outbound XML mapping: canonical document -> UBL or cXML document bytes."""

    source: str
    standard: str  # "UBL" or "CXML"
    message_type: str  # OrderResponse, DespatchAdvice, Invoice, ConfirmationRequest, ...
    version: str
    document_type: str
    partner: str | None = None
    variant: str | None = None
    default_variant: str | None = None

    def apply(self, document: Document, envelope: Mapping[str, str]) -> bytes:
        """The whole XML document as UTF-8 bytes; MappingError lists every problem."""
        raise NotImplementedError


def build_xml_outbound(
    data: dict[str, Any],
    shown: str,
    context: BuildContext,
    problems: list[str],
    folders: Sequence[Path],
) -> XmlOutboundMapping | None:
    """Build an outbound XML mapping from its TOML data and template (found in `folders`)."""
    raise NotImplementedError
