"""Exit codes through the real console script: 0 when everything was read, 3 (with the list) when not."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support import SAMPLES

from .test_cli import run

BROKEN = "Settings Catalog/Broken_mdm.json"


def test_an_intunecd_backup_read_in_full_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    done = run("import", str(SAMPLES / "intunecd-backup"), "-o", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Settings Catalog" in done.stdout and "not read" not in done.stdout
    for command in (("docs", "--snapshot", str(out), "-f", "md", "-o", str(tmp_path / "d.md")),
                    ("assignments", "--snapshot", str(out))):  # fmt: skip
        ran = run(*command)
        assert ran.returncode == 0, (command, ran.stdout[-500:], ran.stderr[-500:])


def test_a_file_that_cannot_be_read_exits_3_and_is_listed(tmp_path: Path) -> None:
    backup = tmp_path / "backup"
    shutil.copytree(SAMPLES / "intunecd-backup", backup)
    (backup / BROKEN).write_text("{ not json", "utf-8")
    out = tmp_path / "snap"
    done = run("import", str(backup), "-o", str(out))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "not read:" in done.stdout and "Broken_mdm.json" in done.stdout
    for command in (("docs", "--snapshot", str(out), "-f", "md", "-o", str(tmp_path / "d.md")),
                    ("assignments", "--snapshot", str(out))):  # fmt: skip
        ran = run(*command)
        assert ran.returncode == 3, command
        assert "Broken_mdm.json" in ran.stdout + ran.stderr


def test_nothing_importable_is_an_error_naming_the_formats(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    done = run("import", str(tmp_path), "-o", str(tmp_path / "out"))
    assert done.returncode == 1
    assert "IntuneCD" in done.stderr and "IntuneManagement" in done.stderr and "Traceback" not in done.stderr
