"""Drift of one tenant over time, and exports compared with themselves after a round trip."""

from __future__ import annotations

import copy
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.support import SAMPLES

from intune_assistant.analyses.compare import (
    CompareKind,
    ObjectStatus,
    SettingStatus,
    compare_drift,
    compare_tenants,
)
from intune_assistant.collect.importers import import_path
from intune_assistant.snapshot import (
    Problem,
    ProblemKind,
    Snapshot,
    TypeResult,
    TypeStatus,
    load_snapshot,
    save_snapshot,
)

APPS_FORBIDDEN = Problem(ProblemKind.MISSING_SCOPE, "Forbidden", status=403, scope="DeviceManagementApps.Read.All")


@pytest.fixture(scope="module")
def intunecd() -> Path:
    return SAMPLES / "intunecd-backup"


def test_intunecd_backup_equals_itself_after_a_round_trip_through_our_format(intunecd: Path, tmp_path: Path) -> None:
    imported = import_path(intunecd)
    save_snapshot(imported, tmp_path / "snapshot")
    loaded = load_snapshot(tmp_path / "snapshot")
    for compare in (compare_tenants, compare_drift):
        result = compare(imported, loaded)
        assert result.differences == (), [(o.name, o.changed_settings) for o in result.differences]
        assert result.not_compared == ()
        assert result.aligned
    counted = sum(len(v) for k, v in imported.objects.items() if k in {o.type_key for o in result.objects})
    assert len(result.objects) == counted > 100
    # Settings really were compared, not skipped: every settings-catalog policy has some.
    catalog_policies = [o for o in result.objects if o.type_key == "settingsCatalog"]
    assert catalog_policies and all(o.settings for o in catalog_policies)


def _edit(contoso: Snapshot) -> tuple[Snapshot, dict[str, str]]:
    """A later snapshot of Contoso with one change of each kind; returns names of what changed."""
    after = copy.deepcopy(contoso)
    policies = after.objects["settingsCatalog"]
    renamed, changed, removed = policies[5], policies[6], policies[7]
    reassigned = next(
        p for p in policies[8:] if any(a["target"].get("groupId") in contoso.names.groups for a in p["assignments"])
    )
    names = {
        "renamed_from": renamed["name"],
        "renamed_to": renamed["name"] + " (renamed)",
        "changed": changed["name"],
        "removed": removed["name"],
        "reassigned": reassigned["name"],
        "added": "WIN - New Policy",
    }
    renamed["name"] = names["renamed_to"]
    instance = changed["settings"][0]["settingInstance"]
    names["changed_setting"] = instance["settingDefinitionId"]
    if "choiceSettingValue" in instance:
        instance["choiceSettingValue"]["value"] += "_other"
    else:
        instance["simpleSettingValue"]["value"] = 4242
    policies.remove(removed)
    dropped = next(a for a in reassigned["assignments"] if a["target"].get("groupId") in contoso.names.groups)
    names["dropped_target"] = dropped["target"]["groupId"]
    reassigned["assignments"] = [a for a in reassigned["assignments"] if a is not dropped]
    added = copy.deepcopy(removed)
    added.update({"id": "00000000-0000-0000-0000-00000000abcd", "name": names["added"]})
    added["settings"] = []  # nothing in common with anything: not a rename
    policies.append(added)
    return after, names


def test_drift_reports_added_removed_renamed_changed_and_reassigned(contoso: Snapshot) -> None:
    after, names = _edit(contoso)
    result = compare_drift(contoso, after)
    assert result.kind is CompareKind.DRIFT and not result.aligned
    changed = {(o.status, o.name) for o in result.differences}
    assert (ObjectStatus.ONLY_LEFT, names["removed"]) in changed
    assert (ObjectStatus.ONLY_RIGHT, names["added"]) in changed
    renamed = next(o for o in result.objects if o.renamed)
    assert renamed.left is not None and renamed.left.name == names["renamed_from"]
    assert renamed.name == names["renamed_to"] and renamed.status is ObjectStatus.SAME
    assert renamed.match is not None and renamed.match.method == "id"
    edited = next(o for o in result.objects if o.name == names["changed"])
    assert [s.setting_id for s in edited.changed_settings] == [names["changed_setting"]]
    assert edited.changed_settings[0].status is SettingStatus.DIFFERENT
    reassigned = next(o for o in result.objects if o.name == names["reassigned"])
    assert reassigned.changed_settings == ()
    [dropped] = reassigned.changed_assignments
    assert dropped.status is SettingStatus.ONLY_LEFT
    assert contoso.names.groups[names["dropped_target"]] in dropped.target
    # Nothing else moved.
    assert len(result.differences) == 5
    assert result.not_compared == ()


