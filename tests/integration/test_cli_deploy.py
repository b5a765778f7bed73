"""`deploy plan|apply` and `restore plan|apply` as an admin runs them on the demo tenants: a sealed
plan file with the review, applied exactly; what can't be deployed is listed with its reason."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import collect_demo

from intune_assistant.emulator.demo import build_demo
from intune_assistant.snapshot import save_snapshot

CLI = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]
SAMPLE = Path(__file__).parents[1] / "fixtures" / "samples" / "intunecd-backup"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600, check=False)


def _key(tmp_path: Path) -> Path:
    key = tmp_path / "my.key"
    assert run("assign", "key", "-o", str(key)).returncode == 0
    return key


def test_deploy_the_intunecd_backup_into_the_demo_fabrikam(tmp_path: Path) -> None:
    key = _key(tmp_path)
    plan_file = tmp_path / "plan.json"
    planned = run("deploy", "plan", str(SAMPLE), "-o", str(plan_file), "--demo", "fabrikam", "--key-file", str(key),
                  "--json")  # fmt: skip
    # Exit 3: some objects are listed as not deployed, each with its reason.
    assert planned.returncode == 3, planned.stderr
    summary = json.loads(planned.stdout)
    assert summary["objects"] >= 100
    reasons = {r["summary"]: r["reason"] for r in summary["rejected"]}
    assert reasons["All users and all devices"].startswith("not deployable")
    assert "POC_WIN_D_CO_SBL_MSZT_BitLocker" not in plan_file.read_text(encoding="utf-8")  # sealed

    applied = run("deploy", "apply", str(plan_file), "--demo", "fabrikam", "--key-file", str(key), "--json")
    assert applied.returncode == 0, applied.stderr
    results = json.loads(applied.stdout)["results"]
    assert len(results) == summary["objects"] and {r["status"] for r in results} == {"applied"}

    wrong = run("restore", "apply", str(plan_file), "--demo", "fabrikam", "--key-file", str(key))
    assert wrong.returncode == 1 and "deploy-baseline" in wrong.stderr and "Traceback" not in wrong.stderr


def test_missing_groups_created_first_only_when_asked_and_only_such_a_plan_asks_for_group_write(tmp_path: Path) -> None:
    key = _key(tmp_path)
    common = ("--demo", "fabrikam", "--key-file", str(key), "--json")
    plain = run("deploy", "plan", str(SAMPLE), "-o", str(tmp_path / "plain.json"), "--assign", "source", *common)
    plain_summary = json.loads(plain.stdout)
    flagged = [r for r in plain_summary["rejected"] if "group '[SWC] - Intune-Users': not mapped" in r["reason"]]
    assert flagged and plain_summary["scopes"] == []

    plan_file = tmp_path / "groups.json"
    planned = run("deploy", "plan", str(SAMPLE), "-o", str(plan_file), "--assign", "source",
                  "--create-missing-groups", *common)  # fmt: skip
    summary = json.loads(planned.stdout)
    assert summary["scopes"] == ["Group.ReadWrite.All"]
    assert summary["objects"] == plain_summary["objects"] + len(flagged) + 1  # the group, then what needs it
    assert not any("not mapped" in r["reason"] and "group" in r["reason"] for r in summary["rejected"])

    # The plan file's word is checked against the sealed plan: asking for less changes nothing.
    wrapper = json.loads(plan_file.read_text(encoding="utf-8"))
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({**wrapper, "scopes": []}), encoding="utf-8")
    refused = run("deploy", "apply", str(edited), *common)
    assert refused.returncode == 1 and "needs Group.ReadWrite.All" in " ".join(refused.stderr.split())

    applied = run("deploy", "apply", str(plan_file), *common)
    assert applied.returncode == 0, applied.stderr
    results = json.loads(applied.stdout)["results"]
    (group,) = [r for r in results if r["type"] == "groups"]
    assert group["object"] == "[SWC] - Intune-Users" and {r["status"] for r in results} == {"applied"}

    alone = run("deploy", "plan", str(SAMPLE), "-o", str(tmp_path / "x.json"), "--create-missing-groups", *common)
    assert alone.returncode == 1 and "--assign source" in alone.stderr


def test_deploy_plan_with_an_unknown_group_is_a_clear_error(tmp_path: Path) -> None:
    key = _key(tmp_path)
    planned = run("deploy", "plan", str(SAMPLE), "-o", str(tmp_path / "p.json"), "--demo", "fabrikam",
                  "--key-file", str(key), "--assign", "No such group")  # fmt: skip
    assert planned.returncode == 1
    assert "no single group named 'No such group'" in planned.stderr and "Traceback" not in planned.stderr


def test_restore_only_the_named_policy_back_to_the_backups_settings(tmp_path: Path) -> None:
    demo = build_demo(["contoso"])
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso"))
    policy = next(p for p in snapshot.objects["deviceConfigurations"] if "description" in p)
    other = next(p for p in snapshot.objects["deviceConfigurations"] if p is not policy)
    # The backup says otherwise than the (seeded, unchanged) demo tenant for two policies.
    policy["description"] = "As it was in the backup"
    other["description"] = "Not restored"
    backup = tmp_path / "backup"
    save_snapshot(snapshot, backup)
    key = _key(tmp_path)
    plan_file = tmp_path / "restore.json"
    planned = run("restore", "plan", str(backup), "-o", str(plan_file), "--only", policy["displayName"],
                  "--demo", "contoso", "--key-file", str(key), "--json")  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    assert json.loads(planned.stdout)["objects"] == 1

    applied = run("restore", "apply", str(plan_file), "--demo", "contoso", "--key-file", str(key))
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "1 object(s): 1 applied, 0 skipped, 0 failed" in " ".join(applied.stdout.split())
