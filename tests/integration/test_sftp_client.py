"""The paramiko SFTP client against a real OpenSSH sshd on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import time
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from gateway.config_sftp import HostKeyPin
from gateway.transport.sftp import (
    Downloaded,
    HostKeyRefused,
    RemoteFile,
    TransportError,
    connect,
)
from tests.conftest import need
from tests.sshd import SshServer

NO_ENV: dict[str, str] = {}


def _wait_for_log(server: SshServer, text: str, seconds: float = 3.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        log = server.log()
        if text in log:
            return log
        time.sleep(0.05)
    return server.log()


def _password(server: SshServer) -> str:
    """The user's password on this server; skips (fails in CI) when it could not be set up."""
    if server.password is None:
        need("no password login here: it needs root, `unshare` and openssl for a private shadow")
    return str(server.password)


@pytest.fixture()
def silent_listener() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never says a word."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def test_key_login_opens_a_session_in_the_login_folder(sshd: SshServer) -> None:
    # given a file in the server's login folder
    (sshd.home / "hello.txt").write_bytes(b"hi")
    # when we log in with the client key and look at a relative path
    with connect(sshd.settings(), NO_ENV) as sftp:
        found = sftp.stat("hello.txt")
    # then the path was resolved in the login folder
    assert found is not None
    assert found.size == 2


def test_password_login_uses_the_password_from_the_environment(sshd: SshServer) -> None:
    # given password login only, the password in an environment variable
    settings = sshd.settings(key_file=None, password_env="PARTNER_SFTP_PASSWORD")
    # when we connect
    with connect(settings, {"PARTNER_SFTP_PASSWORD": _password(sshd)}) as sftp:
        folders = sftp.stat("out")
    # then the session works
    assert folders is not None


def test_wrong_password_is_refused_without_showing_it(sshd: SshServer) -> None:
    _password(sshd)
    settings = sshd.settings(key_file=None, password_env="PARTNER_SFTP_PASSWORD")
    # when we log in with a wrong password
    with pytest.raises(TransportError) as caught:
        connect(settings, {"PARTNER_SFTP_PASSWORD": "not-the-password-42"})
    # then the message names the user and where the password came from, never the value
    message = caught.value.message
    assert f"login refused for user {sshd.username}" in message
    assert "password from PARTNER_SFTP_PASSWORD" in message
    assert "not-the-password-42" not in message


def test_key_passphrase_comes_from_the_environment(sshd: SshServer) -> None:
    # given an authorised key encrypted with a passphrase
    key = sshd.root / "encrypted_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "sesame-77", "-a", "2", "-f", str(key)],
        check=True,
        timeout=30,
    )
    with (sshd.root / "authorized_keys").open("a") as authorized:
        authorized.write(key.with_name(key.name + ".pub").read_text())
    settings = sshd.settings(key_file=key, key_passphrase_env="PARTNER_KEY_PASSPHRASE")
    # when the passphrase variable is not set, then the variable is named
    with pytest.raises(TransportError, match="PARTNER_KEY_PASSPHRASE"):
        connect(settings, NO_ENV)
    # when no passphrase is configured, then the key is said to be encrypted
    with pytest.raises(TransportError, match="is encrypted: set key_passphrase_env"):
        connect(sshd.settings(key_file=key), NO_ENV)
    # when the passphrase is wrong, then the key cannot be loaded and the value is not shown
    with pytest.raises(TransportError, match="cannot be loaded") as caught:
        connect(settings, {"PARTNER_KEY_PASSPHRASE": "open-wrong"})
    assert "open-wrong" not in caught.value.message
    # when it is set, then the key loads and logs in
    with connect(settings, {"PARTNER_KEY_PASSPHRASE": "sesame-77"}) as sftp:
        assert sftp.stat("in") is not None


