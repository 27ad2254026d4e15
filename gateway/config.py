"""Settings and partner profiles: read from the workspace, validated at start, then read-only.

`load_settings` reads `config/gateway.toml` (every key optional) and every
`config/partners/*.toml`, applies `GATEWAY_<SECTION>_<KEY>` environment overrides, and raises one
`ConfigError` that lists every problem found, each naming its file and dotted key (or variable).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType

from gateway.config_fulfilment import (
    FULFILMENT_KEYS,
    Accounts,
    Company,
    FulfilmentSettings,
    default_fulfilment,
    read_accounts,
    read_company,
    read_fulfilment,
)
from gateway.config_partners import (
    EdifactIds,
    OutboundDocument,
    Partner,
    TransportSettings,
    X12Ids,
    parse_partner,
)
from gateway.config_values import Table, read_toml, secret_problems, suggest
from gateway.errors import ConfigError
from gateway.jobs.settings import JOB_KEYS, JobSettings, read_job_settings

__all__ = [
    "GATEWAY_KEYS",
    "EdifactIds",
    "Identity",
    "JobSettings",
    "OutboundDocument",
    "Partner",
    "RetryPolicy",
    "Settings",
    "TransportSettings",
    "X12Ids",
    "env_var_name",
    "load_settings",
]

GATEWAY_FILE = "config/gateway.toml"
PARTNERS_DIR = "config/partners"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The keys of config/gateway.toml, by section; each can be overridden by env_var_name(section, key).
GATEWAY_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "gateway": (
            "database_url",
            "inbox",
            "outbox",
            "archive",
            "mappings",
            "schemas",
            "log_level",
            "poll_interval",
            "settle_time",
        ),
        "retry": ("max_attempts", "base_delay", "max_delay", "jitter"),
        "identity": (
            "edifact_id",
            "edifact_qualifier",
            "x12_qualifier",
            "x12_id",
            "cxml_domain",
            "cxml_identity",
        ),
        "xml": ("ubl_xsd", "max_megabytes"),
        "orders": ("engine", "backlog_review_interval"),
        "jobs": JOB_KEYS,
        **FULFILMENT_KEYS,
    }
)
_URL_PASSWORD = re.compile(r"^[\w+.-]+://[^/@:]*:[^/@]+@")
_SQLITE_URL = re.compile(r"^(sqlite(?:\+\w+)?):///(.*)$")


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures are retried: exponential backoff with jitter, then give up."""

    max_attempts: int = 5
    base_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=10)
    jitter: float = 0.2

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> timedelta:
        """Wait before retry `attempt` (1-based): base*2**(attempt-1), capped, then +/- jitter."""
        if attempt < 1:
            raise ValueError(f"attempt numbers start at 1, got {attempt}")
        base, cap = self.base_delay.total_seconds(), self.max_delay.total_seconds()
        # min() on the exponent keeps huge attempt counts from overflowing the float
        seconds = min(base * 2.0 ** min(attempt - 1, 64), cap)
        spread = self.jitter * (2.0 * rand() - 1.0)  # rand() in [0, 1) -> [-jitter, +jitter)
        return timedelta(seconds=max(seconds * (1.0 + spread), 0.0))


@dataclass(frozen=True)
class Identity:
    """Who WE are on outbound envelopes: UNB S002 (EDIFACT) and ISA05/ISA06, GS02 (X12)."""

    edifact_id: str = "5412345000013"
    edifact_qualifier: str = "14"
    x12_qualifier: str = "ZZ"
    x12_id: str = "GATEWAY"
    # cXML Header credential: the To of what partners send us, From and Sender of what we send.
    cxml_domain: str = "NetworkId"
    cxml_identity: str = "gateway@example.com"


@dataclass(frozen=True)
class XmlSettings:
    """The [xml] section: the full OASIS UBL 2.1 XSDs to validate against, and a size limit."""

    # The OASIS `xsd` folder (holding maindoc/ and common/); None: project XSDs only.
    ubl_xsd: Path | None = None
    max_megabytes: int = 64


# The order systems the gateway can talk to: its own engine, or none that decides anything
# (every line confirmed as ordered, for a gateway that only translates for an ERP).
ORDER_ENGINES = ("embedded", "confirm_as_ordered")


