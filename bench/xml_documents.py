"""XML benchmarks: read + validate + map UBL and cXML orders by size, render UBL and cXML
answers by size, how fast hostile files are refused, and what loading the XSDs costs."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from gateway.formats.xml_safe import MAX_BYTES
from gateway.mapping import MappingSet
from gateway.model import LineStatus, OrderResponse, Party, ResponseLine, ResponseStatus
from gateway.pipeline.xml_translate import map_xml_document, read_xml_document
from gateway.validate.xml_schema import XmlSchemas

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "e2e" / "data"
OASIS = REPO.parent / "shared" / "corpus" / "schemas" / "ubl-2.1" / "xsd"


def _best(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def ubl_order(lines: int) -> bytes:
    """The sample Peppol order with its first line repeated `lines` times."""
    text = (DATA / "ubl_order_norrland.xml").read_text()
    first = re.search(r"  <cac:OrderLine>.*?</cac:OrderLine>\n", text, re.DOTALL)
    if first is None:
        raise ValueError("the sample order has no order line")
    block = first.group(0)
    body = "".join(block.replace("<cbc:ID>1</cbc:ID>", f"<cbc:ID>{n}</cbc:ID>", 1)
                   for n in range(1, lines + 1))  # fmt: skip
    start, end = first.span()
    rest = re.sub(r"  <cac:OrderLine>.*</cac:OrderLine>\n", "", text[end:], flags=re.DOTALL)
    return (text[:start] + body + rest).encode()


def cxml_order(lines: int) -> bytes:
    """The sample cXML order with its first item repeated `lines` times."""
    text = (DATA / "cxml_order_initech.xml").read_text()
    first = re.search(r"      <ItemOut .*?</ItemOut>\n", text, re.DOTALL)
    if first is None:
        raise ValueError("the sample order has no ItemOut")
    block = first.group(0)
    body = "".join(block.replace('lineNumber="1"', f'lineNumber="{n}"')
                   for n in range(1, lines + 1))  # fmt: skip
    start, _ = first.span()
    tail = text[text.rindex("</ItemOut>") + len("</ItemOut>\n") :]
    return (text[:start] + body + tail).encode()


def _inbound(mappings: MappingSet, schemas: XmlSchemas, data: bytes) -> None:
    document = read_xml_document(data, "bench.xml")
    kind = document.kind
    issues = schemas.issues(document.root, kind.standard, kind.document, "bench.xml")
    if issues:
        raise ValueError(f"the bench document is not valid: {issues[0]}")
    map_xml_document(document, mappings, None, "bench.xml")


def bench_inbound(mappings: MappingSet) -> None:
    """Read safely, validate (project XSD; OASIS too where the corpus has it) and map."""
    project = XmlSchemas.load(REPO / "schemas")
    both = XmlSchemas.load(REPO / "schemas", OASIS) if OASIS.is_dir() else None
    for label, make in (("UBL Order", ubl_order), ("cXML OrderRequest", cxml_order)):
        for lines in (10, 1_000, 10_000):
            data = make(lines)
            best = _best(3, lambda d=data: _inbound(mappings, project, d))
            size = f"{len(data) / 1024:,.0f} KiB"
            print(f"in  {label:<18} {lines:>6} lines ({size:>9})  {best * 1000:8.1f} ms"
                  f"  {lines / best:>9,.0f} lines/s")  # fmt: skip
            if both is not None and label.startswith("UBL"):
                best = _best(3, lambda d=data: _inbound(mappings, both, d))
                print(f"    + OASIS UBL 2.1 XSD {'':>26}{best * 1000:8.1f} ms"
                      f"  {lines / best:>9,.0f} lines/s")  # fmt: skip


def _response(lines: int) -> OrderResponse:
    party = Party(id="7350000000016", id_scheme="GLN", name="Norrland Region", country="SE")
    return OrderResponse(
        response_number="R-1", order_number="NR-1", issue_date=date(2026, 11, 22),
        status=ResponseStatus.ACCEPTED_WITH_CHANGES, currency="EUR", buyer=party,
        seller=party, order_date=date(2026, 11, 20),
        lines=tuple(
            ResponseLine(
                str(n), LineStatus.CHANGED, Decimal(30), Decimal(24), gtin="4006381333931",
                seller_part="PEN-BLUE", uom="EA", unit_price=Decimal("0.45"),
                confirmed_delivery_date=date(2026, 12, 1), backordered_quantity=Decimal(6),
                backorder_date=date(2027, 1, 20),
            )
            for n in range(1, lines + 1)
        ),
    )  # fmt: skip


def bench_outbound(mappings: MappingSet) -> None:
    """Render an order response as UBL OrderResponse and as cXML ConfirmationRequest."""
    envelope = {
        "timestamp": "2026-11-22T10:00:00+00:00", "uuid": "u", "issue_time": "10:00:00",
        "test": "", "peppol": "true", "payload_id": "p@h", "deployment_mode": "production",
        "from_domain": "NetworkId", "from_identity": "us", "to_domain": "NetworkId",
        "to_identity": "them", "sender_domain": "NetworkId", "sender_identity": "us",
        "user_agent": "bench", "order_payload_id": "o@h",
    }  # fmt: skip
    targets = (("UBL", "OrderResponse", "2.1"), ("CXML", "ConfirmationRequest", "1.2"))
    for lines in (10, 1_000, 10_000):
        response = _response(lines)
        for standard, message, version in targets:
            mapping = mappings.xml_outbound("order_response", standard, message, version, "x")
            best = _best(3, lambda m=mapping, r=response: m.apply(r, envelope))
            print(f"out {message:<20} {lines:>6} lines  {best * 1000:8.1f} ms"
                  f"  {lines / best:>9,.0f} lines/s")  # fmt: skip


HOSTILE = {
    "external entity": b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    "billion laughs": b'<!DOCTYPE a [<!ENTITY l "lol">'
    + b"".join(
        f'<!ENTITY l{i} "{("&l" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><a>&l9;</a>",
    "100,000-deep nesting": b"<a>" * 100_000 + b"</a>" * 100_000,
    "oversize (64 MiB + 1)": b"<a>" + b" " * MAX_BYTES + b"</a>",
    "not XML": b"<Order>unclosed",
}


def bench_hostile() -> None:
    """How long each hostile file takes to be refused."""
    for label, data in HOSTILE.items():
        started = time.perf_counter()
        try:
            read_xml_document(data, "hostile.xml")
        except Exception as exc:  # the refusal is what is measured
            refused = type(exc).__name__
        else:
            refused = "ACCEPTED (a bug)"
        took = (time.perf_counter() - started) * 1000
        print(f"hostile {label:<24} refused in {took:8.1f} ms ({refused})")


def bench_xml() -> None:
    """All XML figures."""
    started = time.perf_counter()
    XmlSchemas.load(REPO / "schemas")
    print(f"load project XSDs {'':<30} {(time.perf_counter() - started) * 1000:8.1f} ms")
    if OASIS.is_dir():
        started = time.perf_counter()
        XmlSchemas.load(REPO / "schemas", OASIS)
        took = (time.perf_counter() - started) * 1000
        print(f"load project + OASIS UBL 2.1 XSDs {'':<14} {took:8.1f} ms")
    mappings = MappingSet.load(REPO / "mappings")
    bench_inbound(mappings)
    bench_outbound(mappings)
    bench_hostile()
