"""The Assignment manager's inputs: the commercial tool's CSV (both ways), the form, copy, remove a
group, and the checks that need the objects (filter platform, app intent), each refusal with its reason."""

from __future__ import annotations

from typing import Any

from intune_assistant.analyses.assignments import Directory, FilterMode, assignment_overview
from intune_assistant.catalog import default_catalog
from intune_assistant.changes import AssignTarget, ChangeAction, Direction, ObjectKey
from intune_assistant.changes.bulk_inputs import FormInput, changes_from_form, copy_assignments, remove_group_everywhere
from intune_assistant.changes.checks import plan_bulk_assignments
from intune_assistant.changes.commercial_csv import (
    changes_from_commercial_csv,
    commercial_csv,
    looks_like_commercial_csv,
)
from intune_assistant.changes.objects import AssignableObjects
from intune_assistant.snapshot import Snapshot

from .test_plan_assignments import APP, POLICY, make_snapshot

HEADER = "PolicyName;GroupName;AssignmentDirection;AssignmentAction;Filter;FilterType\r\n"
CATALOG = default_catalog()


def _snapshot() -> Snapshot:
    snapshot = make_snapshot()
    snapshot.objects["groups"].append({"id": "g4", "displayName": "Sales", "members": []})  # a second "Sales"
    snapshot.objects["groups"].append({"id": "g5", "displayName": "Finance Laptops", "members": []})
    snapshot.objects["assignmentFilters"].append(
        {"id": "f2", "displayName": "Android corporate", "platform": "androidForWork", "rule": ""}
    )
    return snapshot


def _read(text: str, snapshot: Snapshot | None = None) -> tuple[Any, Any, Snapshot]:
    snapshot = snapshot or _snapshot()
    directory = Directory(snapshot)
    changes, rejected = changes_from_commercial_csv(text, AssignableObjects.of(snapshot, CATALOG), directory)
    return changes, rejected, snapshot


def test_commercial_rows_become_changes_by_name() -> None:
    text = HEADER + (
        "Baseline;Finance Laptops;Include;Add;Corporate;Include\r\n"
        "Baseline;Kiosks;Exclude;Remove;;\r\n"
        "7-Zip;All devices;Include;Add;;\r\n"
    )
    changes, rejected, _ = _read(text)
    assert rejected == []
    add, remove, app = changes
    assert (add.object, add.action, add.target, add.filter_id, add.filter_mode, add.source) == (
        POLICY,
        ChangeAction.ADD,
        AssignTarget.group("g5"),
        "f1",
        FilterMode.INCLUDE,
        "row 2",
    )
    assert (remove.action, remove.target, remove.direction) == (
        ChangeAction.REMOVE,
        AssignTarget.group("g2"),
        Direction.EXCLUDE,
    )
    assert (app.object, app.target) == (APP, AssignTarget.all_devices())


def test_every_bad_row_is_refused_with_its_line_and_reason_and_the_others_still_read() -> None:
    text = (
        "sep=;\r\n"
        + HEADER
        + (
            "Baselin;Finance;Include;Add;;\r\n"  # line 3: unknown policy, a look-alike suggested
            "Baseline;Sales;Include;Add;;\r\n"  # line 4: two groups are named Sales
            "Baseline;Financ;Include;Add;;\r\n"  # line 5: unknown group, a look-alike suggested
            "Baseline;Finance;Include;Add;Corporate;\r\n"  # line 6: filter without its type
            "Baseline;Finance;Include;Upsert;;\r\n"  # line 7: unknown action
            "Baseline;Finance;Sideways;Add;;\r\n"  # line 8: unknown direction
            "Baseline;Finance;Include;NoAssignment;;\r\n"  # line 9: NoAssignment names no group
            "Baseline;Finance;Include;Add;Nope;Include\r\n"  # line 10: unknown filter
            "Baseline;All users;Include;Add;;\r\n"  # line 11: fine
        )
    )
    changes, rejected, _ = _read(text)
    assert [c.source for c in changes] == ["row 11"]
    reasons = {r.source: r.reason for r in rejected}
    assert list(reasons) == [f"row {n}" for n in range(3, 11)]
    assert "no policy, app or script named 'Baselin'" in reasons["row 3"] and "'Baseline'" in reasons["row 3"]
    assert "2 groups are named 'Sales'" in reasons["row 4"] and "g3" in reasons["row 4"] and "g4" in reasons["row 4"]
    assert "no group named 'Financ'" in reasons["row 5"] and "'Finance'" in reasons["row 5"]
    assert "has no FilterType" in reasons["row 6"]
    assert "AssignmentAction must be" in reasons["row 7"]
    assert "AssignmentDirection must be" in reasons["row 8"]
    assert "leave GroupName empty" in reasons["row 9"]
    assert "no assignment filter named 'Nope'" in reasons["row 10"]


