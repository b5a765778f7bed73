"""`intune-assistant compare`: sources, modes, formats and exit codes (0 aligned, 1 differ, 2 error)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support import SAMPLES
from typer.testing import CliRunner

from intune_assistant.cli.main import app
from intune_assistant.snapshot import Snapshot, load_snapshot, save_snapshot

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_demo_tenant_against_itself_is_aligned() -> None:
    code, out, _ = run("compare", "demo:contoso", "demo:contoso")
    assert code == 0, out
    assert "Aligned" in out


def test_two_tenants_differ_and_json_goes_to_stdout() -> None:
    code, out, _ = run("compare", "demo:contoso", "demo:fabrikam", "--format", "json", "--only-differences")
    assert code == 1
    data = json.loads(out)
    assert data["kind"] == "tenants" and not data["aligned"]
    assert data["left"]["label"] == "demo:contoso" and data["objects"]
    assert all(o["status"] != "same" for o in data["objects"])


def test_baseline_report_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, _, err = run("compare", "demo:contoso", "builtin:windows-security", "-o", str(target))
    assert code == 1
    page = target.read_text("utf-8")
    assert "Baseline comparison" in page and "Alignment with the baseline" in page
    assert str(target) in err.replace("\n", "")


def test_the_baseline_against_itself_is_aligned(tmp_path: Path) -> None:
    target = tmp_path / "same.csv"
    code, _, _ = run("compare", "builtin:windows-security", "builtin", "-o", str(target))
    assert code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_two_snapshot_folders_of_one_tenant_are_a_drift(contoso: Snapshot, tmp_path: Path) -> None:
    later = copy.deepcopy(contoso)
    later.objects["settingsCatalog"].pop()
    save_snapshot(contoso, tmp_path / "before")
    save_snapshot(later, tmp_path / "after")
    assert load_snapshot(tmp_path / "after").count("settingsCatalog") == contoso.count("settingsCatalog") - 1
    code, out, _ = run("compare", str(tmp_path / "before"), str(tmp_path / "after"), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["kind"] == "drift"
    assert [o["label"] for o in data["objects"] if o["status"] != "same"] == ["removed"]


def test_one_policy_against_many(tmp_path: Path) -> None:
    target = tmp_path / "policies.xlsx"
    code, _, _ = run(
        "compare",
        "demo:contoso",
        "demo:fabrikam",
        "--policy",
        "WIN - BitLocker - Require Encryption",
        "--against",
        "WIN - BitLocker*",
        "-o",
        str(target),
    )
    assert code == 1
    assert target.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("demo:contoso", "/nonexistent/folder"), "does not exist"),
        (("tenant:contoso.onmicrosoft.com", "demo:contoso"), "not available yet"),
        (("demo:nowhere", "demo:contoso"), "unknown demo tenant"),
        (("builtin:nothing", "demo:contoso"), "unknown built-in baseline"),
        (("demo:contoso", "demo:contoso", "--policy", "No such policy"), "no policy named"),
        (("demo:contoso", "demo:contoso", "--policy", "x", "--type", "policies"), "unknown type"),
    ],
)
def test_errors_exit_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    code, out, err = run("compare", *args)
    assert code == 2
    assert message in err and "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1


def test_a_folder_nobody_can_read_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    code, _, err = run("compare", str(tmp_path), "demo:contoso")
    assert code == 2 and "error:" in err


def test_the_console_script_keeps_exit_code_2_and_prints_no_trace() -> None:
    env = {k: v for k, v in os.environ.items() if k != "INTUNE_ASSISTANT_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-c", "from intune_assistant.cli.main import main; main()", "compare", "x:/nope", "y"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_an_export_beside_a_tenant_is_the_baseline_by_default() -> None:
    backup = str(SAMPLES / "intunecd-backup")
    code, out, _ = run("compare", "demo:contoso", backup, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["kind"] == "baseline"
    assert data["left"]["label"] == backup and data["right"]["label"] == "demo:contoso"
    assert data["left"]["origin"].startswith("IntuneCD backup, newest file ")
    verdicts = {s["status"] for s in data["baseline_settings"]}
    assert verdicts == {"matches", "differs", "conflicting", "non_overlapping", "missing"}
    overall = data["scores"][0]
    matched = sum(1 for s in data["baseline_settings"] if s["status"] == "matches")
    assert (overall["matched"], overall["expected"]) == (matched, len(data["baseline_settings"]))
    # The same with the sides the other way round: the export is still the baseline.
    code, out, _ = run("compare", backup, "demo:contoso", "--format", "json")
    assert json.loads(out)["kind"] == "baseline" and json.loads(out)["left"]["label"] == backup


def test_the_baseline_summary_prints_the_lists() -> None:
    code, out, _ = run("compare", "demo:contoso", "builtin:windows-security")
    assert code == 1
    text = " ".join(out.split())
    for heading in ("Configured differently (", "Conflicting (", "Missing (", "Matching (", "does not cover ("):
        assert heading in text
    assert "Expected (builtin:windows-security): built-in baseline, written 2025-01-15" in text
    assert "Actual (demo:contoso): demo tenant read through the emulator, collected " in text


def test_two_backups_of_one_tenant_are_a_drift_labelled_with_their_own_times(tmp_path: Path) -> None:
    older, newer = tmp_path / "older", tmp_path / "newer"
    for target, stamp in ((older, 1_700_000_000), (newer, 1_710_000_000)):
        shutil.copytree(SAMPLES / "intunecd-backup", target)
        for path in target.rglob("*"):
            os.utime(path, (stamp, stamp))
    code, out, _ = run("compare", str(older), str(newer), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["kind"] == "drift"
    assert data["left"]["origin"] == "IntuneCD backup, newest file 2023-11-14 22:13 UTC"
    assert data["right"]["origin"] == "IntuneCD backup, newest file 2024-03-09 16:00 UTC"
