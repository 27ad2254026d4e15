"""Benchmark: our streaming X12 reader (with structure validation) against pyx12's X12Reader.

For interchanges of 1, 1,000, 10,000 and (with --full or BENCH_FULL=1) 100,000 850 orders of
18-22 segments (bench.x12_orders; generated once into a cache directory), each reader runs in
its own subprocess so that its peak resident memory is its own. "ours" is `read_x12` over the
file in 1 MiB chunks and, when the X12 validator is there, `validate_transaction` on every set;
"pyx12" iterates every segment of `pyx12.x12file.X12Reader`. Prints figures, asserts nothing.

    python bench/x12_reader.py [--full] [SIZE ...]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.x12_orders import write_orders  # noqa: E402
from gateway.formats.x12_reader import TransactionRead, chunks_of, read_x12  # noqa: E402

SIZES = (1, 1_000, 10_000)
FULL_SIZES = (*SIZES, 100_000)
CACHE = Path(tempfile.gettempdir()) / "gateway-bench-x12"
TIMEOUT = 1800.0


def interchange_file(count: int) -> Path:
    """The cached interchange of `count` orders, written once."""
    path = CACHE / f"orders_{count}.x12"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        write_orders(path, count)
    return path


def peak_rss_mib() -> float:
    """Peak resident memory of this process, in MiB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class Figures:
    """What one reader did with one file."""

    orders: int
    seconds: float
    rss_mib: float
    validated: bool = False


def run_read(path: Path) -> int:
    """Sets read from the file, without validation."""
    return sum(isinstance(e, TransactionRead) for e in read_x12(chunks_of(path), path.name))


def run_ours(path: Path) -> tuple[int, bool]:
    """Sets read (and validated, when the validator is importable) from the file."""
    try:
        from gateway.validate.x12_schema import X12Schemas
        from gateway.validate.x12_structure import validate_transaction
    except ImportError:
        return run_read(path), False
    schemas = X12Schemas.load(REPO / "schemas")
    count, issues = 0, 0
    for event in read_x12(chunks_of(path), path.name):
        if isinstance(event, TransactionRead):
            issues += len(validate_transaction(event.transaction, schemas, file=path.name))
            count += 1
    if issues:
        print(f"{issues} validation issues in {path.name}", file=sys.stderr)
    return count, True


def run_pyx12(path: Path) -> int:
    """Sets read by pyx12's X12Reader, iterating every segment."""
    from pyx12.x12file import X12Reader

    with X12Reader(str(path)) as reader:
        return sum(1 for seg in reader if seg.get_seg_id() == "ST")


def child(reader: str, path: Path) -> None:
    """Run one reader on one file and print its figures as JSON (in a subprocess)."""
    started = time.perf_counter()
    validated = False
    if reader == "ours":
        count, validated = run_ours(path)
    else:
        count = run_read(path) if reader == "read" else run_pyx12(path)
    seconds = time.perf_counter() - started
    print(json.dumps(asdict(Figures(count, seconds, peak_rss_mib(), validated))))


def measure(reader: str, path: Path) -> Figures | str:
    """The figures of one reader on one file from a fresh subprocess, or why there are none."""
    command = [sys.executable, __file__, "--child", reader, str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return f"did not finish in {TIMEOUT:.0f} s"
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return f"failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
    return Figures(**json.loads(lines[-1]))


def _cells(result: Figures | str, orders: int, megabytes: float) -> str:
    if isinstance(result, str):
        return f"{result:<29}"
    return (
        f"{orders / result.seconds:>10,.0f} {megabytes / result.seconds:>7.2f} "
        f"{result.rss_mib:>9.0f}"
    )


def _ratio(ours: Figures | str, theirs: Figures | str) -> str:
    if isinstance(ours, Figures) and isinstance(theirs, Figures):
        return f"{theirs.seconds / ours.seconds:.1f}x"
    return "-"


def bench_x12_reader(sizes: tuple[int, ...] | None = None) -> None:
    """Print the side-by-side table of our reader and pyx12's."""
    full = os.environ.get("BENCH_FULL") == "1"
    chosen = sizes or (FULL_SIZES if full else SIZES)
    print(
        "X12 reader: ours (read_x12 in 1 MiB chunks + validate_transaction) vs pyx12 X12Reader; "
        "last columns: ours reading only"
    )
    print(
        f"{'orders':>8} {'MB':>7} | {'ours/s':>10} {'MB/s':>7} {'peak MiB':>9} | "
        f"{'pyx12/s':>10} {'MB/s':>7} {'peak MiB':>9} | {'faster':>6} | "
        f"{'read/s':>10} {'MB/s':>7} {'peak MiB':>9} | {'faster':>6}"
    )
    validated: set[bool] = set()
    for orders in chosen:
        path = interchange_file(orders)
        megabytes = path.stat().st_size / 1e6
        ours, theirs, read = (measure(r, path) for r in ("ours", "pyx12", "read"))
        if isinstance(ours, Figures):
            validated.add(ours.validated)
        print(
            f"{orders:>8,} {megabytes:>7.1f} | {_cells(ours, orders, megabytes)} | "
            f"{_cells(theirs, orders, megabytes)} | {_ratio(ours, theirs):>6} | "
            f"{_cells(read, orders, megabytes)} | {_ratio(read, theirs):>6}",
            flush=True,
        )
    if 100_000 not in chosen:
        print("100,000 orders skipped: run with --full or BENCH_FULL=1")
    if validated == {False}:
        print(
            "ours read only: gateway.validate.x12_structure.validate_transaction is not there "
            "yet, so no structure validation was timed"
        )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if len(arguments) == 3 and arguments[0] == "--child":
        child(arguments[1], Path(arguments[2]))
    else:
        if "--full" in arguments:
            arguments.remove("--full")
            os.environ["BENCH_FULL"] = "1"
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; cache {CACHE}")
        bench_x12_reader(tuple(int(a) for a in arguments) or None)
