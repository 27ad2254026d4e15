"""`gateway masterdata import|show` through the real console script."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Workspace


def write_folder(root: Path, **files: str) -> Path:
    """A master data folder holding the given files (name without .csv -> content)."""
    root.mkdir()
    for stem, content in files.items():
        (root / f"{stem}.csv").write_text(content, encoding="utf-8")
    return root


def customer_ids(ws: Workspace) -> list[str]:
    """The ids `masterdata show customers --json` lists."""
    result = ws.gateway("masterdata", "show", "customers", "--json")
    assert result.code == 0, result.stderr
    return [customer["id"] for customer in result.json()]


def test_bad_import_prints_every_issue_and_keeps_the_old_data(
    workspace: Workspace, tmp_path: Path
) -> None:
    # given a workspace (init imports the sample master data) and a folder with a bad file
    folder = write_folder(
        tmp_path / "erp",
        customers="id,name,currency,credit_limit\nNEW,New,EURO,100\nNEW,Again,EUR,1.005\n",
        warehouses="id,name\nWH1,Main warehouse\n",
    )
    # when it is imported
    result = workspace.gateway("masterdata", "import", str(folder))
    # then every issue is printed, one per line with file, row and column, and it exits 1
    assert result.code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("gateway: 3 problems in the master data files in ")
    assert lines[0].endswith("; nothing was imported")
    assert lines[1].startswith("customers.csv, row 2, column currency: expected an ISO 4217")
    assert lines[2].startswith("customers.csv, row 3, column credit_limit: at most 2 decimal")
    assert lines[3] == "customers.csv, row 3, column id: duplicate id NEW: row 2 has it already"
    assert result.stdout == ""
    # and the customers are still the sample's
    assert customer_ids(workspace) == ["ACME", "GLOBEX", "INITECH", "NORRLAND"]


def test_good_import_replaces_the_kind_and_show_lists_the_new_rows(
    workspace: Workspace, tmp_path: Path
) -> None:
    # given a folder with a new customer list
    folder = write_folder(
        tmp_path / "erp",
        customers="id,name,currency,credit_limit,warehouse\n"
        "INITECH,Initech,USD,2500.50,WH1\nACME,Acme Retail,EUR,,\n",
    )
    # when it is checked with --dry-run / then nothing changes yet
    dry = workspace.gateway("masterdata", "import", str(folder), "--dry-run")
    assert dry.code == 0, dry.stderr
    assert "customers: 2 rows (replacing 4)" in dry.stdout
    assert customer_ids(workspace) == ["ACME", "GLOBEX", "INITECH", "NORRLAND"]
    # when it is imported
    result = workspace.gateway("masterdata", "import", str(folder))
    # then the kind written is counted and the customers are the file's
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "customers: 2 rows",
        "stock movements: 0",
        f"master data imported from {folder}",
    ]
    shown = workspace.gateway("masterdata", "show", "customers", "--json").json()
    assert [(c["id"], c["credit_limit"], c["status"]) for c in shown] == [
        ("ACME", None, "active"),
        ("INITECH", "2500.5", "active"),
    ]
    # and the table for people has every column
    table = workspace.gateway("masterdata", "show", "customers")
    assert table.code == 0, table.stderr
    header, *rows = table.stdout.splitlines()
    assert header.split()[:3] == ["id", "name", "partner"]
    assert header.split()[-1] == "country"
    assert rows[1].startswith("INITECH  Initech")
    # and kinds not in the folder are untouched
    items = workspace.gateway("masterdata", "show", "items", "--json").json()
    assert items[0]["sku"] == "MUG-01"
    assert {i["gtin"] for i in items} >= {"04006381333931"}


def test_show_of_an_unknown_kind_is_a_usage_error(workspace: Workspace) -> None:
    result = workspace.gateway("masterdata", "show", "clients")
    assert result.code == 2
    assert "customers" in result.stderr
    assert "carriers" in result.stderr