@dataclass(frozen=True)
class OrderSettings:
    """The [orders] section: which order system decides, and how often the backlog is reviewed."""

    engine: str = "embedded"
    backlog_review_interval: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Settings:
    """The whole validated configuration of one workspace; read-only after load."""

    workspace: Path
    database_url: str
    inbox: Path
    outbox: Path
    archive: Path | None
    mappings: Path
    log_level: str
    poll_interval: timedelta
    settle_time: timedelta
    retry: RetryPolicy
    identity: Identity
    partners: Mapping[str, Partner]
    # Message structures (schemas/edifact/<directory>/...); the packaged ones when absent.
    schemas: Path = Path("schemas")
    orders: OrderSettings = OrderSettings()
    jobs: JobSettings = field(default_factory=JobSettings)
    company: Company = field(default_factory=Company)
    # [fulfilment]; None stands for the defaults under the workspace (see `fulfilment`).
    fulfilment_settings: FulfilmentSettings | None = None
    accounts: Accounts = field(default_factory=Accounts)
    xml: XmlSettings = XmlSettings()

    @property
    def fulfilment(self) -> FulfilmentSettings:
        """The warehouse folders, packing rules, default carrier and demo mode."""
        return self.fulfilment_settings or default_fulfilment(self.workspace)

    def partner_by_edifact_id(self, id: str, qualifier: str | None) -> Partner | None:
        """The partner using this UNB S002/S003 id (0004) and qualifier (0007); None matches any."""
        for partner in self.partners.values():
            ids = partner.edifact
            if ids is None or ids.id != id.strip():
                continue
            if qualifier is None or ids.qualifier is None or ids.qualifier == qualifier.strip():
                return partner
        return None

    def partner_by_x12_id(self, qualifier: str, id: str) -> Partner | None:
        """The partner using this ISA05/ISA06 qualifier and id (ISA pads ids with spaces)."""
        for partner in self.partners.values():
            ids = partner.x12
            if ids is not None and (ids.isa_qualifier, ids.isa_id) == (
                qualifier.strip(),
                id.strip(),
            ):
                return partner
        return None


def env_var_name(section: str, key: str) -> str:
    """The variable that overrides a gateway.toml key: [gateway] keys need no section prefix."""
    if section == "gateway":
        return f"GATEWAY_{key.upper()}"
    return f"GATEWAY_{section.upper()}_{key.upper()}"


def load_settings(workspace: Path, environ: Mapping[str, str]) -> Settings:
    """Read and validate the workspace's configuration; raise ConfigError listing every problem."""
    workspace = workspace.expanduser().resolve()
    problems: list[str] = []
    data: dict[str, object] = {}
    if (workspace / GATEWAY_FILE).is_file():
        data = read_toml(workspace / GATEWAY_FILE, GATEWAY_FILE, problems) or {}
        problems += secret_problems(data, GATEWAY_FILE)
    root = Table(data, GATEWAY_FILE, problems)
    root.check_keys(GATEWAY_KEYS)
    sections = {name: _section(root, name, environ) for name in GATEWAY_KEYS}
    problems += _unknown_variables(environ)
    main = sections["gateway"]
    settle_time = main.duration("settle_time", timedelta(seconds=1))
    orders = _orders(sections["orders"])
    settings = Settings(
        workspace=workspace,
        database_url=_database_url(main, workspace),
        inbox=_folder(main, "inbox", "inbox", workspace),
        outbox=_folder(main, "outbox", "outbox", workspace),
        archive=_archive(main, workspace),
        mappings=_folder(main, "mappings", "mappings", workspace),
        schemas=_folder(main, "schemas", "schemas", workspace),
        log_level=main.choice("log_level", "INFO", LOG_LEVELS, upper=True),
        poll_interval=main.positive_duration("poll_interval", timedelta(seconds=2)),
        settle_time=settle_time,
        retry=_retry(sections["retry"]),
        identity=_identity(sections["identity"]),
        orders=orders,
        jobs=read_job_settings(sections["jobs"], orders.backlog_review_interval),
        company=read_company(sections["company"]),
        fulfilment_settings=read_fulfilment(sections["fulfilment"], workspace),
        accounts=read_accounts(sections["accounting"]),
        xml=_xml(sections["xml"], workspace),
        partners=MappingProxyType(_load_partners(workspace, settle_time, problems)),
    )
    if problems:
        raise ConfigError(problems)
    return settings


