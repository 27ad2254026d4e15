"""`gateway partners list|show` (the real command on a fresh workspace)."""

from __future__ import annotations

from tests.e2e.conftest import Workspace

# A partner whose own SFTP server we poll and upload to; its secrets are named, never written.
NORTHWIND = """\
name = "Northwind Traders"

[x12]
isa_qualifier = "ZZ"
isa_id = "NORTHWIND"

[inbound]
accept = ["X12 850 004010"]

[transport]
kind = "sftp"
host = "sftp.northwind.example"
port = 2222
username = "supplier"
key_file = "config/keys/northwind_ed25519"
key_passphrase_env = "NORTHWIND_KEY_PASSPHRASE"
password_env = "NORTHWIND_SFTP_PASSWORD"
host_key = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
remote_inbox = "/outbound"
remote_outbox = "/inbound"
"""
PASSWORD = "correct-horse-battery-staple"


def add_northwind(workspace: Workspace) -> None:
    """Add the SFTP partner north_wind to the workspace's profiles."""
    (workspace.root / "config" / "partners" / "north_wind.toml").write_text(NORTHWIND)


def test_partners_list_shows_standards_transport_and_sftp_folders(workspace: Workspace) -> None:
    # given the sample partners and an SFTP partner we pull from and push to
    add_northwind(workspace)
    # when the partners are listed as JSON and as a table
    listed = workspace.gateway("partners", "list", "--json")
    table = workspace.gateway("partners", "list")
    # then each partner has its standards and transport; the SFTP one its address and folders
    assert listed.code == 0, listed.stderr
    by_id = {p["id"]: p for p in listed.json()}
    assert list(by_id) == ["acme", "globex", "initech", "norrland", "north_wind"]
    assert (by_id["acme"]["standards"], by_id["acme"]["transport"]) == (["EDIFACT"], "local")
    assert by_id["acme"]["sftp"] is None
    assert by_id["globex"]["standards"] == ["X12"]
    assert (by_id["initech"]["standards"], by_id["norrland"]["standards"]) == (["CXML"], ["UBL"])
    assert by_id["north_wind"]["sftp"] == {
        "address": "supplier@sftp.northwind.example:2222",
        "pull": "/outbound",
        "push": "/inbound",
    }
    assert table.code == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if line.startswith("north_wind"))
    assert row.split() == [
        "north_wind", "Northwind", "Traders", "X12", "sftp",
        "supplier@sftp.northwind.example:2222", "/outbound", "/inbound",
    ]  # fmt: skip


def test_partners_show_acme_prints_profile_and_how_to_host_its_drop(workspace: Workspace) -> None:
    # given the sample partner acme (kind = "local", settle_time 1s)
    root = workspace.root.resolve()
    # when it is shown for people
    shown = workspace.gateway("partners", "show", "acme", "--gateway-user", "edi")
    # then the profile is summarised
    assert shown.code == 0, shown.stderr
    out = shown.stdout
    assert "Partner acme: Acme Retail" in out
    assert "EDIFACT      UNB id 5790000000001, qualifier 14" in out
    assert "  EDIFACT ORDERS D96A" in out and "order_response  EDIFACT ORDRSP D96A" in out
    # and the hosting part names this workspace's folders by absolute path
    assert f"mount --bind {root}/inbox/acme /srv/edi/acme/inbox" in out
    assert f"{root}/outbox/acme /srv/edi/acme/outbox none bind 0 0" in out
    assert f"install -d -o edi -g edi-acme -m 3770 {root}/inbox/acme" in out
    # and the sshd_config block, the key file and the checks
    assert "\n   Match User edi-acme\n       ChrootDirectory /srv/edi/acme\n" in out
    assert "       ForceCommand internal-sftp -d /inbox -u 0027\n" in out
    assert "Subsystem sftp internal-sftp" in out and "   sshd -t\n" in out
    assert "/etc/ssh/authorized_keys/edi-acme" in out
    # and the partner's settle time with the advice to upload under a temporary name
    assert "partner acme's settle_time is 1s" in out and "temporary name" in out


def test_partners_show_json_takes_the_chroot_root_and_user_given(workspace: Workspace) -> None:
    # given the sample partner acme
    root = workspace.root.resolve()
    # when it is shown as JSON with another chroot root and user name
    shown = workspace.gateway(
        "partners", "show", "acme", "--json", "--chroot-root", "/data/sftp", "--user", "acme_in"
    )
    # then the profile and the hosting plan are there, with the options applied
    assert shown.code == 0, shown.stderr
    data = shown.json()
    assert (data["id"], data["accept"], data["settle_time_seconds"]) == (
        "acme",
        ["EDIFACT ORDERS D96A"],
        1.0,
    )
    assert data["transport"]["inbox"] == f"{root}/inbox/acme"
    hosting = data["hosting"]
    assert (hosting["user"], hosting["chroot"]) == ("acme_in", "/data/sftp/acme")
    assert hosting["inbox"] == f"{root}/inbox/acme"
    assert hosting["fstab"][0] == f"{root}/inbox/acme /data/sftp/acme/inbox none bind 0 0"
    assert "Match User acme_in\n    ChrootDirectory /data/sftp/acme\n" in hosting["sshd_config"]


def test_partners_show_sftp_partner_names_secrets_but_never_their_values(
    workspace: Workspace,
) -> None:
    # given an SFTP partner whose password variable is set and passphrase variable is not
    add_northwind(workspace)
    env = {"NORTHWIND_SFTP_PASSWORD": PASSWORD}
    # when it is shown as text and as JSON
    text = workspace.gateway("partners", "show", "north_wind", env=env)
    data = workspace.gateway("partners", "show", "north_wind", "--json", env=env)
    # then each secret appears by its variable name and whether it is set, never by value
    assert text.code == 0 and data.code == 0, text.stderr + data.stderr
    assert PASSWORD not in text.stdout + data.stdout
    assert "$NORTHWIND_SFTP_PASSWORD (set)" in text.stdout
    assert "$NORTHWIND_KEY_PASSPHRASE (not set in this environment)" in text.stdout
    sftp = data.json()["transport"]["sftp"]
    assert sftp["password"] == {"env": "NORTHWIND_SFTP_PASSWORD", "set": True}
    assert sftp["key_passphrase"] == {"env": "NORTHWIND_KEY_PASSPHRASE", "set": False}
    assert (
        sftp["host_keys"][0]["fingerprint"] == "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
    )
    # and no drop is planned on our host for a partner reached on its own server
    assert data.json()["hosting"] is None
    assert "Match User" not in text.stdout and "kind = 'sftp'" in text.stdout


def test_partners_show_unknown_id_lists_the_known_ones(workspace: Workspace) -> None:
    # when a partner id that is not configured is shown
    shown = workspace.gateway("partners", "show", "nope")
    # then it is a usage error naming the id and the partners there are
    assert shown.code == 2 and shown.stdout == ""
    assert "there is no partner 'nope'" in shown.stderr
    assert "the partners are acme, globex" in shown.stderr
    assert "Traceback" not in shown.stderr


def test_partners_show_refuses_a_user_name_useradd_would_not_take(workspace: Workspace) -> None:
    # when the partner's user is given a name with capitals and a dot
    shown = workspace.gateway("partners", "show", "acme", "--user", "Acme.Sftp")
    # then it is a usage error saying what is wrong
    assert shown.code == 2
    assert "user name 'Acme.Sftp' is not portable" in shown.stderr
