"""Which XML business document a file holds: UBL 2.1 (by the root's namespace) or cXML (by the
element under Request, Response or Message)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from gateway.errors import Issue, Location, ParseError

# UBL 2.1 document namespaces are urn:oasis:names:specification:ubl:schema:xsd:<Document>-2
# (UBL 2.1 NDR; the root element's local name is the document name too).
_UBL_DOCUMENT = re.compile(r"^urn:oasis:names:specification:ubl:schema:xsd:([A-Za-z]+)-2$")
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
# cXML names its version in the DOCTYPE's system id: .../schemas/cXML/1.2.014/cXML.dtd.
_CXML_VERSION = re.compile(r"/cXML/(\d+\.\d+\.\d+)/")
_CXML_CONTAINERS = ("Request", "Response", "Message")


@dataclass(frozen=True)
class XmlKind:
    """What an XML file is: its standard, document, version and profile."""

    standard: str  # "UBL" or "CXML"
    document: str  # "Order", "OrderResponse", "Invoice", "OrderRequest", "Status"...
    version: str | None
    # UBL: cbc:CustomizationID (a Peppol BIS 3 or CEN BII profile); cXML: deploymentMode.
    profile: str | None = None


def xml_kind(root: etree._Element, filename: str | None = None) -> XmlKind:
    """The kind of a parsed file; ParseError when it is neither UBL 2.1 nor cXML."""
    qname = etree.QName(root)
    match = _UBL_DOCUMENT.match(qname.namespace or "")
    if match is not None:
        return _ubl(root, match.group(1))
    if qname.namespace is None and qname.localname == "cXML":
        return _cxml(root, filename)
    text = (
        f"{filename or 'the XML document'} is neither UBL 2.1 nor cXML: its root element is "
        f"{{{qname.namespace or ''}}}{qname.localname}; expected a UBL document in "
        "urn:oasis:names:specification:ubl:schema:xsd:<Document>-2 or a cXML root <cXML>"
    )
    raise ParseError(text, [Issue("xml.unknown", text, Location(filename, xpath="/*"))])


def _ubl(root: etree._Element, document: str) -> XmlKind:
    version = root.findtext(f"{{{CBC}}}UBLVersionID")
    profile = root.findtext(f"{{{CBC}}}CustomizationID")
    return XmlKind("UBL", document, _clean(version), _clean(profile))


def _cxml(root: etree._Element, filename: str | None) -> XmlKind:
    for container in _CXML_CONTAINERS:
        holder = root.find(container)
        if holder is None:
            continue
        body = next((child for child in holder if isinstance(child.tag, str)), None)
        if body is not None:
            mode = holder.get("deploymentMode")
            return XmlKind("CXML", str(body.tag), _cxml_version(root), mode)
    text = (
        f"{filename or 'the cXML document'} holds no Request, Response or Message with a "
        "document in it (cXML 1.2: cXML = Header?, (Message | Request | Response))"
    )
    raise ParseError(text, [Issue("cxml.structure", text, Location(filename, xpath="/cXML"))])


def _cxml_version(root: etree._Element) -> str | None:
    system_url = root.getroottree().docinfo.system_url or ""
    match = _CXML_VERSION.search(system_url)
    return match.group(1) if match else _clean(root.get("version"))


def _clean(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None
