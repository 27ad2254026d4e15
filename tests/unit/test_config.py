"""Configuration rules: defaults, types, environment overrides, partners, every problem at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.config import RetryPolicy, Settings, load_settings
from gateway.config_sftp import HostKeyPin, parse_host_key
from gateway.errors import ConfigError

ACME = """
name = "Acme Retail"
[edifact]
id = "5790000000001"
qualifier = "14"
[inbound]
accept = ["EDIFACT ORDERS D96A"]
[[outbound]]
document = "order_response"
standard = "EDIFACT"
message_type = "ORDRSP"
version = "D96A"
"""


def write(workspace: Path, relative: str, text: str) -> Path:
    """Write one configuration file into the workspace."""
    path = workspace / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(workspace: Path, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The problems load_settings reports (fails the test when it reports none)."""
    with pytest.raises(ConfigError) as caught:
        load_settings(workspace, environ or {})
    return caught.value.problems


def test_missing_gateway_toml_gives_working_defaults(tmp_path: Path) -> None:
    # given an empty workspace, when loaded
    settings = load_settings(tmp_path, {})
    # then every value is the embedded default, paths resolved against the workspace
    assert settings.database_url == f"sqlite:///{tmp_path.resolve().as_posix()}/var/gateway.db"
    assert settings.inbox == tmp_path.resolve() / "inbox"
    assert settings.outbox == tmp_path.resolve() / "outbox"
    assert settings.archive == tmp_path.resolve() / "var" / "archive"
    assert settings.mappings == tmp_path.resolve() / "mappings"
    assert settings.log_level == "INFO"
    assert settings.poll_interval == timedelta(seconds=2)
    assert settings.settle_time == timedelta(seconds=1)
    assert settings.retry == RetryPolicy(5, timedelta(seconds=2), timedelta(minutes=10), 0.2)
    assert settings.identity.edifact_id == "5412345000013"
    assert settings.identity.x12_id == "GATEWAY"
    assert dict(settings.partners) == {}


def test_file_values_are_typed_and_paths_resolved(tmp_path: Path) -> None:
    # given a gateway.toml that sets every kind of value
    write(
        tmp_path,
        "config/gateway.toml",
        """
[gateway]
database_url = "postgresql+psycopg://gateway@db.example/gateway"
inbox = "/srv/drops/in"
archive = ""
log_level = "debug"
poll_interval = "500ms"
settle_time = 3
[retry]
max_attempts = 7
base_delay = "1m"
max_delay = "1h"
jitter = 0
""",
    )
    # when loaded
    settings = load_settings(tmp_path, {})
    # then durations are timedeltas, absolute paths kept, "" archive means delete
    assert settings.database_url == "postgresql+psycopg://gateway@db.example/gateway"
    assert settings.inbox == Path("/srv/drops/in")
    assert settings.archive is None
    assert settings.log_level == "DEBUG"
    assert settings.poll_interval == timedelta(milliseconds=500)
    assert settings.settle_time == timedelta(seconds=3)
    assert settings.retry == RetryPolicy(7, timedelta(minutes=1), timedelta(hours=1), 0.0)


def test_sqlite_memory_and_absolute_urls_are_left_alone(tmp_path: Path) -> None:
    write(tmp_path, "config/gateway.toml", '[gateway]\ndatabase_url = "sqlite:////data/g.db"\n')
    assert load_settings(tmp_path, {}).database_url == "sqlite:////data/g.db"
    environ = {"GATEWAY_DATABASE_URL": "sqlite:///:memory:"}
    assert load_settings(tmp_path, environ).database_url == "sqlite:///:memory:"


def test_three_mistakes_in_one_file_give_three_problems(tmp_path: Path) -> None:
    # given a partner file with a bad duplicates policy, document type and transport kind
    text = ACME.replace('"order_response"', '"order_responce"')
    text = text.replace("[inbound]\n", '[inbound]\nduplicates = "rejct"\n')
    write(tmp_path, "config/partners/acme.toml", text + '[transport]\nkind = "ftp"\n')
    # when loaded
    problems = problems_of(tmp_path)
    # then all three are reported, each naming file and dotted key
    assert problems == (
        "config/partners/acme.toml: inbound.duplicates: 'rejct' is not one of reject, hold, "
        "ignore (did you mean 'reject'?)",
        "config/partners/acme.toml: outbound[0].document: 'order_responce' is not one of "
        "purchase_order, order_response, ship_notice, invoice, functional_ack "
        "(did you mean 'order_response'?)",
        "config/partners/acme.toml: transport.kind: 'ftp' is not one of local, sftp "
        "(did you mean 'sftp'?)",
    )


