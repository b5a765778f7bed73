"""plan_assignments over a small hand-made snapshot: requests per type, before/after rows, every
refusal with its reason, and an empty plan once the tenant is as asked."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from intune_assistant.analyses.assignments import FilterMode
from intune_assistant.changes import (
    AssignmentChange,
    AssignTarget,
    ChangeAction,
    Direction,
    ObjectKey,
    Plan,
    plan_assignments,
)
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

POLICY = ObjectKey("settingsCatalog", "pol-1")
APP = ObjectKey("mobileApps", "app-1")
AUTOPILOT = ObjectKey("autopilotProfiles", "ap-1")
UNREAD = {"assignmentFilters", "groups"}


def _group_target(group: str, *, exclude: bool = False, **extra: Any) -> dict[str, Any]:
    kind = "exclusionGroupAssignmentTarget" if exclude else "groupAssignmentTarget"
    return {"@odata.type": f"#microsoft.graph.{kind}", "groupId": group, **extra}


def make_snapshot(*, unread: tuple[str, ...] = ()) -> Snapshot:
    objects: dict[str, list[dict[str, Any]]] = {
        "settingsCatalog": [
            {
                "id": "pol-1",
                "name": "Baseline",
                "platforms": "windows10",
                "technologies": "mdm",
                "assignments": [
                    {
                        "id": "pol-1_g1",
                        "source": "direct",
                        "unknownField": {"kept": [1, 2]},
                        "target": _group_target(
                            "g1",
                            deviceAndAppManagementAssignmentFilterId="f1",
                            deviceAndAppManagementAssignmentFilterType="include",
                        ),
                    },
                    {"id": "pol-1_g2", "target": _group_target("g2", exclude=True)},
                ],
            },
            {"id": "pol-2", "name": "No assignments read", "platforms": "windows10", "technologies": "mdm"},
        ],
        "mobileApps": [
            {
                "id": "app-1",
                "@odata.type": "#microsoft.graph.win32LobApp",
                "displayName": "7-Zip",
                "assignments": [
                    {
                        "@odata.type": "#microsoft.graph.mobileAppAssignment",
                        "id": "app-1_g1",
                        "intent": "required",
                        "settings": {"notifications": "hideAll"},
                        "target": _group_target("g1"),
                    }
                ],
            }
        ],
        "autopilotProfiles": [
            {
                "id": "ap-1",
                "@odata.type": "#microsoft.graph.azureADWindowsAutopilotDeploymentProfile",
                "displayName": "Autopilot",
                "assignments": [{"id": "ap-1_g1", "target": _group_target("g1")}],
            }
        ],
        "scopeTags": [{"id": "0", "displayName": "Default"}],
        "groups": [
            {"id": "g1", "displayName": "Finance", "members": []},
            {"id": "g2", "displayName": "Kiosks", "members": []},
            {"id": "g3", "displayName": "Sales", "members": []},
        ],
        "assignmentFilters": [{"id": "f1", "displayName": "Corporate", "platform": "windows10AndLater", "rule": ""}],
    }
    results = {
        key: TypeResult(key, TypeStatus.FAILED if key in unread else TypeStatus.OK, len(items), 0.0)
        for key, items in objects.items()
    }
    for key in unread:
        objects[key] = []
    return Snapshot(
        tenant=TenantInfo("tid-1", "contoso.example", "Contoso"),
        source="emulator",
        taken_at=datetime(2026, 12, 7, tzinfo=UTC),
        objects=objects,
        results=results,
    )


def add(obj: ObjectKey, target: AssignTarget, **kwargs: Any) -> AssignmentChange:
    return AssignmentChange(obj, ChangeAction.ADD, target, **kwargs)


def test_adding_a_group_writes_the_whole_set_with_the_others_exactly_as_read() -> None:
    snapshot = make_snapshot()
    read = copy.deepcopy(snapshot.objects["settingsCatalog"][0]["assignments"])

    plan = plan_assignments(snapshot, [add(POLICY, AssignTarget.group("g3"), source="row 2")])

    assert plan.rejected == () and len(plan.items) == 1
    item = plan.items[0]
    assert (item.object.type_key, item.object.id, item.object.name) == ("settingsCatalog", "pol-1", "Baseline")
    [request] = item.requests
    assert (request.method, request.path, request.version) == (
        "POST",
        "deviceManagement/configurationPolicies/pol-1/assign",
        "beta",
    )
    assert json.dumps(request.body["assignments"][:2], sort_keys=True) == json.dumps(read, sort_keys=True)
    assert request.body["assignments"][2] == {"target": _group_target("g3")}
    assert [r.group_name for r in item.before] == ["Finance", "Kiosks"]
    assert sorted(r.group_name or "" for r in item.after) == ["Finance", "Kiosks", "Sales"]
    assert item.after[0].filter is not None and item.after[0].filter.name == "Corporate"
    assert item.precondition.read_path == "deviceManagement/configurationPolicies/pol-1/assignments"
    assert list(item.precondition.assignments) == read
    assert item.changes == ("add Sales (include)",)
    assert plan.tenant_id == "tid-1" and plan.module == "bulk-assign"


def test_an_app_assignment_uses_the_apps_body_key_and_keeps_its_settings() -> None:
    plan = plan_assignments(make_snapshot(), [add(APP, AssignTarget.all_devices(), intent="available")])

    [request] = plan.items[0].requests
    assert request.path == "deviceAppManagement/mobileApps/app-1/assign"
    first, added = request.body["mobileAppAssignments"]
    assert first["settings"] == {"notifications": "hideAll"}
    assert added == {
        "@odata.type": "#microsoft.graph.mobileAppAssignment",
        "intent": "available",
        "target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"},
    }
    assert [r.intent for r in plan.items[0].after] == ["required", "available"]


def test_autopilot_profiles_change_one_assignment_at_a_time() -> None:
    plan = plan_assignments(
        make_snapshot(),
        [
            AssignmentChange(AUTOPILOT, ChangeAction.REMOVE, AssignTarget.group("g1")),
            add(AUTOPILOT, AssignTarget.group("g3")),
        ],
    )

    requests = [(r.method, r.path, r.body) for r in plan.items[0].requests]
    base = "deviceManagement/windowsAutopilotDeploymentProfiles/ap-1"
    assert requests == [
        ("DELETE", f"{base}/assignments/ap-1_g1", None),
        ("POST", f"{base}/assignments", {"target": _group_target("g3")}),
    ]


def test_a_filter_and_an_exclusion_are_written_as_graph_spells_them() -> None:
    plan = plan_assignments(
        make_snapshot(),
        [
            add(POLICY, AssignTarget.group("g3"), filter_id="f1", filter_mode=FilterMode.EXCLUDE),
            add(POLICY, AssignTarget.group("g2"), direction=Direction.EXCLUDE),
        ],
    )

    body = plan.items[0].requests[0].body["assignments"]
    assert body[-1]["target"] == _group_target(
        "g3", deviceAndAppManagementAssignmentFilterId="f1", deviceAndAppManagementAssignmentFilterType="exclude"
    )
    assert len(body) == 3  # g2 was already excluded: kept as read
    assert "Kiosks: already" not in " ".join(plan.notes)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (add(ObjectKey("nope", "x"), AssignTarget.all_users()), "unknown object type 'nope'"),
        (add(ObjectKey("scopeTags", "0"), AssignTarget.all_users()), "'Scope tags' objects have no assignments"),
        (add(ObjectKey("settingsCatalog", "missing"), AssignTarget.all_users()), "no 'Settings catalog' object"),
        (add(ObjectKey("settingsCatalog", "pol-2"), AssignTarget.all_users()), "couldn't be read"),
        (add(POLICY, AssignTarget.group("g3"), direction=Direction.EXCLUDE, filter_id="f1",
             filter_mode=FilterMode.INCLUDE), "a filter can't be set on an exclusion"),
        (add(POLICY, AssignTarget.all_users(), direction=Direction.EXCLUDE), "only groups can be excluded"),
        (add(POLICY, AssignTarget.all_users(), intent="required"), "only apps take an install intent"),
        (add(APP, AssignTarget.all_users()), "an app needs an install intent"),
        (add(APP, AssignTarget.all_users(), intent="sometimes"), "an app needs an install intent"),
        (add(POLICY, AssignTarget.group("g9")), "no group with id g9"),
        (add(POLICY, AssignTarget.all_users(), filter_id="f9", filter_mode=FilterMode.INCLUDE),
         "no assignment filter with id f9"),
        (add(POLICY, AssignTarget.all_users(), filter_id="f1"), "a filter needs its mode"),
        (add(POLICY, AssignTarget(AssignTarget.group("g1").kind)), "needs the group's id"),
        (AssignmentChange(POLICY, ChangeAction.ADD, None), "a target is needed"),
    ],
)  # fmt: skip
def test_a_change_that_cannot_be_applied_safely_is_refused_with_its_reason(
    change: AssignmentChange, reason: str
) -> None:
    plan = plan_assignments(make_snapshot(), [change, add(APP, AssignTarget.group("g3"), intent="required")])

    assert len(plan.rejected) == 1 and reason in plan.rejected[0].reason
    assert [i.object.id for i in plan.items] == ["app-1"]  # the other change is still planned


def test_a_type_that_was_not_read_refuses_its_changes() -> None:
    plan = plan_assignments(
        make_snapshot(unread=("mobileApps",)), [add(APP, AssignTarget.group("g3"), intent="required")]
    )

    assert plan.items == () and "weren't read" in plan.rejected[0].reason


def test_duplicate_and_contradicting_rows_are_refused_naming_the_first() -> None:
    plan = plan_assignments(
        make_snapshot(),
        [
            add(POLICY, AssignTarget.group("g3"), source="row 2"),
            add(POLICY, AssignTarget.group("g3"), source="row 3"),
            AssignmentChange(POLICY, ChangeAction.REMOVE, AssignTarget.group("g3"), source="row 4"),
            AssignmentChange(POLICY, ChangeAction.REPLACE_ALL, AssignTarget.all_users(), source="row 5"),
        ],
    )

    reasons = {r.source: r.reason for r in plan.rejected}
    assert reasons["row 3"] == "duplicate of row 2"
    assert reasons["row 4"] == "conflicts with row 2 for the same target"
    assert "both replace-all and add/remove" in reasons["row 5"]
    assert len(plan.items) == 1


def test_replace_all_without_a_target_unassigns_and_warns() -> None:
    plan = plan_assignments(make_snapshot(), [AssignmentChange(POLICY, ChangeAction.REPLACE_ALL, None)])

    item = plan.items[0]
    assert item.requests[0].body == {"assignments": []}
    assert "the object will have no assignments" in item.warnings
    assert [r.target_kind for r in item.after] == ["none"]


def test_changing_an_assigned_target_replaces_it_with_a_warning() -> None:
    plan = plan_assignments(make_snapshot(), [add(POLICY, AssignTarget.group("g1"))])

    item = plan.items[0]
    assert item.requests[0].body["assignments"][0] == {"target": _group_target("g1")}
    assert any("replaces the existing assignment to Finance" in w for w in item.warnings)


def _applied(snapshot: Snapshot, plan: Plan) -> Snapshot:
    done = copy.deepcopy(snapshot)
    for item in plan.items:
        for obj in done.objects[item.object.type_key]:
            if obj["id"] == item.object.id:
                obj["assignments"] = [dict(a) for a in item.expected]
    return done


def test_planning_again_once_applied_gives_an_empty_plan() -> None:
    snapshot = make_snapshot()
    changes = [
        add(POLICY, AssignTarget.group("g3")),
        AssignmentChange(POLICY, ChangeAction.REMOVE, AssignTarget.group("g2")),
        add(APP, AssignTarget.all_users(), intent="available"),
        AssignmentChange(AUTOPILOT, ChangeAction.REPLACE_ALL, AssignTarget.group("g2")),
    ]
    plan = plan_assignments(snapshot, changes)
    assert len(plan.items) == 3

    again = plan_assignments(_applied(snapshot, plan), changes)

    assert again.empty and again.rejected == ()
    assert any("already assigned as asked" in note for note in again.notes)


def test_removing_what_is_not_assigned_is_a_note_not_an_item() -> None:
    plan = plan_assignments(
        make_snapshot(), [AssignmentChange(POLICY, ChangeAction.REMOVE, AssignTarget.all_devices())]
    )

    assert plan.empty and plan.notes == ("Baseline: All devices is not assigned; nothing to remove",)


def test_unread_groups_make_an_unknown_group_a_warning_not_a_refusal() -> None:
    plan = plan_assignments(make_snapshot(unread=("groups",)), [add(POLICY, AssignTarget.group("g9"))])

    assert plan.rejected == ()
    assert any("group Unknown group (g9) is unknown" in w for w in plan.items[0].warnings)
