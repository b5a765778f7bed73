"""The assignment overview over the Contoso demo: every type, names not ids, portal order."""

from __future__ import annotations

import re

from tests.analyses.troubleshoot.builder import Tenant, target

from intune_assistant.analyses.assignments import (
    APP_INTENTS,
    Directory,
    assignable_types,
    assignment_overview,
    object_targets,
    parse_target,
)
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Snapshot

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_assignments_every_assignable_object_is_listed_once(contoso: Snapshot, directory: Directory) -> None:
    overview = assignment_overview(contoso, directory=directory)
    types = {r.key for r in assignable_types(default_catalog())}
    assert "scopeTags" not in types and {"settingsCatalog", "mobileApps", "remediations"} <= types
    for key in types:
        listed = [p for p in overview.policies if p.object.type_key == key]
        assert len(listed) == contoso.count(key), key
    assert not overview.gaps
    # Every assigned object's targets are rows; unassigned ones have exactly one "none" row.
    for policy in overview.policies:
        assert policy.known
        assert policy.rows
        if not policy.assigned:
            assert [r.target_kind for r in policy.rows] == ["none"]


def test_assignments_names_not_ids(contoso: Snapshot, directory: Directory) -> None:
    rows = assignment_overview(contoso, directory=directory).rows
    for row in rows:
        assert not GUID.match(row.object.name)
        if row.target_kind == "group":
            assert row.group_name and not GUID.match(row.group_name)
            assert row.group_id and GUID.match(row.group_id)
        if row.filter is not None:
            assert not GUID.match(row.filter.name) and row.filter.rule
        assert all(not GUID.match(tag) for tag in row.object.scope_tags)
    deleted = [r for r in rows if r.group_state == "deleted"]
    assert deleted and all(r.group_name and r.group_name.startswith("Deleted group (") for r in deleted)
    assert all("deleted" in r.note for r in deleted)


def test_assignments_grouped_as_the_portal_shows_them(contoso: Snapshot, directory: Directory) -> None:
    overview = assignment_overview(contoso, directory=directory)
    for policy in overview.policies:
        order = [
            (APP_INTENTS.index(r.intent) if r.intent in APP_INTENTS else 9, r.mode == "exclude") for r in policy.rows
        ]
        assert order == sorted(order), policy.object.name
    cisco = next(p for p in overview.policies if p.object.name == "Cisco Secure Client")
    assert [r.intent for r in cisco.rows][:1] == ["required"]
    ring1 = next(r for r in cisco.rows if r.group_name == "Windows Update Ring 1 - Pilot")
    assert ring1.filter is not None and ring1.filter.name == "Corporate Windows" and ring1.filter_mode == "include"
    exclusion = next(r for r in cisco.rows if r.mode == "exclude")
    assert exclusion.group_name == "Human Resources Department" and exclusion.group_kind == "users"


def test_assignments_unknown_assignments_are_not_unassigned() -> None:
    t = Tenant()
    pid = t.policy("Imported", [target("allUsers")])
    del t.objects["settingsCatalog"][0]["assignments"]
    t.policy("Really unassigned", [])
    overview = assignment_overview(t.snapshot())
    by_name = {p.object.name: p for p in overview.policies}
    assert not by_name["Imported"].known and by_name["Imported"].object.id == pid
    assert by_name["Imported"].rows == ()
    assert by_name["Really unassigned"].known and not by_name["Really unassigned"].assigned


def test_assignments_failed_types_are_gaps() -> None:
    t = Tenant()
    t.policy("Policy", [target("allUsers")])
    overview = assignment_overview(t.snapshot(failed={"mobileApps": "403: needs DeviceManagementApps.Read.All"}))
    gap = next(g for g in overview.gaps if g.type_key == "mobileApps")
    assert gap.label == "Apps" and "DeviceManagementApps" in gap.reason


def test_assignments_targets_are_normalised() -> None:
    zero = "00000000-0000-0000-0000-000000000000"
    plain = parse_target({"id": "a", "target": target("group", "g", zero, "include")})
    assert plain.filter_id is None and plain.filter_mode is None
    none_mode = parse_target({"target": {**target("allDevices"), "deviceAndAppManagementAssignmentFilterId": "f"}})
    assert none_mode.filter_id is None
    exclusion = parse_target(
        {
            "target": {
                **target("exclude", "g"),
                "deviceAndAppManagementAssignmentFilterId": "f",
                "deviceAndAppManagementAssignmentFilterType": "include",
            }
        }
    )
    assert exclusion.exclude and exclusion.filter_id is None and exclusion.ignored_filter_id == "f"
    unknown = parse_target(
        {"target": {"@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget"}}
    )
    assert unknown.kind.value == "unknown"
    app = parse_target({"target": target("allUsers"), "intent": "required"}, app_intent=True)
    config = parse_target({"target": target("allUsers"), "intent": "apply"})
    assert app.intent == "required" and config.intent is None
    assert object_targets("settingsCatalog", {}) is None
    assert object_targets("settingsCatalog", {"assignments": []}) == ()
