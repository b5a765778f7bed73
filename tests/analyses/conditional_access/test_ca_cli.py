"""`intune-assistant ca` and `ca whatif`: tables, --json, exit codes and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from intune_assistant.cli.common import UserError
from intune_assistant.cli.main import app
from intune_assistant.snapshot import Snapshot, save_snapshot

runner = CliRunner()


def test_overview_of_fabrikam_lists_policies_and_every_gap() -> None:
    result = runner.invoke(app, ["ca", "--demo", "fabrikam", "--json"])
    assert result.exit_code == 4, result.output
    data = json.loads(result.stdout)
    states = {p["name"]: p["state"] for p in data["policies"]}
    assert states["CA001 - Require MFA for admins"] == "Report-only"
    assert states["CA008 - Require MFA to register devices"] == "Off"
    findings = {(f["finding"], f["policy"]) for f in data["findings"]}
    assert ("No MFA for administrators", None) in findings
    assert ("Legacy authentication not blocked", None) in findings
    assert ("Break-glass account not excluded", "CA010 - Require MFA for Azure management") in findings
    assert data["not_read"] == []


def test_overview_table(tmp_path: Path, contoso: Snapshot) -> None:
    folder = tmp_path / "contoso"
    save_snapshot(contoso, folder)
    result = runner.invoke(app, ["ca", "--snapshot", str(folder)], env={"COLUMNS": "300"})
    assert result.exit_code == 4, result.output
    assert "CA005 - Block access from blocked countries" in result.stdout
    assert "Many users excluded" in result.stdout and "BYOD Users" in result.stdout


def test_what_if_blocked_from_a_blocked_country(tmp_path: Path, contoso: Snapshot) -> None:
    folder = tmp_path / "contoso"
    save_snapshot(contoso, folder)
    args = ["ca", "whatif", "--snapshot", str(folder), "--user", "break.glass@contoso.onmicrosoft.com"]
    result = runner.invoke(app, [*args, "--app", "Windows Azure Service Management API", "--no-roles", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["access"] == "Allowed with requirements"
    verdicts = {p["policy"]: p["label"] for p in data["policies"]}
    assert verdicts["CA010 - Require MFA for Azure management"] == "Targeted"
    assert verdicts["CA005 - Block access from blocked countries"] == "Excluded"
    # Without roles and location, what depends on them stays unknown: exit 3.
    plain = "vera.urbina@contoso.onmicrosoft.com"
    unknown = runner.invoke(app, ["ca", "whatif", "--snapshot", str(folder), "--user", plain, "--json"])
    assert unknown.exit_code == 3, unknown.output
    assert json.loads(unknown.stdout)["access"] == "Unknown"
    blocked = runner.invoke(
        app, ["ca", "whatif", "--snapshot", str(folder), "--user", plain, "--location", "KP", "--no-roles"]
    )
    assert blocked.exit_code == 0 and "Blocked" in blocked.stdout


def test_bad_input_is_one_line_error(tmp_path: Path, contoso: Snapshot) -> None:
    folder = tmp_path / "contoso"
    save_snapshot(contoso, folder)
    base = ["ca", "whatif", "--snapshot", str(folder)]
    for extra, words in (
        (["--user", "nobody@contoso.onmicrosoft.com"], "no user"),
        (["--user", "break.glass@contoso.onmicrosoft.com", "--platform", "BeOS"], "platform"),
        (["--user", "break.glass@contoso.onmicrosoft.com", "--role", "Global Administrator", "--no-roles"], "not both"),
    ):
        result = runner.invoke(app, [*base, *extra])
        # A UserError: the console entry point prints it as one line and exits 1.
        assert isinstance(result.exception, UserError), result.output
        assert words in str(result.exception)
