"""`assign plan` / `assign apply` as an admin runs them: the Assignments CSV export with an Action
column in, a sealed plan file out, applied exactly with a backup beside it; a change made in the
tenant after planning is skipped (exit 3), and a plan is refused for another user or key."""

from __future__ import annotations

import asyncio
import csv
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from intune_assistant.analyses.assignments import CSV_COLUMNS
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.entra import DEMO_CLI_CLIENT_ID
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.snapshot import load_snapshot

CLI = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]
CODE = re.compile(r"enter the code\s+([A-Z0-9-]+)")
WRITE_SCOPES = (
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementScripts.ReadWrite.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
    "Group.ReadWrite.All",
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, check=False)


def _export(path: Path, *args: str) -> list[dict[str, str]]:
    done = run("assignments", *args, "--type", "settingsCatalog", "--type", "mobileApps", "--csv", str(path))
    assert done.returncode == 0, done.stderr
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_edit(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, [*CSV_COLUMNS, "Action"], quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows({"Action": "", **row} for row in rows)


def _edit(rows: list[dict[str, str]], group_name: str) -> list[dict[str, str]]:
    """Remove the first group row of one policy and add a group by name to another, as in Excel."""
    policy_rows = [r for r in rows if r["Policy type key"] == "settingsCatalog" and r["Target kind"] == "group"]
    removed = {**policy_rows[0], "Action": "remove"}
    other = next(r for r in policy_rows if r["Policy id"] != removed["Policy id"])
    added = {**other, "Target kind": "group", "Group id": "", "Group name": group_name, "Filter id": "",
             "Filter name": "", "Filter mode": "", "Include/exclude": "include", "Action": "add"}  # fmt: skip
    return [removed if r is policy_rows[0] else r for r in rows] + [added]


def test_export_edit_plan_apply_on_the_demo_tenant_with_a_backup_beside_the_plan(tmp_path: Path) -> None:
    rows = _export(tmp_path / "export.csv", "--demo", "contoso")
    edited = _edit(rows, "Autopilot Devices")
    _write_edit(tmp_path / "edited.csv", edited)
    key = tmp_path / "my.key"
    assert run("assign", "key", "-o", str(key)).returncode == 0
    assert key.stat().st_mode & 0o777 == 0o600
    assert run("assign", "key", "-o", str(key)).returncode == 1  # never overwritten

    planned = run("assign", "plan", str(tmp_path / "edited.csv"), "-o", str(tmp_path / "plan.json"),
                  "--demo", "contoso", "--key-file", str(key), "--json")  # fmt: skip

    assert planned.returncode == 0, planned.stderr
    summary = json.loads(planned.stdout)
    assert (summary["objects"], summary["requests"], summary["rejected"]) == (2, 2, [])
    plan_text = (tmp_path / "plan.json").read_text(encoding="utf-8")
    assert "Autopilot Devices" not in plan_text and edited[-1]["Policy id"] not in plan_text  # sealed

    applied = run("assign", "apply", str(tmp_path / "plan.json"), "--demo", "contoso", "--key-file", str(key))

    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "2 object(s): 2 applied, 0 skipped, 0 failed" in applied.stdout
    [backup] = [p for p in tmp_path.iterdir() if p.name.startswith("plan_backup_")]
    saved = load_snapshot(backup)
    assert {o["id"] for o in saved.objects["settingsCatalog"]} == {edited[-1]["Policy id"], rows[0]["Policy id"]} or (
        len(saved.objects["settingsCatalog"]) == 2
    )

    other_key = tmp_path / "other.key"
    run("assign", "key", "-o", str(other_key))
    refused = run("assign", "apply", str(tmp_path / "plan.json"), "--demo", "contoso", "--key-file", str(other_key))
    assert refused.returncode == 1
    assert "changed, damaged or sealed with another key" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_rows_that_cannot_be_planned_are_listed_and_exit_3(tmp_path: Path) -> None:
    rows = _export(tmp_path / "export.csv", "--demo", "contoso")
    edited = _edit(rows, "No such group")
    edited.append({**rows[0], "Action": "shuffle"})
    _write_edit(tmp_path / "edited.csv", edited)
    key = tmp_path / "my.key"
    run("assign", "key", "-o", str(key))

    planned = run("assign", "plan", str(tmp_path / "edited.csv"), "-o", str(tmp_path / "plan.json"),
                  "--demo", "contoso", "--key-file", str(key))  # fmt: skip

    assert planned.returncode == 3, planned.stderr
    text = " ".join(planned.stdout.split())
    assert "no group named 'No such group' in the tenant" in text
    assert "unknown action 'shuffle': use add, remove or replace-all" in text


class _SignIn:
    """Runs one CLI command against the emulator over HTTPS, approving its device code as ``user_id``."""

    def __init__(self, demo: DemoTenancy, server: EmulatorServer, tmp_path: Path) -> None:
        self.demo, self.server, self.tmp_path = demo, server, tmp_path
        self.tenant = demo.tenants["contoso"]

    def run(self, user_id: str, *args: str) -> tuple[int, str, str]:
        common = ["--tenant", self.tenant.domain, "--client-id", DEMO_CLI_CLIENT_ID,
                  "--authority", f"{self.server.base_url}/{self.tenant.tenant_id}",
                  "--graph-url", self.server.base_url, "--ca-file", str(self.server.ca_path)]  # fmt: skip
        with subprocess.Popen(
            [*CLI, *args, *common], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as proc:
            assert proc.stderr is not None and proc.stdout is not None
            seen: list[str] = []
            reader = threading.Thread(target=lambda: seen.extend(proc.stderr or []), daemon=True)
            reader.start()
            deadline = time.monotonic() + 60
            code = None
            while code is None and time.monotonic() < deadline and proc.poll() is None:
                found = CODE.search(" ".join(seen))
                code = found.group(1) if found else None
                time.sleep(0.05)
            if code is None:
                proc.kill()  # never leave it waiting for a sign-in nobody will make
            assert code, f"no device code prompt; stderr: {''.join(seen)}"
            self.demo.entra.approve_device_code(code, user_id)
            stdout = proc.stdout.read()
            status = proc.wait(timeout=300)
            reader.join(timeout=10)
        return status, stdout, "".join(seen)


async def _assign_all_users_meanwhile(demo: DemoTenancy, policy: dict[str, Any]) -> None:
    token = demo.token("contoso", scopes=[*demo.catalog.read_scopes(), *WRITE_SCOPES])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo.app), base_url="https://graph.microsoft.com"
    ) as client:
        target = {"@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget"}
        response = await client.post(
            f"/beta/deviceManagement/configurationPolicies/{policy['id']}/assign",
            json={"assignments": [*policy["assignments"], {"target": target}]},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200


def test_against_a_tenant_a_change_made_after_planning_is_skipped_and_other_users_are_refused(
    tmp_path: Path,
) -> None:
    demo = build_demo(["contoso"])
    tenant = demo.tenants["contoso"]
    demo.entra.grant_consent(tenant.tenant_id, WRITE_SCOPES)
    # The CLI's own app registration calls Graph directly: the tenant consented to it writing too.
    demo.entra.grant_consent(tenant.tenant_id, WRITE_SCOPES, client_id=DEMO_CLI_CLIENT_ID)
    admin = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    reader = next(o for o in tenant.operators if o.role == "readOnly" and o.enabled)
    rows = _export(tmp_path / "export.csv", "--demo", "contoso")  # the same seeded tenant
    edited = _edit(rows, "Autopilot Devices")
    _write_edit(tmp_path / "edited.csv", edited)
    key = tmp_path / "my.key"
    run("assign", "key", "-o", str(key))
    plan_file = tmp_path / "plan.json"
    with EmulatorServer(demo.app, ca_dir=tmp_path / "ca") as server:
        cli = _SignIn(demo, server, tmp_path)
        status, _, err = cli.run(admin.user_id, "assign", "plan", str(tmp_path / "edited.csv"), "-o", str(plan_file),
                                 "--key-file", str(key), "--json")  # fmt: skip
        assert status == 0, err
        removed_from = next(r["Policy id"] for r in edited if r.get("Action") == "remove")
        policy = next(o for o in tenant.objects["settingsCatalog"] if o["id"] == removed_from)
        asyncio.run(_assign_all_users_meanwhile(demo, policy))

        status, out, err = cli.run(admin.user_id, "assign", "apply", str(plan_file), "--key-file", str(key), "--json")

        assert status == 3, err
        results = {r["id"]: r for r in json.loads(out)["results"]}
        assert results[removed_from]["status"] == "skipped"
        assert results[removed_from]["reason"].startswith("changed since plan")
        assert [r["status"] for i, r in results.items() if i != removed_from] == ["applied"]

        status, _, err = cli.run(reader.user_id, "assign", "apply", str(plan_file), "--key-file", str(key), "--json")
        assert status == 1 and "made by another user" in err
