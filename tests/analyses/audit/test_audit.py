"""Audit events as rows (newest first, objects linked to the snapshot's) and what changed per object."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from intune_assistant.analyses.audit import audit_rows, what_changed
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
POLICY = {"id": "cp-1", "name": "WIN - BitLocker", "platforms": "windows10"}


def _snapshot() -> Snapshot:
    return Snapshot(
        tenant=TenantInfo(tenant_id="t", domain="contoso.onmicrosoft.com", display_name="Contoso"),
        source="test",
        taken_at=NOW,
        objects={"settingsCatalog": [POLICY]},
        results={"settingsCatalog": TypeResult("settingsCatalog", TypeStatus.OK, 1, 0.0)},
    )


def _event(
    when: str, operation: str, resource_id: str, name: str, *, upn: str = "ann@contoso.com", result: str = "Success"
) -> dict[str, Any]:
    return {
        "id": f"{when}-{resource_id}",
        "activity": f"{operation} DeviceManagementConfigurationPolicy",
        "activityDateTime": when,
        "activityOperationType": operation,
        "activityResult": result,
        "componentName": "DeviceConfiguration",
        "correlationId": "c",
        "actor": {"userPrincipalName": upn, "applicationDisplayName": "Microsoft Intune portal extension"},
        "resources": [{"resourceId": resource_id, "displayName": name, "type": "DeviceManagementConfigurationPolicy"}],
    }


def test_rows_are_newest_first_with_objects_linked_by_id() -> None:
    events = [
        _event("2026-03-08T09:00:00.1234567Z", "Patch", "cp-1", "old name"),
        _event("2026-03-09T10:00:00Z", "Delete", "cp-gone", "Old - Kiosk"),
        _event("2026-03-07T08:00:00Z", "Action", "cp-1", "old name", upn="bob@contoso.com", result="Failure"),
    ]
    rows = audit_rows(events, _snapshot(), default_catalog())
    assert [r.when.day for r in rows if r.when] == [9, 8, 7]
    linked = rows[1].objects[0]
    # The object's name now and its type in Intune's words; the key opens its page.
    assert (linked.name, linked.type, linked.key) == ("WIN - BitLocker", "Settings catalog", "settingsCatalog")
    gone = rows[0].objects[0]
    assert gone.key is None and gone.name == "Old - Kiosk" and gone.type == "Device management configuration policy"
    assert rows[1].operation == "Update" and rows[2].operation == "Action" and rows[0].operation == "Delete"
    assert rows[2].actor == "bob@contoso.com" and rows[2].app == "Microsoft Intune portal extension"


def test_what_changed_counts_changes_per_object_with_who_and_failures() -> None:
    events = [
        _event("2026-03-08T09:00:00Z", "Patch", "cp-1", "x"),
        _event("2026-03-07T08:00:00Z", "Action", "cp-1", "x", upn="bob@contoso.com", result="Failure"),
        _event("2026-03-09T10:00:00Z", "Delete", "cp-gone", "Old - Kiosk"),
        _event("2026-03-09T11:00:00Z", "Get", "cp-1", "x"),
    ]
    changed = what_changed(audit_rows(events, _snapshot(), default_catalog()))
    assert [c.object.id for c in changed] == ["cp-gone", "cp-1"]
    gone, policy = changed
    assert gone.deleted and gone.changes == 1
    assert not policy.deleted and policy.changes == 2 and policy.failed == 1  # the read is no change
    assert policy.actors == ("ann@contoso.com", "bob@contoso.com") and policy.last is not None and policy.last.day == 8
