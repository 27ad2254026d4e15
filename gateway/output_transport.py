"""How partners' SFTP transports are shown by `gateway status`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from gateway.config import Partner
from gateway.store.transport_store import TransportState


@dataclass(frozen=True)
class TransportHealth:
    """One SFTP partner's transport as `gateway status` reports it."""

    partner: str
    address: str
    # healthy, unhealthy, or unused (no poll or push yet)
    health: str
    consecutive_failures: int
    last_success_at: datetime | None
    last_error: str | None
    next_poll_at: datetime | None


def transport_health(
    partners: Mapping[str, Partner], states: Sequence[TransportState]
) -> list[TransportHealth]:
    """Every SFTP partner with its recorded state."""
    by_partner = {s.partner: s for s in states}
    found: list[TransportHealth] = []
    for partner in sorted(partners.values(), key=lambda p: p.id):
        sftp = partner.transport.sftp
        if sftp is None:
            continue
        state = by_partner.get(partner.id)
        if state is None:
            found.append(TransportHealth(partner.id, sftp.address, "unused", 0, None, None, None))
            continue
        health = "unhealthy" if state.unhealthy_since is not None else "healthy"
        found.append(
            TransportHealth(
                partner.id,
                sftp.address,
                health,
                state.consecutive_failures,
                state.last_success_at,
                state.last_error,
                state.next_poll_at,
            )
        )
    return found


def transport_json(items: Sequence[TransportHealth]) -> list[dict[str, object]]:
    """For `--json`."""
    return [
        {
            "partner": t.partner,
            "address": t.address,
            "health": t.health,
            "consecutive_failures": t.consecutive_failures,
            "last_success_at": _when(t.last_success_at),
            "last_error": t.last_error,
            "next_poll_at": _when(t.next_poll_at),
        }
        for t in items
    ]


def transport_lines(items: Sequence[TransportHealth]) -> list[str]:
    """One line per SFTP partner for people; unhealthy ones say why."""
    lines: list[str] = []
    for t in items:
        line = f"sftp {t.partner} ({t.address}): {t.health}"
        if t.consecutive_failures:
            line += f", {t.consecutive_failures} consecutive failure(s)"
        if t.last_success_at is not None:
            line += f", last success {_when(t.last_success_at)}"
        if t.next_poll_at is not None:
            line += f", next poll {_when(t.next_poll_at)}"
        lines.append(line)
        if t.health == "unhealthy" and t.last_error:
            lines.append(f"  last error: {t.last_error}")
    return lines


def _when(at: datetime | None) -> str | None:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if at is not None else None