def test_the_export_is_valid_input_and_plans_nothing_until_edited() -> None:
    snapshot = make_snapshot()
    overview = assignment_overview(snapshot, CATALOG)
    text = commercial_csv(overview.rows)
    assert looks_like_commercial_csv(text) and text.startswith(HEADER.rstrip("\r\n"))
    assert "Baseline;Finance;Include;Replace;Corporate;Include" in text  # the filter type is kept
    directory = Directory(snapshot)
    changes, rejected = changes_from_commercial_csv(text, AssignableObjects.of(snapshot, CATALOG), directory)
    plan = plan_bulk_assignments(snapshot, changes, rejected, catalog=CATALOG, directory=directory)
    assert plan.rejected == () and plan.items == ()
    # Deleting a Replace row removes that assignment, and only it.
    edited = text.replace("Baseline;Kiosks;Exclude;Replace;;;Settings catalog;\r\n", "")
    assert edited != text
    changes, rejected = changes_from_commercial_csv(edited, AssignableObjects.of(snapshot, CATALOG), directory)
    plan = plan_bulk_assignments(snapshot, changes, rejected, catalog=CATALOG, directory=directory)
    [item] = plan.items
    assert [r.group_name for r in item.after] == ["Finance"]


def test_utf16_and_comma_separated_files_read_the_same() -> None:
    text = HEADER + "Baseline;Sales Team;Include;Add;;\r\n"
    snapshot = _snapshot()
    snapshot.objects["groups"].append({"id": "g6", "displayName": "Sales Team", "members": []})
    semicolon, _, _ = _read(text, snapshot)
    comma, _, _ = _read(text.replace(";", ","), snapshot)
    decoded = text.encode("utf-16").decode("utf-16")  # what the upload edge gives for a UTF-16 file
    utf16, _, _ = _read("\ufeff" + decoded, snapshot)
    assert semicolon == comma == utf16 and semicolon[0].target == AssignTarget.group("g6")


def test_filter_platform_and_app_intent_checks_refuse_what_intune_refuses() -> None:
    snapshot = _snapshot()
    directory = Directory(snapshot)
    form = FormInput(
        (POLICY, APP),
        ChangeAction.ADD,
        AssignTarget.group("g3"),
        filter_id="f2",
        filter_mode=FilterMode.INCLUDE,
        intent="required",
    )
    available_all_devices = FormInput((APP,), ChangeAction.ADD, AssignTarget.all_devices(), intent="available")
    without_enrollment = FormInput(
        (APP,), ChangeAction.ADD, AssignTarget.group("g3"), intent="availableWithoutEnrollment"
    )
    changes = [
        *changes_from_form(form),
        *changes_from_form(available_all_devices),
        *changes_from_form(without_enrollment),
    ]
    plan = plan_bulk_assignments(snapshot, changes, [], catalog=CATALOG, directory=directory)
    assert plan.items == ()
    reasons = [r.reason for r in plan.rejected]
    assert "filter 'Android corporate' is for Android" in reasons[0] and "Windows" in reasons[0]
    assert "Intune only takes a filter of the object's platform" in reasons[1]
    assert "can't be made available to All devices" in reasons[2]
    assert "is for iOS/iPadOS and Android apps" in reasons[3]


