"""Writes: create, update, delete, /assign (replaces the set), Autopilot assignments, audit events."""

from __future__ import annotations

import json
from typing import Any

POLICIES = "/beta/deviceManagement/configurationPolicies"


REALTIME_MONITORING = {
    "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
    "settingDefinitionId": "device_vendor_msft_policy_config_defender_allowrealtimemonitoring",
    "choiceSettingValue": {"value": "device_vendor_msft_policy_config_defender_allowrealtimemonitoring_1"},
}


def group_target(group_id: str) -> dict[str, Any]:
    return {"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group_id}}


async def test_create_update_delete_each_audited_under_the_caller(env: Any) -> None:
    body = {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "name": "New policy",
        "platforms": "windows10",
        "technologies": "mdm",
        "settings": [{"settingInstance": REALTIME_MONITORING}],
    }
    async with env.client() as client:
        created = await client.post(POLICIES, json=body)
        new_id = created.json()["id"]
        patched = await client.patch(f"{POLICIES}/{new_id}", json={"description": "changed"})
        read = await client.get(f"{POLICIES}/{new_id}")
        settings = await client.get(f"{POLICIES}/{new_id}/settings")
        deleted = await client.delete(f"{POLICIES}/{new_id}")
        gone = await client.get(f"{POLICIES}/{new_id}")
        audit = await client.get("/beta/deviceManagement/auditEvents")
    assert created.status_code == 201
    assert created.json()["name"] == "New policy"
    assert {"createdDateTime", "lastModifiedDateTime"} <= set(created.json())
    assert "settings" not in created.json()
    assert patched.status_code == 204 and patched.content == b""
    assert read.json()["description"] == "changed"
    assert read.json()["lastModifiedDateTime"] >= created.json()["lastModifiedDateTime"]
    assert len(settings.json()["value"]) == 1 and settings.json()["value"][0]["id"]
    assert deleted.status_code == 204
    assert gone.status_code == 404
    events = audit.json()["value"]
    assert [e["activityOperationType"] for e in events] == ["Create", "Patch", "Delete"]
    for event in events:
        assert event["actor"]["userPrincipalName"] == "admin@contoso.example"
        assert event["actor"]["userId"] == "a0000000-0000-4000-8000-000000000001"
        assert event["actor"]["type"] == "ItPro"
        assert event["resources"][0]["resourceId"] == new_id
        assert event["activityResult"] == "Success"
        assert {"id", "displayName", "componentName", "activity", "activityDateTime", "activityType",
                "correlationId", "category"} <= set(event)  # fmt: skip
    assert events[0]["activityType"] == "Create DeviceManagementConfigurationPolicy"


async def test_create_needs_the_name_and_no_assignments(env: Any) -> None:
    async with env.client() as client:
        nameless = await client.post(POLICIES, json={"platforms": "windows10"})
        with_assignments = await client.post(POLICIES, json={"name": "x", "assignments": []})
        untyped_config = await client.post("/beta/deviceManagement/deviceConfigurations", json={"displayName": "x"})
        not_json = await client.post(POLICIES, content=b"{nope", headers={"Content-Type": "application/json"})
    assert nameless.status_code == 400
    assert with_assignments.status_code == 400
    assert untyped_config.status_code == 400
    assert not_json.status_code == 400


async def test_a_created_update_ring_lands_in_the_ring_record(env: Any) -> None:
    ring = {
        "@odata.type": "#microsoft.graph.windowsUpdateForBusinessConfiguration",
        "displayName": "Ring new",
    }
    async with env.client() as client:
        created = await client.post("/beta/deviceManagement/deviceConfigurations", json=ring)
    assert created.status_code == 201
    assert [r["displayName"] for r in env.tenant.objects["updateRings"]][-1] == "Ring new"


async def test_assign_replaces_the_whole_set(env: Any) -> None:
    async with env.client() as client:
        first = await client.post(
            f"{POLICIES}/cp-05/assign",
            json={"assignments": [group_target("g-nested"), group_target("g-cycle")]},
        )
        second = await client.post(f"{POLICIES}/cp-05/assign", json={"assignments": [group_target("g-dynamic")]})
        read = await client.get(f"{POLICIES}/cp-05/assignments")
        cleared = await client.post(f"{POLICIES}/cp-05/assign", json={"assignments": []})
        after_clear = await client.get(f"{POLICIES}/cp-05/assignments")
    assert first.status_code == 200
    assert [a["target"]["groupId"] for a in first.json()["value"]] == ["g-nested", "g-cycle"]
    assert second.status_code == 200
    assert [a["target"]["groupId"] for a in read.json()["value"]] == ["g-dynamic"]
    assert read.json()["value"][0]["id"] == "cp-05_g-dynamic"
    assert cleared.json()["value"] == []
    assert after_clear.json()["value"] == []
    assert [e["activityOperationType"] for e in env.tenant.audit_events] == ["Action"] * 3


async def test_assign_answers_without_body_for_apps_and_scripts(env: Any) -> None:
    async with env.client() as client:
        app = await client.post(
            "/beta/deviceAppManagement/mobileApps/app-1/assign",
            json={"mobileAppAssignments": [{**group_target("g-all"), "intent": "required"}]},
        )
        script = await client.post(
            "/beta/deviceManagement/deviceManagementScripts/ps-1/assign",
            json={"deviceManagementScriptAssignments": [group_target("g-all")]},
        )
        listed = await client.get("/beta/deviceAppManagement/mobileApps", params={"$expand": "assignments"})
    assert (app.status_code, app.content) == (204, b"")
    assert (script.status_code, script.content) == (204, b"")
    by_id = {a["id"]: a for a in listed.json()["value"]}
    assert by_id["app-1"]["assignments"][0]["intent"] == "required"


async def test_assign_with_the_wrong_body_key_is_refused(env: Any) -> None:
    async with env.client() as client:
        wrong = await client.post(
            "/beta/deviceAppManagement/mobileApps/app-1/assign", json={"assignments": [group_target("g-all")]}
        )
        no_target = await client.post(f"{POLICIES}/cp-01/assign", json={"assignments": [{"intent": "apply"}]})
    assert wrong.status_code == 400
    assert no_target.status_code == 400
    assert env.tenant.audit_events == []


async def test_autopilot_group_assignment_is_a_post_of_one_target(env: Any) -> None:
    base = "/beta/deviceManagement/windowsAutopilotDeploymentProfiles/ap-1"
    async with env.client() as client:
        created = await client.post(f"{base}/assignments", json=group_target("g-all"))
        listed = await client.get(f"{base}/assignments")
        assign_action = await client.post(f"{base}/assign", json={"assignments": []})
        removed = await client.delete(f"{base}/assignments/{created.json()['id']}")
        after = await client.get(f"{base}/assignments")
    assert created.status_code == 201
    assert created.json()["target"]["groupId"] == "g-all"
    assert [a["id"] for a in listed.json()["value"]] == [created.json()["id"]]
    assert assign_action.status_code == 400
    assert removed.status_code == 204
    assert after.json()["value"] == []
    assert [e["activityOperationType"] for e in env.tenant.audit_events] == ["Create", "Delete"]


async def test_read_only_operator_cannot_write(env: Any) -> None:
    async with env.client(user="reader") as client:
        read = await client.get(POLICIES)
        write = await client.patch(f"{POLICIES}/cp-01", json={"description": "x"})
    assert read.status_code == 200
    assert write.status_code == 403
    inner = json.loads(write.json()["error"]["message"])
    assert inner["Message"].startswith("User is not authorized to perform this operation")
    assert env.tenant.objects["settingsCatalog"][1].get("description") is None
    assert env.tenant.audit_events == []


async def test_write_scope_is_required_and_named(env: Any) -> None:
    async with env.client(scopes=["DeviceManagementConfiguration.Read.All"]) as client:
        response = await client.post(f"{POLICIES}/cp-01/assign", json={"assignments": []})
    assert response.status_code == 403
    inner = json.loads(response.json()["error"]["message"])
    assert "one of the following scopes: DeviceManagementConfiguration.ReadWrite.All" in inner["Message"]


async def test_writes_the_catalog_does_not_offer_are_no_route(env: Any) -> None:
    async with env.client() as client:
        audit = await client.post("/beta/deviceManagement/auditEvents", json={"displayName": "x"})
        child = await client.post(f"{POLICIES}/cp-01/settings", json={})
        put = await client.put("/beta/deviceManagement/deviceCompliancePolicies/x", json={"displayName": "x"})
    for response in (audit, child, put):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "No method match route template"


async def test_group_create_patch_and_delete(env: Any) -> None:
    async with env.client() as client:
        # Graph's required properties of a group (group-post-groups.md).
        required = {"mailEnabled": False, "mailNickname": "newgroup", "securityEnabled": True}
        created = await client.post("/v1.0/groups", json={"displayName": "New group", "groupTypes": [], **required})
        inline_members = await client.post("/v1.0/groups", json={"displayName": "x", "members": [{"id": "u-001"}]})
        group_id = created.json()["id"]
        patched = await client.patch(f"/v1.0/groups/{group_id}", json={"description": "d"})
        members = await client.get(f"/v1.0/groups/{group_id}/members")
        deleted = await client.delete(f"/v1.0/groups/{group_id}")
        user_write = await client.patch("/v1.0/users/u-001", json={"displayName": "x"})
    assert created.status_code == 201
    assert inline_members.status_code == 400
    assert patched.status_code == 204
    assert members.json()["value"] == []
    assert deleted.status_code == 204
    assert user_write.status_code == 400  # the catalog offers no user writes
    assert [e["componentName"] for e in env.tenant.audit_events] == ["Directory"] * 3


async def test_create_refuses_what_graph_refuses(env: Any) -> None:
    base = {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "name": "P",
        "platforms": "windows10",
    }
    wrong_option = {**REALTIME_MONITORING, "choiceSettingValue": {"value": "device_vendor_msft_nope_7"}}
    wrong_type = {
        **REALTIME_MONITORING,
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
    }
    async with env.client() as client:
        for body in (
            {**base, "settings": [{"settingInstance": wrong_option}]},
            {**base, "settings": [{"settingInstance": wrong_type}]},
            {**base, "settings": [{"settingInstance": {"settingDefinitionId": "x"}}]},
        ):
            answer = await client.post(POLICIES, json=body)
            assert answer.status_code == 400, body
            assert answer.json()["error"]["code"] == "BadRequest"
        listed = await client.get(POLICIES, params={"$filter": "name eq 'P'"})
        assert listed.json()["value"] == []
        # What the server sets is not taken from the body (Graph's own create examples send it).
        made = await client.post(
            POLICIES, json={**base, "settingCount": 3, "settings": [{"settingInstance": REALTIME_MONITORING}]}
        )
        assert made.status_code == 201 and made.json()["settingCount"] == 1


async def test_a_rename_is_read_back_and_an_empty_name_is_refused(env: Any) -> None:
    async with env.client() as client:
        renamed = await client.patch(f"{POLICIES}/cp-01", json={"name": "Renamed policy"})
        listed = await client.get(POLICIES, params={"$select": "id,name", "$top": "999"})
        empty = await client.patch(f"{POLICIES}/cp-01", json={"name": "  "})
        null = await client.patch(f"{POLICIES}/cp-01", json={"name": None})
        config_empty = await client.patch("/beta/deviceManagement/deviceConfigurations/dc-01", json={"displayName": ""})
        after = await client.get(f"{POLICIES}/cp-01")
    assert renamed.status_code == 204
    assert {p["id"]: p["name"] for p in listed.json()["value"]}["cp-01"] == "Renamed policy"
    for refused, field in ((empty, "name"), (null, "name"), (config_empty, "displayName")):
        assert refused.status_code == 400
        assert refused.json()["error"]["message"] == f"The property '{field}' is required and cannot be empty."
    assert after.json()["name"] == "Renamed policy"


async def test_a_deleted_group_leaves_the_assignments_that_target_it_dangling(env: Any) -> None:
    async with env.client() as client:
        deleted = await client.delete("/v1.0/groups/g-all")
        groups = await client.get("/v1.0/groups", params={"$top": "999"})
        resolved = await client.post("/v1.0/directoryObjects/getByIds", json={"ids": ["g-all"]})
        assignments = await client.get(f"{POLICIES}/cp-01/assignments")
        deleted_again = await client.delete("/v1.0/groups/g-all")
    assert deleted.status_code == 204
    assert "g-all" not in {g["id"] for g in groups.json()["value"]}
    assert resolved.json()["value"] == []
    # Intune keeps the assignment: its target names a group that no longer exists.
    assert [a["target"]["groupId"] for a in assignments.json()["value"]] == ["g-all"]
    assert deleted_again.status_code == 404