def test_wrong_pinned_host_key_is_refused_before_logging_in(sshd: SshServer) -> None:
    # given a pin that is not the server's key
    wrong = "SHA256:" + "A" * 43
    settings = sshd.settings(host_keys=(HostKeyPin(wrong, "ssh-ed25519"),))
    # when we connect
    with pytest.raises(HostKeyRefused) as caught:
        connect(settings, NO_ENV)
    # then the message shows what the server presented and what we expected
    refused = caught.value
    assert refused.presented == f"ssh-ed25519 {sshd.host_fingerprint}"
    assert refused.expected.startswith(f"ssh-ed25519 {wrong}")
    assert sshd.host_fingerprint in refused.message
    assert "nothing was sent" in refused.message
    assert refused.code == "host_key"
    # and sshd saw the connection end before any authentication was tried
    log = _wait_for_log(sshd, "[preauth]")
    assert "[preauth]" in log
    assert "authenticating user" not in log
    assert "Accepted" not in log
    assert "Failed" not in log


def test_pinned_fingerprint_without_key_type_is_accepted(sshd: SshServer) -> None:
    # given only the fingerprint, as `ssh-keygen -lf` prints it
    settings = sshd.settings(host_keys=(HostKeyPin(sshd.host_fingerprint),))
    # when we connect, then the session opens
    with connect(settings, NO_ENV) as sftp:
        assert sftp.stat("out") is not None


def test_known_hosts_with_the_servers_key_is_accepted(sshd: SshServer) -> None:
    # given no pin, but a known_hosts file with the server's "[127.0.0.1]:port" line
    settings = sshd.settings(host_keys=(), known_hosts=sshd.known_hosts_file)
    # when we connect, then the session opens
    with connect(settings, NO_ENV) as sftp:
        assert sftp.stat("out") is not None


def test_known_hosts_without_the_server_is_refused(sshd: SshServer, tmp_path: Path) -> None:
    # given a known_hosts file that only knows another port of the same host
    other = tmp_path / "known_hosts"
    other.write_text(sshd.host_key_line.replace(f":{sshd.port} ", ":1 ") + "\n")
    settings = sshd.settings(host_keys=(), known_hosts=other)
    # when we connect
    with pytest.raises(HostKeyRefused) as caught:
        connect(settings, NO_ENV)
    # then the message says there is no key for this host and port in that file
    assert caught.value.expected == f"no key for [127.0.0.1]:{sshd.port} in {other}"
    assert sshd.host_fingerprint in caught.value.message


def test_known_hosts_with_a_changed_key_is_refused(sshd: SshServer, tmp_path: Path) -> None:
    # given a known_hosts line for this server with another key (the client's)
    client_public = sshd.client_key.with_name(sshd.client_key.name + ".pub").read_text()
    changed = tmp_path / "known_hosts"
    changed.write_text(f"[127.0.0.1]:{sshd.port} {client_public}")
    settings = sshd.settings(host_keys=(), known_hosts=changed)
    # when we connect, then the presented key is refused
    with pytest.raises(HostKeyRefused) as caught:
        connect(settings, NO_ENV)
    assert caught.value.presented == f"ssh-ed25519 {sshd.host_fingerprint}"
    assert f"for [127.0.0.1]:{sshd.port} in {changed}" in caught.value.expected


def test_unreadable_known_hosts_file_is_named(sshd: SshServer, tmp_path: Path) -> None:
    # given a known_hosts file that is missing, and one with a broken key
    missing = tmp_path / "missing_known_hosts"
    broken = tmp_path / "broken_known_hosts"
    broken.write_text(f"[127.0.0.1]:{sshd.port} ssh-ed25519 AAAAA\n")
    # when we connect with either, then the file and the trouble are named
    with pytest.raises(TransportError, match=f"known_hosts file {missing} cannot be read"):
        connect(sshd.settings(host_keys=(), known_hosts=missing), NO_ENV)
    with pytest.raises(TransportError, match="a key is not valid base64"):
        connect(sshd.settings(host_keys=(), known_hosts=broken), NO_ENV)


def test_missing_password_variable_is_named(sshd: SshServer) -> None:
    # given password login from a variable that is not set
    settings = sshd.settings(key_file=None, password_env="PARTNER_SFTP_PASSWORD")
    # when we connect
    with pytest.raises(TransportError) as caught:
        connect(settings, NO_ENV)
    # then the message names the variable and the option
    assert "PARTNER_SFTP_PASSWORD (password_env) is not set" in caught.value.message


