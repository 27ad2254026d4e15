"""Store engines and migrations: schema on start, idempotent, matching the table metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from gateway.errors import ConfigError
from gateway.store import create_engine_for, migrate
from gateway.store.tables import Base

TABLES = {"messages", "payloads", "message_events", "control_numbers", "orders", "order_lines"}


def test_migrating_twice_is_idempotent_and_matches_the_metadata(store_url: str) -> None:
    # given an empty database
    engine = create_engine_for(store_url)
    try:
        # when it is migrated twice
        migrate(engine)
        migrate(engine)
        # then it is at the initial revision, with every table, and nothing left to autogenerate
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == "0001_initial"
            assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(engine).get_table_names()) >= TABLES
        indexes = {i["name"] for i in inspect(engine).get_indexes("messages")}
        assert {
            "ix_messages_sha256",
            "ix_messages_partner_interchange_ref",
            "ix_messages_status_next_attempt_at",
            "ix_messages_parent_id",
        } <= indexes
    finally:
        engine.dispose()


def test_sqlite_engine_creates_its_folder_and_sets_pragmas(tmp_path: Path) -> None:
    # given a database path whose folder does not exist yet
    path = tmp_path / "var" / "db" / "gateway.db"
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            pragmas = {
                name: raw.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            }
        # then the folder exists and the connection is in WAL mode, waits 5 s, checks foreign keys
        assert path.parent.is_dir()
        assert pragmas == {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}
    finally:
        engine.dispose()


def test_plain_postgresql_url_uses_psycopg_3() -> None:
    engine = create_engine_for("postgresql://gateway@127.0.0.1:1/gateway")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_unsupported_database_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="only sqlite and postgresql"):
        create_engine_for("mysql://user:secret@db/gateway")


def test_config_error_does_not_show_the_password() -> None:
    with pytest.raises(ConfigError) as caught:
        create_engine_for("mysql://user:secret@db/gateway")
    assert "secret" not in str(caught.value)
