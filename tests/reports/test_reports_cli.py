"""``intune-assistant report NAME --tenants all|LIST --demo``: the fan-out in the CLI's process, each
demo customer's state and reason, the exports, and clear errors for unknown names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from intune_assistant.cli.common import UserError
from intune_assistant.cli.main import app

runner = CliRunner()


def test_report_over_all_demo_customers_as_json() -> None:
    result = runner.invoke(app, ["report", "baseline-score", "--demo", "--tenants", "all", "--json"])
    # Litware (expired) and Adatum (no consent) cannot be read: the report is incomplete.
    assert result.exit_code == 3, result.output
    tenants = {t["name"]: t for t in json.loads(result.stdout)["tenants"]}
    assert {n for n, t in tenants.items() if t["state"] == "ok"} == {"Contoso", "Fabrikam", "Woodgrove Bank"}
    assert "expired" in tenants["Litware Inc."]["reason"] and tenants["Litware Inc."]["state"] == "failed"
    assert "has not granted admin consent" in tenants["Adatum Corporation"]["reason"]
    overall = next(r for r in tenants["Contoso"]["rows"] if r[0] == "overall")
    assert overall[3] > 0 and overall[2] <= overall[3]


def test_chosen_customers_and_every_export_format(tmp_path: Path) -> None:
    for suffix in ("csv", "xlsx", "json"):
        target = tmp_path / f"hygiene.{suffix}"
        result = runner.invoke(
            app, ["report", "hygiene", "--demo", "--tenants", "contoso,woodgrove bank", "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        if suffix == "csv":
            rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
            assert rows[0] == ["Customer", "Domain", "State", "Finding", "Count", "Examples", "Reason", "Fix"]
            assert {r[0] for r in rows[1:]} == {"Contoso", "Woodgrove Bank"}
            # Each customer's domain, read with the token that customer issued.
            assert {r[1] for r in rows[1:]} == {"contoso.onmicrosoft.com", "woodgrove.onmicrosoft.com"}
        elif suffix == "xlsx":
            book = openpyxl.load_workbook(target)
            assert [s.title for s in book.worksheets] == ["Assignment hygiene", "Tenants"]
            assert book.worksheets[1].max_row == 3
        else:
            assert [t["state"] for t in json.loads(target.read_text())["tenants"]] == ["ok", "ok"]


def _refused(*args: str) -> str:
    """The one line ``main`` prints for a ``UserError`` (the runner hands back the exception)."""
    result = runner.invoke(app, ["report", *args])
    assert result.exit_code != 0 and isinstance(result.exception, UserError), result.output
    return str(result.exception)


def test_unknown_report_customer_or_format_is_one_clear_line(tmp_path: Path) -> None:
    assert "known: inventory, hygiene, conflicts, baseline-score, drift, gdap-expiry" in _refused("nope", "--demo")
    assert "no customer named nowhere" in _refused("hygiene", "--demo", "--tenants", "nowhere")
    wrong = _refused("hygiene", "--demo", "--tenants", "contoso", "-o", str(tmp_path / "x.txt"))
    assert "must end in .csv, .xlsx or .json" in wrong and not (tmp_path / "x.txt").exists()
    assert "--demo" in _refused("hygiene")
    assert "needs --golden" in _refused("drift", "--demo", "--tenants", "fabrikam")
    assert "expired" in _refused("drift", "--demo", "--tenants", "fabrikam", "--golden", "litware inc.")
