"""$select, $expand, navigation stripping, detail fields, $filter, children and grandchildren."""

from __future__ import annotations

import json
from typing import Any

POLICIES = "/beta/deviceManagement/configurationPolicies"
CONFIGS = "/beta/deviceManagement/deviceConfigurations"
RING = "microsoft.graph.windowsUpdateForBusinessConfiguration"


async def test_select_keeps_id_and_type(env: Any) -> None:
    async with env.client() as client:
        response = await client.get(POLICIES, params={"$select": "name", "$top": "1"})
    assert response.json()["value"] == [
        {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
            "id": "cp-00",
            "name": "Policy 00",
        }
    ]


async def test_navigations_are_stripped_unless_expanded(env: Any) -> None:
    async with env.client() as client:
        plain = await client.get(POLICIES, params={"$top": "1"})
        expanded = await client.get(POLICIES, params={"$expand": "assignments,settings", "$top": "1"})
    item = plain.json()["value"][0]
    assert "assignments" not in item
    assert "settings" not in item
    full = expanded.json()["value"][0]
    assert full["assignments"] == env.tenant.objects["settingsCatalog"][0]["assignments"]
    # Every setting inline (30 > a page of 25), no nextLink inside, no settingDefinitions.
    assert len(full["settings"]) == 30
    assert "settings@odata.nextLink" not in full
    assert all("settingDefinitions" not in s for s in full["settings"])