def test_problems_from_every_file_are_reported_together(tmp_path: Path) -> None:
    # given mistakes in gateway.toml and in two partner files
    write(tmp_path, "config/gateway.toml", '[gateway]\nlog_level = "loud"\n')
    write(tmp_path, "config/partners/acme.toml", "name = 5\n")
    write(tmp_path, "config/partners/globex.toml", '[inbound]\nacknowledge = "yes"\n')
    # when loaded, then one error lists all three
    problems = problems_of(tmp_path)
    assert len(problems) == 3
    assert problems[0].startswith("config/gateway.toml: gateway.log_level: 'loud'")
    assert problems[1] == (
        'config/partners/acme.toml: name: expected a string in quotes, such as "value", '
        "got integer 5"
    )
    assert problems[2] == (
        "config/partners/globex.toml: inbound.acknowledge: 'yes' is not one of always, "
        "requested, never"
    )


def test_unknown_key_suggests_the_close_match(tmp_path: Path) -> None:
    write(tmp_path, "config/gateway.toml", '[gateway]\npoll_intervall = "1s"\n[retyr]\n')
    problems = problems_of(tmp_path)
    assert problems[0].startswith("config/gateway.toml: retyr: unknown key (did you mean 'retry'?)")
    assert problems[1].startswith(
        "config/gateway.toml: gateway.poll_intervall: unknown key (did you mean 'poll_interval'?)"
    )


def test_unknown_partner_key_is_reported_with_its_section(tmp_path: Path) -> None:
    write(
        tmp_path, "config/partners/acme.toml", ACME.replace('qualifier = "14"', 'qualifer = "14"')
    )
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        "config/partners/acme.toml: edifact.qualifer: unknown key (did you mean 'qualifier'?)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"2 weeks"', "'2 weeks' is not a duration"),
        ("-1", "-1 is negative"),
        ("true", "True is not a duration"),
        ('"0s"', "must be more than zero"),
    ],
)
def test_bad_durations_are_refused(tmp_path: Path, value: str, expected: str) -> None:
    write(tmp_path, "config/gateway.toml", f"[gateway]\npoll_interval = {value}\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("config/gateway.toml: gateway.poll_interval: ")
    assert expected in problem


def test_retry_values_are_range_checked(tmp_path: Path) -> None:
    write(
        tmp_path,
        "config/gateway.toml",
        '[retry]\nmax_attempts = 0\njitter = 1.5\nbase_delay = "1h"\nmax_delay = "1m"\n',
    )
    assert problems_of(tmp_path) == (
        "config/gateway.toml: retry.max_attempts: 0 is too small; it must be at least 1",
        "config/gateway.toml: retry.jitter: 1.5 is out of range; it must be from 0 to 1",
        "config/gateway.toml: retry.max_delay: 0:01:00 is shorter than base_delay 1:00:00",
    )


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, "config/partners/acme.toml", 'name = "Acme"\n[edifact\nid = "1"\n')
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("config/partners/acme.toml: TOML syntax error at line 2, column ")


def test_environment_overrides_convert_types(tmp_path: Path) -> None:
    # given a file value and environment overrides of every type
    write(tmp_path, "config/gateway.toml", "[retry]\nmax_attempts = 2\n")
    environ = {
        "GATEWAY_DATABASE_URL": "postgresql+psycopg://gw:pw@db/gateway",
        "GATEWAY_RETRY_MAX_ATTEMPTS": "9",
        "GATEWAY_RETRY_JITTER": "0.5",
        "GATEWAY_LOG_LEVEL": "warning",
        "GATEWAY_POLL_INTERVAL": "10",
        "GATEWAY_ARCHIVE": "",
        "GATEWAY_IDENTITY_X12_ID": "ME",
        "UNRELATED": "x",
    }
    # when loaded, then the environment wins, converted like file values
    settings = load_settings(tmp_path, environ)
    assert settings.database_url == "postgresql+psycopg://gw:pw@db/gateway"
    assert settings.retry.max_attempts == 9
    assert settings.retry.jitter == 0.5
    assert settings.log_level == "WARNING"
    assert settings.poll_interval == timedelta(seconds=10)
    assert settings.archive is None
    assert settings.identity.x12_id == "ME"


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    environ = {"GATEWAY_RETRY_MAX_ATTEMPTS": "five", "GATEWAY_SETTLE_TIME": "soon"}
    problems = problems_of(tmp_path, environ)
    assert problems[0].startswith(
        "environment variable GATEWAY_SETTLE_TIME: 'soon' is not a duration"
    )
    assert (
        problems[1]
        == "environment variable GATEWAY_RETRY_MAX_ATTEMPTS: 'five' is not a whole number"
    )


