"""Which remote files are complete, by each partner convention (settle, marker, rename)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from gateway.config_sftp import SftpSettings
from gateway.pipeline.transport_health import poll_delay
from gateway.transport.remote_listing import (
    Ready,
    Settler,
    complete_files,
    is_candidate,
    markers_of,
)

MARKERS = (".ok", ".done")


@dataclass(frozen=True)
class File:
    name: str
    size: int
    mtime: int


def complete(files: list[File], convention: str, settler: Settler, now: float) -> list[str]:
    found = complete_files(
        files, convention=convention, pattern="*", markers=MARKERS, settler=settler, now=now
    )
    return [r.name for r in found]


def test_a_growing_file_is_complete_only_once_still_for_the_settle_time() -> None:
    settler = Settler(settle=2.0)
    # given a file seen for the first time: not complete, however old its mtime
    assert complete([File("a.edi", 10, 100)], "settle", settler, now=0.0) == []
    # when it grew a second later, its clock starts again
    assert complete([File("a.edi", 20, 101)], "settle", settler, now=1.0) == []
    assert complete([File("a.edi", 20, 101)], "settle", settler, now=2.5) == []
    # then once unchanged for 2 s it is complete
    assert complete([File("a.edi", 20, 101)], "settle", settler, now=3.0) == ["a.edi"]


def test_an_mtime_change_alone_restarts_the_settle_clock() -> None:
    settler = Settler(settle=1.0)
    complete([File("a.edi", 5, 100)], "settle", settler, now=0.0)
    assert complete([File("a.edi", 5, 102)], "settle", settler, now=1.5) == []
    assert complete([File("a.edi", 5, 102)], "settle", settler, now=2.5) == ["a.edi"]


def test_a_vanished_file_is_forgotten_and_pending_counts_the_rest() -> None:
    settler = Settler(settle=1.0)
    complete([File("a.edi", 5, 1), File("b.edi", 5, 1)], "settle", settler, now=0.0)
    assert settler.pending() == 2
    complete([File("b.edi", 5, 1)], "settle", settler, now=0.5)
    assert settler.pending() == 1
    settler.forget("b.edi")
    assert settler.pending() == 0


def test_marker_convention_takes_only_files_with_a_marker_and_names_the_markers() -> None:
    files = [File("a.edi", 5, 1), File("a.edi.ok", 0, 1), File("b.edi", 5, 1), File("c.x", 3, 1)]
    files.append(File("c.done", 0, 1))
    found = complete_files(
        files, convention="marker", pattern="*", markers=MARKERS, settler=Settler(1), now=0
    )
    assert found == [Ready("a.edi", 5, 1, ("a.edi.ok",)), Ready("c.x", 3, 1, ("c.done",))]


def test_rename_convention_takes_final_names_at_once_never_temporary_ones() -> None:
    files = [File("a.edi", 5, 1), File("b.edi.part", 5, 1), File(".c.edi", 5, 1)]
    files.append(File("d.edi.filepart", 5, 1))
    assert complete(files, "rename", Settler(60), now=0.0) == ["a.edi"]


@pytest.mark.parametrize(
    ("name", "pattern", "taken"),
    [
        ("ORDERS_1.edi", "*.edi", True),
        ("ORDERS_1.EDI", "*.edi", False),
        ("order.xml", "*.edi", False),
        ("order.edi.tmp", "*", False),
        (".hidden.edi", "*", False),
        ("order.edi.ok", "*", False),
    ],
)
def test_candidates_follow_the_pattern_and_skip_temporary_hidden_and_marker_files(
    name: str, pattern: str, taken: bool
) -> None:
    assert is_candidate(name, pattern, MARKERS) is taken


def test_markers_are_found_by_full_name_or_by_stem() -> None:
    names = ["a.edi", "a.edi.ok", "a.done", "b.ok"]
    assert markers_of("a.edi", names, MARKERS) == ("a.done", "a.edi.ok")
    assert markers_of("c.edi", names, MARKERS) == ()


def test_an_unhealthy_server_is_polled_at_a_doubling_interval_up_to_fifteen_minutes(
    sftp_settings: SftpSettings,
) -> None:
    delays = [poll_delay(sftp_settings, failures).total_seconds() for failures in range(9)]
    # unhealthy_after = 3, poll_interval = 60 s
    assert delays == [60, 60, 60, 120, 240, 480, 900, 900, 900]
    assert poll_delay(sftp_settings, 50) == timedelta(minutes=15)


@pytest.fixture
def sftp_settings() -> SftpSettings:
    return SftpSettings(
        host="h",
        port=22,
        username="u",
        password_env="P",
        key_file=None,
        key_passphrase_env=None,
        host_keys=(),
        known_hosts=None,
        remote_inbox="out",
        file_pattern="*",
        poll_interval=timedelta(seconds=60),
        complete="settle",
        settle_time=timedelta(seconds=1),
        markers=MARKERS,
        processing_folder=None,
        after_download="delete",
        archive_folder=None,
        remote_outbox=None,
        timeout=timedelta(seconds=5),
        keepalive=timedelta(seconds=15),
        unhealthy_after=3,
    )
