"""Generated X12 850 004010 interchanges of any size, for benchmarks (deterministic)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

SENDER = "4405197800"
RECEIVER = "999999999"
CONTROL = "000000001"


def isa(control: str = CONTROL) -> str:
    """The fixed-width ISA (106 characters with its terminator) of every generated file."""
    return (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{SENDER:<15}*ZZ*{RECEIVER:<15}*261120*0930*U*00401*"
        f"{control}*0*P*>~\n"
    )


def order(number: int) -> str:
    """One 850 (ST..SE) of 18-22 segments: BEG, REF, DTM, two N1 loops, 3-5 PO1/PID, CTT."""
    lines = 3 + number % 3
    body = [
        f"ST*850*{number:04d}",
        f"BEG*00*SA*PO-{number:08d}**20261120",
        f"REF*DP*{number % 900 + 100}",
        "DTM*002*20261127",
        "N1*BT*ACME RETAIL*92*0001",
        "N3*1 MAIN STREET",
        "N4*SPRINGFIELD*IL*62701*US",
        f"N1*ST*ACME STORE {number % 97}*92*{number % 97:04d}",
        "N3*99 HARBOUR ROAD",
        "N4*PORTLAND*OR*97201*US",
    ]
    for line in range(1, lines + 1):
        # The sample master data's widgets (W-100, W-200 at 2.50 a piece), so that the order
        # engine has real work to do when the pipeline benchmark runs these.
        sku, upc = ("W-100", "012345678905") if line % 2 else ("W-200", "012345678912")
        body += [
            f"PO1*{line}*{line * 3 + number % 7}*EA*2.50**VN*{sku}*UP*{upc}",
            f"PID*F****WIDGET MODEL {line} COLOUR {number % 5}",
        ]
    body.append(f"CTT*{lines}")
    body.append(f"SE*{len(body) + 1}*{number:04d}")
    return "~\n".join(body) + "~\n"


def interchange(count: int) -> Iterator[str]:
    """The text of one interchange with one PO group of `count` orders, piece by piece."""
    yield isa()
    yield f"GS*PO*{SENDER}*{RECEIVER}*20261120*0930*1*X*004010~\n"
    for number in range(1, count + 1):
        yield order(number)
    yield f"GE*{count}*1~\n"
    yield f"IEA*1*{CONTROL}~\n"


def make_orders(count: int) -> bytes:
    """A whole interchange of `count` orders, in memory (for small sizes)."""
    return "".join(interchange(count)).encode("ascii")


def write_orders(path: Path, count: int) -> Path:
    """Write the interchange of `count` orders to `path` (through a temporary name)."""
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="ascii", newline="") as out:
        for piece in interchange(count):
            out.write(piece)
    partial.rename(path)
    return path
