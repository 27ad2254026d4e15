"""Workspace creation: the template loads cleanly and init never overwrites a person's edits."""

from __future__ import annotations

import tomllib
from pathlib import Path

from gateway.config import GATEWAY_KEYS, load_settings
from gateway.orders.masterdata_csv import MASTERDATA_KINDS
from gateway.workspace import ensure_partner_folders, init_workspace, template_files


def test_init_creates_config_sample_partners_and_folders(tmp_path: Path) -> None:
    # given a folder that does not exist yet
    target = tmp_path / "ws"
    # when a workspace is created there
    created = init_workspace(target)
    # then the config, both sample partners and their drop folders exist and are reported
    expected = [
        "config/gateway.toml", "config/partners/acme.toml", "config/partners/globex.toml",
        "var", "inbox/acme", "inbox/globex", "outbox/acme", "outbox/globex",
        "config/partners/initech.toml", "inbox/initech", "outbox/norrland",
    ]  # fmt: skip
    for relative in expected:
        assert (target / relative).exists(), relative
        assert target / relative in created, relative
    assert (target / "config/gateway.toml").is_file()


def test_template_loads_without_problems(tmp_path: Path) -> None:
    # given a fresh workspace
    init_workspace(tmp_path)
    # when loaded with no environment overrides
    settings = load_settings(tmp_path, {})
    # then both sample partners are there as described
    acme, globex = settings.partners["acme"], settings.partners["globex"]
    assert acme.edifact is not None
    assert (acme.edifact.id, acme.edifact.qualifier) == ("5790000000001", "14")
    assert (acme.edifact.syntax_identifier, acme.edifact.syntax_version) == ("UNOC", "3")
    assert acme.accept == (("EDIFACT", "ORDERS", "D96A"),)
    assert acme.outbound_for("order_response") is not None
    assert acme.acknowledge
    assert globex.x12 is not None
    assert (globex.x12.isa_qualifier, globex.x12.isa_id) == ("ZZ", "GLOBEX")
    assert globex.accepts("X12", "850", "004010")
    response = globex.outbound_for("order_response")
    assert response is not None
    assert (response.standard, response.message_type, response.version) == ("X12", "855", "004010")
    # and the XML partners: a cXML buyer known by its credential, a Peppol UBL buyer
    initech, norrland = settings.partners["initech"], settings.partners["norrland"]
    assert initech.cxml is not None
    assert (initech.cxml.domain, initech.cxml.identities) == (
        "NetworkId",
        ("initech@procurement.example",),
    )
    assert initech.cxml.shared_secret_env == "INITECH_CXML_SECRET"
    assert initech.accepts("CXML", "OrderRequest", "1.2")
    assert initech.transport.filename_pattern.endswith(".xml")
    assert norrland.ubl_profile == "peppol"
    advice = norrland.outbound_for("ship_notice")
    assert advice is not None and (advice.standard, advice.message_type) == (
        "UBL",
        "DespatchAdvice",
    )


def test_template_gateway_toml_states_the_embedded_defaults(tmp_path: Path) -> None:
    # given one workspace from the template and one with no gateway.toml at all
    init_workspace(tmp_path / "template")
    (tmp_path / "bare").mkdir()
    # when both are loaded
    template = load_settings(tmp_path / "template", {})
    bare = load_settings(tmp_path / "bare", {})
    # then every setting except the workspace-relative paths is the same
    assert template.retry == bare.retry
    assert template.identity == bare.identity
    assert template.orders == bare.orders
    assert template.jobs == bare.jobs
    assert (template.company, template.accounts) == (bare.company, bare.accounts)
    assert template.fulfilment.demo is bare.fulfilment.demo is False
    assert (template.log_level, template.poll_interval, template.settle_time) == (
        bare.log_level, bare.poll_interval, bare.settle_time,
    )  # fmt: skip
    relative = template.inbox.relative_to(template.workspace)
    assert relative == bare.inbox.relative_to(bare.workspace)
    assert template.database_url.endswith("/template/var/gateway.db")


def test_template_gateway_toml_sets_every_key(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    data = tomllib.loads((tmp_path / "config/gateway.toml").read_text(encoding="utf-8"))
    assert sorted(data) == [
        "accounting", "company", "fulfilment", "gateway", "identity", "jobs", "orders", "retry",
        "xml",
    ]  # fmt: skip
    assert sorted(data) == sorted(GATEWAY_KEYS)
    assert len(data["gateway"]) == 9
    assert len(data["orders"]) == 2
    assert len(data["jobs"]) == 6
    assert len(data["retry"]) == 4
    assert len(data["identity"]) == 6
    assert len(data["xml"]) == 2


def test_init_twice_does_not_overwrite_an_edited_file(tmp_path: Path) -> None:
    # given a workspace whose partner file a person has edited
    init_workspace(tmp_path)
    edited = tmp_path / "config/partners/acme.toml"
    edited.write_text('name = "Acme, edited"\n', encoding="utf-8")
    # when init runs again
    created = init_workspace(tmp_path)
    # then nothing is created or overwritten
    assert created == []
    assert edited.read_text(encoding="utf-8") == 'name = "Acme, edited"\n'


def test_init_restores_only_missing_files(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    (tmp_path / "config/partners/globex.toml").unlink()
    assert init_workspace(tmp_path) == [tmp_path / "config/partners/globex.toml"]


def test_template_ships_the_config_and_the_sample_master_data() -> None:
    masterdata = [f"masterdata/{kind}.csv" for kind in MASTERDATA_KINDS]
    assert template_files() == sorted([
        "config/gateway.toml", "config/partners/acme.toml", "config/partners/globex.toml",
        "config/partners/initech.toml", "config/partners/norrland.toml",
        "masterdata/README.md", *masterdata, "warehouse/README.md",
    ])  # fmt: skip


def test_partner_folders_are_made_for_every_configured_partner(tmp_path: Path) -> None:
    # given a workspace with a third partner added by hand
    init_workspace(tmp_path)
    (tmp_path / "config/partners/umbrella.toml").write_text('name = "Umbrella"\n', encoding="utf-8")
    settings = load_settings(tmp_path, {})
    # when the partner folders are ensured
    ensure_partner_folders(settings)
    ensure_partner_folders(settings)
    # then its inbox and outbox exist beside the samples'
    assert (tmp_path / "inbox/umbrella").is_dir()
    assert (tmp_path / "outbox/umbrella").is_dir()
