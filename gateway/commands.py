"""What each `gateway` sub-command does, returning its exit code."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gateway import output
from gateway.app import (
    Gateway,
    build_gateway,
    load_mappings,
    load_schemas,
    load_x12_schemas,
    load_xml_schemas,
)
from gateway.config import Settings, load_settings
from gateway.errors import ConfigError, GatewayError, Issue, Location
from gateway.formats.cxml_secret import mask_shared_secret
from gateway.output_transport import transport_health
from gateway.pipeline import ops, status
from gateway.store import MessageFilter, Store
from gateway.store.fulfilment_store import shipment_status_counts
from gateway.store.masterdata_store import import_masterdata
from gateway.store.order_catalog import has_masterdata
from gateway.store.order_queries import order_status_counts
from gateway.store.transport_store import transport_states
from gateway.workspace import SAMPLE_MASTERDATA, ensure_partner_folders, init_workspace

if TYPE_CHECKING:
    from gateway.pipeline.translate import Translation

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("gateway")


@dataclass(frozen=True)
class Context:
    """The workspace, the environment and the parsed arguments of one invocation."""

    workspace: Path
    environ: dict[str, str]
    args: argparse.Namespace


class CommandFailed(Exception):
    """A command that cannot go on; the text is for the person at the terminal."""

    def __init__(self, text: str, exit_code: int) -> None:
        super().__init__(text)
        self.exit_code = exit_code


def _settings(ctx: Context) -> Settings:
    try:
        return load_settings(ctx.workspace, ctx.environ)
    except ConfigError as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from exc


def _setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    if settings.log_level != "DEBUG":
        # Alembic announces every start at INFO; only a real migration is worth a line.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        # paramiko announces every connection and login at INFO and logs tracebacks at ERROR
        # (a banner timeout, say) for what the gateway reports itself in one sentence.
        logging.getLogger("paramiko").setLevel(logging.CRITICAL)


@contextmanager
def _gateway(ctx: Context, *, definitions: bool = False) -> Iterator[Gateway]:
    """The gateway of the workspace; with `definitions`, mappings and structures read now."""
    settings = _settings(ctx)
    _setup_logging(settings)
    try:
        gateway = build_gateway(settings, environ=ctx.environ)
    except ConfigError as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from exc
    try:
        if definitions:
            gateway.load_definitions()
        yield gateway
    except ConfigError as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from exc
    finally:
        gateway.close()


def guarded(handler: Callable[[Context], int]) -> Callable[[Context], int]:
    """Turn expected failures into a sentence on stderr and an exit code, never a traceback."""

    def run(ctx: Context) -> int:
        try:
            return handler(ctx)
        except CommandFailed as exc:
            print(f"gateway: {exc}", file=sys.stderr)
            return exc.exit_code
        except ops.OpsError as exc:
            print(f"gateway: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except GatewayError as exc:
            print(f"gateway: {exc.message}", file=sys.stderr)
            return EXIT_FAILED
        except Exception as exc:  # a bug: one line for the operator, the traceback at DEBUG
            log.debug("unexpected error", exc_info=exc)
            print(
                f"gateway: unexpected error ({type(exc).__name__}: {exc}); run with "
                "GATEWAY_LOG_LEVEL=DEBUG to see where, and report it",
                file=sys.stderr,
            )
            return EXIT_FAILED

    return run


@guarded
def cmd_init(ctx: Context) -> int:
    """Create a workspace: config, sample partners, folders."""
    target = Path(ctx.args.dir).resolve() if ctx.args.dir else ctx.workspace
    created = init_workspace(target)
    for path in created:
        print(f"created {path}")
    print(f"workspace ready at {target}" if created else f"{target} is already a workspace")
    _seed_masterdata(Context(target, ctx.environ, ctx.args))
    return EXIT_OK


def _seed_masterdata(ctx: Context) -> None:
    """Import the workspace's sample master data into a database that has none yet."""
    folder = ctx.workspace / SAMPLE_MASTERDATA
    if not folder.is_dir():
        return
    # Only the store: mappings and message structures are not needed to import.
    store = Store.open(_settings(ctx).database_url)
    try:
        with store.read() as session:
            if has_masterdata(session):
                return
        summary = import_masterdata(store, folder, actor="init")
    finally:
        store.close()
    rows = sum(summary.counts.values())
    print(f"imported the sample master data from {folder} ({rows} rows) into the database")