def test_upload_lands_under_its_final_name_with_no_part_file_left(sshd: SshServer) -> None:
    data = b"UNA:+.? 'UNB+UNOC:3+A+B'" * 1000
    # when we upload a file into the partner's folder
    with connect(sshd.settings(), NO_ENV) as sftp:
        remote = sftp.upload("in", "order1.edi", data)
    # then it is there under its final name, byte for byte, and no temporary file is left
    assert remote == "in/order1.edi"
    assert (sshd.home / "in" / "order1.edi").read_bytes() == data
    assert sorted(p.name for p in (sshd.home / "in").iterdir()) == ["order1.edi"]


def test_upload_of_identical_bytes_again_is_accepted(sshd: SshServer) -> None:
    # given the file already sent (a crash after the rename last time)
    (sshd.home / "in" / "order1.edi").write_bytes(b"same bytes")
    # when the same bytes are uploaded again
    with connect(sshd.settings(), NO_ENV) as sftp:
        remote = sftp.upload("in", "order1.edi", b"same bytes")
    # then the upload counts as done and nothing else is left behind
    assert remote == "in/order1.edi"
    assert sorted(p.name for p in (sshd.home / "in").iterdir()) == ["order1.edi"]


def test_upload_over_a_different_file_is_refused_and_the_original_kept(sshd: SshServer) -> None:
    # given another file with the same name in the partner's folder
    (sshd.home / "in" / "order1.edi").write_bytes(b"their file")
    # when we upload other bytes under that name
    with connect(sshd.settings(), NO_ENV) as sftp, pytest.raises(TransportError) as caught:
        sftp.upload("in", "order1.edi", b"our file")
    # then it is refused, the original is intact and no temporary file is left
    assert "in/order1.edi refused" in caught.value.message
    assert (sshd.home / "in" / "order1.edi").read_bytes() == b"their file"
    assert sorted(p.name for p in (sshd.home / "in").iterdir()) == ["order1.edi"]