def test_form_plans_one_change_per_object_across_types_and_the_planners_checks_still_apply() -> None:
    snapshot = _snapshot()
    directory = Directory(snapshot)
    form = FormInput(
        (POLICY, APP),
        ChangeAction.ADD,
        AssignTarget.group("g5"),
        Direction.EXCLUDE,
        filter_id="f1",
        filter_mode=FilterMode.INCLUDE,
    )
    plan = plan_bulk_assignments(snapshot, changes_from_form(form), [], catalog=CATALOG, directory=directory)
    assert plan.items == ()
    assert all("can't be set on an exclusion" in r.reason for r in plan.rejected) and len(plan.rejected) == 2
    form = FormInput((POLICY, APP), ChangeAction.ADD, AssignTarget.group("g5"), intent="required")
    plan = plan_bulk_assignments(snapshot, changes_from_form(form), [], catalog=CATALOG, directory=directory)
    assert plan.rejected == () and [i.object.name for i in plan.items] == ["Baseline", "7-Zip"]
    assert plan.items[1].requests[0].body["mobileAppAssignments"][-1]["intent"] == "required"


def test_copy_adds_every_assignment_of_the_source_to_the_targets() -> None:
    snapshot = _snapshot()
    snapshot.objects["settingsCatalog"].append(
        {"id": "pol-3", "name": "Empty", "platforms": "windows10", "technologies": "mdm", "assignments": []}
    )
    directory = Directory(snapshot)
    target = ObjectKey("settingsCatalog", "pol-3")
    changes, rejected = copy_assignments(snapshot, POLICY, [target, POLICY])
    assert rejected == [] and len(changes) == 2 and all(c.object == target for c in changes)
    plan = plan_bulk_assignments(snapshot, changes, rejected, catalog=CATALOG, directory=directory)
    [item] = plan.items
    assert sorted((r.group_name, r.mode, r.filter.name if r.filter else None) for r in item.after) == [
        ("Finance", "include", "Corporate"),
        ("Kiosks", "exclude", None),
    ]
    _, refused = copy_assignments(snapshot, ObjectKey("settingsCatalog", "missing"), [target])
    assert refused and "isn't in the tenant" in refused[0].reason


def test_removing_a_group_takes_it_off_everything_that_targets_it() -> None:
    snapshot = _snapshot()
    directory = Directory(snapshot)
    changes = remove_group_everywhere(snapshot, "g1", CATALOG)
    assert {c.object.type_key for c in changes} == {"settingsCatalog", "mobileApps", "autopilotProfiles"}
    plan = plan_bulk_assignments(snapshot, changes, [], catalog=CATALOG, directory=directory)
    assert plan.rejected == () and len(plan.items) == 3
    assert all("Finance" not in (r.group_name or "") for item in plan.items for r in item.after)
    assert [r.group_name for r in plan.items[0].after] == ["Kiosks"]  # the others are kept


def test_a_refused_replace_row_holds_back_the_whole_object_so_nothing_is_lost() -> None:
    text = HEADER + "Baseline;Finance;Include;Replace;Corporate;Include\r\nBaseline;Kiosk;Exclude;Replace;;\r\n"
    changes, rejected, snapshot = _read(text)
    assert changes == [] and [r.source for r in rejected] == ["row 3", "row 2"]
    assert "would remove that assignment" in rejected[1].reason
    # Refused later (by a check, not the reader): the planned item is withheld too.
    directory = Directory(snapshot)
    text = (
        HEADER
        + "Baseline;Finance;Include;Replace;Android corporate;Include\r\nBaseline;Sales Team;Include;Replace;;\r\n"
    )
    snapshot.objects["groups"].append({"id": "g6", "displayName": "Sales Team", "members": []})
    directory = Directory(snapshot)
    changes, rejected = changes_from_commercial_csv(text, AssignableObjects.of(snapshot, CATALOG), directory)
    plan = plan_bulk_assignments(snapshot, changes, rejected, catalog=CATALOG, directory=directory)
    assert plan.items == ()
    assert "is for Android" in plan.rejected[0].reason and "would remove that assignment" in plan.rejected[1].reason
