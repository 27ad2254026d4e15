"""Benchmark: our streaming EDIFACT reader against pydifact, by interchange size.

For interchanges of 1, 1,000, 10,000 and 100,000 ORDERS messages (~1.3 KB each; generated
once into a cache directory), each reader runs in its own subprocess so that its peak resident
memory (VmHWM) is its own. Prints figures, asserts nothing.

    python bench/edifact_reader.py [SIZE ...]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pydifact.segmentcollection import Interchange  # noqa: E402

from bench.orders import make_order  # noqa: E402
from gateway.formats.edifact_reader import MessageRead, chunks_of, read_edifact  # noqa: E402

SIZES = (1, 1_000, 10_000, 100_000)
LINES_PER_ORDER = 23  # ~1.3 KB per ORDERS message
CACHE = Path(tempfile.gettempdir()) / "gateway-bench-edifact"
TIMEOUT = {"ours": 900.0, "pydifact": 900.0}
# pydifact keeps every segment of the file as objects; a ceiling keeps the machine usable.
PYDIFACT_MEMORY = 8 << 30


def message_template() -> str:
    """One ORDERS message (UNH..UNT) from bench.orders, with {ref} for its references."""
    lines = make_order("REF", LINES_PER_ORDER).decode("latin-1").split("\n")
    message = "\n".join(lines[2:-2]) + "\n"
    message = message.replace("UNH+1+", "UNH+{ref}+").replace("PO-REF", "PO-{ref}")
    head, _, last = message.rstrip("\n").rpartition("\n")
    return head + "\n" + last[: -len("+1'")] + "+{ref}'\n"


def interchange_file(count: int) -> Path:
    """The cached interchange of `count` ORDERS messages, written once."""
    path = CACHE / f"orders_{count}.edi"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    template = message_template()
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="latin-1", newline="") as out:
        out.write("UNA:+.? '\nUNB+UNOC:3+4000000000001:14+4000000000002:14+261120:0930+B1'\n")
        for number in range(1, count + 1):
            out.write(template.format(ref=number))
        out.write(f"UNZ+{count}+B1'\n")
    partial.rename(path)
    return path


def peak_rss_mib() -> float:
    """Peak resident memory of this process (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class Figures:
    """What one reader did with one file."""

    messages: int
    seconds: float
    rss_mib: float


def run_ours(path: Path) -> int:
    """Messages read by our streaming reader, straight from the file."""
    return sum(isinstance(e, MessageRead) for e in read_edifact(chunks_of(path), path.name))


def run_pydifact(path: Path) -> int:
    """Messages read by pydifact's Interchange.from_str on the whole text."""
    text = path.read_text(encoding="latin-1")
    return sum(1 for _ in Interchange.from_str(text).get_messages())


def child(reader: str, path: Path) -> None:
    """Run one reader on one file and print its figures as JSON (in a subprocess)."""
    if reader == "pydifact":
        resource.setrlimit(resource.RLIMIT_AS, (PYDIFACT_MEMORY, PYDIFACT_MEMORY))
        warnings.simplefilter("ignore")  # "segments.xml not found" for every service segment
    started = time.perf_counter()
    try:
        count = run_ours(path) if reader == "ours" else run_pydifact(path)
    except MemoryError:
        print(json.dumps({"error": f"out of memory (> {PYDIFACT_MEMORY >> 30} GiB)"}))
        return
    seconds = time.perf_counter() - started
    print(json.dumps(asdict(Figures(count, seconds, peak_rss_mib()))))


def measure(reader: str, path: Path) -> Figures | str:
    """The figures of one reader on one file from a fresh subprocess, or why there are none."""
    command = [sys.executable, __file__, "--child", reader, str(path)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT[reader], check=False
        )
    except subprocess.TimeoutExpired:
        return f"did not finish in {TIMEOUT[reader]:.0f} s"
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return f"failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
    result = json.loads(lines[-1])
    return str(result["error"]) if "error" in result else Figures(**result)


def _cells(result: Figures | str, orders: int, megabytes: float) -> str:
    if isinstance(result, str):
        return f"{result:<38}"
    per_second = orders / result.seconds
    return (
        f"{per_second:>10,.0f} {megabytes / result.seconds:>7.2f} {result.rss_mib:>8.0f} "
        f"{result.seconds:>9.2f}"
    )


def bench_edifact_reader(sizes: tuple[int, ...] = SIZES) -> None:
    """Print the side-by-side table of our reader and pydifact."""
    print("EDIFACT reader: ours (read_edifact, streaming) vs pydifact (Interchange.from_str)")
    print(
        f"{'orders':>8} {'MB':>7} | {'ours/s':>10} {'MB/s':>7} {'peak MiB':>8} {'seconds':>9} | "
        f"{'pydifact/s':>10} {'MB/s':>7} {'peak MiB':>8} {'seconds':>9} | ours faster"
    )
    for orders in sizes:
        path = interchange_file(orders)
        megabytes = path.stat().st_size / 1e6
        ours, theirs = measure("ours", path), measure("pydifact", path)
        ratio = "-"
        if isinstance(ours, Figures) and isinstance(theirs, Figures):
            ratio = f"{theirs.seconds / ours.seconds:.1f}x"
        print(
            f"{orders:>8,} {megabytes:>7.1f} | {_cells(ours, orders, megabytes)} | "
            f"{_cells(theirs, orders, megabytes)} | {ratio}",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; cache {CACHE}")
        bench_edifact_reader(tuple(int(a) for a in sys.argv[1:]) or SIZES)
