"""IntuneManagement exports: the real sample and synthetic edge cases."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from intune_assistant.collect.importers import import_export, import_intunemanagement, import_path, read_json
from intune_assistant.snapshot import Snapshot, TypeStatus, load_snapshot, save_snapshot

T0 = datetime(2026, 2, 13, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample(intunemanagement_dir: Path) -> Snapshot:
    return import_intunemanagement(intunemanagement_dir, taken_at=T0)


def walk_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in walk_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in walk_keys(v)}
    return set()


def test_every_object_file_of_the_sample_yields_an_object(sample: Snapshot, intunemanagement_dir: Path) -> None:
    files = [p for p in intunemanagement_dir.rglob("*.json") if p.name != "MigrationTable.json"]
    assert sample.count() == len(files)
    assert sample.count("conditionalAccessPolicies") == len(
        list((intunemanagement_dir / "ConditionalAccess").glob("*"))
    )
    assert sample.count("groups") == len(list((intunemanagement_dir / "Groups").glob("*")))
    assert sample.count("namedLocations") == len(list((intunemanagement_dir / "NamedLocations").glob("*")))
    assert sample.problems == []
    assert sample.source == "intunemanagement"


def test_sample_utf16_files_are_read(sample: Snapshot, intunemanagement_dir: Path) -> None:
    utf16 = [p for p in intunemanagement_dir.rglob("*.json") if p.read_bytes().startswith(codecs.BOM_UTF16_LE)]
    utf8_bom = [p for p in intunemanagement_dir.rglob("*.json") if p.read_bytes().startswith(codecs.BOM_UTF8)]
    assert len(utf16) > 50 and len(utf8_bom) >= 3
    ids = {o["id"] for items in sample.objects.values() for o in items}
    for path in utf16 + utf8_bom:
        if path.name != "MigrationTable.json":
            assert read_json(path)["id"] in ids


def test_sample_tenant_and_names(sample: Snapshot, intunemanagement_dir: Path) -> None:
    table = read_json(intunemanagement_dir / "MigrationTable.json")
    assert sample.tenant.tenant_id == table["TenantId"]
    assert sample.tenant.display_name == table["Organization"]
    migration = {o["Id"]: o["DisplayName"] for o in table["Objects"] if o["Type"] == "Group"}
    referenced = 0
    for policy in sample.objects["conditionalAccessPolicies"]:
        users = policy["conditions"]["users"]
        for group_id in users["includeGroups"] + users["excludeGroups"]:
            referenced += 1
            assert group_id in migration
            assert sample.names.group(group_id) == migration[group_id]
    assert referenced > 50
    assert sample.names.unresolved_groups == set()


def test_sample_odata_noise_is_gone(sample: Snapshot) -> None:
    keys = walk_keys(sample.objects)
    assert "@odata.type" in keys
    assert not [k for k in keys if ("@" in k and k != "@odata.type") or k.startswith("#")]
    assert sample.objects["conditionalAccessPolicies"][0]["@odata.type"] == "#microsoft.graph.conditionalAccessPolicy"


def test_sample_statuses(sample: Snapshot) -> None:
    assert sample.status_of("conditionalAccessPolicies") is TypeStatus.OK
    assert sample.status_of("namedLocations") is TypeStatus.OK
    # Exported groups have no members, and two stale files share an id: both said, nothing dropped.
    groups = sample.results["groups"]
    assert groups.status is TypeStatus.PARTIAL
    assert groups.child_errors[0] == "members: not in the export for 36 of 36 object(s)"
    assert sum("is in both" in e for e in groups.child_errors) == 2
    assert sample.status_of("settingsCatalog") is TypeStatus.NOT_COLLECTED


def test_sample_survives_save_and_load(sample: Snapshot, tmp_path: Path) -> None:
    save_snapshot(sample, tmp_path / "snap")
    assert load_snapshot(tmp_path / "snap") == sample


def test_import_path_detects_intunemanagement(intunemanagement_dir: Path) -> None:
    assert import_path(intunemanagement_dir).source == "intunemanagement"


# --- synthetic exports ------------------------------------------------------------------------


def write(path: Path, value: Any, *, utf16: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = value if isinstance(value, str) else json.dumps(value, indent=4)
    text = text.replace("\n", "\r\n")
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le") if utf16 else text.encode("utf-8"))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    root = tmp_path / "export"
    write(
        root / "MigrationTable.json",
        {
            "TenantId": "tid",
            "Organization": "Contoso",
            "Objects": [
                {"DisplayName": "Sales", "Id": "g1", "Type": "Group"},
                {"DisplayName": "Someone", "Id": "u1", "Type": "User"},
            ],
        },
        utf16=True,
    )
    write(
        root / "SettingsCatalog" / "Policy.json",
        {
            "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/configurationPolicies/$entity",
            "id": "p1",
            "name": "Policy",
            "settings@odata.context": "x",
            "settings": [],
            "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1"}}],
            "#microsoft.graph.assign": {"title": "microsoft.graph.assign", "target": "x"},
        },
        utf16=True,
    )
    write(
        root / "DeviceConfiguration" / "Ring.json",
        {"@odata.type": "#microsoft.graph.windowsUpdateForBusinessConfiguration", "id": "r"},
    )
    write(
        root / "AppProtection" / "WIP.json",
        {"@odata.type": "#microsoft.graph.mdmWindowsInformationProtectionPolicy", "id": "w"},
    )
    write(root / "ConditionalAccess" / "Broken.json", '{"id": "c1", ')
    write(root / "PowerShellScripts" / "Script.json", {"id": "s1", "displayName": "Script", "assignments": []})
    write(root / "PowerShellScripts" / "Script.ps1", "Write-Host hi")
    write(root / "IntuneBranding" / "Brand.json", {"id": "b"})
    write(root / "SomethingNew" / "x.json", {"id": "x"})
    write(root / "SomethingNew" / "y.json", {"id": "y"})
    write(root / "Groups" / "notes.docx", "binary-ish")
    return root


def test_synthetic_export(export: Path) -> None:
    snapshot = import_intunemanagement(export, taken_at=T0)
    assert snapshot.tenant.tenant_id == "tid"
    (policy,) = snapshot.objects["settingsCatalog"]
    assert policy == {
        "id": "p1",
        "name": "Policy",
        "settings": [],
        "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1"}}],
    }
    assert snapshot.names.groups == {"g1": "Sales"}
    assert [o["id"] for o in snapshot.objects["updateRings"]] == ["r"]
    assert snapshot.count("powershellScripts") == 1
    problems = {p.path: p.reason for p in snapshot.problems}
    # Only the file that could not be read is a problem; the rest was left out on purpose.
    assert set(problems) == {"ConditionalAccess/Broken.json"}
    assert problems["ConditionalAccess/Broken.json"].startswith("not valid JSON")
    skipped = {s.path: s.reason for s in import_export(export).skipped}
    assert {"AppProtection/WIP.json", "IntuneBranding", "SomethingNew/x.json", "Groups/notes.docx"} <= set(skipped)
    assert skipped["SomethingNew/x.json"].startswith("JSON, but not a settings catalog export")
    assert skipped["IntuneBranding"].startswith("not a catalog type: Intune branding profiles")
    assert skipped["AppProtection/WIP.json"].startswith("not a catalog type: app protection type")
    assert snapshot.status_of("conditionalAccessPolicies") is TypeStatus.FAILED
    assert snapshot.status_of("settingsCatalog") is TypeStatus.OK


def test_import_path_detects_by_folder_names_without_migration_table(export: Path) -> None:
    (export / "MigrationTable.json").unlink()
    snapshot = import_path(export, taken_at=T0)
    assert snapshot.source == "intunemanagement"
    assert snapshot.tenant.tenant_id is None
    # Without the table the group stays unnamed, and is reported as such.
    assert snapshot.names.unresolved_groups == {"g1"}
