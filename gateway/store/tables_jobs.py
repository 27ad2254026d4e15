"""Tables of the scheduled jobs: one row per run, and one lock row per job name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.tables import Base, UTCDateTime


class JobRunRow(Base):
    """One run of a scheduled job: when, by whom, how it ended and what it did."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # running, ok or failed
    status: Mapped[str] = mapped_column(String(20))
    # scheduler (`gateway run`), batch (`gateway batch`), cli (`gateway jobs run`) or a user name
    actor: Mapped[str] = mapped_column(String(100))
    # host:pid of the process running it, to tell a run cut short by a crash from a live one
    owner: Mapped[str] = mapped_column(String(200))
    # What the run did, as counts by kind ({"deleted_messages": 12, ...}).
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index(None, "job", "started_at"),)


class JobLockRow(Base):
    """One row per job name, locked while a process claims a run of that job."""

    __tablename__ = "job_locks"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
