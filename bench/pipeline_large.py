"""The whole inbound pipeline on one large interchange: time and peak memory per size.

Each size runs in a fresh child process (so its peak RSS is its own) on a fresh workspace:
the file is dropped in the partner's inbox, taken, parsed, validated, mapped, acknowledged
(one CONTRL, or one 997 for the X12 group) and its orders recorded. Order responses are
switched off for the run: 100,000 outbound interchanges would measure the outbound side, not
how a large file is split and processed. EDIFACT: ORDERS D96A from acme; X12: 850 004010 from
globex (`--x12`).

    python bench/pipeline_large.py [--x12] 1000 10000 100000
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.store import Store

SENDER, RECIPIENT = "5790000000001:14", "5412345000013:14"
LINES = 10
# Items of the sample master data with ACME's prices, so that the order engine checks,
# allocates and backorders as it would for real orders.
SAMPLE_ITEMS = (("4006381333931", "0.45"), ("4006381333948", "12.50"), ("5412345000020", "3.00"))


def write_interchange(path: Path, orders: int) -> int:
    """Write one ORDERS D96A interchange with `orders` messages of 10 lines each; its size.

    About 1.3 KB per order, so 100,000 orders make the 130 MB file the issue talks of.
    """
    with path.open("w", encoding="latin-1", newline="\n") as out:
        out.write(f"UNA:+.? '\nUNB+UNOC:3+{SENDER}+{RECIPIENT}+261121:0800+BIG{orders}'\n")
        for n in range(1, orders + 1):
            body = [
                f"UNH+{n}+ORDERS:D:96A:UN:EAN008",
                f"BGM+220+PO-{n:07d}+9",
                "DTM+137:20261121:102",
                "DTM+2:20261128:102",
                "NAD+BY+5790000000001::9",
                "NAD+SU+5412345000013::9",
                "NAD+DP+5790000000018::9++Acme DC North+Industrivej 12+Aarhus++8000+DK",
                "CUX+2:EUR:9",
            ]
            for line in range(1, LINES + 1):
                gtin, price = SAMPLE_ITEMS[line % len(SAMPLE_ITEMS)]
                body += [
                    f"LIN+{line}++{gtin}:EN",
                    f"PIA+1+ART-{line:04d}:IN",
                    f"IMD+F++:::Article {line}, carton of 12",
                    f"QTY+21:{(n + line) % 90 + 1}:PCE",
                    f"PRI+AAA:{price}",
                ]
            body += ["UNS+S", f"CNT+2:{LINES}"]
            body.append(f"UNT+{len(body) + 1}+{n}")
            out.write("'\n".join(body) + "'\n")
        out.write(f"UNZ+{orders}+BIG{orders}'\n")
    return path.stat().st_size


def write_x12(path: Path, orders: int) -> int:
    """Write one 850 004010 interchange from globex with `orders` sets; its size."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script
    from bench.x12_orders import order

    isa = (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'GLOBEX':<15}*ZZ*{'GATEWAY':<15}*261120*0930*U*00401*"
        "000000001*0*P*>~\n"
    )
    with path.open("w", encoding="ascii", newline="") as out:
        out.write(isa + "GS*PO*GLOBEX*GATEWAY*20261120*0930*1*X*004010~\n")
        for number in range(1, orders + 1):
            out.write(order(number))
        out.write(f"GE*{orders}*1~\nIEA*1*000000001~\n")
    return path.stat().st_size


def child(orders: int, standard: str) -> None:
    """Run in a child process: set up, generate, process, print one JSON line of figures."""
    import os

    from sqlalchemy import text as sql

    from gateway.app import build_gateway
    from gateway.config import load_settings
    from gateway.pipeline.intake import intake
    from gateway.pipeline.runner import run_due
    from gateway.workspace import init_workspace

    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        init_workspace(workspace)
        partner = "globex" if standard == "X12" else "acme"
        profile = workspace / "config" / "partners" / f"{partner}.toml"
        text = profile.read_text()
        start, end = text.index("\n[[outbound]]"), text.index("\n[transport]")
        profile.write_text(text[:start] + text[end:])
        inbox = workspace / "inbox" / partner
        staging = workspace / "big.tmp"
        write = write_x12 if standard == "X12" else write_interchange
        size = write(staging, orders)
        gateway = build_gateway(load_settings(workspace, {}))
        _import_masterdata(gateway.store, workspace)
        try:
            start = time.perf_counter()
            dropped = inbox / "big.edi"
            staging.rename(dropped)
            past = time.time() - 3600  # settled: the sweep takes it at once
            os.utime(dropped, (past, past))
            intake(gateway)
            summary = run_due(gateway)
            seconds = time.perf_counter() - start
            with gateway.store.engine.connect() as connection:
                count = connection.execute(sql("SELECT count(*) FROM orders")).scalar()
        finally:
            gateway.close()
        peak = _peak_rss_mib()
        print(
            json.dumps(
                {
                    "orders": orders,
                    "mb": size / 1e6,
                    "seconds": seconds,
                    "orders_recorded": count,
                    "outcomes": summary.outcomes,
                    "peak_rss_mib": peak,
                    "pid": os.getpid(),
                }
            )
        )


def _import_masterdata(store: Store, workspace: Path) -> None:
    """The sample master data, with credit and stock out of the way of a large run."""
    from gateway.store.masterdata_store import import_masterdata

    folder = workspace / "masterdata"
    customers = folder / "customers.csv"
    customers.write_text(customers.read_text().replace(",50000,", ",999999999,"))
    stock = folder / "stock.csv"
    lines = stock.read_text().splitlines()
    stock.write_text("\n".join([lines[0], *(f"{line}000" for line in lines[1:])]) + "\n")
    import_masterdata(store, folder, actor="bench")


def _peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(sizes: list[int], standard: str = "EDIFACT") -> None:
    """Run each size in its own process and print a table."""
    answer = "997" if standard == "X12" else "CONTRL"
    print(
        f"{standard} pipeline on one large interchange (parse, validate, map, {answer}, "
        "record orders)"
    )
    print(f"{'orders':>8} {'MB':>8} {'seconds':>9} {'orders/s':>9} {'peak RSS MiB':>13}  outcome")
    for orders in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--child", standard, str(orders)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"{orders:>8} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rate = r["orders"] / r["seconds"] if r["seconds"] else 0
        outcome = f"{r['orders_recorded']} orders recorded, {r['outcomes']}"
        print(
            f"{r['orders']:>8} {r['mb']:>8.1f} {r['seconds']:>9.1f} {rate:>9.0f} "
            f"{r['peak_rss_mib']:>13.0f}  {outcome}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[3]), sys.argv[2])
    else:
        chosen = "X12" if "--x12" in sys.argv else "EDIFACT"
        main([int(a) for a in sys.argv[1:] if a != "--x12"] or [1000, 10000], chosen)
