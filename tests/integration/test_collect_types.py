"""Every catalog type is collected from the emulator with its assignments, children and names."""

from __future__ import annotations

from typing import Any

import pytest

from intune_assistant.catalog import AssignmentRead, Child, Kind, ResourceType, default_catalog
from intune_assistant.emulator.demo import DemoTenancy
from intune_assistant.snapshot import Snapshot, TypeStatus

COLLECTED = [r.key for r in default_catalog().collected()]
# GDAP relationships live in the MSP's own tenant; everything else is read from Contoso.
PARTNER_ONLY = {"gdapRelationships"}


def _snapshot_for(key: str, contoso: Snapshot, partner: Snapshot) -> tuple[str, Snapshot]:
    return ("partner", partner) if key in PARTNER_ONLY else ("contoso", contoso)


def _by_id(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in objects}


def _check_children(record: ResourceType, child: Child, source: dict[str, Any], got: dict[str, Any]) -> None:
    expected = source.get(child.name, [])
    assert child.name in got, f"{record.key}: {child.name} missing on {got.get('id')}"
    assert sorted(v["id"] for v in got[child.name]) == sorted(v["id"] for v in expected)
    got_children = _by_id(got[child.name])
    for value in expected:
        if child.expand and child.expand in value:
            assert got_children[value["id"]].get(child.expand) == value[child.expand]
        for grand in child.children:
            _check_children(record, grand, value, got_children[value["id"]])


@pytest.mark.parametrize("key", COLLECTED)
def test_type_is_collected_whole(
    key: str, demo: DemoTenancy, contoso_snapshot: Snapshot, partner_snapshot: Snapshot
) -> None:
    record = demo.catalog[key]
    tenant, snapshot = _snapshot_for(key, contoso_snapshot, partner_snapshot)
    source = demo.tenants[tenant].objects.get(key, [])
    # A singleton is one object; a partner connection is usually one per kind.
    one = record.singleton or (record.kind is Kind.TENANT and record.health is not None)
    assert len(source) >= (1 if one else 2), f"the demo tenant should hold some {record.label}"
    result = snapshot.results[key]
    assert result.status is TypeStatus.OK, result
    got = _by_id(snapshot.objects_of(key))
    assert set(got) == {o["id"] for o in source}
    assert result.count == len(source)
    for original in source:
        collected = got[original["id"]]
        assert collected.get(record.name_field) == original.get(record.name_field)
        if record.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM):
            assert sorted(a["id"] for a in collected["assignments"]) == sorted(
                a["id"] for a in original.get("assignments", [])
            )
        for child in record.children:
            _check_children(record, child, original, collected)
        if record.read_item_for_detail:
            content = [f for f in ("scriptContent", "detectionScriptContent") if f in original]
            assert content and all(collected.get(f) == original[f] for f in content)


def test_unset_singleton_is_read_as_not_set_up(partner_snapshot: Snapshot) -> None:
    """Graph answers 404 for an APNs certificate the tenant never uploaded: that is "none", read
    completely, not a failed read (intune-devices-applepushnotificationcertificate-get)."""
    result = partner_snapshot.results["applePushCertificate"]
    assert result.status is TypeStatus.OK and result.problem is None
    assert partner_snapshot.objects_of("applePushCertificate") == []


@pytest.mark.parametrize("key", COLLECTED)
def test_type_names_resolve(key: str, contoso_snapshot: Snapshot, partner_snapshot: Snapshot) -> None:
    _, snapshot = _snapshot_for(key, contoso_snapshot, partner_snapshot)
    names = snapshot.names
    for obj in snapshot.objects_of(key):
        for assignment in obj.get("assignments", []):
            target = assignment["target"]
            group_id = target.get("groupId")
            if group_id:
                assert names.groups.get(group_id) or group_id in names.unresolved_groups
            filter_id = target.get("deviceAndAppManagementAssignmentFilterId")
            if filter_id and filter_id != "00000000-0000-0000-0000-000000000000":
                assert names.filters.get(filter_id), f"filter {filter_id} of {key} has no name"
        for tag in obj.get("roleScopeTagIds", []) or []:
            assert names.scope_tags.get(tag), f"scope tag {tag} of {key} has no name"


def test_deleted_groups_are_reported_not_named(demo: DemoTenancy, contoso_snapshot: Snapshot) -> None:
    planted = demo.tenants["contoso"].planted.get("deletedGroupAssignments", [])
    assert planted, "the generator plants assignments to deleted groups"
    assert contoso_snapshot.names.unresolved_groups, "assignments to deleted groups must be visible"
    assert not contoso_snapshot.names.unresolved_groups & set(contoso_snapshot.names.groups)
