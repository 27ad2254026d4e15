"""Store engines and migrations: schema on start, idempotent, matching the table metadata."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from gateway.errors import ConfigError, TransientError
from gateway.store import Store, create_engine_for, migrate
from gateway.store.engine import HEAD_REVISION, alembic_config
from gateway.store.tables import Base

TABLES = {
    "messages",
    "payloads",
    "message_events",
    "control_numbers",
    "orders",
    "order_lines",
    "documents",
    "payload_chunks",
    "remote_receipts",
    "transport_states",
}


def test_migrating_twice_is_idempotent_and_matches_the_metadata(store_url: str) -> None:
    # given an empty database
    engine = create_engine_for(store_url)
    try:
        # when it is migrated twice
        migrate(engine)
        migrate(engine)
        # then it is at the newest revision, with every table, and nothing left to autogenerate
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == head == HEAD_REVISION == "0007_transport"
            assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(engine).get_table_names()) >= TABLES
        indexes = {i["name"] for i in inspect(engine).get_indexes("messages")}
        assert {
            "ix_messages_sha256",
            "ix_messages_partner_interchange_ref",
            "ix_messages_status_next_attempt_at",
            "ix_messages_parent_id",
            "ix_messages_partner_document_ref",
            "ix_messages_ack_status_ack_due_at",
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


def test_a_database_at_the_first_revision_is_upgraded_on_start(tmp_path: Path) -> None:
    # given a database created by the first release (revision 0001) holding a message
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "0001_initial")
            connection.execute(
                text(
                    "INSERT INTO messages (direction, stage, status, attempts, error_issues, "
                    "created_at, updated_at) VALUES ('in', 'received', 'failed', 0, '[]', "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text("INSERT INTO payloads (message_id, data, sha256) VALUES (1, :d, 'x')"),
                {"d": b"UNB+\x00\xff'"},
            )
        # when the gateway starts (migrations are applied on start)
        migrate(engine)
        # then the old message is kept with the new columns' defaults, and its bytes
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT status, accept_duplicate, test FROM messages"))
            assert [tuple(r) for r in rows] == [("failed", False, False)]
        assert Store(engine).raw(1) == b"UNB+\x00\xff'"
    finally:
        engine.dispose()


def test_a_locked_sqlite_database_is_a_transient_error(tmp_path: Path) -> None:
    # given a store whose database another connection holds a write lock on
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    store = Store.open(url)
    blocker = sqlite3.connect(tmp_path / "gateway.db", timeout=0)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        # when a unit of work waits past the busy timeout (5 s), then the error is transient
        with (
            pytest.raises(TransientError, match="database unavailable"),
            store.unit_of_work() as uow,
        ):
            uow.set_order_status(1, "x")
    finally:
        blocker.rollback()
        blocker.close()
        store.close()
