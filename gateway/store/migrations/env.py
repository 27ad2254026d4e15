"""Alembic environment: migrates the connection handed in by `gateway.store.migrate`.

For `alembic revision --autogenerate` during development, build the configuration with
`gateway.store.engine.alembic_config()` and set "sqlalchemy.url" on it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from gateway.store.tables import Base
from gateway.store.tables_fulfilment import ShipmentRow
from gateway.store.tables_jobs import JobRunRow
from gateway.store.tables_orders import CustomerRow
from gateway.store.tables_transport import TransportStateRow

# The order engine's, fulfilment's, the jobs' and the transports' tables are declared on the
# same metadata.
_ORDER_TABLES = (
    CustomerRow.__table__,
    ShipmentRow.__table__,
    JobRunRow.__table__,
    TransportStateRow.__table__,
)

TARGET = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=TARGET,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection given and no sqlalchemy.url set for the migrations")
    engine = create_engine(url)
    try:
        with engine.begin() as fresh:
            _run(fresh)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; pass a connection")
_online()
