"""`intune-assistant rbac`: --json, exit codes (0 nothing found, 3 unread or undecided, 4 findings)
and GDAP through a saved partner snapshot."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from tests.integration.conftest import collect_demo
from typer.testing import CliRunner

from intune_assistant.analyses.roles import RBAC_TYPES
from intune_assistant.cli.main import app
from intune_assistant.emulator.demo import build_demo
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus, save_snapshot

runner = CliRunner()


def test_the_demo_tenant_has_findings_and_gdap_unknown_without_the_partner() -> None:
    result = runner.invoke(app, ["rbac", "--demo", "contoso", "--json"])
    assert result.exit_code == 4, result.output
    data = json.loads(result.stdout)
    assert data["tenant"] == "contoso.onmicrosoft.com" and data["audit_read"] is True
    statuses = {(f["finding"], f["status"]) for f in data["findings"]}
    assert ("Many Global Administrators", "Found") in statuses
    assert ("Roles only through GDAP", "Unknown") in statuses
    assert any(g["role"] == "Help Desk Operator" and g["scope_tags"] == ["EU Devices"] for g in data["grants"])


def test_a_partner_snapshot_names_the_accounts_that_hold_roles_only_through_gdap(tmp_path: Path) -> None:
    demo = build_demo(["contoso", "partner"])
    scopes = (*demo.catalog.read_scopes(), *demo.catalog.partner_scopes())
    types = ["gdapRelationships", "users", "groups"]
    partner, _ = asyncio.run(collect_demo(demo, "partner", types=types, scopes=scopes))
    customer, _ = asyncio.run(collect_demo(demo, "contoso", types=list(RBAC_TYPES)))
    save_snapshot(partner, tmp_path / "partner")
    save_snapshot(customer, tmp_path / "contoso")
    args = ["rbac", "--snapshot", str(tmp_path / "contoso"), "--partner-snapshot", str(tmp_path / "partner")]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 4, result.output
    gdap = [f["subject"] for f in json.loads(result.stdout)["findings"] if f["finding"] == "Roles only through GDAP"]
    assert gdap == demo.tenants["partner"].planted["gdapOnly"]
    table = runner.invoke(app, args, env={"COLUMNS": "400"})
    assert "Roles only through GDAP" in table.output and "Who can do what" in table.output


def test_a_tenant_without_findings_exits_0_and_an_unread_one_exits_3(tmp_path: Path) -> None:
    def saved(name: str, status: TypeStatus) -> Path:
        objects = {key: [] for key in RBAC_TYPES}
        results = {k: TypeResult(k, status if k == "directoryRoles" else TypeStatus.OK, 0, 0.0) for k in objects}
        snapshot = Snapshot(TenantInfo("t", "contoso.example", "C"), "test", datetime(2026, 1, 1, tzinfo=UTC), objects)
        snapshot.results.update(results)
        save_snapshot(snapshot, tmp_path / name)
        return tmp_path / name

    # No Intune Administrator, so nothing to judge from the audit log; GDAP read and empty.
    clean = runner.invoke(app, ["rbac", "--snapshot", str(saved("clean", TypeStatus.OK)), "--json"])
    assert clean.exit_code == 3, clean.output  # GDAP access not given: unknown
    assert {f["status"] for f in json.loads(clean.stdout)["findings"]} == {"Unknown"}
    unread = runner.invoke(app, ["rbac", "--snapshot", str(saved("unread", TypeStatus.FAILED))])
    assert unread.exit_code == 3 and "Not read:" in unread.output and "Entra directory roles" in unread.output


def test_a_missing_partner_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rbac", "--demo", "contoso", "--partner-snapshot", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "Traceback" not in result.output
