"""Send one rendered file to its partner: into outbox/<partner>/, or up to the partner's server."""

from __future__ import annotations

import logging

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import TransientError
from gateway.pipeline.transport_health import note_failure, note_success

log = logging.getLogger(__name__)


def send_file(gateway: Gateway, partner: Partner, filename: str, data: bytes) -> str:
    """Deliver the bytes; returns where they went. A TransientError means: not sent, retry.

    To an SFTP server the upload counts only once it is renamed to its final name (see
    SftpConnection.upload); before that the message is not sent.
    """
    sftp = partner.transport.sftp
    if sftp is None or sftp.remote_outbox is None:
        return str(gateway.outbox.send(partner.id, filename, data))
    try:
        connection = gateway.remote.for_push(partner.id, sftp)
        path = connection.upload(sftp.remote_outbox, filename, data)
    except TransientError as exc:
        gateway.remote.push_failed(partner.id, exc)
        note_failure(gateway, partner.id, sftp, f"upload of {filename}", exc.message)
        raise
    if gateway.remote.first_success(partner.id):
        # One write per partner and round, not one per file sent.
        note_success(gateway, partner.id, sftp)
    return f"sftp {sftp.address}:{path}"
