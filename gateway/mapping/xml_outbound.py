"""Outbound XML mappings: a canonical document rendered through an XML template.

A mapping is a TOML file (``[mapping]`` with ``template = "<file>.xml"`` and optional
``[codes.<table>]`` overrides) and the template beside it: the UBL or cXML document as it
should look, with ``{path|converter}`` placeholders and ``gw:`` directives (the language is
described in `gateway.mapping.xml_template`). A partner override may bring its own template
or reuse the default's: the template is looked for in the override's folder first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from gateway.errors import MappingError
from gateway.mapping.rules import BuildContext
from gateway.mapping.xml_template import XmlTemplate
from gateway.mapping.xml_template_build import TemplateCompiler
from gateway.mapping.xml_template_render import Scope, TemplateRender
from gateway.model import DOCUMENT_TYPES, Document

# Keys of an EDIFACT/X12 mapping file that mean nothing to a template mapping.
_SEGMENT_KEYS = ("fields", "groups", "segments", "namespaces")
# UBL 2.1 document namespaces: urn:oasis:names:specification:ubl:schema:xsd:<Document>-2.
_UBL_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:{}-2"


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
    template: XmlTemplate = field(kw_only=True)

    def apply(self, document: Document, envelope: Mapping[str, str]) -> bytes:
        """The whole XML document as UTF-8 bytes; MappingError lists every problem."""
        expected = DOCUMENT_TYPES[self.document_type]
        if not isinstance(document, expected):
            raise TypeError(
                f"mapping {self.source} renders {expected.__name__}, not {type(document).__name__}"
            )
        render = TemplateRender(self.template, self.source)
        data = render.document(Scope(document, envelope))
        if render.issues:
            count = len(render.issues)
            message = (
                f"{self.document_type} could not be rendered as {self.standard}"
                f" {self.message_type} {self.version} ({count} problem{'s' if count != 1 else ''};"
                f" mapping {self.source})"
            )
            raise MappingError(message, render.issues)
        return data


def build_xml_outbound(
    data: dict[str, Any],
    shown: str,
    context: BuildContext,
    problems: list[str],
    folders: Sequence[Path],
) -> XmlOutboundMapping | None:
    """Build an outbound XML mapping from its TOML data and template (found in `folders`)."""
    before = len(problems)
    meta = data["mapping"]
    standard = str(meta["standard"]).upper()
    for key in _SEGMENT_KEYS:
        if key in data:
            problems.append(f"{shown}: {key}: not used by an XML mapping (its template says all)")
    path = _template_path(meta.get("template"), shown, folders, problems)
    for key in ("variant", "default_variant"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            problems.append(f'{shown}: mapping.{key}: must be a string, e.g. "peppol"')
    if path is None:
        return None
    compiler = TemplateCompiler(
        DOCUMENT_TYPES[meta["document"]], standard, context, _shown_template(path, shown, folders)
    )
    template = compiler.compile(path)
    problems.extend(compiler.problems)
    if template is not None and standard == "UBL":
        _check_ubl_root(template, str(meta["message_type"]), problems)
    if template is None or len(problems) > before:
        return None
    return XmlOutboundMapping(
        # Message types are looked up upper-cased (MappingSet), as the inbound side stores them.
        shown, standard, str(meta["message_type"]).upper(), str(meta["version"]),
        str(meta["document"]),
        variant=meta.get("variant"), default_variant=meta.get("default_variant"),
        template=template,
    )  # fmt: skip


def _template_path(
    name: object, shown: str, folders: Sequence[Path], problems: list[str]
) -> Path | None:
    """The template file named by `mapping.template`, looked for in each folder in turn."""
    if not isinstance(name, str) or not name.endswith(".xml"):
        problems.append(
            f'{shown}: mapping.template: missing or not an .xml file name, e.g. "Invoice_2.1.xml"'
        )
        return None
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        problems.append(f"{shown}: mapping.template: {name!r} must name a file beside the mapping")
        return None
    for folder in folders:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(f) for f in folders) or "no folder"
    problems.append(f"{shown}: mapping.template: {name!r} not found (looked in {looked})")
    return None


def _shown_template(path: Path, shown: str, folders: Sequence[Path]) -> str:
    """The template's path as the mapping file's is shown (relative to the same folder)."""
    own = Path(shown).parent
    if own.is_absolute() or not folders:
        return str(path)
    anchor = folders[0]
    for _ in own.parts:
        anchor = anchor.parent
    try:
        return str(path.relative_to(anchor))
    except ValueError:
        return str(path)


def _check_ubl_root(template: XmlTemplate, message_type: str, problems: list[str]) -> None:
    """A UBL template's root is the document named by the mapping, in its namespace."""
    expected = f"{{{_UBL_NAMESPACE.format(message_type)}}}{message_type}"
    if template.root.tag != expected:
        problems.append(
            f"{template.shown} line {template.root.line}: the root element is"
            f" {template.root.tag}, expected {expected} (mapping.message_type {message_type!r})"
        )
