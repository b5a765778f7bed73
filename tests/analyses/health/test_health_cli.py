"""`intune-assistant health`: the table, --json, and exit codes a monitor can alert on
(0 all OK, 3 something unread, 4 something expires within 30 days, 5 expired or sync failed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from intune_assistant.analyses.health import health_types
from intune_assistant.catalog import default_catalog
from intune_assistant.cli.main import app
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus, save_snapshot
from intune_assistant.snapshot.problems import Problem, ProblemKind

runner = CliRunner()
TAKEN = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
HEALTH_KEYS = [r.key for r in health_types(default_catalog())]


def saved(tmp_path: Path, objects: dict[str, list[dict[str, Any]]], **results: TypeResult) -> Path:
    """A snapshot folder holding every health type (empty unless given), read at ``TAKEN``."""
    everything = {key: objects.get(key, []) for key in HEALTH_KEYS}
    snapshot = Snapshot(
        tenant=TenantInfo(tenant_id="t", domain="contoso.onmicrosoft.com", display_name="Contoso"),
        source="test",
        taken_at=TAKEN,
        objects=everything,
        results={k: results.get(k) or TypeResult(k, TypeStatus.OK, len(v), 0.0) for k, v in everything.items()},
    )
    folder = tmp_path / "snapshot"
    save_snapshot(snapshot, folder)
    return folder


def cert(days: float) -> dict[str, Any]:
    expires = (TAKEN + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": "c1", "appleIdentifier": "mdm@contoso.com", "expirationDateTime": expires}


def test_the_demo_tenant_needs_action(tmp_path: Path) -> None:
    result = runner.invoke(app, ["health", "--demo", "contoso", "--json"])
    assert result.exit_code == 5, result.output
    data = json.loads(result.stdout)
    assert data["tenant"] == "contoso.onmicrosoft.com" and data["worst"] == "Expired"
    verdicts = {item["name"]: (item["verdict"], item["days_left"]) for item in data["items"]}
    assert verdicts["apple-mdm@contoso.onmicrosoft.com"] == ("Expires soon", 10)
    assert verdicts["Contoso Apps and Books (old)"] == ("Expired", -5)
    assert data["counts"]["Expired"] == 1 and data["counts"]["Sync failed"] == 1


@pytest.mark.parametrize(
    ("days", "code", "summary"),
    [(200, 0, "1 ok"), (12, 4, "1 expires soon"), (-1, 5, "1 expired")],
)
def test_exit_code_follows_the_worst_item(tmp_path: Path, days: float, code: int, summary: str) -> None:
    # Managed Google Play is an unset singleton here: "not set up" is no reason to alert.
    folder = saved(tmp_path, {"applePushCertificate": [cert(days)]})
    result = runner.invoke(app, ["health", "--snapshot", str(folder)])
    assert result.exit_code == code, result.output
    assert set(result.stdout.splitlines()[-1].split(", ")) == {summary, "1 not set up"}


def test_an_unread_type_is_unknown_and_exit_3(tmp_path: Path) -> None:
    problem = Problem(ProblemKind.MISSING_SCOPE, "403", status=403, scope="DeviceManagementServiceConfig.Read.All")
    failed = TypeResult("vppTokens", TypeStatus.FAILED, 0, 0.0, problem=problem)
    folder = saved(tmp_path, {"applePushCertificate": [cert(200)]}, vppTokens=failed)
    result = runner.invoke(app, ["health", "--snapshot", str(folder), "--json"])
    assert result.exit_code == 3, result.output
    (unknown,) = [i for i in json.loads(result.stdout)["items"] if i["verdict"] == "Unknown"]
    assert unknown["type"] == "vppTokens" and "DeviceManagementServiceConfig.Read.All" in unknown["reason"]


def test_a_missing_snapshot_is_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["health", "--snapshot", str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
