"""The docs, definitions export and settings search commands as a user runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from .readers import read_html

CLI = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INTUNE_ASSISTANT_DEBUG"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, env=env, cwd=cwd, check=False)


def test_docs_of_a_demo_tenant_with_the_default_file_name(tmp_path: Path) -> None:
    done = run("docs", "--demo", "contoso", "--format", "html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = list(tmp_path.glob("*.html"))
    assert len(written) == 1
    assert re.fullmatch(r"contoso\.onmicrosoft\.com_documentation_\d{4}-\d\d-\d\d_\d{4}\.html", written[0].name)
    assert "Documented" in done.stdout
    assert read_html(written[0]).scripts == 1


def test_definitions_export_then_offline_docs_of_a_saved_snapshot(tmp_path: Path) -> None:
    defs = tmp_path / "defs.json"
    done = run("definitions", "export", "--demo", "contoso", "-o", str(defs), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    exported = json.loads(defs.read_text("utf-8"))
    assert exported["format"] == "intune-assistant-setting-definitions" and exported["count"] > 100
    snapshot = tmp_path / "snap"
    assert run("snapshot", "--demo", "fabrikam", "-o", str(snapshot), cwd=tmp_path).returncode == 0
    (snapshot / "definitions.json").unlink()  # as if collected before definitions were kept
    out = tmp_path / "docs.md"
    done = run(
        "docs", "--snapshot", str(snapshot), "--definitions", str(defs), "-f", "md", "-o", str(out),
        "--type", "settingsCatalog", "--no-assignments", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert "Allow Realtime Monitoring" in text or "Real" in text
    assert "#### Assignments" not in text and "## Settings catalog" in text


def test_settings_search_json(tmp_path: Path) -> None:
    done = run("settings", "search", "bitlocker", "--demo", "contoso", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found and all("bitlocker" in json.dumps(f).lower() for f in found)
    assert {"policy", "type", "platform", "setting", "value", "setting_id"} <= set(found[0])


def test_errors_are_one_line(tmp_path: Path) -> None:
    for args, message in (
        (("docs", "--format", "odt", "--demo", "contoso"), "unknown format"),
        (("docs", "--demo", "contoso", "--snapshot", "x"), "exactly one of"),
        (("docs", "--demo", "contoso", "--format", "html", "--per-policy"), "--per-policy"),
        (("docs", "--demo", "contoso", "--type", "groups"), "undocumented type"),
        (("docs", "--demo", "contoso", "--definitions", "nope.json"), "could not be read"),
    ):
        done = run(*args, cwd=tmp_path)
        assert done.returncode == 1, args
        assert message in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
