"""`intune-assistant devices`: the table, --json, --finding, and exit 3 when devices were not read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from intune_assistant.cli.common import UserError
from intune_assistant.cli.main import app
from intune_assistant.emulator.demo import build_demo
from intune_assistant.snapshot import Problem, ProblemKind, Snapshot, TenantInfo, TypeResult, TypeStatus, save_snapshot

runner = CliRunner()


def test_the_demo_tenant_lists_its_planted_devices_as_json() -> None:
    planted = build_demo(["contoso"]).tenants["contoso"].planted
    result = runner.invoke(app, ["devices", "--demo", "contoso", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tenant"] == "contoso.onmicrosoft.com" and data["not_read"] is None
    assert data["counts"] == {
        "Stale": len(planted["staleDevices"]),
        "Duplicate record": len(planted["duplicateDevices"]),
        "Not compliant": len(planted["nonCompliantDevices"]),
    }
    assert len(data["devices"]) == data["total"] > 0
    stale = runner.invoke(app, ["devices", "--demo", "contoso", "--json", "--finding", "stale"])
    ids = {d["id"] for d in json.loads(stale.stdout)["devices"]}
    assert ids == set(planted["staleDevices"])


def test_the_table_names_each_finding() -> None:
    tenant = build_demo(["contoso"]).tenants["contoso"]
    serials = {
        d["serialNumber"] for d in tenant.objects["managedDevices"] if d["id"] in tenant.planted["duplicateDevices"]
    }
    wide = {"COLUMNS": "400"}
    result = runner.invoke(app, ["devices", "--demo", "contoso", "--finding", "Duplicate record"], env=wide)
    assert result.exit_code == 0, result.output
    assert all(f"same serial number {serial}" in result.output for serial in serials)
    assert "4 duplicate record" in result.output


def test_an_unknown_finding_is_refused_clearly() -> None:
    result = runner.invoke(app, ["devices", "--demo", "contoso", "--finding", "broken"])
    # main() prints a UserError as one line ("error: ...") and exits 1, never with a stack trace.
    assert isinstance(result.exception, UserError) and "unknown finding 'broken'" in str(result.exception)
    assert "Stale, Duplicate record, Not compliant" in str(result.exception)


def test_devices_not_read_exit_3_with_the_reason(tmp_path: Path) -> None:
    problem = Problem(
        ProblemKind.MODULE_OFF,
        "the optional module Managed devices is off; a tenant administrator can turn it on in Tenant settings",
        scope="DeviceManagementManagedDevices.Read.All",
    )
    snapshot = Snapshot(
        tenant=TenantInfo(tenant_id="t", domain="contoso.onmicrosoft.com", display_name="Contoso"),
        source="graph",
        taken_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        objects={"managedDevices": []},
        results={"managedDevices": TypeResult("managedDevices", TypeStatus.NOT_COLLECTED, 0, 0.0, problem=problem)},
    )
    folder = tmp_path / "snapshot"
    save_snapshot(snapshot, folder)
    result = runner.invoke(app, ["devices", "--snapshot", str(folder), "--json"])
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["devices"] == [] and "Managed devices is off" in data["not_read"]
