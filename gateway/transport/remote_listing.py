"""Which files on a partner's server are complete, by the partner's convention (pure).

Partners signal a finished upload in one of three ways, and the profile's `complete` says which:
- settle: the file's size and mtime are unchanged across two listings a settle time apart;
- marker: a marker file beside it (`ORDERS1.edi.ok` or `ORDERS1.ok`, suffixes from `markers`);
- rename: the partner uploads under a temporary name and renames, so a final name is complete.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

# Names partners' and common SFTP clients' uploads carry while in progress (WinSCP: .filepart).
TEMPORARY_SUFFIXES = (".tmp", ".part", ".filepart", ".partial")


class Listed(Protocol):
    """A remote file as listed: name, size in bytes, mtime in seconds."""

    @property
    def name(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def mtime(self) -> int: ...


@dataclass(frozen=True)
class Ready:
    """A complete file to fetch, with the marker files that announced it (to remove after)."""

    name: str
    size: int
    mtime: int
    markers: tuple[str, ...] = ()


def is_marker(name: str, markers: Sequence[str]) -> bool:
    """A marker file, never an order itself."""
    return name.lower().endswith(tuple(m.lower() for m in markers))


def is_candidate(name: str, pattern: str, markers: Sequence[str]) -> bool:
    """A name the partner's pattern matches that is not hidden, temporary or a marker."""
    lowered = name.lower()
    if name.startswith(".") or lowered.endswith(TEMPORARY_SUFFIXES):
        return False
    return not is_marker(name, markers) and fnmatch.fnmatch(name, pattern)


def markers_of(name: str, names: Iterable[str], markers: Sequence[str]) -> tuple[str, ...]:
    """The marker files present for `name`: `name + suffix` or `stem + suffix`."""
    stem = posixpath.splitext(name)[0]
    wanted = {name + m for m in markers} | {stem + m for m in markers}
    return tuple(sorted(n for n in names if n in wanted))


class Settler:
    """Remembers each file's size and mtime and since when it has looked like that.

    A file is complete once a listing at least `settle` seconds after it was first seen with
    its present size and mtime still shows the same; any change starts its clock again.
    """

    def __init__(self, settle: float) -> None:
        self.settle = settle
        self._seen: dict[str, tuple[int, int, float]] = {}

    def observe(self, files: Sequence[Listed], now: float) -> list[Listed]:
        """Record a listing taken at `now`; the files complete by this listing."""
        listed = {f.name for f in files}
        self._seen = {k: v for k, v in self._seen.items() if k in listed}
        settled: list[Listed] = []
        for file in files:
            size, mtime, since = self._seen.get(file.name, (-1, -1, now))
            if (size, mtime) != (file.size, file.mtime):
                self._seen[file.name] = (file.size, file.mtime, now)
            elif now - since >= self.settle:
                settled.append(file)
        return settled

    def pending(self) -> int:
        """Files seen but not yet complete."""
        return len(self._seen)

    def forget(self, name: str) -> None:
        """The file was taken (or vanished): stop tracking it."""
        self._seen.pop(name, None)


def complete_files(
    files: Sequence[Listed],
    *,
    convention: str,
    pattern: str,
    markers: Sequence[str],
    settler: Settler,
    now: float,
) -> list[Ready]:
    """The listed files that are complete by `convention` (settle, marker or rename)."""
    candidates = [f for f in files if is_candidate(f.name, pattern, markers)]
    if convention == "marker":
        names = [f.name for f in files]
        found = [(f, markers_of(f.name, names, markers)) for f in candidates]
        return [Ready(f.name, f.size, f.mtime, m) for f, m in found if m]
    if convention == "rename":
        return [Ready(f.name, f.size, f.mtime) for f in candidates]
    return [Ready(f.name, f.size, f.mtime) for f in settler.observe(candidates, now)]
