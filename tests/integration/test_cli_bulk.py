"""`bulk rename|delete|members` then `bulk apply` as an admin runs them on the demo tenant: the
preview printed, the plan sealed, a delete refused without its typed phrase and applied with it,
the backup beside the plan; a clash and a dynamic group refused with the reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from intune_assistant.snapshot import load_snapshot

CLI = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, check=False)


def test_rename_delete_and_members_plans_apply_on_the_demo_tenant(tmp_path: Path) -> None:
    key = tmp_path / "my.key"
    assert run("assign", "key", "-o", str(key)).returncode == 0
    common = ("--demo", "contoso", "--key-file", str(key))

    renamed = run("bulk", "rename", "--regex", r"^WIN - (.*)$", "--with", r"Windows - \1", "--type",
                  "settingsCatalog", "-o", str(tmp_path / "rename.json"), *common, "--json")  # fmt: skip
    assert renamed.returncode == 0, renamed.stderr
    assert json.loads(renamed.stdout)["objects"] == 22
    applied = run("bulk", "apply", str(tmp_path / "rename.json"), *common, "--json")
    assert applied.returncode == 0, applied.stderr
    assert {r["status"] for r in json.loads(applied.stdout)["results"]} == {"applied"}

    clash = run("bulk", "rename", "--regex", r"^WIN - Defender Antivirus - .*$", "--with", "WIN - Defender",
                "-o", str(tmp_path / "clash.json"), *common, "--json")  # fmt: skip
    assert clash.returncode == 3
    summary = json.loads(clash.stdout)
    assert summary["objects"] == 0 and summary["rejected"]
    assert all("would have the same name" in r["reason"] for r in summary["rejected"])

    planned = run("bulk", "delete", "--name-contains", "Lab Exception", "-o", str(tmp_path / "delete.json"),
                  *common, "--json")  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    phrase = json.loads(planned.stdout)["confirm"]
    assert phrase == "delete 1 object"
    refused = run("bulk", "apply", str(tmp_path / "delete.json"), *common, "--confirm", "yes")
    assert refused.returncode == 1
    assert f"nothing was changed: to delete, type exactly: {phrase}" in " ".join(refused.stderr.split())
    assert not list(tmp_path.glob("delete_backup_*"))
    deleted = run("bulk", "apply", str(tmp_path / "delete.json"), *common, "--confirm", phrase, "--json")
    assert deleted.returncode == 0, deleted.stderr
    backup = load_snapshot(Path(json.loads(deleted.stdout)["backup"]))
    assert backup.count() == 1

    dynamic = run("bulk", "members", "--group", "All Employees", "--add", "--member", "x", "-o",
                  str(tmp_path / "m.json"), *common)  # fmt: skip
    assert dynamic.returncode == 1
    assert "it has dynamic membership" in " ".join(dynamic.stderr.split())
    members = run("bulk", "members", "--group", "Lab Devices", "--add", "--member", "CONT-LJJD78R", "-o",
                  str(tmp_path / "m.json"), *common, "--json")  # fmt: skip
    assert members.returncode == 0, members.stderr
    added = run("bulk", "apply", str(tmp_path / "m.json"), *common, "--json")
    assert added.returncode == 0, added.stderr
    assert "assign" not in json.loads(added.stdout)["results"][0]["key"]


def test_duplicate_plan_and_apply_and_a_taken_name_refused(tmp_path: Path) -> None:
    key = tmp_path / "my.key"
    assert run("assign", "key", "-o", str(key)).returncode == 0
    common = ("--demo", "contoso", "--key-file", str(key))

    planned = run("bulk", "duplicate", "--name", "WIN - Defender Antivirus - Standard", "--as",
                  "WIN - Defender Antivirus - Standard copy", "--with-assignments", "-o", str(tmp_path / "dup.json"),
                  *common, "--json")  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    assert json.loads(planned.stdout) | {"plan": ""} == {
        "plan": "", "objects": 1, "requests": 2, "rejected": [], "notes": []
    }  # fmt: skip
    applied = run("bulk", "apply", str(tmp_path / "dup.json"), *common, "--json")
    assert applied.returncode == 0, applied.stderr
    (result,) = json.loads(applied.stdout)["results"]
    assert (result["object"], result["status"], result["requests"]) == (
        "WIN - Defender Antivirus - Standard copy", "applied", 2  # the POST, then /assign
    )  # fmt: skip

    taken = run("bulk", "duplicate", "--name", "WIN - Defender Antivirus - Standard", "--as",
                "WIN - Defender Antivirus - Pilot", "-o", str(tmp_path / "taken.json"), *common, "--json")  # fmt: skip
    assert taken.returncode == 3
    summary = json.loads(taken.stdout)
    assert summary["objects"] == 0 and "has it already" in summary["rejected"][0]["reason"]
    clash = run("bulk", "duplicate", "--name-contains", "Defender Antivirus", "--type", "settingsCatalog", "--regex",
                r"^.*$", "--with", "One name", "-o", str(tmp_path / "clash.json"), *common, "--json")  # fmt: skip
    assert clash.returncode == 3
    summary = json.loads(clash.stdout)
    assert summary["objects"] == 0 and all("would be copied to it too" in r["reason"] for r in summary["rejected"])
    both = run("bulk", "duplicate", "--name", "x", "--as", "y", "--suffix", " (2)", "-o", str(tmp_path / "b.json"),
               *common)  # fmt: skip
    assert both.returncode == 1 and "not both" in " ".join(both.stderr.split())
