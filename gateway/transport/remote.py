"""Connections to partners' SFTP servers: fresh ones for polls, one kept per partner for pushes.

paramiko is imported only when a connection is made (gateway.transport.sftp), so commands that
never talk to a server never load it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from gateway.config_sftp import SftpSettings
from gateway.errors import TransientError

if TYPE_CHECKING:
    from gateway.transport.sftp import SftpConnection

Connector = Callable[[SftpSettings], "SftpConnection"]


class RemoteConnections:
    """Opens SFTP connections; keeps one per partner for the pushes of one round."""

    def __init__(self, environ: Mapping[str, str], connector: Connector | None = None) -> None:
        self._environ = dict(environ)
        self._connector = connector
        self._open: dict[str, SftpConnection] = {}
        # A partner whose server failed this round: later pushes in the round fail at once
        # instead of each waiting out the timeout again.
        self._failed: dict[str, TransientError] = {}
        # Partners with a push that went through this round (their health is recorded once).
        self._succeeded: set[str] = set()
        self._lock = threading.Lock()

    def connect(self, settings: SftpSettings) -> SftpConnection:
        """A new connection (the caller closes it)."""
        if self._connector is not None:
            return self._connector(settings)
        from gateway.transport.sftp import connect

        return connect(settings, self._environ)

    def for_push(self, partner: str, settings: SftpSettings) -> SftpConnection:
        """The partner's connection for this round, opened on first use."""
        with self._lock:
            if partner in self._failed:
                raise self._failed[partner]
            connection = self._open.get(partner)
        if connection is not None:
            return connection
        try:
            connection = self.connect(settings)
        except TransientError as exc:
            with self._lock:
                self._failed[partner] = exc
            raise
        with self._lock:
            self._open[partner] = connection
        return connection

    def first_success(self, partner: str) -> bool:
        """Whether this is the partner's first push that went through in this round."""
        with self._lock:
            first = partner not in self._succeeded
            self._succeeded.add(partner)
        return first

    def push_failed(self, partner: str, error: TransientError) -> None:
        """Drop the partner's connection after an error; the round sends it nothing more."""
        with self._lock:
            connection = self._open.pop(partner, None)
            self._failed[partner] = error
            self._succeeded.discard(partner)
        if connection is not None:
            connection.close()

    def end_round(self) -> None:
        """Close the round's push connections and forget its failures."""
        with self._lock:
            connections = list(self._open.values())
            self._open.clear()
            self._failed.clear()
            self._succeeded.clear()
        for connection in connections:
            connection.close()