def test_misspelt_section_variable_suggests_the_right_name(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, {"GATEWAY_RETRY_MAX_ATEMPTS": "3"})
    assert problem == (
        "environment variable GATEWAY_RETRY_MAX_ATEMPTS: unknown setting "
        "(did you mean 'GATEWAY_RETRY_MAX_ATTEMPTS'?)"
    )


def test_secret_in_a_partner_file_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "config/partners/acme.toml",
        ACME
        + """
[transport]
kind = "sftp"
host = "sftp.acme.example"
username = "gw"
key_file = "keys/acme"
host_key = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
remote_inbox = "out"
key_passphrase = "hunter2"
""",
    )
    (problem,) = problems_of(tmp_path)
    assert problem == (
        "config/partners/acme.toml: transport.key_passphrase: secrets must not be written in "
        "configuration files; remove it, put the secret in an environment variable and write "
        'key_passphrase_env = "ENV_VAR_NAME" instead'
    )
    assert "hunter2" not in problem


def test_password_in_database_url_is_refused_in_the_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        "config/gateway.toml",
        '[gateway]\ndatabase_url = "postgresql://gw:hunter2@db/gateway"\n',
    )
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("config/gateway.toml: gateway.database_url: contains a password")
    assert "GATEWAY_DATABASE_URL" in problem


def test_sftp_partner_keeps_options_with_secrets_by_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        "config/partners/acme.toml",
        ACME
        + """
[transport]
kind = "sftp"
host = "sftp.acme.example"
port = 2222
username = "gw"
password_env = "ACME_SFTP_PASSWORD"
host_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
remote_inbox = "out"
complete = "marker"
processing_folder = "processing"
after_download = "archive"
archive_folder = "done"
remote_outbox = "/in"
poll_interval = "30s"
""",
    )
    transport = load_settings(tmp_path, {}).partners["acme"].transport
    assert transport.kind == "sftp"
    sftp = transport.sftp
    assert sftp is not None
    assert (sftp.host, sftp.port, sftp.username) == ("sftp.acme.example", 2222, "gw")
    assert sftp.password_env == "ACME_SFTP_PASSWORD"
    (pin,) = sftp.host_keys
    assert pin.key_type == "ssh-ed25519" and pin.fingerprint.startswith("SHA256:")
    assert (sftp.remote_inbox, sftp.complete, sftp.markers) == ("out", "marker", (".ok", ".done"))
    assert (sftp.after_download, sftp.archive_folder, sftp.remote_outbox) == (
        "archive",
        "done",
        "/in",
    )
    assert sftp.poll_interval.total_seconds() == 30


def test_sftp_needs_host_user_login_host_key_and_a_folder(tmp_path: Path) -> None:
    write(tmp_path, "config/partners/acme.toml", ACME + '[transport]\nkind = "sftp"\n')
    assert problems_of(tmp_path) == (
        'config/partners/acme.toml: transport.host_key: kind = "sftp" needs the server\'s host '
        'key: host_key = a known_hosts line or "SHA256:..." fingerprint, or known_hosts = a '
        "known_hosts file",
        'config/partners/acme.toml: transport.host: is required when kind = "sftp"',
        'config/partners/acme.toml: transport.username: is required when kind = "sftp"',
        'config/partners/acme.toml: transport.password_env: kind = "sftp" needs password_env '
        "or key_file to log in",
        'config/partners/acme.toml: transport.remote_inbox: kind = "sftp" needs remote_inbox '
        "(to fetch from) or remote_outbox (to upload to)",
    )


