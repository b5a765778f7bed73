"""`intune-assistant customers --demo`: the partner's customers read from the emulator, with the
reason and fix of those that cannot be used, as a table and as JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from intune_assistant.cli.main import app

runner = CliRunner()


def test_the_demo_partners_customers_as_json() -> None:
    result = runner.invoke(app, ["customers", "--demo", "--customers", "5", "--json"])
    assert result.exit_code == 0, result.output
    by_name = {c["name"]: c for c in json.loads(result.stdout)["customers"]}
    assert set(by_name) == {
        "Contoso",
        "Fabrikam",
        "Litware Inc.",
        "Adatum Corporation",
        "Woodgrove Bank",
        "Alpine Ski House",
        "Wide World Importers",
    }
    assert by_name["Litware Inc."]["problem"]["code"] == "expired"
    assert by_name["Wide World Importers"]["problem"]["code"] == "role-not-enough"
    assert by_name["Alpine Ski House"]["expiring"] and by_name["Alpine Ski House"]["usable"]
    woodgrove = {m["module"]: m["enough"] for m in by_name["Woodgrove Bank"]["modules"]}
    assert woodgrove["inventory"] and not woodgrove["bulk-assign"]
    # The CLI has no token per customer: consent stays unknown rather than guessed.
    assert {c["consent"] for c in by_name.values()} == {"unknown"}


def test_the_table_names_each_reason_and_fix_and_one_source_is_required() -> None:
    table = runner.invoke(app, ["customers", "--demo"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "Litware Inc.: The GDAP relationship with Litware Inc. expired" in table.output
    assert "Request a new admin relationship" in table.output
    neither = runner.invoke(app, ["customers"])
    assert neither.exit_code != 0
