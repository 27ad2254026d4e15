"""Local folder drops: inbox/<partner>/ in, outbox/<partner>/ out, with atomic moves."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from gateway.errors import TransientError

log = logging.getLogger(__name__)

CLAIMED = ".claimed"
STAMP = "~"
# WinSCP uploads under .filepart and renames when done.
TEMPORARY_SUFFIXES = (".tmp", ".part", ".filepart")


def is_candidate(name: str) -> bool:
    """A file name the intake may take: no dot-files, no temporary names."""
    return not name.startswith(".") and not name.lower().endswith(TEMPORARY_SUFFIXES)


@dataclass(frozen=True)
class DroppedFile:
    """A complete file found in a partner's inbox folder."""

    partner: str
    path: Path


class LocalInbox:
    """Finds complete files in inbox/<partner>/ and claims them by an atomic rename."""

    def __init__(
        self, root: Path, settle_times: Mapping[str, timedelta], wall_clock: Callable[[], datetime]
    ) -> None:
        self.root = root
        self.settle_times = dict(settle_times)
        self.wall_clock = wall_clock
        self._renamed: set[Path] = set()
        self._lock = threading.Lock()

    def mark_renamed(self, path: Path) -> None:
        """A file renamed into the inbox from a temporary name is complete at once."""
        with self._lock:
            self._renamed.add(path)

    def ready_files(self) -> list[DroppedFile]:
        """Files whose size and mtime have been still for the partner's settle time."""
        now = self.wall_clock().timestamp()
        ready: list[DroppedFile] = []
        for partner, settle in self.settle_times.items():
            folder = self.root / partner
            for path in _candidates(folder):
                if self._complete(path, now, settle):
                    ready.append(DroppedFile(partner, path))
        return ready

    def unknown_folders(self) -> list[str]:
        """Inbox folders no partner profile claims: files there are never taken."""
        try:
            folders = [p.name for p in self.root.iterdir() if p.is_dir()]
        except FileNotFoundError:
            return []
        return sorted(f for f in folders if f not in self.settle_times and is_candidate(f))

    def pending_count(self) -> int:
        """How many candidate files are waiting, complete or not."""
        return sum(len(_candidates(self.root / p)) for p in self.settle_times)

    def _complete(self, path: Path, now: float, settle: timedelta) -> bool:
        with self._lock:
            if path in self._renamed:
                return True
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return False
        return now - mtime >= settle.total_seconds()

    def claim(self, dropped: DroppedFile) -> Path | None:
        """Move the file into the hidden claimed folder; None when someone else took it first."""
        target_dir = self.root / dropped.partner / CLAIMED
        target_dir.mkdir(exist_ok=True)
        # The claim stamp (claim time in ns) keeps two drops of the same name apart and tells
        # an abandoned claim from one a live worker holds; original_name() strips it.
        stamp = int(self.wall_clock().timestamp() * 1e9)
        target = target_dir / f"{stamp}{STAMP}{original_name(dropped.path)}"
        try:
            dropped.path.rename(target)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TransientError(f"cannot claim {dropped.path}: {exc}") from exc
        with self._lock:
            self._renamed.discard(dropped.path)
        return target

    def abandoned_claims(self, older_than: timedelta) -> list[DroppedFile]:
        """Claimed files no live worker can still hold: claimed longer ago than `older_than`."""
        cutoff = (self.wall_clock() - older_than).timestamp() * 1e9
        found: list[DroppedFile] = []
        for partner in self.settle_times:
            folder = self.root / partner / CLAIMED
            found += [
                DroppedFile(partner, p) for p in _candidates(folder) if _claim_stamp(p) < cutoff
            ]
        return found

    def release(self, claimed: Path, archive_dir: Path | None) -> Path | None:
        """After the bytes are committed: move the file to the archive, or delete it."""
        if archive_dir is None:
            claimed.unlink(missing_ok=True)
            return None
        archive_dir.mkdir(parents=True, exist_ok=True)
        target = archive_dir / original_name(claimed)
        try:
            shutil.move(claimed, target)
        except FileNotFoundError:
            return None  # another worker released it first
        return target


def original_name(path: Path) -> str:
    """The file name the partner gave, without the claim stamp."""
    stamp, sep, name = path.name.partition(STAMP)
    return name if sep and stamp.isdigit() else path.name


def _claim_stamp(path: Path) -> int:
    stamp, sep, _ = path.name.partition(STAMP)
    return int(stamp) if sep and stamp.isdigit() else 0


def _candidates(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except FileNotFoundError:
        return []
    return [p for p in entries if is_candidate(p.name) and p.is_file()]


def _already_sent(target: Path, data: bytes) -> Path:
    """A crash after the rename but before the checkpoint: the same bytes count as sent."""
    if target.read_bytes() == data:
        return target
    raise TransientError(f"{target} already exists with other content; not overwriting it")


class LocalOutbox:
    """Writes outbound files into outbox/<partner>/ atomically: temporary name, then rename."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def send(self, partner: str, filename: str, data: bytes) -> Path:
        """Write the file so a reader never sees it half-written; refuse to overwrite."""
        folder = self.root / partner
        target = folder / filename
        temporary = folder / f".{filename}.part"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if target.exists():
                return _already_sent(target, data)
            with temporary.open("wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            temporary.replace(target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise TransientError(f"cannot write {target}: {exc}") from exc
        return target


def write_whole(path: Path, data: bytes) -> Path:
    """Write a file so that no reader ever sees it half-written: a hidden temporary name,
    flushed to disk, then renamed into place (replacing what was there). Its folder must exist."""
    temporary = path.with_name(f".{path.name}.part")
    try:
        with temporary.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    return path