def test_upload_uses_plain_rename_when_posix_rename_is_unsupported(
    sshd: SshServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a server that answers posix-rename@openssh.com with "Operation unsupported"
    with connect(sshd.settings(), NO_ENV) as sftp:
        client = sftp._client

        def unsupported(source: str, target: str) -> None:
            raise OSError("Operation unsupported")

        monkeypatch.setattr(client, "posix_rename", unsupported)
        # when we upload twice
        sftp.upload("in", "a.edi", b"first")
        sftp.upload("in", "b.edi", b"second")
    # then both arrived through the plain SFTP rename
    assert (sshd.home / "in" / "a.edi").read_bytes() == b"first"
    assert (sshd.home / "in" / "b.edi").read_bytes() == b"second"
    assert sorted(p.name for p in (sshd.home / "in").iterdir()) == ["a.edi", "b.edi"]


def test_upload_to_a_missing_folder_fails_and_names_the_path(sshd: SshServer) -> None:
    # when the partner's folder does not exist
    with connect(sshd.settings(), NO_ENV) as sftp, pytest.raises(TransportError) as caught:
        sftp.upload("nowhere", "x.edi", b"data")
    # then the message names the server, the operation and the cause
    message = caught.value.message
    assert message.startswith(f"sftp {sshd.username}@127.0.0.1:{sshd.port}: upload nowhere/x.edi")
    assert "No such file" in message


def test_download_streams_a_large_file_with_its_sha256(sshd: SshServer, tmp_path: Path) -> None:
    # given a 64 MiB file on the server
    data = os.urandom(64 * 1024 * 1024)
    (sshd.home / "out" / "big.edi").write_bytes(data)
    target = tmp_path / "big.part"
    # when we download it
    with connect(sshd.settings(), NO_ENV) as sftp:
        tracemalloc.start()
        try:
            got = sftp.download("out/big.edi", target, expected_size=len(data))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # then the bytes and digest are right, and the file never sat in memory whole: at most
    # a few read windows (8 MiB each) are, with paramiko's buffers (peaks seen: 3 MiB on an
    # idle machine, 24 MiB with both cores busy; RSS growth is the same for 100 and 500 MB)
    assert got == Downloaded(target, len(data), hashlib.sha256(data).hexdigest())
    assert target.read_bytes() == data
    assert peak < len(data) // 2


def test_download_with_a_size_other_than_listed_is_refused(sshd: SshServer, tmp_path: Path) -> None:
    # given a file that grew after it was listed
    (sshd.home / "out" / "a.edi").write_bytes(b"12345")
    # when we download it expecting the listed size
    with connect(sshd.settings(), NO_ENV) as sftp, pytest.raises(TransportError) as caught:
        sftp.download("out/a.edi", tmp_path / "a.part", expected_size=3)
    # then it is refused as changed
    assert "is 5 bytes, the listing said 3" in caught.value.message


def test_listdir_lists_regular_files_sorted_with_size_and_mtime(sshd: SshServer) -> None:
    # given two files with known times and a sub-folder
    out = sshd.home / "out"
    for name, size, mtime in (("b.edi", 3, 1_700_000_000), ("a.edi", 5, 1_600_000_000)):
        (out / name).write_bytes(b"x" * size)
        os.utime(out / name, (mtime, mtime))
    (out / "processing").mkdir()
    # when we list the folder
    with connect(sshd.settings(), NO_ENV) as sftp:
        listed = sftp.listdir("out")
    # then only the files come back, by name, with the server's size and mtime
    assert listed == [RemoteFile("a.edi", 5, 1_600_000_000), RemoteFile("b.edi", 3, 1_700_000_000)]


def test_stat_of_a_missing_file_is_none(sshd: SshServer) -> None:
    with connect(sshd.settings(), NO_ENV) as sftp:
        assert sftp.stat("out/nothing.edi") is None


def test_rename_moves_and_returns_false_when_the_source_is_gone(sshd: SshServer) -> None:
    # given a file in the partner's folder
    (sshd.home / "out" / "a.edi").write_bytes(b"order")
    (sshd.home / "out" / "processing").mkdir()
    with connect(sshd.settings(), NO_ENV) as sftp:
        # when we claim it, then it moves
        assert sftp.rename("out/a.edi", "out/processing/a.edi") is True
        # when we (or another gateway) claim it again, then the source is gone
        assert sftp.rename("out/a.edi", "out/processing/a.edi") is False
    assert (sshd.home / "out" / "processing" / "a.edi").read_bytes() == b"order"


def test_remove_returns_false_when_already_gone(sshd: SshServer) -> None:
    (sshd.home / "out" / "a.edi").write_bytes(b"order")
    with connect(sshd.settings(), NO_ENV) as sftp:
        assert sftp.remove("out/a.edi") is True
        assert sftp.remove("out/a.edi") is False
    assert not (sshd.home / "out" / "a.edi").exists()


def test_makedirs_creates_parents_and_accepts_existing_folders(sshd: SshServer) -> None:
    with connect(sshd.settings(), NO_ENV) as sftp:
        sftp.makedirs("out/archive/2024/06")
        sftp.makedirs("out/archive/2024/06")
        sftp.makedirs(str(sshd.home / "in" / "deep"))
    assert (sshd.home / "out" / "archive" / "2024" / "06").is_dir()
    assert (sshd.home / "in" / "deep").is_dir()


def test_stopped_server_fails_fast_and_works_again_after_start(sshd: SshServer) -> None:
    # given the server stopped
    sshd.stop()
    started = time.monotonic()
    # when we connect, then the refusal is a TransportError at once
    with pytest.raises(TransportError) as caught:
        connect(sshd.settings(), NO_ENV)
    assert time.monotonic() - started < 2
    assert f"{sshd.port}: connect failed: Connection refused" in caught.value.message
    # when the server is back (same port, same key), then the next attempt works
    sshd.start()
    with connect(sshd.settings(), NO_ENV) as sftp:
        assert sftp.stat("out") is not None


def test_server_that_never_speaks_ssh_times_out(sshd: SshServer, silent_listener: int) -> None:
    # given a port that accepts TCP connections but never sends an SSH banner
    settings = sshd.settings(port=silent_listener, timeout=timedelta(seconds=1))
    started = time.monotonic()
    # when we connect, then it fails after about the timeout, not never
    with pytest.raises(TransportError) as caught:
        connect(settings, NO_ENV)
    assert time.monotonic() - started < 3
    assert "SSH handshake failed" in caught.value.message