def test_several_host_keys_may_be_pinned_and_each_is_checked(tmp_path: Path) -> None:
    write(
        tmp_path,
        "config/partners/acme.toml",
        ACME
        + """
[transport]
kind = "sftp"
host = "sftp.acme.example"
username = "gw"
key_file = "keys/acme"
remote_inbox = "out"
host_key = ["SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "not a key"]
""",
    )
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("config/partners/acme.toml: transport.host_key: 'not a key' is not")


def test_sftp_host_key_forms(tmp_path: Path) -> None:
    key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    from_line = parse_host_key(f"[sftp.acme.example]:2222 ssh-ed25519 {key}")
    from_key = parse_host_key(f"ssh-ed25519 {key} comment")
    assert from_line == from_key
    assert parse_host_key(from_key.fingerprint) == HostKeyPin(from_key.fingerprint)
    with pytest.raises(ValueError, match="is not a host key"):
        parse_host_key("MD5:16:27:ac")
    with pytest.raises(ValueError, match="not valid base64"):
        parse_host_key("ssh-ed25519 !!!notbase64")


def test_bad_partner_id_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "config/partners/Acme Retail.toml", ACME)
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        "config/partners/Acme Retail.toml: the file name 'Acme Retail' is not a valid partner id"
    )


def test_two_partners_cannot_claim_one_edifact_id(tmp_path: Path) -> None:
    write(tmp_path, "config/partners/acme.toml", ACME)
    write(tmp_path, "config/partners/copy.toml", ACME.replace('qualifier = "14"\n', ""))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        "config/partners/copy.toml: edifact.id: EDIFACT id 5790000000001:(any qualifier) is "
        "also claimed by config/partners/acme.toml"
    )


def test_same_edifact_id_with_other_qualifiers_is_allowed(tmp_path: Path) -> None:
    write(tmp_path, "config/partners/acme.toml", ACME)
    write(tmp_path, "config/partners/other.toml", ACME.replace('"14"', '"ZZZ"'))
    settings = load_settings(tmp_path, {})
    assert settings.partner_by_edifact_id("5790000000001", "ZZZ").id == "other"  # type: ignore[union-attr]
    assert settings.partner_by_edifact_id("5790000000001", "14").id == "acme"  # type: ignore[union-attr]


def test_two_partners_cannot_claim_one_x12_id(tmp_path: Path) -> None:
    x12 = '[x12]\nisa_qualifier = "ZZ"\nisa_id = "GLOBEX"\n'
    write(tmp_path, "config/partners/globex.toml", x12)
    write(tmp_path, "config/partners/globex2.toml", x12)
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("config/partners/globex2.toml: x12.isa_id: X12 id ZZ/GLOBEX is also")


def test_partner_using_a_standard_needs_its_identity(tmp_path: Path) -> None:
    write(tmp_path, "config/partners/acme.toml", '[inbound]\naccept = ["X12 850 004010"]\n')
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("config/partners/acme.toml: x12: an [x12] table")


def test_accept_entries_need_three_words_and_a_known_standard(tmp_path: Path) -> None:
    write(
        tmp_path,
        "config/partners/acme.toml",
        ACME.replace('["EDIFACT ORDERS D96A"]', '["EDIFACT ORDERS", "EDIFAKT ORDERS D96A"]'),
    )
    problems = problems_of(tmp_path)
    assert problems[0].startswith(
        "config/partners/acme.toml: inbound.accept: 'EDIFACT ORDERS' must"
    )
    assert problems[1].endswith("is not one of EDIFACT, X12, UBL, CXML (did you mean 'EDIFACT'?)")


def test_unknown_filename_placeholder_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "config/partners/acme.toml",
        ACME + '[transport]\nfilename_pattern = "{partner}_{ref}.edi"\n',
    )
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        "config/partners/acme.toml: transport.filename_pattern: unknown placeholder {ref}"
    )