async def test_unknown_expand_is_refused_with_graphs_message(env: Any) -> None:
    async with env.client() as client:
        response = await client.get(POLICIES, params={"$expand": "widgets"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Parsing OData Select and Expand failed: Could not find a property named 'widgets' on type "
        "'microsoft.graph.deviceManagementConfigurationPolicy'."
    )


async def test_every_navigation_of_a_type_can_be_expanded(env: Any) -> None:
    """OData: any navigation property may be expanded (query-parameters.md, "expand parameter")."""
    async with env.client() as client:
        enrollment = await client.get(
            "/beta/deviceManagement/deviceEnrollmentConfigurations", params={"$expand": "assignments"}
        )
        admx_item = await client.get(
            "/beta/deviceManagement/groupPolicyConfigurations/gpo-1", params={"$expand": "definitionValues"}
        )
        admx_list = await client.get(
            "/beta/deviceManagement/groupPolicyConfigurations", params={"$expand": "assignments"}
        )
    assert enrollment.status_code == 200
    assert enrollment.json()["value"][0]["assignments"][0]["id"] == "enr-1_g-all"
    # Graph answers the item expand of definitionValues with an empty collection
    # (microsoft-graph-docs#19655); the values are read from /definitionValues.
    assert admx_item.status_code == 200
    assert admx_item.json()["definitionValues"] == []
    assert admx_list.status_code == 200


async def test_display_name_on_a_name_type_is_refused(env: Any) -> None:
    async with env.client() as client:
        selected = await client.get(POLICIES, params={"$select": "displayName"})
        filtered = await client.get(POLICIES, params={"$filter": "displayName eq 'Policy 01'"})
    for response in (selected, filtered):
        assert response.status_code == 400
        assert "Could not find a property named 'displayName'" in response.json()["error"]["message"]


async def test_script_content_only_on_item_get(env: Any) -> None:
    async with env.client() as client:
        listed = await client.get("/beta/deviceManagement/deviceManagementScripts")
        item = await client.get("/beta/deviceManagement/deviceManagementScripts/ps-0")
        health_list = await client.get("/beta/deviceManagement/deviceHealthScripts")
        health_item = await client.get("/beta/deviceManagement/deviceHealthScripts/rem-1")
    assert all("scriptContent" not in s for s in listed.json()["value"])
    assert item.json()["scriptContent"] == "V3JpdGUtSG9zdCAnaGVsbG8n"
    assert "detectionScriptContent" not in health_list.json()["value"][0]
    assert health_item.json()["remediationScriptContent"] == "cmVtZWRpYXRl"
    assert item.json()["@odata.context"].endswith("#deviceManagement/deviceManagementScripts/$entity")


async def test_isof_filters_split_update_rings_from_configurations(env: Any, pages: Any) -> None:
    async with env.client() as client:
        rings = await pages(client, f"{CONFIGS}?$filter=isof('{RING}')&$expand=assignments")
        others = await pages(client, f"{CONFIGS}?$filter=not isof('{RING}')&$expand=assignments")
        everything = await pages(client, CONFIGS)
    ring_ids = [i["id"] for p in rings for i in p["value"]]
    other_ids = [i["id"] for p in others for i in p["value"]]
    assert sorted(ring_ids) == [f"ring-{i}" for i in range(8)]
    assert sorted(other_ids) == [f"dc-{i:02d}" for i in range(20)]
    assert sum(len(p["value"]) for p in everything) == 28
    # Filtered per 25-row page, as Graph does: short pages that still carry a nextLink.
    assert len(rings) == 2 and len(rings[0]["value"]) == 5
    assert rings[0]["@odata.count"] == 5


async def test_filter_by_name_and_unsupported_options(env: Any) -> None:
    async with env.client() as client:
        by_name = await client.get(POLICIES, params={"$filter": "name eq 'Policy 03'", "$top": "25"})
        group = await client.get("/v1.0/groups", params={"$filter": "displayName eq 'nested'"})
        startswith = await client.get(POLICIES, params={"$filter": "startswith(name,'Policy 0')", "$top": "25"})
        search = await client.get(POLICIES, params={"$search": "name"})
        unknown_option = await client.get(POLICIES, params={"foo": "bar", "$top": "1"})
    assert [p["id"] for p in by_name.json()["value"]] == ["cp-03"]
    assert [g["id"] for g in group.json()["value"]] == ["g-nested"]  # directory eq ignores case
    assert [p["id"] for p in startswith.json()["value"]] == [f"cp-0{i}" for i in range(10)]
    assert search.status_code == 400
    assert unknown_option.status_code == 200


async def test_compliance_child_with_and_without_expand(env: Any) -> None:
    base = "/beta/deviceManagement/deviceCompliancePolicies/comp-1/scheduledActionsForRule"
    async with env.client() as client:
        plain = await client.get(base)
        expanded = await client.get(base, params={"$expand": "scheduledActionConfigurations"})
        wrong = await client.get(base, params={"$expand": "assignments"})
        item = await client.get(f"{base}/rule-1", params={"$expand": "scheduledActionConfigurations"})
    assert plain.json()["value"] == [{"id": "rule-1", "ruleName": "PasswordRequired"}]
    actions = expanded.json()["value"][0]["scheduledActionConfigurations"]
    assert [a["actionType"] for a in actions] == ["block", "notification"]
    assert wrong.status_code == 400
    assert item.json()["scheduledActionConfigurations"][0]["id"] == "act-1"


async def test_admx_definition_values_and_presentation_values(env: Any) -> None:
    base = "/beta/deviceManagement/groupPolicyConfigurations/gpo-1/definitionValues"
    async with env.client() as client:
        plain = await client.get(base)
        with_definition = await client.get(base, params={"$expand": "definition"})
        presentations = await client.get(f"{base}/dv-1/presentationValues", params={"$expand": "presentation"})
        bare_presentations = await client.get(f"{base}/dv-1/presentationValues")
        one = await client.get(f"{base}/dv-1/presentationValues/pv-1")
        missing_child = await client.get(f"{base}/nope/presentationValues")
    assert plain.json()["value"] == [{"id": "dv-1", "enabled": True}]
    assert with_definition.json()["value"][0]["definition"]["displayName"] == "Configure home page"
    assert "presentationValues" not in with_definition.json()["value"][0]
    value = presentations.json()["value"][0]
    assert value["presentation"]["label"] == "Home page URL"
    assert "presentation" not in bare_presentations.json()["value"][0]
    assert one.json()["value"] == "https://intranet.example"
    assert missing_child.status_code == 404


async def test_settings_expand_setting_definitions(env: Any) -> None:
    async with env.client() as client:
        response = await client.get(f"{POLICIES}/cp-01/settings", params={"$expand": "settingDefinitions"})
        plain = await client.get(f"{POLICIES}/cp-01/settings")
    settings = response.json()["value"]
    first = [d["id"] for d in settings[0]["settingDefinitions"]]
    parent, child, other = (d["id"] for d in env.tenant.setting_definitions)
    assert first == [parent, child]  # the instance's definition and its child's
    assert [d["id"] for d in settings[1]["settingDefinitions"]] == [other]
    assert settings[0]["settingDefinitions"][0]["options"][0]["displayName"] == "Allowed"
    assert all("settingDefinitions" not in s for s in plain.json()["value"])


async def test_per_item_assignments_route(env: Any) -> None:
    async with env.client() as client:
        enrollment = await client.get("/beta/deviceManagement/deviceEnrollmentConfigurations/enr-1/assignments")
        one = await client.get("/beta/deviceManagement/deviceEnrollmentConfigurations/enr-1/assignments/enr-1_g-all")
        not_assignable = await client.get("/beta/deviceManagement/assignmentFilters/x/assignments")
    assert [a["id"] for a in enrollment.json()["value"]] == ["enr-1_g-all"]
    assert one.json()["target"]["groupId"] == "g-all"
    assert not_assignable.status_code == 400


async def test_unknown_id_is_intune_resource_not_found(env: Any) -> None:
    async with env.client() as client:
        response = await client.get(f"{POLICIES}/does-not-exist")
        user = await client.get("/v1.0/users/nobody")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "ResourceNotFound"
    inner = json.loads(error["message"])
    assert inner["_version"] == 3
    assert "Operation ID (for customer support)" in inner["Message"]
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
    assert user.json()["error"]["code"] == "Request_ResourceNotFound"


async def test_users_can_be_read_by_upn(env: Any) -> None:
    async with env.client() as client:
        response = await client.get("/v1.0/users/USER007@contoso.example")
    assert response.json()["id"] == "u-007"


async def test_v1_targets_have_no_filter_fields(env: Any) -> None:
    target = env.tenant.objects["deviceConfigurations"][0]["assignments"][0]["target"]
    target["deviceAndAppManagementAssignmentFilterId"] = "f-1"
    target["deviceAndAppManagementAssignmentFilterType"] = "include"
    async with env.client() as client:
        beta = await client.get(f"{CONFIGS}/dc-00/assignments")
        v1 = await client.get("/v1.0/deviceManagement/deviceConfigurations/dc-00/assignments")
    assert beta.json()["value"][0]["target"]["deviceAndAppManagementAssignmentFilterId"] == "f-1"
    assert v1.json()["value"][0]["target"] == {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        "groupId": "g-all",
    }
    assert target["deviceAndAppManagementAssignmentFilterType"] == "include"  # stored data untouched


async def test_compliance_list_expands_rule_actions_nested(env: Any) -> None:
    base = "/beta/deviceManagement/deviceCompliancePolicies"
    nested = "assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)"
    async with env.client() as client:
        full = await client.get(base, params={"$expand": nested})
        shallow = await client.get(base, params={"$expand": "scheduledActionsForRule"})
        wrong = await client.get(base, params={"$expand": "scheduledActionsForRule($expand=widgets)"})
        unsupported = await client.get(base, params={"$expand": "scheduledActionsForRule($select=id)"})
    rule = next(p for p in full.json()["value"] if p["id"] == "comp-1")["scheduledActionsForRule"][0]
    assert [a["actionType"] for a in rule["scheduledActionConfigurations"]] == ["block", "notification"]
    shallow_rule = next(p for p in shallow.json()["value"] if p["id"] == "comp-1")["scheduledActionsForRule"][0]
    assert "scheduledActionConfigurations" not in shallow_rule
    assert wrong.status_code == 400 and "widgets" in wrong.json()["error"]["message"]
    assert unsupported.status_code == 400
