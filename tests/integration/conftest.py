"""Integration fixtures: a store URL per database (SQLite, and the real PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.app import Gateway
from gateway.store import Store
from gateway.store.masterdata_store import import_masterdata
from gateway.store.order_catalog import has_masterdata
from gateway.workspace import SAMPLE_MASTERDATA
from tests.sshd import sshd  # noqa: F401 (a fixture, found by pytest)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database for one test: a SQLite file, or a fresh database on the server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gateway.db'}"
    make: Callable[[], str] = request.getfixturevalue("new_postgres_database")
    return make()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated store on an empty database (SQLite or PostgreSQL)."""
    opened = Store.open(store_url)
    try:
        yield opened
    finally:
        opened.close()


def with_sample_masterdata(gateway: Gateway) -> Gateway:
    """The workspace's sample master data imported into an empty database, as `gateway init`."""
    with gateway.store.read() as session:
        if has_masterdata(session):
            return gateway
    import_masterdata(gateway.store, gateway.settings.workspace / SAMPLE_MASTERDATA, actor="test")
    return gateway
