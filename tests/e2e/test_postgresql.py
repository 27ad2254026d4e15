"""The real `gateway` command with its store on a real PostgreSQL server."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable

from tests.e2e.conftest import GATEWAY, Workspace, values


def test_order_flow_on_postgresql(
    workspace: Workspace, good_order: bytes, new_postgres_database: Callable[[], str]
) -> None:
    # given the workspace pointed at an empty PostgreSQL database through the environment,
    # initialised there (the sample master data imported into it), and no SQLite file
    env = {"GATEWAY_DATABASE_URL": new_postgres_database()}
    (workspace.root / "var" / "gateway.db").unlink()
    assert "imported the sample master data" in workspace.gateway("init", env=env).stdout
    workspace.drop("acme", "order.edi", good_order)
    # when a batch runs
    result = workspace.gateway("batch", env=env)
    # then the order is answered, and the messages live in PostgreSQL (not a SQLite file)
    assert result.code == 0, result.stderr
    (ordrsp,) = workspace.sent("acme", "ORDRSP")
    assert values(ordrsp, "RFF")[0][0] == ("ON", "PO-4711")
    listed = workspace.gateway("messages", "list", "--json", env=env).json()
    assert sorted(m["message_type"] for m in listed) == ["CONTRL", "ORDERS", "ORDRSP"]
    assert not (workspace.root / "var" / "gateway.db").exists()


def test_two_workers_on_one_database_process_each_file_once(
    workspace: Workspace, good_order: bytes, new_postgres_database: Callable[[], str]
) -> None:
    # given 12 orders and two batch processes started at the same time on one database
    url = new_postgres_database()
    assert workspace.gateway("init", env={"GATEWAY_DATABASE_URL": url}).code == 0
    for i in range(12):
        workspace.drop("acme", f"o{i}.edi", good_order.replace(b"ACME00042", b"ACME1%04d" % i))
    env = {**os.environ, "GATEWAY_WORKSPACE": str(workspace.root), "GATEWAY_DATABASE_URL": url}
    workers = [
        subprocess.Popen(
            [str(GATEWAY), "batch"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [w.communicate(timeout=120) for w in workers]
    # when they are done, then every order was taken once and answered once
    assert [w.returncode for w in workers] == [0, 0], outcomes
    listed = workspace.gateway(
        "messages", "list", "--json", "--limit", "500", env={"GATEWAY_DATABASE_URL": url}
    ).json()
    inbound = [m for m in listed if m["direction"] == "in"]
    assert len(inbound) == 12 and {m["status"] for m in inbound} == {"done"}
    assert len(workspace.sent("acme", "ORDRSP")) == 12
    assert len(workspace.sent("acme", "CONTRL")) == 12
    control_refs = [ic.control_ref for ic in workspace.sent("acme", "ORDRSP")]
    assert len(set(control_refs)) == 12
