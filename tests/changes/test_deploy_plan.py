"""Deploy planning, pure: bodies from the catalog, secrets, refusals, references (no Graph)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from intune_assistant.catalog import default_catalog
from intune_assistant.catalog.creation import creation_of, not_deployable_reason
from intune_assistant.changes.bodies import object_body
from intune_assistant.changes.deploy import AssignMode, DeployOptions, plan_deploy
from intune_assistant.changes.model import NEW_ID
from intune_assistant.changes.serialize import plan_from_json, plan_to_json
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _snapshot(objects: dict[str, list[dict[str, Any]]], domain: str = "target.example") -> Snapshot:
    results = {k: TypeResult(k, TypeStatus.OK, len(v), 0.0) for k, v in objects.items()}
    return Snapshot(TenantInfo("t-id", domain, domain), "graph", NOW, objects, results)


def _wifi(**extra: Any) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.windowsWifiConfiguration",
        "id": "src-1",
        "displayName": "Office Wi-Fi",
        "createdDateTime": "2025-01-01T00:00:00Z",
        "lastModifiedDateTime": "2025-01-02T00:00:00Z",
        "version": 3,
        "ssid": "corp",
        "roleScopeTagIds": ["0"],
        "assignments": [],
        **extra,
    }


def test_body_leaves_out_server_set_fields_and_redacted_secrets() -> None:
    record = default_catalog()["deviceConfigurations"]
    creation = creation_of(record)
    assert creation is not None
    built = object_body(record, creation, _wifi(preSharedKey="**REDACTED**", supportsScopeTags=True))
    assert "preSharedKey" not in built.body
    assert not {"id", "createdDateTime", "lastModifiedDateTime", "version", "assignments", "supportsScopeTags"} & set(
        built.body
    )
    assert built.body["ssid"] == "corp"
    assert any("preSharedKey" in w for w in built.warnings)
    assert "REDACTED" not in str(built.body)


def test_apps_that_need_content_and_scripts_without_content_are_not_deployable() -> None:
    catalog = default_catalog()
    win32 = {"@odata.type": "#microsoft.graph.win32LobApp", "displayName": "7-Zip"}
    web = {"@odata.type": "#microsoft.graph.webApp", "displayName": "Portal", "appUrl": "https://x"}
    assert "needs the app's content" in (not_deployable_reason(catalog["mobileApps"], win32) or "")
    assert not_deployable_reason(catalog["mobileApps"], web) is None
    script = {"displayName": "Clean up", "fileName": "a.ps1"}
    assert "scriptContent" in (not_deployable_reason(catalog["powershellScripts"], script) or "")


def test_plan_creates_updates_refuses_and_translates_scope_tags_by_name() -> None:
    source = _snapshot(
        {
            "deviceConfigurations": [
                _wifi(roleScopeTagIds=["7"]),
                _wifi(id="src-2", displayName="Changed", ssid="new"),
                _wifi(id="src-3", displayName="Twice"),
                _wifi(id="src-4", displayName="Same"),
            ],
            "scopeTags": [{"id": "7", "displayName": "Finance"}],
        },
        "source.example",
    )
    target = _snapshot(
        {
            "deviceConfigurations": [
                _wifi(id="t-2", displayName="Changed", ssid="old"),
                _wifi(id="t-3", displayName="Twice"),
                _wifi(id="t-4", displayName="twice"),
                _wifi(id="t-5", displayName="Same"),
            ],
            "scopeTags": [{"id": "42", "displayName": "Finance"}],
            "groups": [],
        }
    )
    plan = plan_deploy(source, target)
    by_name = {i.object.name: i for i in plan.items}
    created = by_name["Office Wi-Fi"]
    assert created.operation == "create"
    assert created.requests[0].method == "POST" and created.requests[0].path == "deviceManagement/deviceConfigurations"
    assert created.requests[0].body["roleScopeTagIds"] == ["42"]
    assert any("Finance" in r and "42" in r for r in created.references)
    changed = by_name["Changed"]
    assert changed.operation == "update"
    assert changed.requests[0].method == "PATCH"
    assert changed.requests[0].body == {"@odata.type": "#microsoft.graph.windowsWifiConfiguration", "ssid": "new"}
    assert changed.changes == ("set ssid: old → new",)
    assert "Same" not in by_name and any("'Same': unchanged" in n for n in plan.notes)
    assert [r.summary for r in plan.rejected] == ["Twice"]
    assert "2 objects of that name and type in the target" in plan.rejected[0].reason
    # The plan survives its sealed document's JSON round trip.
    assert plan_from_json(plan_to_json(plan)) == plan


def test_unmapped_group_is_flagged_and_a_chosen_group_is_assigned_after_the_create() -> None:
    assigned = _wifi(
        assignments=[{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1"}}]
    )
    source = _snapshot({"deviceConfigurations": [assigned], "groups": [{"id": "g1", "displayName": "Pilot"}]})
    target = _snapshot({"deviceConfigurations": [], "groups": [{"id": "g9", "displayName": "Everyone"}]})
    flagged = plan_deploy(source, target, DeployOptions(assign=AssignMode.SOURCE))
    assert flagged.items == ()
    assert "group 'Pilot': not mapped — no group of that name in the target" in flagged.rejected[0].reason
    chosen = plan_deploy(source, target, DeployOptions(assign=AssignMode.GROUP, group="Everyone"))
    (item,) = chosen.items
    assert item.requests[-1].path == f"deviceManagement/deviceConfigurations/{NEW_ID}/assign"
    assert item.requests[-1].body == {
        "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g9"}}]
    }