def test_partner_profile_answers_lookups(tmp_path: Path) -> None:
    # given one EDIFACT and one X12 partner
    write(tmp_path, "config/gateway.toml", '[gateway]\nsettle_time = "4s"\n')
    write(tmp_path, "config/partners/acme.toml", ACME)
    write(
        tmp_path,
        "config/partners/globex.toml",
        '[x12]\nisa_qualifier = "ZZ"\nisa_id = "GLOBEX"\n[inbound]\nsettle_time = "9s"\n',
    )
    settings: Settings = load_settings(tmp_path, {})
    acme, globex = settings.partners["acme"], settings.partners["globex"]
    # then ids, accepted messages, outbound documents and inherited defaults are as written
    assert settings.partner_by_edifact_id("5790000000001", None) is acme
    assert settings.partner_by_edifact_id("5790000000001", "1") is None
    assert settings.partner_by_x12_id("ZZ", "GLOBEX         ") is globex
    assert settings.partner_by_x12_id("01", "GLOBEX") is None
    assert acme.accepts("EDIFACT", "ORDERS", "D96A")
    assert not acme.accepts("EDIFACT", "ORDERS", "D01B")
    assert acme.outbound_for("order_response").message_type == "ORDRSP"  # type: ignore[union-attr]
    assert acme.outbound_for("invoice") is None
    assert (acme.settle_time, globex.settle_time) == (timedelta(seconds=4), timedelta(seconds=9))
    assert (acme.duplicates, acme.acknowledge, acme.transport.kind) == ("reject", "always", "local")
    assert globex.x12.gs_id == "GLOBEX"  # type: ignore[union-attr]
    assert acme.source == tmp_path.resolve() / "config/partners/acme.toml"


def test_settings_are_read_only(tmp_path: Path) -> None:
    write(tmp_path, "config/partners/acme.toml", ACME)
    settings = load_settings(tmp_path, {})
    with pytest.raises(AttributeError):
        settings.log_level = "DEBUG"  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.partners["x"] = settings.partners["acme"]  # type: ignore[index]


def test_retry_delay_doubles_from_the_base() -> None:
    policy = RetryPolicy(10, timedelta(seconds=2), timedelta(minutes=10), jitter=0.0)
    delays = [policy.delay(n, lambda: 0.5).total_seconds() for n in range(1, 6)]
    assert delays == [2, 4, 8, 16, 32]


def test_retry_delay_is_capped_at_the_maximum() -> None:
    policy = RetryPolicy(10, timedelta(seconds=2), timedelta(minutes=10), jitter=0.0)
    assert policy.delay(10, lambda: 0.5) == timedelta(minutes=10)
    assert policy.delay(10_000, lambda: 0.5) == timedelta(minutes=10)


def test_retry_jitter_stays_within_its_fraction() -> None:
    policy = RetryPolicy(5, timedelta(seconds=10), timedelta(minutes=10), jitter=0.2)
    assert policy.delay(1, lambda: 0.0) == timedelta(seconds=8)
    assert policy.delay(1, lambda: 0.5) == timedelta(seconds=10)
    assert policy.delay(1, lambda: 0.999999) < timedelta(seconds=12)
    assert policy.delay(1, lambda: 0.999999) > timedelta(seconds=11.99)


def test_retry_attempts_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        RetryPolicy().delay(0, lambda: 0.5)


def test_outbound_entries_need_every_field(tmp_path: Path) -> None:
    write(tmp_path, "config/partners/acme.toml", '[[outbound]]\ndocument = "invoice"\n')
    assert problems_of(tmp_path) == (
        "config/partners/acme.toml: outbound[0].standard: is required",
        "config/partners/acme.toml: outbound[0].message_type: is required",
        "config/partners/acme.toml: outbound[0].version: is required",
    )


def test_a_section_given_as_a_value_is_a_type_error(tmp_path: Path) -> None:
    write(tmp_path, "config/gateway.toml", "retry = 5\n")
    assert problems_of(tmp_path) == (
        "config/gateway.toml: retry: expected a table [retry], got integer",
    )


def test_acknowledgement_policy_charset_and_expected_acks_are_read(tmp_path: Path) -> None:
    # given a profile with every acknowledgement setting and a charset override
    text = ACME.replace('qualifier = "14"\n', 'qualifier = "14"\ncharset = "Windows-1252"\n')
    text = text.replace(
        "[inbound]\n", '[inbound]\nacknowledge = "requested"\nacknowledge_level = "receipt"\n'
    )
    write(
        tmp_path,
        "config/partners/acme.toml",
        text + '[acknowledgements]\nexpect = true\nwithin = "4h"\n',
    )
    # when loaded
    acme = load_settings(tmp_path, {}).partners["acme"]
    # then each is taken, the codec under its normal name
    assert (acme.acknowledge, acme.acknowledge_level) == ("requested", "receipt")
    assert acme.edifact is not None and acme.edifact.charset == "cp1252"
    assert (acme.expect_ack, acme.ack_within) == (True, timedelta(hours=4))
    assert acme.acknowledges(requested=True) and not acme.acknowledges(requested=False)


