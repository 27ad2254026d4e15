"""Database engines (SQLite tuned for one host, PostgreSQL via psycopg 3) and schema migration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import URL, make_url

from gateway.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Execution option: a transaction that will write starts with BEGIN IMMEDIATE on SQLite, so two
# processes queue on the busy timeout instead of failing when a reader upgrades to a writer.
WRITE_OPTION = "gateway_write"
# Arbitrary key for pg_advisory_xact_lock: two workers starting at once migrate one after the other.
_MIGRATION_LOCK_KEY = 0x6761_7465_7761_79

# The newest migration in migrations/versions. A database already there needs no Alembic at
# all, which saves every command about 0.4 s; test_store_engine checks it is Alembic's head.
HEAD_REVISION = "0007_transport"


def create_engine_for(url: str) -> Engine:
    """An engine for a SQLite file/memory database or a PostgreSQL server (psycopg 3)."""
    parsed = _normalise(make_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    shown = parsed.render_as_string(hide_password=True)
    raise ConfigError([f"database url {shown}: only sqlite and postgresql are supported"])


def _normalise(url: URL) -> URL:
    # "postgresql://" alone would pick psycopg2, which the gateway does not depend on.
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: object) -> None:
    # The driver's own implicit BEGIN is switched off; `_sqlite_on_begin` emits ours.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions are write transactions."""
    return engine.execution_options(**{WRITE_OPTION: True})


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code (no alembic.ini) for the gateway's migrations."""
    # Imported here: a database at HEAD_REVISION never needs Alembic (see migrate).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there."""
    if at_head(engine):
        return
    if engine.dialect.name == "sqlite":
        _migrate_sqlite(engine)
        return
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
        _upgrade(connection)


def at_head(engine: Engine) -> bool:
    """Whether the database is already at HEAD_REVISION (then Alembic is not even imported)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return list(found) == [HEAD_REVISION]


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


def _migrate_sqlite(engine: Engine) -> None:
    # SQLite cannot alter most columns, so Alembic's batch mode copies a table and drops the
    # old one; with foreign keys enforced that drop fails while other rows point at it. The
    # pragma only changes outside a transaction (SQLite docs, "PRAGMA foreign_keys"), so it
    # is switched off on the raw connection around the migration and checked afterwards.
    with writer(engine).connect() as connection:
        raw = connection.connection.dbapi_connection
        if raw is None:
            raise RuntimeError("no database connection to migrate")
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                _upgrade(connection)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
