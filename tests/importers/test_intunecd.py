"""IntuneCD backups: the real sample and synthetic edge cases."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.support import without_timings

from intune_assistant.collect.importers import import_export, import_intunecd, import_path
from intune_assistant.collect.importers.synthetic import synthetic_id
from intune_assistant.snapshot import Snapshot, TypeStatus, load_snapshot, save_snapshot

T0 = datetime(2026, 2, 5, 3, 27, 39, tzinfo=UTC)
GROUP_TARGET = "#microsoft.graph.groupAssignmentTarget"

# Files in the sample that are not objects, by design (see intunecd.py's docstring).
NOT_OBJECTS = {"Assignment Report/report.json"}
# Files in the sample whose type the catalog does not have: reported, not imported.
NOT_CATALOG = {"Device Management Settings/settings.json"}


def backup_files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in (".json", ".yaml", ".yml")
    }


@pytest.fixture(scope="module")
def sample(intunecd_dir: Path) -> Snapshot:
    return import_intunecd(intunecd_dir, taken_at=T0)


def all_targets(snapshot: Snapshot) -> list[dict[str, Any]]:
    return [
        a["target"]
        for items in snapshot.objects.values()
        for obj in items
        for a in obj.get("assignments", [])
        if isinstance(a, dict) and isinstance(a.get("target"), dict)
    ]


def test_every_object_file_of_the_sample_yields_an_object(sample: Snapshot, intunecd_dir: Path) -> None:
    files = backup_files(intunecd_dir) - NOT_OBJECTS
    synthesized_groups = sample.count("groups")
    assert sample.count() - synthesized_groups == len(files - NOT_CATALOG)
    assert sample.source == "intunecd"
    assert sample.count("settingsCatalog") == len(list((intunecd_dir / "Settings Catalog").glob("*.json")))
    assert sample.count("compliancePolicies") == 18
    assert sample.count("deviceConfigurations") == 6
    assert sample.count("updateRings") == 1
    assert sample.count("enrollmentConfigurations") == 6  # 5 restrictions/limits + the ESP
    assert sample.count("shellScripts") == 7
    assert sample.count("customAttributeScripts") == 2
    assert sample.count("notificationTemplates") == 2
    assert sample.count("appProtectionIos") == sample.count("appProtectionAndroid") == 1
    assert sample.count("roleDefinitions") == sample.count("scopeTags") == 1


def test_sample_reads_every_file_and_skips_only_what_is_not_an_object(sample: Snapshot, intunecd_dir: Path) -> None:
    assert sample.problems == []
    skipped = {(s.path, s.reason.split(";")[0]) for s in import_export(intunecd_dir).skipped}
    assert ("Device Management Settings", "not a catalog type: tenant-wide device management settings") in skipped
    assert {path for path, _ in skipped if path.endswith((".json", ".yaml"))} == NOT_OBJECTS
    # Types the backup does not hold are unknown, not empty.
    assert sample.status_of("autopilotProfiles") is TypeStatus.NOT_COLLECTED
    assert sample.status_of("settingsCatalog") is TypeStatus.OK


def test_sample_assignment_groups_resolve(sample: Snapshot) -> None:
    targets = all_targets(sample)
    group_targets = [t for t in targets if "groupassignmenttarget" in t["@odata.type"].casefold()]
    assert group_targets
    for target in group_targets:
        assert sample.names.group(target["groupId"]) is not None
        assert "groupName" not in target and "groupType" not in target
    assert sample.names.groups == {synthetic_id("group", "[SWC] - Intune-Users"): "[SWC] - Intune-Users"}
    assert sample.names.unresolved_groups == set()
    (group,) = sample.objects["groups"]
    assert group["groupTypes"] == ["DynamicMembership"]
    assert group["membershipRule"].startswith("(user.assignedPlans -any")
    # Only the groups assignments name: the result says so.
    assert sample.status_of("groups") is TypeStatus.PARTIAL


def test_sample_scope_tags_and_ids(sample: Snapshot) -> None:
    for items in sample.objects.values():
        for obj in items:
            assert isinstance(obj["id"], str) and obj["id"]
            for tag in obj.get("roleScopeTagIds", []):
                assert sample.names.scope_tag(tag) is not None
    assert sample.objects["scopeTags"][0]["id"] == "0"
    assert sample.names.scope_tags == {"0": "Default"}
    for key, items in sample.objects.items():
        assert len({o["id"] for o in items}) == len(items), key


def test_sample_types_are_restored_and_routed(sample: Snapshot) -> None:
    (ring,) = sample.objects["updateRings"]
    assert ring["@odata.type"] == "#microsoft.graph.windowsUpdateForBusinessConfiguration"
    for key in ("deviceConfigurations", "compliancePolicies", "enrollmentConfigurations", "roleDefinitions"):
        assert all(o["@odata.type"].startswith("#microsoft.graph.") for o in sample.objects[key]), key
    # Settings catalog suffixes are technologies, not types: nothing invented.
    assert all("@odata.type" not in o for o in sample.objects["settingsCatalog"])
    # The IntuneCD docs say who the tenant is.
    assert sample.tenant.domain == "ennnnbeeee.onmicrosoft.com"


def test_sample_survives_save_and_load(sample: Snapshot, tmp_path: Path) -> None:
    save_snapshot(sample, tmp_path / "snap")
    assert load_snapshot(tmp_path / "snap") == sample


def test_import_path_detects_intunecd(intunecd_dir: Path) -> None:
    assert import_path(intunecd_dir).source == "intunecd"


# --- synthetic backups ------------------------------------------------------------------------


def write(path: Path, value: Any, *, encoding: str = "utf-8", bom: bytes = b"", crlf: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = value if isinstance(value, str) else json.dumps(value, indent=4, ensure_ascii=False)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(bom + text.encode(encoding))


def assignment(**target: Any) -> dict[str, Any]:
    return {"source": "direct", "target": target}


@pytest.fixture
def backup(tmp_path: Path) -> Path:
    root = tmp_path / "backup"
    write(root / "index.md", "# Intune Documentation\n\n**Tenant:** contoso.onmicrosoft.com \n")
    write(
        root / "Settings Catalog" / "Policy A_mdm.json",
        {
            "name": "Policy A",
            "platforms": "windows10",
            "technologies": "mdm",
            "roleScopeTagIds": ["Default", "Paris"],
            "settings": [{"id": "0", "settingInstance": {"@odata.type": "#microsoft.graph.x"}}],
            "assignments": [
                assignment(
                    **{
                        "@odata.type": GROUP_TARGET,
                        "groupName": "Sales",
                        "groupType": "StaticMembership",
                        "deviceAndAppManagementAssignmentFilterId": "Corporate devices",
                        "deviceAndAppManagementAssignmentFilterType": "include",
                    }
                ),
                assignment(**{"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget"}),
            ],
        },
        bom=codecs.BOM_UTF8,
        crlf=True,
    )
    write(
        root / "Settings Catalog" / "Policy B_mdm__0f7c1f0e-2b2a-4c1e-9d59-1b5e8e1d7a10.json",
        {"name": "Policy B", "technologies": "mdm", "settings": []},
        encoding="utf-16-le",
        bom=codecs.BOM_UTF16_LE,
        crlf=True,
    )
    (root / "Device Configurations").mkdir(parents=True)
    (root / "Device Configurations" / "Ring_windowsUpdateForBusinessConfiguration.yaml").write_text(
        yaml.safe_dump({"displayName": "Ring", "roleScopeTagIds": ["Default"]}), "utf-8"
    )
    write(
        root / "Device Configurations" / "My_Profile_windows10CustomConfiguration.json",
        {
            "displayName": "My_Profile",
            "assignments": [assignment(**{"@odata.type": GROUP_TARGET, "groupName": "Sales"})],
        },
    )
    write(root / "Device Configurations" / "mobileconfig" / "x.mobileconfig", "<plist/>")
    write(
        root / "Compliance Policies" / "Policies" / "Broken_windows10CompliancePolicy.json",
        '{"displayName": ',
    )
    write(
        root / "Filters" / "Corporate devices.json",
        {"displayName": "Corporate devices", "platform": "windows10"},
    )
    write(root / "Scope Tags" / "Paris.json", {"displayName": "Paris", "isBuiltIn": False})
    write(root / "Scripts" / "Powershell" / "Script Data" / "x.ps1", "Write-Host hi")
    write(root / "Scripts" / "Powershell" / "Say hi.json", {"displayName": "Say hi", "fileName": "x.ps1"})
    write(root / "__archive__" / "2024-01-01" / "Old_mdm.json", {"name": "Old"})
    write(root / "Assignment Report" / "report.json", [])
    write(root / "Unknown Folder" / "x.json", {"displayName": "x"})
    write(root / "Unknown Folder" / "y.json", {"displayName": "y"})
    write(root / "Device Management Settings" / "settings.json", {"a": 1})
    write(root / "Roles" / "notes.txt", "hello")
    write(root / "stray.json", {})
    write(root / ".git" / "config", "[core]")
    return root


def test_synthetic_backup(backup: Path) -> None:
    snapshot = import_intunecd(backup, taken_at=T0)
    assert snapshot.tenant.domain == "contoso.onmicrosoft.com"
    assert [o["name"] for o in snapshot.objects["settingsCatalog"]] == ["Policy A", "Policy B"]
    # The id IntuneCD appended to the file name comes back; a BOM'd UTF-16 CRLF file reads.
    assert snapshot.objects["settingsCatalog"][1]["id"] == "0f7c1f0e-2b2a-4c1e-9d59-1b5e8e1d7a10"
    # A YAML update ring: type restored from the suffix, routed to its own record.
    (ring,) = snapshot.objects["updateRings"]
    assert ring["@odata.type"] == "#microsoft.graph.windowsUpdateForBusinessConfiguration"
    assert ring["roleScopeTagIds"] == ["0"]
    (profile,) = snapshot.objects["deviceConfigurations"]
    assert profile["@odata.type"] == "#microsoft.graph.windows10CustomConfiguration"
    assert snapshot.count("powershellScripts") == 1


def test_synthetic_backup_references(backup: Path) -> None:
    snapshot = import_intunecd(backup, taken_at=T0)
    policy = snapshot.objects["settingsCatalog"][0]
    sales, deleted = (a["target"] for a in policy["assignments"])
    assert sales["groupId"] == synthetic_id("group", "Sales")
    assert snapshot.names.group(sales["groupId"]) == "Sales"
    # The filter named in the target is the filter object of that name.
    (corporate,) = snapshot.objects["assignmentFilters"]
    assert sales["deviceAndAppManagementAssignmentFilterId"] == corporate["id"]
    assert snapshot.names.filter(corporate["id"]) == "Corporate devices"
    # A group target IntuneCD could not name (deleted group) is kept, and marked unresolved.
    assert deleted["groupId"] in snapshot.names.unresolved_groups
    assert snapshot.names.group(deleted["groupId"]) is None
    (paris,) = snapshot.objects["scopeTags"]
    assert policy["roleScopeTagIds"] == ["0", paris["id"]]
    assert snapshot.names.scope_tags == {"0": "Default", paris["id"]: "Paris"}
    # One synthesized group per name, however many assignments name it.
    assert [g["displayName"] for g in snapshot.objects["groups"]] == ["Sales"]
    assert snapshot.objects["groups"][0]["groupTypes"] == []


def test_synthetic_backup_problems(backup: Path) -> None:
    snapshot = import_intunecd(backup, taken_at=T0)
    problems = {p.path: p.reason for p in snapshot.problems}
    # Only the file that could not be read is a problem; the rest was left out on purpose.
    assert set(problems) == {"Compliance Policies/Policies/Broken_windows10CompliancePolicy.json"}
    assert problems["Compliance Policies/Policies/Broken_windows10CompliancePolicy.json"].startswith("not valid JSON")
    skipped = {s.path: s.reason for s in import_export(backup).skipped}
    assert {"Unknown Folder/x.json", "Device Management Settings", "Roles/notes.txt", "stray.json"} <= set(skipped)
    # A folder no tool writes is not an IntuneCD folder: its files are judged one by one.
    assert skipped["Unknown Folder/x.json"].startswith("JSON, but not a settings catalog export")
    # The only compliance file failed: the type is failed, not empty.
    assert snapshot.status_of("compliancePolicies") is TypeStatus.FAILED
    assert snapshot.results["compliancePolicies"].error == "1 file(s) could not be read; see problems"
    # Archived objects, script copies and IntuneCD's own report are not objects.
    assert "Old" not in [o.get("name") for o in snapshot.objects_of("settingsCatalog")]


def test_assignments_report_means_missing_assignments_are_none(backup: Path) -> None:
    snapshot = import_intunecd(backup, taken_at=T0)
    assert snapshot.objects["settingsCatalog"][1]["assignments"] == []
    assert snapshot.status_of("settingsCatalog") is TypeStatus.OK


def test_without_any_assignments_they_are_reported_missing(tmp_path: Path) -> None:
    write(tmp_path / "Settings Catalog" / "A_mdm.json", {"name": "A", "settings": []})
    snapshot = import_intunecd(tmp_path, taken_at=T0)
    assert "assignments" not in snapshot.objects["settingsCatalog"][0]
    assert snapshot.status_of("settingsCatalog") is TypeStatus.PARTIAL
    assert snapshot.results["settingsCatalog"].child_errors == ["assignments: not in the export for 1 of 1 object(s)"]


def test_yaml_backup_and_intents(tmp_path: Path) -> None:
    intent = {
        "displayName": "Defender",
        "templateId": "t",
        "settingsDelta": [{"definitionId": "d", "valueJson": "true"}],
        "assignments": [],
    }
    (tmp_path / "Management Intents" / "Microsoft Defender Antivirus").mkdir(parents=True)
    (tmp_path / "Management Intents" / "Microsoft Defender Antivirus" / "Defender.yaml").write_text(
        yaml.safe_dump(intent), "utf-8"
    )
    write(tmp_path / "Applications" / "Windows" / "App_Win32_1_0.yml", "displayName: App\n'@odata.type': '#x'\n")
    snapshot = import_path(tmp_path, taken_at=T0)
    (imported,) = snapshot.objects["securityIntents"]
    assert imported["settings"] == intent["settingsDelta"]
    assert "settingsDelta" not in imported
    assert snapshot.objects["mobileApps"][0]["displayName"] == "App"


def test_same_backup_gives_the_same_ids(backup: Path) -> None:
    first = import_intunecd(backup, taken_at=T0)
    second = import_intunecd(backup, taken_at=T0)
    assert without_timings(first) == without_timings(second)


def test_not_a_folder(tmp_path: Path) -> None:
    from intune_assistant.collect.importers import UnknownFormatError

    with pytest.raises(UnknownFormatError, match="not a folder"):
        import_intunecd(tmp_path / "missing")
