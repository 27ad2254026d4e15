"""Scheduled jobs: every run recorded (job_runs), and one lock row per job (job_locks) held
while a process claims a run.

Revision ID: 0005_jobs
Revises: 0004_order_engine
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gateway.store.tables import UTCDateTime

revision: str = "0005_jobs"
down_revision: str | None = "0004_order_engine"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    op.create_index(
        op.f("ix_job_runs_job_started_at"), "job_runs", ["job", "started_at"], unique=False
    )
    op.create_table(
        "job_locks",
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_job_locks")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("job_locks")
    op.drop_index(op.f("ix_job_runs_job_started_at"), table_name="job_runs")
    op.drop_table("job_runs")
