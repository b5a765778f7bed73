"""Telling export formats apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intune_assistant.collect.importers import ExportFormat, UnknownFormatError, detect_format, import_path


def test_real_samples(intunecd_dir: Path, intunemanagement_dir: Path) -> None:
    assert detect_format(intunecd_dir) is ExportFormat.INTUNECD
    assert detect_format(intunemanagement_dir) is ExportFormat.INTUNEMANAGEMENT


def test_by_folder_names(tmp_path: Path) -> None:
    (tmp_path / "cd" / "Settings Catalog").mkdir(parents=True)
    (tmp_path / "im" / "SettingsCatalog").mkdir(parents=True)
    assert detect_format(tmp_path / "cd") is ExportFormat.INTUNECD
    assert detect_format(tmp_path / "im") is ExportFormat.INTUNEMANAGEMENT


def test_by_content(tmp_path: Path) -> None:
    (tmp_path / "Applications").mkdir()
    (tmp_path / "Applications" / "a.json").write_text(json.dumps({"@odata.context": "x", "id": "a"}), "utf-8")
    assert detect_format(tmp_path) is ExportFormat.INTUNEMANAGEMENT


def test_portal_folder(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps({"name": "P", "settings": [{"settingInstance": {}}]}), "utf-8")
    assert detect_format(tmp_path) is ExportFormat.PORTAL
    assert detect_format(tmp_path / "p.json") is ExportFormat.PORTAL


def test_unknown_formats_say_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match="IntuneCD backup"):
        import_path(tmp_path)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": "world"}), "utf-8")
    with pytest.raises(UnknownFormatError, match="not a settings catalog export"):
        import_path(other)
    broken = tmp_path / "broken.json"
    broken.write_text("{", "utf-8")
    with pytest.raises(UnknownFormatError, match="cannot be imported: not valid JSON"):
        import_path(broken)
    with pytest.raises(UnknownFormatError, match="does not exist"):
        import_path(tmp_path / "missing")