def test_unknown_charset_and_true_false_acknowledge(tmp_path: Path) -> None:
    # given the boolean acknowledge of the first releases, then with an unknown codec
    never = ACME.replace("[inbound]\n", "[inbound]\nacknowledge = false\n")
    write(tmp_path, "config/partners/acme.toml", never)
    assert load_settings(tmp_path, {}).partners["acme"].acknowledge == "never"
    charset = 'qualifier = "14"\ncharset = "utf-9"\n'
    write(tmp_path, "config/partners/acme.toml", never.replace('qualifier = "14"\n', charset))
    # then the charset is a problem naming the key
    assert problems_of(tmp_path) == (
        "config/partners/acme.toml: edifact.charset: 'utf-9' is not a character set Python "
        "knows (utf-8, cp1252)",
    )


def test_x12_habits_are_read_with_their_defaults(tmp_path: Path) -> None:
    # given a partner with some [x12] habits set and the others left out
    write(
        tmp_path,
        "config/partners/globex.toml",
        '[x12]\nisa_qualifier = "ZZ"\nisa_id = "GLOBEX"\ncontrol_version = "00501"\n'
        'ta1 = "always"\nship_notice_hierarchy = "SOI"\n'
        'delimiters = { element = "|", segment = "\\n", line_break = "" }\n',
    )
    # when loaded
    ids = load_settings(tmp_path, {}).partners["globex"].x12
    # then what is given is used and the rest is the default
    assert ids is not None
    assert (ids.control_version, ids.ta1, ids.functional_ack) == ("00501", "always", "auto")
    assert (ids.ship_notice_hierarchy, ids.request_ta1) == ("SOI", False)
    delimiters = ids.delimiters
    assert (delimiters.element, delimiters.component, delimiters.repetition) == ("|", ">", "^")
    assert (delimiters.segment, delimiters.suffix) == ("\n", "")


def test_x12_delimiters_must_be_distinct_and_not_alphanumeric(tmp_path: Path) -> None:
    # given delimiters where the component separator repeats the element separator, a bad
    # TA1 policy and an unknown hierarchy
    write(
        tmp_path,
        "config/partners/globex.toml",
        '[x12]\nisa_qualifier = "ZZ"\nisa_id = "GLOBEX"\nta1 = "sometimes"\n'
        'ship_notice_hierarchy = "SPI"\ndelimiters = { element = "*", component = "*" }\n',
    )
    # then each is named with its key
    problems = problems_of(tmp_path)
    assert any(
        p.startswith("config/partners/globex.toml: x12.delimiters.element:") for p in problems
    )
    assert any("x12.ta1: 'sometimes' is not one of always, requested, never" in p for p in problems)
    assert any("x12.ship_notice_hierarchy: 'SPI'" in p for p in problems)


def test_order_policy_is_read_from_the_partner_orders_table(tmp_path: Path) -> None:
    # given acme with an [orders] table and duplicates held
    text = ACME.replace("[inbound]\n", '[inbound]\nduplicates = "hold"\n')
    text += (
        '[orders]\nprice_tolerance = "2.5%"\nprice_mismatch = "reject_line"\n'
        'backorders = "cancel"\n'
    )
    write(tmp_path, "config/partners/acme.toml", text)
    # when loaded
    policy = load_settings(tmp_path, {}).partners["acme"].orders
    # then every key is there, the tolerance a Decimal percent, duplicates from [inbound]
    assert (policy.price_tolerance, policy.price_mismatch) == (Decimal("2.5"), "reject_line")
    assert (policy.backorders, policy.unknown_ship_to, policy.duplicates) == (
        "cancel",
        "accept",
        "hold",
    )


def test_bad_order_policy_values_are_refused_with_their_key(tmp_path: Path) -> None:
    # given a tolerance that is no percentage and a misspelt policy
    text = ACME + '[orders]\nprice_tolerance = "lots"\nbackorders = "alow"\n'
    write(tmp_path, "config/partners/acme.toml", text)
    # then both are reported, each with its key
    problems = problems_of(tmp_path)
    assert any("orders.price_tolerance" in p and "percentage" in p for p in problems)
    assert any("orders.backorders" in p and "did you mean 'allow'" in p for p in problems)


