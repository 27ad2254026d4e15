"""Receive: claim complete files and commit their exact bytes before anything else."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from gateway.app import Gateway
from gateway.errors import TransientError
from gateway.pipeline import status
from gateway.store import NewMessage
from gateway.transport.local import DroppedFile, original_name

log = logging.getLogger(__name__)

# A live worker holds a claimed file for milliseconds (read, commit, release); a claim this
# old was left by a worker that died.
ABANDONED_AFTER = timedelta(minutes=2)
# Files are read, hashed and stored in pieces of this size.
READ_PIECE = 1 << 20


def intake(gateway: Gateway) -> list[int]:
    """Claim every complete file, store it byte for byte, then archive or remove it."""
    received: list[int] = []
    for dropped in gateway.inbox.ready_files():
        try:
            claimed = gateway.inbox.claim(dropped)
            if claimed is not None:
                received.append(_commit(gateway, DroppedFile(dropped.partner, claimed)))
        except (TransientError, OSError) as exc:
            # The file stays where it is (in the drop, or claimed and recovered later).
            log.warning("partner=%s cannot take %s yet: %s", dropped.partner, dropped.path, exc)
    return received


def recover_claimed(gateway: Gateway) -> list[int]:
    """Finish files a crashed worker claimed: commit those not yet stored, release all."""
    received: list[int] = []
    for abandoned in gateway.inbox.abandoned_claims(ABANDONED_AFTER):
        # Claim it again (an atomic rename) so that two recovering workers never both take it.
        reclaimed = gateway.inbox.claim(abandoned)
        if reclaimed is None:
            continue
        claimed = DroppedFile(abandoned.partner, reclaimed)
        known = gateway.store.find_by_sha256(_sha256_of(claimed.path))
        if known is not None and known.filename == original_name(claimed.path):
            log.info(
                "msg=%s partner=%s claimed file %s was already stored; releasing it",
                known.id,
                claimed.partner,
                claimed.path.name,
            )
            _release(gateway, claimed, known.id)
            continue
        received.append(_commit(gateway, claimed))
    return received


def received_file(
    partner: str | None, filename: str | None, data: bytes | None, parent_id: int | None = None
) -> NewMessage:
    """A new inbound message for a file's bytes, before anything is known of its content.

    Without `data` the store derives sha256 and size while it writes the bytes.
    """
    return NewMessage(
        direction="in",
        partner=partner,
        standard=None,
        message_type=None,
        version=None,
        stage=status.RECEIVED,
        status=status.PENDING,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest() if data is not None else None,
        size=len(data) if data is not None else None,
        parent_id=parent_id,
    )


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    for piece in read_pieces(path):
        digest.update(piece)
    return digest.hexdigest()


def read_pieces(path: Path) -> Iterator[bytes]:
    """The file's bytes in pieces of READ_PIECE, never whole in memory."""
    with path.open("rb") as file:
        while piece := file.read(READ_PIECE):
            yield piece


def _commit(gateway: Gateway, claimed: DroppedFile) -> int:
    name = original_name(claimed.path)
    size = claimed.path.stat().st_size
    with gateway.store.unit_of_work() as uow:
        # Stored piece by piece as it is read: a 130 MB file is never whole in memory.
        record = uow.add_message(
            received_file(claimed.partner, name, None),
            raw=read_pieces(claimed.path),
            actor="intake",
            reason=f"received {name} ({size} bytes)",
        )
    log.info(
        "msg=%s partner=%s received %s (%s bytes, sha256 %s)",
        record.id,
        claimed.partner,
        name,
        record.size,
        record.sha256,
    )
    _release(gateway, claimed, record.id)
    return record.id


def _release(gateway: Gateway, claimed: DroppedFile, message_id: int) -> None:
    archive = gateway.settings.archive
    target_dir: Path | None = None
    if archive is not None:
        day = gateway.clock().strftime("%Y-%m-%d")
        target_dir = archive / claimed.partner / day / str(message_id)
    gateway.inbox.release(claimed.path, target_dir)
