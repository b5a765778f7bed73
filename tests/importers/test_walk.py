"""Imports find everything: any tree, mixed formats at several depths, zips in memory, clear errors."""

from __future__ import annotations

import codecs
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from intune_assistant.collect.importers import (
    LOOKED_FOR,
    ArchiveError,
    UnknownFormatError,
    ZipLimits,
    import_export,
    import_path,
    import_tree,
    zip_tree,
)
from intune_assistant.snapshot import Snapshot

DEFINITION = "device_vendor_msft_policy_config_defender_allowrealtimemonitoring"


def portal_policy(name: str, *, context: bool = False) -> dict[str, object]:
    policy: dict[str, object] = {
        "name": name,
        "platforms": "windows10",
        "technologies": "mdm",
        "settings": [
            {
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                    "settingDefinitionId": DEFINITION,
                    "choiceSettingValue": {"value": f"{DEFINITION}_1", "children": []},
                }
            }
        ],
    }
    if context:
        # What made a folder of portal exports pass for IntuneManagement before.
        policy = {"@odata.context": "https://graph.microsoft.com/beta/$metadata#configurationPolicies", **policy}
    return policy


def write_portal(path: Path, name: str, *, context: bool = False, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(portal_policy(name, context=context), indent=2).replace("\n", "\r\n")
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def zip_folder(folder: Path) -> bytes:
    return zip_bytes(
        {p.relative_to(folder.parent).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    )


PORTAL_FILES = ("WINDOWS/NativeImport/A.json", "WINDOWS/NativeImport/B.json", "deep/a/b/c/Deep.json")


@pytest.fixture
def mixed(tmp_path: Path, intunecd_dir: Path, intunemanagement_dir: Path) -> Path:
    """A repository root: IntuneManagement (UTF-16) and IntuneCD at depth, portal JSON beside and
    deeper, a zipped export inside, and files that are no export at all."""
    root = tmp_path / "repo"
    shutil.copytree(intunemanagement_dir, root / "WINDOWS" / "IntuneManagement")
    shutil.copytree(intunecd_dir, root / "backups" / "prod")
    write_portal(root / PORTAL_FILES[0], "Portal A", context=True, bom=True)
    write_portal(root / PORTAL_FILES[1], "Portal B", context=True)
    write_portal(root / PORTAL_FILES[2], "Portal deep")
    zipped = {"export/Settings Catalog/Zipped_mdm.json": json.dumps({"name": "Zipped", "settings": []}).encode()}
    (root / "archives").mkdir()
    (root / "archives" / "old.zip").write_bytes(zip_bytes(zipped))
    (root / "README.md").write_text("# Baseline\n", "utf-8")
    (root / "LICENSE").write_text("MIT\n", "utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n", "utf-8")
    return root


def expected_count(intunecd_dir: Path, intunemanagement_dir: Path) -> int:
    """Objects the parts hold, each read on its own by its importer, plus the loose portal files."""
    alone = import_path(intunecd_dir).count() + import_path(intunemanagement_dir).count()
    return alone + len(PORTAL_FILES) + 1  # the zipped IntuneCD policy


def check_mixed(snapshot: Snapshot, intunecd_dir: Path, intunemanagement_dir: Path) -> None:
    assert snapshot.count() == expected_count(intunecd_dir, intunemanagement_dir)
    assert snapshot.problems == []
    assert snapshot.source == "mixed"
    names = {o.get("name") for o in snapshot.objects_of("settingsCatalog")}
    assert {"Portal A", "Portal B", "Portal deep", "Zipped"} <= names
    # Every object file of the IntuneManagement export (UTF-16 LE with BOM) became an object.
    for folder, key in (("ConditionalAccess", "conditionalAccessPolicies"), ("NamedLocations", "namedLocations")):
        assert snapshot.count(key) == len(list((intunemanagement_dir / folder).glob("*.json")))
    assert snapshot.tenant.domain == "ennnnbeeee.onmicrosoft.com"


def test_a_mixed_tree_imports_every_object(mixed: Path, intunecd_dir: Path, intunemanagement_dir: Path) -> None:
    result = import_export(mixed)
    check_mixed(result.snapshot, intunecd_dir, intunemanagement_dir)
    assert dict((root, fmt) for root, fmt in result.exports) == {
        ".": "portal export",
        "WINDOWS/IntuneManagement": "IntuneManagement",
        "archives/old.zip/export": "IntuneCD",
        "backups/prod": "IntuneCD",
    }
    folders = {f.folder: f for f in result.folders}
    assert folders["WINDOWS/NativeImport"].objects == 2
    assert folders["WINDOWS/IntuneManagement/ConditionalAccess"].formats == ("IntuneManagement",)
    assert dict(folders[""].skipped) == {"not an export file (.md)": 1, "not an export file (no extension)": 1}
    assert ".git/config" not in {s.path for s in result.skipped}


def test_the_same_tree_zipped_imports_the_same(mixed: Path, intunecd_dir: Path, intunemanagement_dir: Path) -> None:
    data = zip_folder(mixed)
    from_memory = import_tree(zip_tree(data, "repo.zip")).snapshot
    check_mixed(from_memory, intunecd_dir, intunemanagement_dir)
    on_disk = mixed.parent / "repo.zip"
    on_disk.write_bytes(data)
    assert import_path(on_disk).count() == from_memory.count()


def test_portal_exports_with_odata_context_are_portal_exports(tmp_path: Path) -> None:
    for name in ("One", "Two", "Three"):
        write_portal(tmp_path / f"{name}.json", name, context=True)
    snapshot = import_path(tmp_path)
    assert snapshot.source == "portal-export"
    assert sorted(o["name"] for o in snapshot.objects_of("settingsCatalog")) == ["One", "Three", "Two"]


def test_a_tree_with_nothing_importable_names_what_was_looked_for(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError) as empty:
        import_path(tmp_path)
    assert LOOKED_FOR in str(empty.value) and "holds no files" in str(empty.value)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.json").write_text(json.dumps({"hello": "world"}), "utf-8")
    (tmp_path / "README.md").write_text("x", "utf-8")
    with pytest.raises(UnknownFormatError) as nothing:
        import_path(tmp_path)
    message = str(nothing.value)
    assert "nothing in" in message and LOOKED_FOR in message and "docs/notes.json" in message


def test_zip_limits_are_clear_errors() -> None:
    data = zip_bytes({f"f{i}.json": b"{}" for i in range(5)})
    with pytest.raises(ArchiveError, match="holds 5 files, over the limit of 3"):
        zip_tree(data, "up.zip", ZipLimits(entries=3))
    bomb = zip_bytes({"big.json": b" " * (3 * 1024 * 1024)})
    with pytest.raises(ArchiveError, match=r"compressed .* to 1, over the limit of 200 to 1"):
        zip_tree(bomb, "up.zip")
    with pytest.raises(ArchiveError, match="over the per-file limit"):
        zip_tree(bomb, "up.zip", ZipLimits(file_bytes=1024 * 1024))
    with pytest.raises(ArchiveError, match="not a readable zip"):
        zip_tree(b"PK\x03\x04 nope", "up.zip")
    unsafe = zip_bytes({"../evil.json": b"{}", "ok/fine.json": json.dumps(portal_policy("Fine")).encode()})
    tree = zip_tree(unsafe, "up.zip")
    assert [f.path for f in tree.files] == ["ok/fine.json"]
    assert [s.path for s in tree.skipped] == ["../evil.json"]


def test_intunemanagement_settings_copies_are_left_out_not_failed(tmp_path: Path) -> None:
    """IntuneManagement writes an intent's settings again as X_Settings.json (a JSON string)."""
    folder = tmp_path / "WINDOWS" / "IntuneManagement" / "EndpointSecurity"
    folder.mkdir(parents=True)
    intent = {
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/intents/$entity",
        "@odata.type": "#microsoft.graph.deviceManagementIntent",
        "id": "i1",
        "displayName": "BitLocker",
        "templateId": "t1",
        "settings": [{"definitionId": "d", "valueJson": "true"}],
        "assignments": [],
    }
    (folder / "BitLocker.json").write_bytes(codecs.BOM_UTF16_LE + json.dumps(intent).encode("utf-16-le"))
    (folder / "BitLocker_Settings.json").write_text(json.dumps(json.dumps({"settings": intent["settings"]})), "utf-8")
    result = import_export(tmp_path)
    assert result.snapshot.problems == []
    assert [o["displayName"] for o in result.snapshot.objects_of("securityIntents")] == ["BitLocker"]
    (skipped,) = result.skipped
    assert skipped.path.endswith("BitLocker_Settings.json") and "copy of its object's settings" in skipped.reason