def test_orders_engine_is_chosen_in_gateway_toml(tmp_path: Path) -> None:
    # given the engine-less order system chosen through the environment
    settings = load_settings(tmp_path, {"GATEWAY_ORDERS_ENGINE": "confirm_as_ordered"})
    # then it is the one in the settings, with the default review interval
    assert settings.orders.engine == "confirm_as_ordered"
    assert settings.orders.backlog_review_interval == timedelta(hours=1)


CXML_BUYER = """
name = "Buyer"
[cxml]
domain = "NetworkId"
identity = ["buyer@network.example", "buyer-eu@network.example"]
sender_domain = "NetworkId"
sender_identity = "hub@network.example"
shared_secret_env = "BUYER_CXML_SECRET"
[inbound]
accept = ["CXML OrderRequest 1.2"]
[[outbound]]
document = "order_response"
standard = "CXML"
message_type = "ConfirmationRequest"
version = "1.2"
"""


def test_cxml_partner_keeps_element_names_and_gets_xml_file_names(tmp_path: Path) -> None:
    # given a cXML buyer with two From identities and a network hub as Sender
    write(tmp_path, "config/partners/buyer.toml", CXML_BUYER)
    # when loaded
    buyer = load_settings(tmp_path, {}).partners["buyer"]
    # then its credentials are kept, its secret only as a variable name
    assert buyer.cxml is not None
    assert buyer.cxml.identities == ("buyer@network.example", "buyer-eu@network.example")
    assert (buyer.cxml.sender_domain, buyer.cxml.sender_identities) == (
        "NetworkId",
        ("hub@network.example",),
    )
    assert buyer.cxml.shared_secret_env == "BUYER_CXML_SECRET"
    # and the cXML element name keeps its case; the file names end in .xml
    response = buyer.outbound_for("order_response")
    assert response is not None and response.message_type == "ConfirmationRequest"
    assert buyer.transport.filename_pattern == "{partner}_{message_type}_{control_ref}.xml"


def test_cxml_without_its_table_and_a_bad_ubl_profile_are_named(tmp_path: Path) -> None:
    # given a partner that sends cXML without a [cxml] table, and one with an unknown profile
    text = CXML_BUYER.split("[inbound]")[1]
    write(tmp_path, "config/partners/nocreds.toml", 'name = "N"\n[inbound]' + text)
    write(tmp_path, "config/partners/ubl.toml", 'name = "U"\n[ubl]\nprofile = "peppl"\n')
    # when loaded / then both problems are reported at once
    problems = problems_of(tmp_path)
    assert any("nocreds.toml: cxml: a [cxml] table" in p for p in problems)
    assert any("ubl.toml: ubl.profile" in p and "peppol" in p for p in problems)


def test_oasis_xsd_folder_is_checked_and_the_release_folder_accepted(tmp_path: Path) -> None:
    # given a folder laid out like the OASIS release (xsd/maindoc, xsd/common)
    (tmp_path / "ubl" / "xsd" / "maindoc").mkdir(parents=True)
    # when [xml] ubl_xsd names the release folder / then its xsd folder is used
    settings = load_settings(tmp_path, {"GATEWAY_XML_UBL_XSD": str(tmp_path / "ubl")})
    assert settings.xml.ubl_xsd == tmp_path.resolve() / "ubl" / "xsd"
    # when it names a folder without maindoc/ / then that is a problem naming what is expected
    problems = problems_of(tmp_path, {"GATEWAY_XML_UBL_XSD": str(tmp_path)})
    assert any("GATEWAY_XML_UBL_XSD" in p and "maindoc/" in p for p in problems)


def test_two_partners_claiming_one_cxml_credential_is_a_problem(tmp_path: Path) -> None:
    # given two profiles with the same From credential, the domain spelt differently
    write(tmp_path, "config/partners/buyer.toml", CXML_BUYER)
    write(tmp_path, "config/partners/copy.toml", CXML_BUYER.replace("NetworkId", "NETWORKID"))
    # when loaded / then the second names the first
    problems = problems_of(tmp_path)
    assert any(
        "copy.toml: cxml.identity" in p and "buyer.toml" in p and "@network.example" in p
        for p in problems
    ), problems
