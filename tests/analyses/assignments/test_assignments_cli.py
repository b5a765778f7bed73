"""`intune-assistant assignments` on a saved Contoso snapshot: tables, JSON, CSV, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intune_assistant.cli.main import app
from intune_assistant.snapshot import Problem, ProblemKind, Snapshot, TypeStatus, save_snapshot

APPS_FORBIDDEN = Problem(ProblemKind.MISSING_SCOPE, "Forbidden", status=403, scope="DeviceManagementApps.Read.All")


RUNNER = CliRunner()


@pytest.fixture(scope="module")
def saved(contoso: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("snapshots") / "contoso"
    save_snapshot(contoso, folder)
    return folder


def test_assignments_cli_json_lists_every_policy(saved: Path, contoso: Snapshot) -> None:
    done = RUNNER.invoke(app, ["assignments", "--snapshot", str(saved), "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert len(data["policies"]) > 100 and data["gaps"] == []
    names = {p["object"]["name"] for p in data["policies"]}
    assert "WIN - Defender Antivirus - Standard" in names


def test_assignments_cli_csv_has_bom_and_crlf(saved: Path, tmp_path: Path) -> None:
    done = RUNNER.invoke(app, ["assignments", "--snapshot", str(saved), "--csv", str(tmp_path), "--type", "mobileApps"])
    assert done.exit_code == 0, done.output
    (written,) = tmp_path.glob("contoso.onmicrosoft.com_assignments_*.csv")
    raw = written.read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"Policy type key"') and b"\r\n" in raw
    assert "Cisco Secure Client" in raw.decode("utf-8-sig")
    assert "Settings catalog" not in raw.decode("utf-8-sig")


def test_assignments_cli_group_filter_user_and_hygiene_views(saved: Path) -> None:
    table = RUNNER.invoke(app, ["assignments", "--snapshot", str(saved), "--group", "Intune Pilot Users"])
    assert table.exit_code == 0, table.output
    assert "Nested in:" in table.output and "Assignments reaching its members" in table.output
    group = RUNNER.invoke(app, ["assignments", "--snapshot", str(saved), "--group", "Intune Pilot Users", "--json"])
    data = json.loads(group.stdout)
    paths = [[g["name"] for g in item["path"]] for item in data["inherited"]]
    assert ["Intune Pilot Users", "Regional Users - EU", "Intune Managed Users"] in paths
    view = RUNNER.invoke(app, ["assignments", "--snapshot", str(saved), "--filter", "Corporate Windows", "--json"])
    assert json.loads(view.stdout)["filter"]["rule"] == '(device.deviceOwnership -eq "Corporate")'
    hygiene = RUNNER.invoke(app, ["assignments", "--snapshot", str(saved), "--hygiene", "--json"])
    assert {f["name"] for f in json.loads(hygiene.stdout)["unused_filters"]} == {
        "Zebra scanners",
        "Virtual machines",
        "Executive devices",
    }


def test_assignments_cli_incomplete_snapshot_exits_3(contoso: Snapshot, tmp_path: Path) -> None:
    broken = Snapshot(
        tenant=contoso.tenant,
        source=contoso.source,
        taken_at=contoso.taken_at,
        objects={**contoso.objects, "mobileApps": []},
        results={**contoso.results},
        names=contoso.names,
    )
    result = broken.results["mobileApps"]
    broken.results["mobileApps"] = type(result)(
        "mobileApps",
        TypeStatus.FAILED,
        0,
        0.0,
        problem=APPS_FORBIDDEN,
    )
    save_snapshot(broken, tmp_path / "broken")
    done = RUNNER.invoke(app, ["assignments", "--snapshot", str(tmp_path / "broken")])
    assert done.exit_code == 3
    assert "DeviceManagementApps.Read.All" in done.output


def test_assignments_cli_errors_are_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "INTUNE_ASSISTANT_DEBUG"}
    cli = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]
    done = subprocess.run(
        [*cli, "assignments", "--snapshot", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert message.startswith("error: --snapshot") and message.endswith("is not a folder")
    assert "Traceback" not in done.stderr
