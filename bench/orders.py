"""Generated ORDERS D96A interchanges of any size, for benchmarks."""

from __future__ import annotations

ACME = ("5790000000001", "5412345000013")


def make_order(reference: str, lines: int, acme: bool = False) -> bytes:
    """An ORDERS D96A interchange with `lines` LIN groups (from acme to us when `acme`)."""
    sender, recipient = ACME if acme else ("4000000000001", "4000000000002")
    body = [
        "UNH+1+ORDERS:D:96A:UN:EAN008",
        f"BGM+220+PO-{reference}+9",
        "DTM+137:20261120:102",
        "DTM+2:20261127:102",
        f"NAD+BY+{sender}::9",
        f"NAD+SU+{recipient}::9",
        "CUX+2:EUR:9",
    ]
    for n in range(1, lines + 1):
        body += [
            f"LIN+{n}++{4006381000000 + n:013d}:EN",
            f"QTY+21:{n % 50 + 1}",
            f"PRI+AAA:{n % 7 + 0.5}",
        ]
    body += ["UNS+S", f"CNT+2:{lines}"]
    body.append(f"UNT+{len(body) + 1}+1")
    segments = [
        f"UNB+UNOC:3+{sender}:14+{recipient}:14+261120:0930+{reference}",
        *body,
        f"UNZ+1+{reference}",
    ]
    return ("UNA:+.? '" + "\n" + "'\n".join(segments) + "'\n").encode("latin-1")
