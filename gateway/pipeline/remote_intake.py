"""Fetch orders from partners' SFTP servers without losing a file or taking one twice.

One poll of one partner, on one connection: list the remote inbox, keep the files complete by
the partner's convention, claim each by renaming it into the processing folder (where the
partner allows it), stream it to a temporary file with its sha256, commit its bytes and a
receipt in one transaction, and only then delete it on the server or move it to the archive
folder. A crash after the commit leaves the file on the server; the next poll downloads it
again, finds the receipt of the same name and bytes not yet cleaned up, and only cleans up.
"""

from __future__ import annotations

import logging
import posixpath
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.app import Gateway
from gateway.config import Partner
from gateway.config_sftp import SftpSettings
from gateway.errors import TransientError
from gateway.failpoints import failpoint
from gateway.pipeline.intake import read_pieces, received_file
from gateway.pipeline.transport_health import note_failure, note_success, poll_delay
from gateway.store.job_runs import this_process
from gateway.store.transport_store import (
    RemoteReceipt,
    add_receipt,
    claim_poll,
    finish_poll,
    mark_cleaned,
    transport_state,
    uncleaned_receipt,
)
from gateway.transport.remote_listing import Ready, Settler, complete_files, markers_of

if TYPE_CHECKING:
    from gateway.transport.sftp import Downloaded, RemoteFile, SftpConnection

log = logging.getLogger(__name__)

# How long one poll may hold a partner's lease before another process may poll it.
LEASE = timedelta(minutes=15)


@dataclass
class PollResult:
    """What one poll of one partner did, and when the partner is due next."""

    partner: str
    next_poll_at: datetime
    polled: bool = True
    received: list[int] = field(default_factory=list)
    # Downloaded again after an interruption and found already stored: only cleaned up.
    recognised: int = 0
    # Files seen that are not complete yet.
    pending: int = 0
    error: str | None = None
    # Files that could not be taken this time (they stay on the server), one message each.
    file_errors: list[str] = field(default_factory=list)