def _section(root: Table, name: str, environ: Mapping[str, str]) -> Table:
    """One gateway.toml section with its environment overrides laid over the file's values."""
    table = root.table(name) or Table({}, root.file, root.problems, f"{name}.")
    table.check_keys(GATEWAY_KEYS[name])
    values = dict(table.values)
    origins: dict[str, str] = {}
    for key in GATEWAY_KEYS[name]:
        variable = env_var_name(name, key)
        if variable in environ:
            values[key] = environ[variable]
            origins[key] = variable
    return Table(values, table.file, table.problems, table.prefix, origins)


def _unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """Misspelt GATEWAY_RETRY_* / GATEWAY_IDENTITY_* variables would otherwise be ignored."""
    known = [env_var_name(s, k) for s, keys in GATEWAY_KEYS.items() for k in keys]
    prefixes = tuple(f"GATEWAY_{s.upper()}_" for s in GATEWAY_KEYS if s != "gateway")
    return [
        f"environment variable {name}: unknown setting{suggest(name, known)}"
        for name in sorted(environ)
        if name.startswith(prefixes) and name not in known
    ]


def _load_partners(workspace: Path, settle: timedelta, problems: list[str]) -> dict[str, Partner]:
    """Every config/partners/*.toml, the file stem being the partner id."""
    partners: dict[str, Partner] = {}
    folder = workspace / PARTNERS_DIR
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        label = f"{PARTNERS_DIR}/{path.name}"
        data = read_toml(path, label, problems)
        if data is None:
            continue
        problems += secret_problems(data, label)
        partner = parse_partner(data, path, label, settle_default=settle, problems=problems)
        problems += _conflicts(partner, label, partners.values())
        partners[partner.id] = partner
    return partners


def _conflicts(partner: Partner, label: str, earlier: Iterable[Partner]) -> list[str]:
    """Two partners must not claim the same EDIFACT id+qualifier or the same X12 ISA id."""
    found: list[str] = []
    for other in earlier:
        where = f"{PARTNERS_DIR}/{other.source.name}"
        if partner.edifact and other.edifact and _same_edifact(partner.edifact, other.edifact):
            ids = f"{partner.edifact.id}:{partner.edifact.qualifier or '(any qualifier)'}"
            found.append(
                f"{label}: edifact.id: EDIFACT id {ids} is also claimed by {where}; "
                "an inbound interchange could not tell the two partners apart"
            )
        shared = _same_cxml(partner, other)
        if shared:
            found.append(
                f"{label}: cxml.identity: cXML credential {shared} is also claimed by {where}; "
                "a cXML document could not tell the two partners apart"
            )
        if partner.x12 and other.x12 and _same_x12(partner.x12, other.x12):
            ids = f"{partner.x12.isa_qualifier}/{partner.x12.isa_id}"
            found.append(
                f"{label}: x12.isa_id: X12 id {ids} is also claimed by {where}; "
                "an inbound interchange could not tell the two partners apart"
            )
    return found


def _same_edifact(one: EdifactIds, two: EdifactIds) -> bool:
    """Same id, and qualifiers equal or either one absent (an absent qualifier matches any)."""
    if one.id != two.id:
        return False
    return one.qualifier is None or two.qualifier is None or one.qualifier == two.qualifier


def _same_cxml(one: Partner, two: Partner) -> str | None:
    """The cXML From credential both partners claim (domains compared without case), if any."""
    if one.cxml is None or two.cxml is None:
        return None
    if one.cxml.domain.casefold() != two.cxml.domain.casefold():
        return None
    both = set(one.cxml.identities) & set(two.cxml.identities)
    return f"{one.cxml.domain}/{sorted(both)[0]}" if both else None


def _same_x12(one: X12Ids, two: X12Ids) -> bool:
    """Same ISA05/ISA06 pair."""
    return (one.isa_qualifier, one.isa_id) == (two.isa_qualifier, two.isa_id)


