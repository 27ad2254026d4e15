"""XSD validation of inbound XML: the project's schemas, then the OASIS UBL 2.1 ones.

The project's schemas (schemas/xml, see its README) check what the gateway reads: the root
element and its namespace, the required elements in UBL's order, dates, decimals, currencies.
Where the full OASIS UBL 2.1 XSDs are configured, a UBL document the project's schema accepts
is also checked against its OASIS maindoc schema. XSDs are read without network access and
with their imports resolved locally; compiled schemas are kept once per process.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from gateway.errors import ConfigError, Issue, Location
from gateway.validate.xml_schema_messages import readable_message, readable_path

# The inbound XML documents the gateway accepts (xml_kind's standard and document); a cXML
# Response is known by its Status.
UBL_DOCUMENTS = ("Order", "OrderResponse", "OrderResponseSimple", "Invoice")
CXML_DOCUMENTS = ("OrderRequest", "Status")
UBL_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:{document}-2"
# Beyond this many schema errors in one file the rest are only counted.
MAX_ISSUES = 100


class XmlSchemas:
    """The compiled XSDs for every accepted XML document kind; read-only after `load`."""

    def __init__(self, project: dict[tuple[str, str], _Schema], oasis: dict[str, _Schema]) -> None:
        self._project = project
        self._oasis = oasis

    @classmethod
    def load(cls, root: Path, oasis_dir: Path | None = None) -> XmlSchemas:
        """Compile `root`/xml/* and, when given, the OASIS UBL 2.1 maindoc XSDs; ConfigError
        listing every problem."""
        problems: list[str] = []
        xml_root = root / "xml"
        project = {
            key: schema
            for key, source in _project_files(xml_root)
            if (schema := _schema(source, problems)) is not None
        }
        oasis: dict[str, _Schema] = {}
        if oasis_dir is not None:
            for document, source in _oasis_files(oasis_dir, problems):
                if (schema := _schema(source, problems)) is not None:
                    oasis[document] = schema
        if problems:
            raise ConfigError(dict.fromkeys(problems))  # cXML.xsd serves two documents
        return cls(project, oasis)

    @property
    def oasis(self) -> bool:
        """Whether the OASIS UBL 2.1 XSDs are checked too."""
        return bool(self._oasis)

    def issues(
        self, root: etree._Element, standard: str, document: str, filename: str | None = None
    ) -> list[Issue]:
        """Every schema error in the document (project XSD first, then OASIS); [] when valid."""
        key = (standard.upper(), document)
        schema = self._project.get(key)
        if schema is None:
            return [_unknown_kind(standard, document, filename)]
        wrong_root = _wrong_root(root, key, filename)
        if wrong_root is not None:
            return [wrong_root]
        found = schema.issues(root, filename)
        oasis = self._oasis.get(document) if key[0] == "UBL" else None
        if not found and oasis is not None:
            found = oasis.issues(root, filename)
        return _capped(found, filename)


class _Schema:
    """One compiled XSD and the label its messages carry; validation is serialised per schema
    because lxml keeps one error log per schema object."""

    def __init__(self, schema: etree.XMLSchema, label: str) -> None:
        self._schema = schema
        self._label = label
        self._lock = threading.Lock()

    def issues(self, root: etree._Element, filename: str | None) -> list[Issue]:
        """The document's errors against this schema, one Issue each."""
        with self._lock:
            if self._schema.validate(root):
                return []
            entries = list(self._schema.error_log)
        paths = _element_paths(root)
        return [
            _issue(entry, paths.get(entry.path or ""), self._label, filename)
            for entry in _without_echoes(entries)
        ]


@dataclass(frozen=True)
class _Source:
    """An XSD file as found: where it is and what its messages call it."""

    path: Path
    label: str
    tree_root: Path  # the folder whose files the XSD imports (for the cache's stamp)


def _project_files(xml_root: Path) -> Iterable[tuple[tuple[str, str], _Source]]:
    ubl = xml_root / "ubl-2.1"
    for document in UBL_DOCUMENTS:
        label = f"schemas/xml/ubl-2.1/maindoc/{document}.xsd"
        yield ("UBL", document), _Source(ubl / "maindoc" / f"{document}.xsd", label, ubl)
    cxml = xml_root / "cxml-1.2"
    for document in CXML_DOCUMENTS:
        label = "schemas/xml/cxml-1.2/cXML.xsd"
        yield ("CXML", document), _Source(cxml / "cXML.xsd", label, cxml)


def _oasis_files(oasis_dir: Path, problems: list[str]) -> Iterable[tuple[str, _Source]]:
    # The OASIS release keeps maindoc/ and common/ under xsd/; accept that folder or its parent.
    xsd = oasis_dir / "xsd" if (oasis_dir / "xsd" / "maindoc").is_dir() else oasis_dir
    if not (xsd / "maindoc").is_dir() or not (xsd / "common").is_dir():
        problems.append(
            f"{oasis_dir}: not the OASIS UBL 2.1 XSDs: expected the folders maindoc/ and "
            "common/ (or xsd/maindoc/ and xsd/common/) of the UBL 2.1 release"
        )
        return
    for document in UBL_DOCUMENTS:
        path = xsd / "maindoc" / f"UBL-{document}-2.1.xsd"
        yield document, _Source(path, f"OASIS UBL-{document}-2.1.xsd", xsd)


def _schema(source: _Source, problems: list[str]) -> _Schema | None:
    path = source.path
    if not path.is_file():
        problems.append(f"{path}: missing; it is needed to check inbound XML")
        return None
    try:
        return _compiled(str(path.resolve()), source.label, _stamp(source.tree_root))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError, OSError) as exc:
        problems.append(f"{path}: cannot be read as an XML schema: {exc}")
        return None


def _stamp(folder: Path) -> tuple[int, int]:
    """Newest modification time and count of the XSDs under `folder`: an edit reloads."""
    files = [path.stat() for path in folder.rglob("*.xsd")]
    return max((stat.st_mtime_ns for stat in files), default=0), len(files)


@functools.lru_cache(maxsize=32)
def _compiled(path: str, label: str, stamp: tuple[int, int]) -> _Schema:
    """An XSD compiled once per process (the OASIS UBL 2.1 ones take about 0.2 s each)."""
    del stamp  # part of the cache key only
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return _Schema(etree.XMLSchema(etree.parse(path, parser)), label)


def _unknown_kind(standard: str, document: str, filename: str | None) -> Issue:
    accepted = ", ".join(UBL_DOCUMENTS)
    message = (
        f"no schema checks a {standard} {document}: the gateway accepts UBL 2.1 {accepted} "
        "and cXML OrderRequest and Response (Status)"
    )
    return Issue("xml.schema_unknown", message, Location(filename, xpath="/*"))


def _wrong_root(root: etree._Element, key: tuple[str, str], filename: str | None) -> Issue | None:
    standard, document = key
    if standard == "UBL":
        expected = etree.QName(UBL_NAMESPACE.format(document=document), document)
        what = f"a UBL 2.1 {document} has the root element {document} in {expected.namespace}"
    else:
        expected = etree.QName("cXML")
        what = "a cXML document has the root element cXML in no namespace"
    found = etree.QName(root)
    if found == expected:
        return None
    message = f"the root element is {{{found.namespace or ''}}}{found.localname}; {what}"
    return Issue("xml.schema", message, Location(filename, xpath="/*", line=root.sourceline))


def _element_paths(root: etree._Element) -> dict[str, etree._Element]:
    """Each element by the path libxml2 gives it in error messages (xmlGetNodePath)."""
    tree = root.getroottree()
    return {tree.getpath(element): element for element in root.iter(etree.Element)}


def _without_echoes(entries: list[etree._LogEntry]) -> list[etree._LogEntry]:
    # libxml2 follows a facet error ("[facet 'pattern'] ...") with a second one for the same
    # value ("... is not a valid value of the local atomic type"): keep the first.
    kept: list[etree._LogEntry] = []
    for entry in entries:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and "[facet" in previous.message
            and "atomic type" in entry.message
            and (previous.line, previous.path) == (entry.line, entry.path)
        ):
            continue
        kept.append(entry)
    return kept


def _issue(
    entry: etree._LogEntry,
    element: etree._Element | None,
    label: str,
    filename: str | None,
) -> Issue:
    xpath = readable_path(element) if element is not None else entry.path
    message = f"{readable_message(entry.message)} ({label})"
    return Issue("xml.schema", message, Location(filename, xpath=xpath, line=entry.line or None))


def _capped(issues: list[Issue], filename: str | None) -> list[Issue]:
    if len(issues) <= MAX_ISSUES:
        return issues
    more = len(issues) - MAX_ISSUES
    note = Issue(
        "xml.schema",
        f"{more} more schema errors not listed (the first {MAX_ISSUES} are)",
        Location(filename),
    )
    return [*issues[:MAX_ISSUES], note]
