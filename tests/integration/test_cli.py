"""The console script as a user runs it: real process, real files, readable errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support import SAMPLES

from intune_assistant.catalog import default_catalog
from intune_assistant.catalog.modules import optional_module_of
from intune_assistant.snapshot import TypeStatus, load_snapshot

CLI = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INTUNE_ASSISTANT_DEBUG"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_demo_snapshot_writes_a_loadable_folder_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "contoso"
    done = run("snapshot", "--demo", "contoso", "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["tenant"]["domain"] == "contoso.onmicrosoft.com"
    assert {t["key"] for t in summary["types"]} == {r.key for r in default_catalog().collected()}
    # Types of optional read modules are not asked for unless --module names them; nothing failed.
    catalog = default_catalog()
    optional = {r.key for r in catalog if optional_module_of(r, catalog)}
    assert optional == {"managedDevices", "roleDefinitions", "roleAssignments", "directoryRoles"}
    assert all(t["status"] == "ok" for t in summary["types"] if t["key"] not in optional)
    assert all(t["status"] == "not_collected" for t in summary["types"] if t["key"] in optional)
    assert summary["not_read"] == []
    loaded = load_snapshot(out)
    assert loaded.count() == summary["objects"] > 150
    assert all(r.status is TypeStatus.OK for k, r in loaded.results.items() if k not in optional)
    assert "module" in (loaded.results["managedDevices"].error or "")
    with_devices = run(
        "snapshot", "--demo", "contoso", "-o", str(tmp_path / "d"), "--json", "--module", "managed-devices"
    )
    assert with_devices.returncode == 0, with_devices.stderr
    statuses = {t["key"]: t["status"] for t in json.loads(with_devices.stdout)["types"]}
    assert statuses["managedDevices"] == "ok" and statuses["roleDefinitions"] == "not_collected"


def test_demo_snapshot_prints_a_table(tmp_path: Path) -> None:
    done = run("snapshot", "--demo", "fabrikam", "-o", str(tmp_path / "f"))
    assert done.returncode == 0, done.stderr
    assert "Settings catalog" in done.stdout and "Saved" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("snapshot", "--demo", "nowhere", "-o", "x"), "unknown demo tenant"),
        (("demo", "--no-browser", "--tenants", "contoso,nowhere"), "unknown demo tenant(s): nowhere; known: contoso"),
        (("snapshot", "-o", "x"), "exactly one of --demo"),
        (("snapshot", "--demo", "contoso", "--type", "policies", "-o", "x"), "unknown type"),
        (("snapshot", "--tenant", "contoso.onmicrosoft.com", "-o", "x"), "client id"),
        (("import", "/nonexistent/folder", "-o", "x"), "does not exist"),
    ],
)
def test_errors_are_one_line_without_a_stack_trace(args: tuple[str, ...], message: str) -> None:
    done = run(*args)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_import_of_both_samples(tmp_path: Path) -> None:
    for folder in ("intunecd-backup", "intunemanagement-export"):
        out = tmp_path / folder
        done = run("import", str(SAMPLES / folder), "-o", str(out), "--json")
        assert done.returncode in (0, 3), done.stderr
        summary = json.loads(done.stdout)
        assert summary["objects"] > 0
        assert load_snapshot(out).count() == summary["objects"]


def test_permissions_table_lists_every_type() -> None:
    done = run("permissions")
    assert done.returncode == 0
    for record in default_catalog():
        assert record.label in done.stdout
