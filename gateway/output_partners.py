"""What `gateway partners` prints: a table and a profile for people, JSON for scripts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gateway.config_partners import (
    CxmlIds,
    EdifactIds,
    OutboundDocument,
    Partner,
    X12Ids,
)
from gateway.config_sftp import SftpSettings
from gateway.formats.detect import XML_STANDARDS
from gateway.jobs.schedule import duration_text
from gateway.output import _cell, _table

LIST_HEADERS = ("ID", "NAME", "STANDARDS", "TRANSPORT", "ADDRESS", "PULL FROM", "PUSH TO")


def standards(partner: Partner) -> list[str]:
    """The standards the partner may send, in the order its profile names them."""
    return list(dict.fromkeys(standard for standard, _, _ in partner.accept))


def render_partner_list(partners: Sequence[Partner]) -> str:
    """The `partners list` table."""
    if not partners:
        return "no partner is configured (config/partners/<id>.toml)"
    rows = [_list_row(partner) for partner in partners]
    return _table(LIST_HEADERS, rows)


def _list_row(partner: Partner) -> list[str]:
    sftp = partner.transport.sftp
    return [
        partner.id,
        _cell(partner.name),
        ", ".join(standards(partner)) or "-",
        partner.transport.kind,
        sftp.address if sftp else "-",
        (sftp.remote_inbox or "-") if sftp else "-",
        (sftp.remote_outbox or "-") if sftp else "-",
    ]


def partner_list_json(partners: Sequence[Partner]) -> list[dict[str, Any]]:
    """`partners list --json`."""
    return [
        {
            "id": partner.id,
            "name": partner.name,
            "standards": standards(partner),
            "transport": partner.transport.kind,
            "sftp": _sftp_brief(partner.transport.sftp),
        }
        for partner in partners
    ]


def _sftp_brief(sftp: SftpSettings | None) -> dict[str, Any] | None:
    if sftp is None:
        return None
    return {"address": sftp.address, "pull": sftp.remote_inbox, "push": sftp.remote_outbox}


def render_partner(
    partner: Partner, inbox_root: Path, outbox_root: Path, environ: Mapping[str, str]
) -> str:
    """The profile summary of `partners show`, without the hosting part."""
    sections = [
        [f"Partner {partner.id}: {partner.name}", f"  profile      {partner.source}"],
        ["Identities", *_identity_lines(partner, environ)],
        ["Sends us", *_inbound_lines(partner)],
        ["We send", *_outbound_lines(partner)],
        ["Acknowledgements", *_ack_lines(partner)],
        ["Transport", *_transport_lines(partner, inbox_root, outbox_root, environ)],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)


def _identity_lines(partner: Partner, environ: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    if partner.edifact is not None:
        lines.append(f"  EDIFACT      {_edifact_text(partner.edifact)}")
    if partner.x12 is not None:
        lines.append(f"  X12          {_x12_text(partner.x12)}")
    if partner.cxml is not None:
        lines.append(f"  cXML         {_cxml_text(partner.cxml, environ)}")
    if any(out.standard == "UBL" for out in partner.outbound):
        lines.append(f"  UBL          we write the {partner.ubl_profile} profile")
    return lines or ["  none"]


def _cxml_text(ids: CxmlIds, environ: Mapping[str, str]) -> str:
    # cXML Header: From (and Sender) credentials; the SharedSecret only by its variable.
    text = f"From {ids.domain}/{', '.join(ids.identities)}"
    if (ids.sender_domain, ids.sender_identities) != (ids.domain, ids.identities):
        text += f", Sender {ids.sender_domain}/{', '.join(ids.sender_identities)}"
    if ids.our_identity:
        text += f", To {ids.our_domain or '(our domain)'}/{ids.our_identity}"
    secret = ids.shared_secret_env
    return text + (f"; shared secret ${secret} ({_env_state(secret, environ)})" if secret else "")


def _edifact_text(ids: EdifactIds) -> str:
    # UNB S002/S003: 0004 identification, 0007 qualifier; S001 0001/0002 for what we write.
    text = f"UNB id {ids.id}, qualifier {ids.qualifier or 'any'}"
    text += f"; we write {ids.syntax_identifier} version {ids.syntax_version}"
    return text + (f"; read as {ids.charset}" if ids.charset else "")


def _x12_text(ids: X12Ids) -> str:
    # ISA05/ISA06 qualifier and id, GS02 application code, ISA12 version of what we write.
    text = f"ISA {ids.isa_qualifier}/{ids.isa_id}, GS {ids.gs_id}"
    text += f"; we write {ids.control_version}, TA1 {ids.ta1}, functional ack {ids.functional_ack}"
    return text + ("; we ask for TA1" if ids.request_ta1 else "")


def _inbound_lines(partner: Partner) -> list[str]:
    accepted = [f"  {' '.join(entry)}" for entry in partner.accept] or ["  nothing"]
    return [
        *accepted,
        f"  settle time  {duration_text(partner.settle_time)}",
        f"  duplicates   {partner.duplicates}",
    ]


def _outbound_lines(partner: Partner) -> list[str]:
    rows = [
        f"  {out.document:<15} {out.standard} {out.message_type} {out.version}"
        for out in partner.outbound
    ]
    return rows or ["  nothing"]


def _ack_lines(partner: Partner) -> list[str]:
    expect = f"yes, within {duration_text(partner.ack_within)}" if partner.expect_ack else "no"
    sent = standards(partner)
    ours = f"{partner.acknowledge} (level {partner.acknowledge_level})"
    if sent and all(standard in XML_STANDARDS for standard in sent):
        ours = "none: UBL and cXML documents have no functional acknowledgement"
    return [
        f"  we acknowledge      {ours}",
        f"  we expect theirs    {expect}",
    ]


def _transport_lines(
    partner: Partner, inbox_root: Path, outbox_root: Path, environ: Mapping[str, str]
) -> list[str]:
    transport = partner.transport
    lines = [
        f"  kind         {transport.kind}",
        f"  file names   {transport.filename_pattern}",
    ]
    if transport.sftp is None:
        return [
            *lines,
            f"  inbox        {inbox_root / partner.id}",
            f"  outbox       {outbox_root / partner.id}",
        ]
    return lines + [f"  {line}" for line in sftp_lines(transport.sftp, environ)]


def sftp_lines(sftp: SftpSettings, environ: Mapping[str, str]) -> list[str]:
    """The SFTP settings for people; secrets only by variable name and whether it is set."""
    lines = [f"address      {sftp.address}", *_login_lines(sftp, environ)]
    lines.append(f"pull from    {sftp.remote_inbox or '- (nothing fetched)'}")
    if sftp.remote_inbox is not None:
        lines += _pull_lines(sftp)
    lines.append(f"push to      {sftp.remote_outbox or '- (files stay in our outbox)'}")
    lines.append(
        f"timeouts     {duration_text(sftp.timeout)}, keepalive {duration_text(sftp.keepalive)}"
        f", unhealthy after {sftp.unhealthy_after} failures"
    )
    return lines


def _login_lines(sftp: SftpSettings, environ: Mapping[str, str]) -> list[str]:
    lines = []
    if sftp.key_file is not None:
        found = "exists" if sftp.key_file.is_file() else "MISSING"
        lines.append(f"key file     {sftp.key_file} ({found})")
    for label, name in (("password", sftp.password_env), ("passphrase", sftp.key_passphrase_env)):
        if name is not None:
            lines.append(f"{label:<12} ${name} ({_env_state(name, environ)})")
    for pin in sftp.host_keys:
        kind = f" ({pin.key_type})" if pin.key_type else ""
        lines.append(f"host key     {pin.fingerprint}{kind}")
    if sftp.known_hosts is not None:
        lines.append(f"known_hosts  {sftp.known_hosts}")
    return lines


def _pull_lines(sftp: SftpSettings) -> list[str]:
    complete = sftp.complete
    if complete == "settle":
        complete += f" {duration_text(sftp.settle_time)}"
    elif complete == "marker":
        complete += f" ({', '.join(sftp.markers)})"
    after = sftp.after_download
    if after == "archive":
        after += f" to {sftp.archive_folder}"
    return [
        f"  files      {sftp.file_pattern}, every {duration_text(sftp.poll_interval)}",
        f"  complete   {complete}",
        f"  claimed in {sftp.processing_folder or '- (no claim folder)'}",
        f"  then       {after}",
    ]


def _env_state(name: str, environ: Mapping[str, str]) -> str:
    return "set" if environ.get(name) else "not set in this environment"


def partner_json(
    partner: Partner, inbox_root: Path, outbox_root: Path, environ: Mapping[str, str]
) -> dict[str, Any]:
    """`partners show --json` without the hosting part; never a secret value."""
    return {
        "id": partner.id,
        "name": partner.name,
        "profile": str(partner.source),
        "edifact": _edifact_json(partner.edifact),
        "x12": _x12_json(partner.x12),
        "cxml": _cxml_json(partner.cxml, environ),
        "ubl_profile": partner.ubl_profile,
        "accept": [" ".join(entry) for entry in partner.accept],
        "settle_time_seconds": partner.settle_time.total_seconds(),
        "duplicates": partner.duplicates,
        "outbound": [_outbound_json(out) for out in partner.outbound],
        "acknowledgements": {
            "acknowledge": partner.acknowledge,
            "level": partner.acknowledge_level,
            "expect": partner.expect_ack,
            "within_seconds": partner.ack_within.total_seconds(),
        },
        "transport": _transport_json(partner, inbox_root, outbox_root, environ),
    }


def _outbound_json(out: OutboundDocument) -> dict[str, str]:
    return {
        "document": out.document,
        "standard": out.standard,
        "message_type": out.message_type,
        "version": out.version,
    }


def _edifact_json(ids: EdifactIds | None) -> dict[str, Any] | None:
    if ids is None:
        return None
    return {
        "id": ids.id,
        "qualifier": ids.qualifier,
        "syntax_identifier": ids.syntax_identifier,
        "syntax_version": ids.syntax_version,
        "charset": ids.charset,
    }


def _x12_json(ids: X12Ids | None) -> dict[str, Any] | None:
    if ids is None:
        return None
    return {
        "isa_qualifier": ids.isa_qualifier,
        "isa_id": ids.isa_id,
        "gs_id": ids.gs_id,
        "control_version": ids.control_version,
        "ta1": ids.ta1,
        "functional_ack": ids.functional_ack,
        "request_ta1": ids.request_ta1,
    }


def _cxml_json(ids: CxmlIds | None, environ: Mapping[str, str]) -> dict[str, Any] | None:
    if ids is None:
        return None
    return {
        "domain": ids.domain,
        "identities": list(ids.identities),
        "sender_domain": ids.sender_domain,
        "sender_identities": list(ids.sender_identities),
        "our_domain": ids.our_domain,
        "our_identity": ids.our_identity,
        "shared_secret": _secret_json(ids.shared_secret_env, environ),
    }


def _transport_json(
    partner: Partner, inbox_root: Path, outbox_root: Path, environ: Mapping[str, str]
) -> dict[str, Any]:
    transport = partner.transport
    return {
        "kind": transport.kind,
        "filename_pattern": transport.filename_pattern,
        "inbox": str(inbox_root / partner.id),
        "outbox": str(outbox_root / partner.id),
        "sftp": sftp_json(transport.sftp, environ) if transport.sftp else None,
    }


def sftp_json(sftp: SftpSettings, environ: Mapping[str, str]) -> dict[str, Any]:
    """The SFTP settings for scripts; each secret as {"env": NAME, "set": bool}."""
    return {
        "address": sftp.address,
        "host": sftp.host,
        "port": sftp.port,
        "username": sftp.username,
        "key_file": str(sftp.key_file) if sftp.key_file else None,
        "password": _secret_json(sftp.password_env, environ),
        "key_passphrase": _secret_json(sftp.key_passphrase_env, environ),
        "host_keys": [
            {"fingerprint": pin.fingerprint, "key_type": pin.key_type} for pin in sftp.host_keys
        ],
        "known_hosts": str(sftp.known_hosts) if sftp.known_hosts else None,
        "remote_inbox": sftp.remote_inbox,
        "file_pattern": sftp.file_pattern,
        "poll_interval_seconds": sftp.poll_interval.total_seconds(),
        "complete": sftp.complete,
        "settle_time_seconds": sftp.settle_time.total_seconds(),
        "markers": list(sftp.markers),
        "processing_folder": sftp.processing_folder,
        "after_download": sftp.after_download,
        "archive_folder": sftp.archive_folder,
        "remote_outbox": sftp.remote_outbox,
        "timeout_seconds": sftp.timeout.total_seconds(),
        "keepalive_seconds": sftp.keepalive.total_seconds(),
        "unhealthy_after": sftp.unhealthy_after,
    }


def _secret_json(name: str | None, environ: Mapping[str, str]) -> dict[str, Any] | None:
    if name is None:
        return None
    return {"env": name, "set": bool(environ.get(name))}
