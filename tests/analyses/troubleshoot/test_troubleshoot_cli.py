"""`intune-assistant explain` and `resultant` on a saved Contoso snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intune_assistant.analyses.assignments import Directory
from intune_assistant.cli.main import app
from intune_assistant.snapshot import Snapshot, save_snapshot

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def saved(contoso: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("snapshots") / "contoso"
    save_snapshot(contoso, folder)
    return folder


def _pilot_device(directory: Directory) -> tuple[str, str]:
    group = next(g for g, o in directory.groups.items() if o["displayName"] == "Intune Pilot Users")
    users, _ = directory.transitive_members(group)
    device = next(d for d in directory.devices.values() if d["userId"] in users and d["operatingSystem"] == "Windows")
    return directory.user_label(device["userId"]), device["id"]


def test_troubleshoot_cli_explain_one_policy_step_by_step(saved: Path, directory: Directory) -> None:
    upn, device = _pilot_device(directory)
    done = RUNNER.invoke(
        app,
        [
            "explain",
            "--snapshot",
            str(saved),
            "--user",
            upn,
            "--device",
            device,
            "--policy",
            "WIN - Defender Antivirus - Standard",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Targeted" in done.output and "Intune Managed Users" in done.output and "1." in done.output


def test_troubleshoot_cli_explain_json(saved: Path, directory: Directory) -> None:
    upn, _ = _pilot_device(directory)
    done = RUNNER.invoke(app, ["explain", "--snapshot", str(saved), "--user", upn, "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["subject"]["user"] == upn
    verdicts = {i["verdict"] for i in data["items"]}
    assert "applies" in verdicts and verdicts <= {
        "applies",
        "excluded",
        "filtered_out",
        "not_applicable",
        "not_targeted",
        "unknown",
    }


def test_troubleshoot_cli_resultant_shows_the_conflict(saved: Path, directory: Directory) -> None:
    _, device = _pilot_device(directory)
    done = RUNNER.invoke(app, ["resultant", "--snapshot", str(saved), "--device", device, "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    conflicts = {s["name"] for s in data["settings"] if s["conflict"]}
    assert "Allow Realtime Monitoring" in conflicts


def test_troubleshoot_cli_unknown_user_is_an_error(saved: Path) -> None:
    done = RUNNER.invoke(app, ["explain", "--snapshot", str(saved), "--user", "nobody@contoso.example"])
    assert done.exit_code != 0
    assert "no user" in str(done.exception)
