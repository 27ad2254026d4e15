"""The whole inbound pipeline on one large interchange: time and peak memory per size.

Each size runs in a fresh child process (so its peak RSS is its own) on a fresh workspace:
the file is dropped in acme's inbox, taken, parsed, validated, mapped, acknowledged with one
CONTRL and its orders recorded. Order responses are switched off for the run: 100,000 ORDRSP
interchanges would measure the outbound side, not how a large file is split and processed.

    python bench/pipeline_large.py 1000 10000 100000
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENDER, RECIPIENT = "5790000000001:14", "5412345000013:14"
LINES = 10


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
                body += [
                    f"LIN+{line}++{4006381333900 + line:013d}:EN",
                    f"PIA+1+ART-{line:04d}:IN",
                    f"IMD+F++:::Article {line}, carton of 12",
                    f"QTY+21:{(n + line) % 90 + 1}:PCE",
                    f"PRI+AAA:{line}.25",
                ]
            body += ["UNS+S", f"CNT+2:{LINES}"]
            body.append(f"UNT+{len(body) + 1}+{n}")
            out.write("'\n".join(body) + "'\n")
        out.write(f"UNZ+{orders}+BIG{orders}'\n")
    return path.stat().st_size


def child(orders: int) -> None:
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
        profile = workspace / "config" / "partners" / "acme.toml"
        text = profile.read_text()
        start, end = text.index("\n[[outbound]]"), text.index("\n[transport]")
        profile.write_text(text[:start] + text[end:])
        inbox = workspace / "inbox" / "acme"
        staging = workspace / "big.tmp"
        size = write_interchange(staging, orders)
        gateway = build_gateway(load_settings(workspace, {}))
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


def _peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(sizes: list[int]) -> None:
    """Run each size in its own process and print a table."""
    print("pipeline on one large interchange (parse, validate, map, CONTRL, record orders)")
    print(f"{'orders':>8} {'MB':>8} {'seconds':>9} {'orders/s':>9} {'peak RSS MiB':>13}  outcome")
    for orders in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(orders)],
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
        child(int(sys.argv[2]))
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000])