class RemotePoller:
    """Polls one partner's server; remembers between polls what the settle rule has seen."""

    def __init__(self, gateway: Gateway, partner: Partner, owner: str | None = None) -> None:
        sftp = partner.transport.sftp
        if sftp is None or sftp.remote_inbox is None:
            raise ValueError(f"partner {partner.id} has no SFTP remote_inbox to poll")
        self.gateway = gateway
        self.partner = partner
        self.sftp: SftpSettings = sftp
        self.inbox: str = sftp.remote_inbox
        self.settler = Settler(sftp.settle_time.total_seconds())
        self.downloads = gateway.settings.workspace / "var" / "downloads" / partner.id
        # Who holds the partner's poll lease while this poller polls (host:pid).
        self.owner = owner or this_process()

    def poll(self, *, force: bool = False, wait_to_settle: bool = False) -> PollResult:
        """One poll when due (or `force`) and no other process polls this partner now."""
        owner = self.owner
        with self.gateway.store.unit_of_work() as uow:
            claimed = claim_poll(uow, self.partner.id, owner, LEASE, force=force)
        if not claimed:
            return PollResult(self.partner.id, self._not_before(), polled=False)
        result = PollResult(self.partner.id, self._now() + self.sftp.poll_interval)
        try:
            # Ours alone while we hold the lease: what is here a killed poll left behind.
            clear_downloads(self.downloads)
            self._poll(result, wait_to_settle)
        finally:
            with self.gateway.store.unit_of_work() as uow:
                finish_poll(uow, self.partner.id, owner, result.next_poll_at)
        return result

    def _poll(self, result: PollResult, wait_to_settle: bool) -> None:
        try:
            with self.gateway.remote.connect(self.sftp) as connection:
                self._fetch(connection, result, wait_to_settle)
            if result.file_errors:
                # The server answers, but files wait there: someone has to look.
                raise TransientError(
                    f"{len(result.file_errors)} file(s) could not be taken, the first: "
                    + result.file_errors[0]
                )
        except TransientError as exc:
            what = f"poll of {self.sftp.address}"
            state = note_failure(self.gateway, self.partner.id, self.sftp, what, exc.message)
            result.error = exc.message
            result.next_poll_at = self._now() + poll_delay(self.sftp, state.consecutive_failures)
            return
        note_success(self.gateway, self.partner.id, self.sftp)
        if result.pending:
            # A file is still settling: look again once it may have settled.
            result.next_poll_at = self._now() + min(self.sftp.settle_time, self.sftp.poll_interval)

    def _fetch(self, connection: SftpConnection, result: PollResult, wait: bool) -> None:
        listing = connection.listdir(self.inbox)
        inbox_names = [f.name for f in listing]
        for claimed in self._claimed_earlier(connection):
            markers = markers_of(claimed.name, inbox_names, self.sftp.markers)
            again = Ready(claimed.name, claimed.size, claimed.mtime, markers)
            self._take_or_note(connection, again, result)
        ready = self._complete(listing)
        if wait and self.sftp.complete == "settle" and self.settler.pending() > len(ready):
            time.sleep(self.sftp.settle_time.total_seconds())
            listing = connection.listdir(self.inbox)
            ready = self._complete(listing)
        for file in ready:
            self._take_or_note(connection, file, result)
        result.pending = self.settler.pending() if self.sftp.complete == "settle" else 0

    def _complete(self, listing: list[RemoteFile]) -> list[Ready]:
        return complete_files(
            listing,
            convention=self.sftp.complete,
            pattern=self.sftp.file_pattern,
            markers=self.sftp.markers,
            settler=self.settler,
            now=time.monotonic(),
        )

    def _claimed_earlier(self, connection: SftpConnection) -> list[RemoteFile]:
        """Files in our processing folder: claimed by an earlier poll that did not finish."""
        folder = self._processing()
        if folder is None:
            return []
        connection.makedirs(folder)
        return connection.listdir(folder)

    def _take_or_note(self, connection: SftpConnection, file: Ready, result: PollResult) -> None:
        """Take one file; a file that cannot be taken does not keep the others waiting."""
        try:
            self._take(connection, file, result)
        except TransientError as exc:
            log.warning(
                "partner=%s cannot take %s yet: %s", self.partner.id, file.name, exc.message
            )
            result.file_errors.append(exc.message)

    def _take(self, connection: SftpConnection, file: Ready, result: PollResult) -> None:
        path = self._claim(connection, file)
        self.settler.forget(file.name)
        if path is None:
            return  # another process took it first
        self.downloads.mkdir(parents=True, exist_ok=True)
        temporary = self.downloads / f"{uuid.uuid4().hex}.part"
        try:
            downloaded = connection.download(path, temporary, expected_size=file.size)
            receipt, new = self._commit(file, path, downloaded)
            failpoint("remote.after_commit")
            self._clean_up(connection, path, file, receipt)
        finally:
            temporary.unlink(missing_ok=True)
        if new:
            result.received.append(receipt.message_id)
        else:
            result.recognised += 1

    def _claim(self, connection: SftpConnection, file: Ready) -> str | None:
        """The file's path once it is ours: renamed into the processing folder, if any."""
        source = posixpath.join(self.inbox, file.name)
        processing = self._processing()
        if processing is None:
            return source
        claimed = posixpath.join(processing, file.name)
        if connection.stat(claimed) is not None:
            return claimed  # claimed by an earlier poll already (listed before the rename)
        return claimed if connection.rename(source, claimed) else None

    def _commit(self, file: Ready, path: str, downloaded: Downloaded) -> tuple[RemoteReceipt, bool]:
        """Store the bytes and the receipt in one transaction, or find them stored already."""
        partner = self.partner.id
        with self.gateway.store.unit_of_work() as uow:
            known = uncleaned_receipt(uow.session, partner, file.name, downloaded.sha256)
            if known is not None:
                log.info(
                    "msg=%s partner=%s %s was downloaded again after an interruption; it is "
                    "already stored, so it is only cleaned up on the server",
                    known.message_id,
                    partner,
                    file.name,
                )
                return known, False
            record = uow.add_message(
                received_file(partner, file.name, None),
                raw=read_pieces(downloaded.path),
                actor="sftp",
                reason=f"fetched {file.name} ({downloaded.size} bytes) from "
                f"sftp {self.sftp.address}:{path}",
            )
            receipt = add_receipt(
                uow,
                partner,
                file.name,
                path,
                size=downloaded.size,
                mtime=file.mtime,
                sha256=downloaded.sha256,
                message_id=record.id,
            )
        log.info(
            "msg=%s partner=%s received %s from sftp %s (%s bytes, sha256 %s)",
            record.id,
            partner,
            file.name,
            self.sftp.address,
            downloaded.size,
            downloaded.sha256,
        )
        return receipt, True

    def _clean_up(
        self, connection: SftpConnection, path: str, file: Ready, receipt: RemoteReceipt
    ) -> None:
        """After the commit: delete the file on the server or move it to the archive folder."""
        if self.sftp.after_download == "archive" and self.sftp.archive_folder:
            archive = posixpath.join(self.inbox, self.sftp.archive_folder)
            connection.makedirs(archive)
            target = posixpath.join(archive, file.name)
            if connection.stat(target) is not None:
                # A file of the same name archived before: keep both, this one by message id.
                target = posixpath.join(archive, f"{file.name}.{receipt.message_id}")
            connection.rename(path, target)
        else:
            connection.remove(path)
        for marker in file.markers:
            connection.remove(posixpath.join(self.inbox, marker))
        with self.gateway.store.unit_of_work() as uow:
            mark_cleaned(uow, receipt.id)

    def _processing(self) -> str | None:
        if not self.sftp.processing_folder:
            return None
        return posixpath.join(self.inbox, self.sftp.processing_folder)

    def _not_before(self) -> datetime:
        """When to look again after another process held the lease or the poll was not due."""
        with self.gateway.store.read() as session:
            state = transport_state(session, self.partner.id)
        now = self._now()
        if state is not None and state.next_poll_at is not None and state.next_poll_at > now:
            return state.next_poll_at
        later = now + self.sftp.poll_interval
        if state is not None and state.leased_until is not None and state.leased_until > now:
            return min(state.leased_until, later)
        return later

    def _now(self) -> datetime:
        return self.gateway.clock()


def remote_partners(gateway: Gateway) -> list[Partner]:
    """Partners whose orders we fetch from their own SFTP server."""
    return [
        p
        for p in gateway.settings.partners.values()
        if p.transport.sftp is not None and p.transport.sftp.remote_inbox is not None
    ]


def clear_downloads(downloads: Path) -> None:
    """Temporary downloads a killed process left: the files are still on the server."""
    for leftover in downloads.glob("*.part"):
        leftover.unlink(missing_ok=True)
