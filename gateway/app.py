"""Build the application from settings: the one place where things are wired."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.config import Settings
from gateway.store import Store, UnitOfWork
from gateway.transport.local import LocalInbox, LocalOutbox
from gateway.transport.remote import RemoteConnections

if TYPE_CHECKING:
    # Imported where used: a command that lists or shows never loads the mapping engine,
    # the validators or the order engine (a third of a second of start-up).
    from gateway.mapping import MappingSet
    from gateway.orders.port import OrderSystem
    from gateway.validate.edifact_schema import EdifactSchemas
    from gateway.validate.x12_schema import X12Schemas
    from gateway.validate.xml_schema import XmlSchemas

Clock = Callable[[], datetime]

PACKAGED_MAPPINGS = Path(__file__).resolve().parent.parent / "mappings"
PACKAGED_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def utc_now() -> datetime:
    """The wall clock, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Gateway:
    """Everything the runner and the CLI need, built once from settings."""

    settings: Settings
    store: Store
    inbox: LocalInbox
    outbox: LocalOutbox
    clock: Clock
    rand: Callable[[], float]
    # Connections to partners' SFTP servers (pushes keep one per partner for a round).
    remote: RemoteConnections

    # Mappings and message structures are read on first use: most commands (lists, shows,
    # warehouse steps) never translate, and reading them costs about half a second.
    @cached_property
    def mappings(self) -> MappingSet:
        """The mapping files (the workspace's, or the packaged ones)."""
        return load_mappings(self.settings)

    @cached_property
    def schemas(self) -> EdifactSchemas:
        """The EDIFACT message structures."""
        return load_schemas(self.settings)

    @cached_property
    def x12_schemas(self) -> X12Schemas:
        """The X12 transaction-set structures."""
        return load_x12_schemas(self.settings)

    @cached_property
    def xml_schemas(self) -> XmlSchemas:
        """The XSDs inbound UBL and cXML are checked against (and OASIS's when configured)."""
        return load_xml_schemas(self.settings)

    def load_definitions(self) -> None:
        """Read mappings and structures now, so that a broken one stops a run at its start."""
        _ = (self.mappings, self.schemas, self.x12_schemas)

    def order_system(self, uow: UnitOfWork) -> OrderSystem:
        """The order system of `[orders] engine`, working inside this unit of work."""
        from gateway.orders.as_ordered import ConfirmAsOrdered
        from gateway.orders.embedded import EmbeddedOrderSystem

        today = self.clock().date()
        if self.settings.orders.engine == "confirm_as_ordered":
            return ConfirmAsOrdered(uow, today)
        policies = {p.id: p.orders for p in self.settings.partners.values()}
        return EmbeddedOrderSystem(uow, today, policies)

    def close(self) -> None:
        """Release the database and SFTP connections."""
        self.remote.end_round()
        self.store.close()


def mappings_root(settings: Settings) -> Path:
    """The workspace's mappings folder, or the packaged one when the workspace has none."""
    return settings.mappings if settings.mappings.is_dir() else PACKAGED_MAPPINGS


def load_mappings(settings: Settings) -> MappingSet:
    """Load and validate every mapping file (raises ConfigError listing every problem)."""
    from gateway.mapping import MappingSet

    return MappingSet.load(mappings_root(settings), settings.partners.keys())


def load_schemas(settings: Settings) -> EdifactSchemas:
    """The message structures: the workspace's schemas folder, else the packaged one."""
    root = settings.schemas if (settings.schemas / "edifact").is_dir() else PACKAGED_SCHEMAS
    from gateway.validate.edifact_schema import EdifactSchemas

    return EdifactSchemas.load(root)


def load_xml_schemas(settings: Settings) -> XmlSchemas:
    """The project XSDs (the workspace's schemas/xml, else the packaged ones) and OASIS's."""
    root = settings.schemas if (settings.schemas / "xml").is_dir() else PACKAGED_SCHEMAS
    from gateway.validate.xml_schema import XmlSchemas

    return XmlSchemas.load(root, settings.xml.ubl_xsd)


def load_x12_schemas(settings: Settings) -> X12Schemas:
    """The X12 transaction-set structures: the workspace's, else the packaged ones."""
    root = settings.schemas if (settings.schemas / "x12").is_dir() else PACKAGED_SCHEMAS
    from gateway.validate.x12_schema import X12Schemas

    return X12Schemas.load(root)


def build_gateway(
    settings: Settings,
    clock: Clock = utc_now,
    rand: Callable[[], float] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Gateway:
    """Open the store (migrations applied) and set up the local drops; mappings and
    structures load on first use."""
    store = Store.open(settings.database_url, clock=clock)
    settle = {p.id: p.settle_time for p in settings.partners.values()}
    return Gateway(
        settings=settings,
        store=store,
        inbox=LocalInbox(settings.inbox, settle, clock),
        outbox=LocalOutbox(settings.outbox),
        clock=clock,
        rand=rand or random.SystemRandom().random,
        # Secrets (SFTP passwords, key passphrases) are read from here when connecting.
        remote=RemoteConnections(os.environ if environ is None else environ),
    )