def test_a_rename_without_stable_ids_is_found_by_settings_overlap(contoso: Snapshot) -> None:
    after = copy.deepcopy(contoso)
    policy = after.objects["settingsCatalog"][3]
    old_name = policy["name"]
    policy["name"], policy["id"] = "Renamed in an export", "new-id"
    result = compare_drift(contoso, after)
    [renamed] = result.differences
    assert renamed.renamed and renamed.left is not None and renamed.left.name == old_name
    assert renamed.match is not None and renamed.match.method == "overlap" and renamed.match.score == 1.0


@pytest.mark.parametrize("status", [TypeStatus.FAILED, TypeStatus.NOT_COLLECTED])
@pytest.mark.parametrize("side", ["before", "after"])
def test_a_type_not_read_in_either_snapshot_is_not_compared_never_removed(
    contoso: Snapshot, status: TypeStatus, side: str
) -> None:
    broken = copy.deepcopy(contoso)
    broken.objects["mobileApps"] = []
    if status is TypeStatus.FAILED:
        broken.results["mobileApps"] = TypeResult(
            "mobileApps",
            status,
            0,
            0.0,
            problem=APPS_FORBIDDEN,
        )
    else:
        del broken.results["mobileApps"]
        del broken.objects["mobileApps"]
    before, after = (broken, contoso) if side == "before" else (contoso, broken)
    result = compare_drift(before, after)
    assert [n.type_key for n in result.not_compared] == ["mobileApps"]
    assert not any(o.type_key == "mobileApps" for o in result.objects)
    assert result.differences == () and not result.aligned
    if status is TypeStatus.FAILED:
        assert "DeviceManagementApps.Read.All" in result.not_compared[0].reason


def test_objects_missing_from_a_partial_read_are_not_confirmed_never_removed(contoso: Snapshot) -> None:
    partial = copy.deepcopy(contoso)
    dropped = partial.objects["deviceConfigurations"].pop()
    count = len(partial.objects["deviceConfigurations"])
    partial.results["deviceConfigurations"] = TypeResult(
        "deviceConfigurations",
        TypeStatus.PARTIAL,
        count,
        0.0,
        problem=Problem(ProblemKind.SERVER_ERROR, "Service unavailable", status=503, stopped_after=count),
    )
    result = compare_drift(contoso, partial)
    [unconfirmed] = result.differences
    assert unconfirmed.status is ObjectStatus.UNCONFIRMED
    assert unconfirmed.name == dropped["displayName"]
    assert "partially" in unconfirmed.note
    assert not result.aligned
    # The other way round it may have been there, unseen, all along: not "added" either.
    assert compare_drift(partial, contoso).differences[0].status is ObjectStatus.UNCONFIRMED


def test_a_read_missing_only_details_still_saw_every_object_so_one_sided_ones_are_added_or_removed(
    contoso: Snapshot,
) -> None:
    partial = copy.deepcopy(contoso)
    dropped = partial.objects["deviceConfigurations"].pop()
    count = len(partial.objects["deviceConfigurations"])
    # The list came in whole; only one profile's assignments failed.
    partial.results["deviceConfigurations"] = TypeResult(
        "deviceConfigurations",
        TypeStatus.PARTIAL,
        count,
        0.0,
        child_problems=[Problem(ProblemKind.SERVER_ERROR, "Service unavailable", status=503, part="assignments")],
    )
    [removed] = compare_drift(contoso, partial).differences
    assert removed.status is ObjectStatus.ONLY_LEFT and removed.name == dropped["displayName"]
    [added] = compare_drift(partial, contoso).differences
    assert added.status is ObjectStatus.ONLY_RIGHT and added.name == dropped["displayName"]


