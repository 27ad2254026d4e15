"""The fulfilment sections of gateway.toml ([company], [fulfilment], [accounting]) and the
partner's [invoices] and [orders] partial_shipments: typed values, and every mistake named."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from gateway.config import load_settings
from tests.unit.test_config import ACME, problems_of, write


def test_fulfilment_sections_are_read_and_paths_resolved(tmp_path: Path) -> None:
    # given a gateway.toml with all three sections
    write(
        tmp_path,
        "config/gateway.toml",
        '[company]\nname = "Shipper AG"\ngs1_company_prefix = "4012345"\nsscc_extension = 3\n'
        '[fulfilment]\ndemo = true\nwarehouse_inbox = "wh/in"\nmax_carton_weight_kg = 12.5\n'
        "carton_tare_kg = 0\n"
        '[accounting]\nreceivable = "1400"\n',
    )
    # when it is loaded
    settings = load_settings(tmp_path, {})
    # then the values are typed, the folder is under the workspace, the rest are defaults
    assert settings.company.name == "Shipper AG"
    assert (settings.company.gs1_company_prefix, settings.company.sscc_extension) == ("4012345", 3)
    assert settings.fulfilment.demo is True
    assert settings.fulfilment.warehouse_inbox == tmp_path.resolve() / "wh/in"
    assert settings.fulfilment.warehouse_failed == tmp_path.resolve() / "wh/failed"
    assert settings.fulfilment.max_carton_weight_kg == Decimal("12.5")
    assert settings.fulfilment.carton_tare_kg == 0
    assert (settings.accounts.receivable, settings.accounts.revenue) == ("1400", "4000")


def test_bad_fulfilment_values_are_all_reported(tmp_path: Path) -> None:
    # given a prefix too short, an extension of two digits and a zero carton limit
    write(
        tmp_path,
        "config/gateway.toml",
        '[company]\ngs1_company_prefix = "12345"\nsscc_extension = 12\n'
        "[fulfilment]\nmax_carton_weight_kg = 0\n",
    )
    # then each is named with its key
    problems = "\n".join(problems_of(tmp_path))
    assert "company.gs1_company_prefix: '12345' is not a GS1 company prefix of 7-10 digits" in (
        problems
    )
    assert "company.sscc_extension: 12 is not one digit (0-9)" in problems
    assert "fulfilment.max_carton_weight_kg: 0 is not a weight in kg above 0" in problems


def test_demo_mode_is_turned_on_from_the_environment(tmp_path: Path) -> None:
    # given no gateway.toml and GATEWAY_FULFILMENT_DEMO=true (what `make run` sets)
    settings = load_settings(tmp_path, {"GATEWAY_FULFILMENT_DEMO": "true"})
    # then demo mode is on
    assert settings.fulfilment.demo is True


def test_partner_invoicing_is_read(tmp_path: Path) -> None:
    # given a partner invoiced weekly, tax per rate total, with freight
    write(
        tmp_path,
        "config/partners/acme.toml",
        ACME + '[orders]\npartial_shipments = false\n[invoices]\nmode = "weekly"\n'
        'tax_rounding = "total"\nfreight = "9.50"\nfreight_free_from = 500\n',
    )
    # when it is loaded
    acme = load_settings(tmp_path, {}).partners["acme"]
    # then every value is typed
    assert acme.orders.partial_shipments is False
    assert (acme.invoices.mode, acme.invoices.tax_rounding) == ("weekly", "total")
    assert (acme.invoices.freight, acme.invoices.freight_free_from) == (
        Decimal("9.50"),
        Decimal(500),
    )


def test_bad_partner_invoicing_is_named(tmp_path: Path) -> None:
    # given a misspelt mode and a negative freight
    write(
        tmp_path,
        "config/partners/acme.toml",
        ACME + '[invoices]\nmode = "weakly"\nfreight = "-3"\n',
    )
    problems = "\n".join(problems_of(tmp_path))
    # then both are named, with a hint for the mode
    assert "invoices.mode: 'weakly' is not one of" in problems and "did you mean 'weekly'" in (
        problems
    )
    assert "invoices.freight: '-3' is not an amount" in problems
