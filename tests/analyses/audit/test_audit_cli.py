"""`intune-assistant audit`: the demo tenant's seeded week of changes, --actor, --json; a clear refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from intune_assistant.cli.common import UserError
from intune_assistant.cli.main import app
from intune_assistant.emulator.demo import build_demo

runner = CliRunner()


def test_the_demo_tenants_week_of_changes_as_json() -> None:
    tenant = build_demo(["contoso"]).tenants["contoso"]
    since = (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S")
    week = [e for e in [*tenant.audit_history, *tenant.audit_events] if e["activityDateTime"] >= since]
    result = runner.invoke(app, ["audit", "--demo", "contoso", "--days", "7", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # Within the few seconds between the two reads, no seeded event crosses the week's start (by minutes).
    assert abs(len(data["events"]) - len(week)) <= 1 and data["events"]
    whens = [e["when"] for e in data["events"]]
    assert whens == sorted(whens, reverse=True)
    actor = data["events"][0]["actor"]
    mine = runner.invoke(app, ["audit", "--demo", "contoso", "--days", "7", "--json", "--actor", actor])
    events = json.loads(mine.stdout)["events"]
    assert events and all(e["actor"] == actor for e in events) and len(events) < len(data["events"])


def test_audit_needs_a_tenant_to_read() -> None:
    result = runner.invoke(app, ["audit", "--days", "7"])
    assert isinstance(result.exception, UserError) and "--demo NAME or --tenant DOMAIN" in str(result.exception)