def _database_url(table: Table, workspace: Path) -> str:
    """The SQLAlchemy URL; a relative SQLite path is taken relative to the workspace."""
    url = table.text("database_url", "sqlite:///var/gateway.db").strip()
    if not url:
        table.problem("database_url", "must not be empty")
    if "database_url" not in table.env and _URL_PASSWORD.match(url):
        table.problem(
            "database_url",
            "contains a password; secrets must not be written in "
            "configuration files: set GATEWAY_DATABASE_URL in the environment instead",
        )
    match = _SQLITE_URL.match(url)
    if match is None:
        return url
    path, _, query = match.group(2).partition("?")
    if not path or path == ":memory:" or path.startswith("/"):
        return url
    absolute = (workspace / path).as_posix()
    return f"{match.group(1)}:///{absolute}" + (f"?{query}" if query else "")


def _folder(table: Table, key: str, default: str, workspace: Path) -> Path:
    """A folder setting, resolved against the workspace when relative."""
    text = table.text(key, default).strip()
    if not text:
        table.problem(key, "must not be empty")
        text = default
    return workspace / Path(text).expanduser()


def _archive(table: Table, workspace: Path) -> Path | None:
    """Where claimed inbound files are moved; an empty string means delete them instead."""
    text = table.text("archive", "var/archive").strip()
    return workspace / Path(text).expanduser() if text else None


def _retry(table: Table) -> RetryPolicy:
    """The [retry] section."""
    defaults = RetryPolicy()
    policy = RetryPolicy(
        max_attempts=table.integer("max_attempts", defaults.max_attempts, 1),
        base_delay=table.positive_duration("base_delay", defaults.base_delay),
        max_delay=table.positive_duration("max_delay", defaults.max_delay),
        jitter=table.fraction("jitter", defaults.jitter),
    )
    if policy.max_delay < policy.base_delay:
        table.problem(
            "max_delay", f"{policy.max_delay} is shorter than base_delay {policy.base_delay}"
        )
    return policy


def _orders(table: Table) -> OrderSettings:
    """The [orders] section."""
    defaults = OrderSettings()
    return OrderSettings(
        engine=table.choice("engine", defaults.engine, ORDER_ENGINES),
        backlog_review_interval=table.positive_duration(
            "backlog_review_interval", defaults.backlog_review_interval
        ),
    )


def _xml(table: Table, workspace: Path) -> XmlSettings:
    """The [xml] section; `ubl_xsd` must be a folder holding maindoc/ and common/."""
    text = table.text("ubl_xsd", "").strip()
    folder = workspace / Path(text).expanduser() if text else None
    # The release keeps its schemas under xsd/: the release folder or that one will do.
    if folder is not None and (folder / "xsd" / "maindoc").is_dir():
        folder = folder / "xsd"
    if folder is not None and not (folder / "maindoc").is_dir():
        table.problem(
            "ubl_xsd",
            f"{folder} has no maindoc/ folder; give the xsd folder of the OASIS UBL 2.1 "
            "release (it holds maindoc/ and common/)",
        )
        folder = None
    return XmlSettings(ubl_xsd=folder, max_megabytes=table.integer("max_megabytes", 64, 1))


def _identity(table: Table) -> Identity:
    """The [identity] section: our own ids on outbound envelopes."""
    defaults = Identity()
    identity = Identity(
        edifact_id=table.text("edifact_id", defaults.edifact_id).strip(),
        edifact_qualifier=table.text("edifact_qualifier", defaults.edifact_qualifier).strip(),
        x12_qualifier=table.text("x12_qualifier", defaults.x12_qualifier).strip(),
        x12_id=table.text("x12_id", defaults.x12_id).strip(),
        cxml_domain=table.text("cxml_domain", defaults.cxml_domain).strip(),
        cxml_identity=table.text("cxml_identity", defaults.cxml_identity).strip(),
    )
    for key in GATEWAY_KEYS["identity"]:
        if not getattr(identity, key):
            table.problem(key, "must not be empty")
    if len(identity.x12_id) > 15:
        table.problem("x12_id", f"{identity.x12_id!r} is longer than 15 characters (ISA06)")
    return identity