@guarded
def cmd_run(ctx: Context) -> int:
    """Serve until SIGINT/SIGTERM."""
    with _gateway(ctx, definitions=True) as gateway:
        ensure_partner_folders(gateway.settings)
        from gateway.pipeline.service import StopFlag, serve  # the runner: run and batch only

        serve(gateway, StopFlag())
    return EXIT_OK


@guarded
def cmd_batch(ctx: Context) -> int:
    """One pass; exit 1 when anything failed in it."""
    with _gateway(ctx, definitions=True) as gateway:
        ensure_partner_folders(gateway.settings)
        from gateway.pipeline.service import StopFlag, batch_pass  # see cmd_run

        progress = output.Progress(sys.stderr)
        stop = StopFlag()
        stop.install(threading.Event())
        summary = batch_pass(gateway, should_stop=stop, on_message=progress.tick)
        progress.done()
    print(output.summary_line(summary.outcomes))
    for failure in summary.transport_failures:
        print(f"sftp poll failed, {failure}")
    return EXIT_FAILED if summary.failed or summary.transport_failures else EXIT_OK


def _read_input(path: Path) -> bytes:
    """A file named on the command line; unreadable is a usage error (exit 2)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandFailed(f"cannot read {path}: {exc.strerror}", EXIT_USAGE) from exc


@guarded
def cmd_translate(ctx: Context) -> int:
    """Translate one file to canonical JSON without touching any store."""
    settings = _settings(ctx)
    path = Path(ctx.args.file)
    raw = _read_input(path)
    partner = None
    if ctx.args.partner:
        partner = settings.partners.get(ctx.args.partner)
        if partner is None:
            known = ", ".join(sorted(settings.partners)) or "none configured"
            raise CommandFailed(
                f"unknown partner {ctx.args.partner!r} (known: {known})", EXIT_USAGE
            )
    from gateway.pipeline.translate import TranslateContext
    from gateway.pipeline.x12_translate import translate_file

    try:
        context = TranslateContext(
            load_mappings(settings),
            load_schemas(settings),
            settings.identity,
            list(settings.partners.values()),
            load_x12_schemas(settings),
            load_xml_schemas(settings),
        )
    except ConfigError as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from exc
    try:
        result = translate_file(raw, path.name, context, partner)
    except Exception as exc:  # a bug must still not show a partner a traceback
        logging.getLogger(__name__).debug("translate failed", exc_info=exc)
        result = internal_error(path.name, exc)
    print(json.dumps(output.translation_json(result), indent=2, ensure_ascii=False))
    return EXIT_OK if result.ok else EXIT_FAILED


def internal_error(name: str, exc: Exception) -> Translation:
    """A translation that reports an internal error instead of a traceback."""
    from gateway.pipeline.translate import Translation

    issue = Issue(
        "internal",
        f"the gateway could not read this file ({type(exc).__name__}); "
        "please report it with the file",
        Location(file=name),
    )
    return Translation(None, (), (), (issue,))


@guarded
def cmd_messages_list(ctx: Context) -> int:
    """List messages, newest first."""
    a = ctx.args
    with _gateway(ctx) as gateway:
        records = gateway.store.list_messages(
            MessageFilter(direction=a.direction, partner=a.partner, status=a.status, limit=a.limit)
        )
    output.print_messages(records, as_json=a.json)
    return EXIT_OK


@guarded
def cmd_messages_show(ctx: Context) -> int:
    """Show one message, its links and history."""
    with _gateway(ctx) as gateway:
        return _show(gateway, ctx.args)


def _show(gateway: Gateway, args: argparse.Namespace) -> int:
    record = gateway.store.get(args.id)
    if record is None:
        raise CommandFailed(f"there is no message {args.id}", EXIT_FAILED)
    if args.raw:
        # A cXML SharedSecret is never shown, even from the stored bytes.
        sys.stdout.buffer.write(mask_shared_secret(gateway.store.raw(record.id) or b""))
        return EXIT_OK
    output.print_message_detail(gateway.store, record, as_json=args.json)
    return EXIT_OK


@guarded
def cmd_failed_list(ctx: Context) -> int:
    """The failed queue: failed and parked messages."""
    with _gateway(ctx) as gateway:
        records = [
            r
            for s in status.FAILED_QUEUE
            for r in gateway.store.list_messages(MessageFilter(status=s, limit=1000))
        ]
    records.sort(key=lambda r: r.id, reverse=True)
    output.print_messages(records, as_json=ctx.args.json, with_error=True)
    return EXIT_OK


@guarded
def cmd_failed_show(ctx: Context) -> int:
    """One failed message with every issue."""
    with _gateway(ctx) as gateway:
        return _show(gateway, ctx.args)


@guarded
def cmd_failed_retry(ctx: Context) -> int:
    """Run a failed message again, optionally with a corrected file, and report the outcome."""
    with _gateway(ctx) as gateway:
        if ctx.args.file:
            data = _read_input(Path(ctx.args.file))
            result = ops.retry_with_file(gateway, ctx.args.id, data, actor="cli")
            print(f"message {result.replaced} replaced by message {result.message_id}")
        else:
            result = ops.retry(
                gateway, ctx.args.id, actor="cli", accept_duplicate=ctx.args.accept_duplicate
            )
        from gateway.pipeline.service import batch_pass  # see cmd_run

        summary = batch_pass(gateway)
        final = gateway.store.get(result.message_id)
    print(output.summary_line(summary.outcomes))
    if final is None:
        return EXIT_FAILED
    print(f"message {final.id}: {final.stage} / {final.status}")
    return EXIT_FAILED if final.status in status.FAILED_QUEUE else EXIT_OK


@guarded
def cmd_failed_discard(ctx: Context) -> int:
    """Discard a failed message, keeping the reason in its history."""
    with _gateway(ctx) as gateway:
        ops.discard(gateway, ctx.args.id, actor="cli", reason=ctx.args.reason)
    print(f"message {ctx.args.id} discarded")
    return EXIT_OK


@guarded
def cmd_status(ctx: Context) -> int:
    """Counts by direction and status, and files waiting in the inboxes."""
    with _gateway(ctx) as gateway:
        counts = gateway.store.status_counts()
        acks = gateway.store.ack_counts()
        waiting = gateway.inbox.pending_count()
        unknown = gateway.inbox.unknown_folders()
        with gateway.store.read() as session:
            orders = order_status_counts(session)
            shipments = shipment_status_counts(session)
            transports = transport_health(gateway.settings.partners, transport_states(session))
        failed = gateway.settings.fulfilment.warehouse_failed
        refused = sorted(p.name for p in failed.glob("*") if not p.name.endswith(".errors.txt"))
    report = output.StatusReport(
        counts, acks, waiting, unknown, orders, shipments, refused, transports
    )
    output.print_status(report, as_json=ctx.args.json)
    return EXIT_OK


HANDLERS: dict[tuple[str, str | None], Callable[[Context], int]] = {
    ("init", None): cmd_init,
    ("run", None): cmd_run,
    ("batch", None): cmd_batch,
    ("translate", None): cmd_translate,
    ("messages", "list"): cmd_messages_list,
    ("messages", "show"): cmd_messages_show,
    ("failed", "list"): cmd_failed_list,
    ("failed", "show"): cmd_failed_show,
    ("failed", "retry"): cmd_failed_retry,
    ("failed", "discard"): cmd_failed_discard,
    ("status", None): cmd_status,
}
