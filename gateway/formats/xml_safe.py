"""Read partners' XML so that a hostile file cannot harm the gateway.

A partner's file is read with entity substitution, DTD loading and network access off and
libxml2's limits on (nesting depth 256, entity amplification), after a size check; a file that
declares any entity is refused outright: an external entity (XXE) could name a local file or a
URL, an internal one could expand without end ("billion laughs"). A DOCTYPE that only names a
public DTD, as cXML's do (`<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/...">`), is read without
fetching it.
"""

from __future__ import annotations

from typing import NoReturn

from lxml import etree

from gateway.errors import Issue, Location, ParseError

# The largest XML file read: orders and invoices are kilobytes; a catalogue-sized order
# of 10,000 UBL lines is about 20 MB.
MAX_BYTES = 64 * 1024 * 1024
# libxml2 messages that name an attack rather than a typing mistake, with our code for them.
_LIMITS = (
    ("Excessive depth", "xml.depth", "nested deeper than 256 elements"),
    ("amplification", "xml.entity", "expands entities beyond libxml2's limit"),
    ("Detected an entity reference loop", "xml.entity", "has an entity reference loop"),
    ("huge", "xml.too_large", "holds a text node or name larger than libxml2's limit"),
)


def xml_parser() -> etree.XMLParser:
    """A parser that substitutes no entity and loads no DTD, locally or from the network."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=False,
        recover=False,
    )


def parse_xml(
    data: bytes, filename: str | None = None, max_bytes: int = MAX_BYTES
) -> etree._Element:
    """The root element of a partner's XML file; ParseError naming the file and the place."""
    if len(data) > max_bytes:
        _refuse(
            "xml.too_large",
            f"is {len(data):,} bytes; XML files of more than {max_bytes:,} bytes are refused",
            Location(filename),
        )
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, filename) from None
    _refuse_entities(root, filename)
    return root


def _refuse_entities(root: etree._Element, filename: str | None) -> None:
    """Any entity declaration (general or parameter, internal or external) is refused."""
    dtd = root.getroottree().docinfo.internalDTD
    declared = [entity.name for entity in dtd.iterentities()] if dtd is not None else []
    if declared:
        names = ", ".join(str(name) for name in declared[:5])
        _refuse(
            "xml.entity",
            f"declares entities ({names}) in its DOCTYPE; entity declarations are refused "
            "because they can read local files or URLs (XXE) or expand without end",
            Location(filename, line=1),
        )


def _syntax_error(exc: etree.XMLSyntaxError, filename: str | None) -> ParseError:
    message = str(exc.msg or exc).split(", line ")[0]
    code, what = "xml.syntax", f"is not well-formed XML: {message}"
    for marker, limit_code, sentence in _LIMITS:
        if marker in message:
            code, what = limit_code, f"{sentence} and is refused ({message})"
            break
    where = Location(filename, line=exc.lineno or None, column=_column(exc))
    text = f"{filename or 'the XML document'} {what}"
    return ParseError(text, [Issue(code, text, where)])


def _column(exc: etree.XMLSyntaxError) -> str | None:
    # lxml's offset is libxml2's 0-based column; people count from 1.
    return str(exc.offset + 1) if exc.offset is not None else None


def _refuse(code: str, what: str, where: Location) -> NoReturn:
    text = f"{where.file or 'the XML document'} {what}"
    raise ParseError(text, [Issue(code, text, where)])
