"""What `gateway orders list|show` and `gateway backlog` do, returning their exit codes."""

from __future__ import annotations

from collections.abc import Callable

from gateway import output_backlog, output_orders
from gateway.commands import EXIT_FAILED, EXIT_OK, CommandFailed, Context, _gateway, guarded
from gateway.orders.backlog_report import backlog_report
from gateway.store.order_queries import OrderFilter, backlog_lines, list_orders, order_detail


@guarded
def cmd_orders_list(ctx: Context) -> int:
    """List orders, newest first, with line counts and value."""
    a = ctx.args
    wanted = OrderFilter(
        status=a.status, partner=a.partner, customer=a.customer, number=a.number, limit=a.limit
    )
    with _gateway(ctx) as gateway, gateway.store.read() as session:
        summaries = list_orders(session, wanted)
    output_orders.print_orders(summaries, as_json=a.json)
    return EXIT_OK


@guarded
def cmd_orders_show(ctx: Context) -> int:
    """Show one order: header, lines, findings and timeline."""
    with _gateway(ctx) as gateway, gateway.store.read() as session:
        detail = order_detail(session, ctx.args.id)
    if detail is None:
        raise CommandFailed(f"no order {ctx.args.id}", EXIT_FAILED)
    output_orders.print_order_detail(detail, as_json=ctx.args.json)
    return EXIT_OK


@guarded
def cmd_backlog(ctx: Context) -> int:
    """Open backorders by customer and item, aged at --as-of (default: the clock's today)."""
    with _gateway(ctx) as gateway:
        as_of = ctx.args.as_of or gateway.clock().date()
        with gateway.store.read() as session:
            lines = backlog_lines(session)
    report = backlog_report(lines, as_of)
    output_backlog.print_backlog(report, as_json=ctx.args.json, with_lines=ctx.args.lines)
    return EXIT_OK


HANDLERS: dict[tuple[str, str | None], Callable[[Context], int]] = {
    ("orders", "list"): cmd_orders_list,
    ("orders", "show"): cmd_orders_show,
    ("backlog", None): cmd_backlog,
}
