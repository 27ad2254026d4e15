"""Benchmarks: print figures, assert nothing. `make bench` runs them all.

python bench/run.py [translate|batch|latency|edifact|pipeline|x12|pipeline-x12|orders|fulfilment|
sftp|xml] (only those named; several may be given)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.edifact_reader import bench_edifact_reader  # noqa: E402
from bench.fulfilment import bench_fulfilment  # noqa: E402
from bench.order_engine import bench_order_engine  # noqa: E402
from bench.orders import make_order  # noqa: E402
from bench.pipeline_large import main as bench_pipeline_sizes  # noqa: E402
from bench.sftp import bench_sftp  # noqa: E402
from bench.x12_reader import bench_x12_reader  # noqa: E402
from bench.xml_documents import bench_xml  # noqa: E402
from gateway.mapping import MappingSet  # noqa: E402
from gateway.pipeline.translate import TranslateContext, translate  # noqa: E402
from gateway.validate import EdifactSchemas  # noqa: E402

GATEWAY = Path(sys.executable).with_name("gateway")


def timed(label: str, runs: int, work: Callable[[], object]) -> float:
    """Best-of and mean wall time of `work`, printed as one line."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    best, mean = min(times), sum(times) / len(times)
    print(f"{label:<48} best {best * 1000:9.1f} ms   mean {mean * 1000:9.1f} ms  ({runs} runs)")
    return best


def bench_translate() -> None:
    """Parse + validate + map in memory, by order size."""
    context = TranslateContext(
        MappingSet.load(REPO / "mappings"), EdifactSchemas.load(REPO / "schemas")
    )
    for lines in (10, 1_000, 10_000):
        data = make_order("B1", lines)
        best = timed(
            f"translate ORDERS, {lines:>6} lines ({len(data) // 1024} KiB)",
            5,
            lambda d=data: translate(d, "bench.edi", context, None),
        )
        print(f"{'':<48} {lines / best:,.0f} lines/s")
    data = make_order("B2", 10_000)
    tracemalloc.start()
    translate(data, "bench.edi", context, None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{'translate 10,000 lines: peak Python memory':<48} {peak / 2**20:9.1f} MiB "
        f"for a {len(data) / 2**20:.1f} MiB file"
    )


def _gateway(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GATEWAY_WORKSPACE": str(workspace)}
    return subprocess.run(
        [str(GATEWAY), *args], env=env, capture_output=True, text=True, check=True
    )


def bench_batch(count: int = 200) -> None:
    """A batch pass over `count` settled orders: received, acknowledged, answered."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        _gateway(ws, "init", str(ws))
        old = time.time() - 60
        for i in range(count):
            path = ws / "inbox" / "acme" / f"o{i}.edi"
            path.write_bytes(make_order(f"REF{i:05d}", 5, acme=True))
            os.utime(path, (old, old))
        started = time.perf_counter()
        _gateway(ws, "batch")
        elapsed = time.perf_counter() - started
        sent = len(list((ws / "outbox" / "acme").glob("*.edi")))
    print(
        f"{'batch: ' + str(count) + ' orders -> CONTRL + ORDRSP':<48} {elapsed:9.2f} s    "
        f"{count / elapsed:7.1f} orders/s   ({sent} files sent)"
    )


def bench_latency(samples: int = 10) -> None:
    """`gateway run`: a file renamed into the inbox until CONTRL and ORDRSP are in the outbox."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        _gateway(ws, "init", str(ws))
        env = {**os.environ, "GATEWAY_WORKSPACE": str(ws)}
        proc = subprocess.Popen([str(GATEWAY), "run"], env=env, stderr=subprocess.DEVNULL)
        try:
            time.sleep(2)
            latencies = [_one_latency(ws, i) for i in range(samples)]
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=15)
    latencies.sort()
    median = latencies[len(latencies) // 2]
    print(
        f"{'run: drop -> CONTRL + ORDRSP in outbox':<48} median {median:.3f} s"
        f"   max {latencies[-1]:.3f} s  ({samples} files)"
    )


def _one_latency(ws: Path, i: int) -> float:
    outbox = ws / "outbox" / "acme"
    before = len(list(outbox.glob("*.edi")))
    temporary = ws / "inbox" / "acme" / f"l{i}.edi.part"
    temporary.write_bytes(make_order(f"LAT{i:04d}", 5, acme=True))
    started = time.perf_counter()
    temporary.rename(temporary.with_suffix(""))
    while len(list(outbox.glob("*.edi"))) < before + 2:
        if time.perf_counter() - started > 30:
            return float("inf")
        time.sleep(0.01)
    return time.perf_counter() - started


BENCHMARKS: dict[str, Callable[[], None]] = {
    "translate": bench_translate,
    "batch": bench_batch,
    "latency": bench_latency,
    "edifact": bench_edifact_reader,
    "pipeline": lambda: bench_pipeline_sizes([1_000, 10_000, 100_000]),
    "x12": bench_x12_reader,
    "pipeline-x12": lambda: bench_pipeline_sizes([1_000, 10_000, 100_000], "X12"),
    "orders": bench_order_engine,
    "fulfilment": bench_fulfilment,
    "sftp": bench_sftp,
    "xml": bench_xml,
}

if __name__ == "__main__":
    unknown = [name for name in sys.argv[1:] if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark {unknown[0]!r}; expected one of {', '.join(BENCHMARKS)}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    for name in sys.argv[1:] or BENCHMARKS:
        BENCHMARKS[name]()
