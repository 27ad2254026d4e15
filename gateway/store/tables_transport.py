"""Tables of the remote transports: what was fetched from partners' servers, and each partner
transport's health and poll lease."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.tables import Base, UTCDateTime


class RemoteReceiptRow(Base):
    """One file fetched from a partner's server, committed as a message, then cleaned up there.

    Written in the transaction that stores the file's bytes; `cleaned_at` is set once the file
    is deleted or archived on the server. A receipt not yet cleaned is how a download repeated
    after a crash is recognised as the same file.
    """

    __tablename__ = "remote_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner: Mapped[str] = mapped_column(String(100))
    # The file's name as the partner gave it, and where on the server we downloaded it from.
    remote_name: Mapped[str] = mapped_column(String(255))
    remote_path: Mapped[str] = mapped_column(String(1000))
    size: Mapped[int] = mapped_column(BigInteger)
    mtime: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # The inbound message holding the bytes (no foreign key: retention removes both).
    message_id: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleaned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "partner", "remote_name", "sha256"),)


class TransportStateRow(Base):
    """One partner's remote transport: consecutive failures, last error, next poll, lease."""

    __tablename__ = "transport_states"

    partner: Mapped[str] = mapped_column(String(100), primary_key=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the failures reach the partner's `unhealthy_after`, cleared on the next success.
    unhealthy_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # host:pid of the process polling the partner's server now, and until when it may.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
