"""`intune-assistant conflicts` on a saved Contoso snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from intune_assistant.cli.main import app
from intune_assistant.snapshot import Snapshot, save_snapshot


def test_conflicts_cli_table_and_json(contoso: Snapshot, tmp_path: Path) -> None:
    save_snapshot(contoso, tmp_path / "contoso")
    runner = CliRunner()
    table = runner.invoke(app, ["conflicts", "--snapshot", str(tmp_path / "contoso")])
    assert table.exit_code == 0, table.output
    assert "Conflicting settings" in table.output and "Duplicate policies" in table.output
    done = runner.invoke(app, ["conflicts", "--snapshot", str(tmp_path / "contoso"), "--json"])
    data = json.loads(done.stdout)
    assert data["duplicates"] and data["deprecated"] and data["conflicts"]
    assert all(c["pair_count"] >= len(c["pairs"]) for c in data["conflicts"])