def _backup_copy(source: Path, target: Path, stamp: datetime) -> Path:
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        os.utime(path, (stamp.timestamp(), stamp.timestamp()))
    return target


def test_two_intunecd_backups_of_one_tenant_show_what_was_added_removed_and_renamed(
    intunecd: Path, tmp_path: Path
) -> None:
    monday, friday = datetime(2025, 3, 3, 9, 0, tzinfo=UTC), datetime(2025, 3, 7, 17, 30, tzinfo=UTC)
    before = _backup_copy(intunecd, tmp_path / "monday", monday)
    after = _backup_copy(intunecd, tmp_path / "friday", friday)
    catalog_folder = after / "Settings Catalog"
    files = sorted(catalog_folder.glob("*.json"))
    removed, renamed = files[0], files[1]
    removed_name = json.loads(removed.read_text("utf-8"))["name"]
    policy = json.loads(renamed.read_text("utf-8"))
    old_name, policy["name"] = policy["name"], "Renamed between the two backups"
    renamed.unlink()
    (catalog_folder / "Renamed between the two backups_mdm.json").write_text(json.dumps(policy), "utf-8")
    removed.unlink()
    scripts = after / "Scripts" / "Shell"
    script_file = sorted(scripts.glob("*.json"))[0]
    script = json.loads(script_file.read_text("utf-8"))
    script["displayName"], script["fileName"] = "A new script", "new.sh"
    script["scriptContent"] = "IyEvYmluL3NoCmVjaG8gbmV3Cg=="  # "#!/bin/sh\necho new"
    (scripts / "A new script.json").write_text(json.dumps(script), "utf-8")
    for path in after.rglob("*"):
        os.utime(path, (friday.timestamp(), friday.timestamp()))

    result = compare_drift(import_path(before), import_path(after))
    assert result.kind is CompareKind.DRIFT
    assert result.not_compared == ()
    statuses = {(o.status, o.name) for o in result.differences}
    assert (ObjectStatus.ONLY_LEFT, removed_name) in statuses
    assert (ObjectStatus.ONLY_RIGHT, "A new script") in statuses
    [rename] = [o for o in result.objects if o.renamed]
    assert rename.left is not None and rename.left.name == old_name and rename.name == policy["name"]
    assert rename.status is ObjectStatus.SAME
    # Partial only in details (IntuneCD keeps no app protection apps): nothing is "not confirmed".
    assert not [o for o in result.objects if o.status is ObjectStatus.UNCONFIRMED]
    assert len(result.differences) == 3
    # Each side with its source and its own time: the backups' file times, not the import's.
    assert (result.left.taken_at, result.right.taken_at) == (monday, friday)
    assert result.left.origin == "IntuneCD backup, newest file 2025-03-03 09:00 UTC"
    assert result.right.origin == "IntuneCD backup, newest file 2025-03-07 17:30 UTC"


def test_a_script_removed_and_another_added_are_not_a_rename(contoso: Snapshot) -> None:
    after = copy.deepcopy(contoso)
    scripts = after.objects["powershellScripts"]
    gone = scripts.pop(0)
    new = copy.deepcopy(gone)
    new.update({"id": "00000000-0000-0000-0000-0000000000aa", "displayName": "Another script"})
    # Same file name, other content: every script has the same properties, so only their values
    # tell a rename from a replacement.
    new.update({"scriptContent": "V3JpdGUtSG9zdCAnaGVsbG8n", "description": "other", "runAs32Bit": True})
    scripts.append(new)
    result = compare_drift(contoso, after)
    assert {(o.status, o.name) for o in result.differences} == {
        (ObjectStatus.ONLY_LEFT, gone["displayName"]),
        (ObjectStatus.ONLY_RIGHT, "Another script"),
    }
