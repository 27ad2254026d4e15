"""Tell EDIFACT, X12 and XML apart by their first significant characters."""

from __future__ import annotations

import codecs

from gateway.errors import Issue, Location, ParseError

# Byte order marks an editor or a Windows tool may have put in front, with their codec.
_BOMS = (
    (codecs.BOM_UTF8, "utf_8"),
    (codecs.BOM_UTF16_LE, "utf_16_le"),
    (codecs.BOM_UTF16_BE, "utf_16_be"),
)

# EDIFACT starts with UNA (service string advice) or UNB (ISO 9735); X12 with ISA (X12.5);
# XML with '<' (a declaration, comment or the root element).
_STARTS = (("UNA", "EDIFACT"), ("UNB", "EDIFACT"), ("ISA", "X12"), ("<", "XML"))
# The standards whose documents are XML files ("XML" by content; the document says which).
XML_STANDARDS = ("UBL", "CXML")


def detect_standard(data: bytes) -> str:
    """ "EDIFACT", "X12" or "XML" from the content; ParseError for anything else."""
    head = _head(data)
    for prefix, standard in _STARTS:
        if head.startswith(prefix):
            return standard
    if _after_header_line(head):
        return "EDIFACT"
    ebcdic = _ebcdic_standard(data)
    if ebcdic:
        message = (
            f"the file is an {ebcdic} interchange in EBCDIC (it starts with bytes "
            f"{data[:3].hex(' ')}, {data[:3].decode('cp037')!r} in EBCDIC code page 037); "
            "the gateway reads ASCII-based character sets only: convert the file to ASCII"
        )
        raise ParseError(message, [Issue("format.ebcdic", message, Location(offset=0))])
    message = (
        f"cannot tell the standard: the file {_describe(data, head)}; expected an EDIFACT "
        "interchange (UNA or UNB), an X12 interchange (ISA) or an XML document ('<')"
    )
    raise ParseError(message, [Issue("format.unknown", message, Location(offset=0))])


def _ebcdic_standard(data: bytes) -> str | None:
    # Mainframe partners may send EBCDIC: ISA, UNA and UNB then read as these bytes (cp037/500).
    text = data.lstrip(b"\x40\x25\x0d")[:3].decode("cp037")
    return {"ISA": "X12", "UNA": "EDIFACT", "UNB": "EDIFACT"}.get(text)


def _after_header_line(head: str) -> bool:
    # Some VANs and mailbox tools put a routing line ("$$ADD ID=... BID='ORDERS'") in front of
    # the interchange; UNA or UNB then starts one of the next lines.
    lines = head[:1024].splitlines()[1:4]
    return any(line.lstrip().startswith(("UNA", "UNB")) for line in lines)


def _head(data: bytes) -> str:
    # UTF-16 XML without a BOM still shows its '<' as 3C 00 or 00 3C (XML 1.0 appendix F).
    codec = "latin-1"
    body = data
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            codec, body = bom_codec, data[len(bom) :]
            break
    else:
        if data[:2] in (b"<\x00", b"\x00<"):
            return "<"
    return body[:1024].decode(codec, errors="replace").lstrip(" \t\r\n")


def _describe(data: bytes, head: str) -> str:
    if not data:
        return "is empty"
    if not head:
        return "holds only blanks"
    if any(ord(c) < 32 and c not in "\t\r\n" for c in head[:32]) or "\ufffd" in head[:32]:
        return f"looks binary (starts with bytes {data[:8].hex(' ')})"
    return f"starts with {head[:20]!r}"
