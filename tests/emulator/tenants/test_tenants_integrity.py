"""Referential integrity of the demo tenants: every reference resolves, except the planted ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.support import instances

from intune_assistant.emulator.tenants import TenantData
from intune_assistant.emulator.tenants.model import INTUNE_ADMINISTRATOR

SMALL = ("contoso", "fabrikam")
NO_FILTER = (None, "00000000-0000-0000-0000-000000000000")
TARGETS = {
    f"#microsoft.graph.{t}"
    for t in (
        "groupAssignmentTarget",
        "exclusionGroupAssignmentTarget",
        "allLicensedUsersAssignmentTarget",
        "allDevicesAssignmentTarget",
    )
}


def assignments(tenant: TenantData) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for key, items in tenant.objects.items():
        for obj in items:
            for item in obj.get("assignments", []) or []:
                yield key, obj, item


def name_of(obj: dict[str, Any]) -> str:
    return str(obj.get("displayName") or obj.get("name"))


@pytest.mark.parametrize("name", SMALL)
def test_assignment_targets_resolve(demo_set: dict[str, TenantData], name: str) -> None:
    tenant = demo_set[name]
    groups = {g["id"] for g in tenant.objects["groups"]}
    filters = {f["id"]: f for f in tenant.objects["assignmentFilters"]}
    missing = set()
    for _key, obj, item in assignments(tenant):
        target = item["target"]
        assert target["@odata.type"] in TARGETS
        assert target["deviceAndAppManagementAssignmentFilterType"] in ("none", "include", "exclude")
        is_group = "groupId" in target
        assert is_group == ("group" in target["@odata.type"].lower())
        if is_group and target["groupId"] not in groups:
            missing.add(name_of(obj))
        filter_id = target["deviceAndAppManagementAssignmentFilterId"]
        assert filter_id in NO_FILTER or filter_id in filters
        if filter_id in filters:
            assert target["deviceAndAppManagementAssignmentFilterType"] != "none"
            assert "exclusion" not in target["@odata.type"]
    assert missing == set(tenant.planted["deletedGroupAssignments"])
    assert missing


@pytest.mark.parametrize("name", SMALL)
def test_settings_reference_the_catalogue(demo_set: dict[str, TenantData], name: str) -> None:
    tenant = demo_set[name]
    definitions = {d["id"]: d for d in tenant.setting_definitions}
    assert 150 <= len(definitions) <= 400
    for key in ("settingsCatalog", "complianceSettingsPolicies"):
        for policy in tenant.objects[key]:
            for item in instances(policy["settings"]):
                definition = definitions[item["settingDefinitionId"]]
                options = {o["itemId"] for o in definition.get("options", [])}
                if "choiceSettingValue" in item:
                    assert item["choiceSettingValue"]["value"] in options
                    assert definition["@odata.type"].endswith("ChoiceSettingDefinition")
                for value in item.get("choiceSettingCollectionValue", []):
                    assert value["value"] in options
                if "groupSettingCollectionValue" in item:
                    child_ids = set(definition["childIds"])
                    for value in item["groupSettingCollectionValue"]:
                        assert {c["settingDefinitionId"] for c in value["children"]} <= child_ids


def test_definitions_are_graph_shaped(demo_set: dict[str, TenantData]) -> None:
    definitions = demo_set["contoso"].setting_definitions
    ids = {d["id"] for d in definitions}
    assert "device_vendor_msft_policy_config_defender_allowrealtimemonitoring" in ids
    assert "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall" in ids
    assert "device_vendor_msft_bitlocker_requiredeviceencryption" in ids
    assert "com.apple.mcx.filevault2_enable" in ids
    deprecated = [d for d in definitions if d["displayName"].endswith("(Deprecated)")]
    assert len(deprecated) >= 3 and all("instead" in d["description"] for d in deprecated)
    for definition in definitions:
        assert definition["@odata.type"].startswith("#microsoft.graph.deviceManagementConfiguration")
        assert {
            "name",
            "displayName",
            "description",
            "categoryId",
            "baseUri",
            "offsetUri",
            "keywords",
            "applicability",
        } <= set(definition)
        assert not any(k.startswith("_") for k in definition)
        for child in definition.get("childIds", []):
            assert child in ids
        for option in definition.get("options", []):
            assert option["itemId"].startswith(definition["id"] + "_")
            assert all(d["dependedOnBy"] in ids for d in option["dependedOnBy"])


@pytest.mark.parametrize("name", [*SMALL, "partner"])
def test_group_members_exist(demo_set: dict[str, TenantData], name: str) -> None:
    objects = demo_set[name].objects
    known = {
        "#microsoft.graph.user": {u["id"] for u in objects["users"]},
        "#microsoft.graph.group": {g["id"] for g in objects["groups"]},
        "#microsoft.graph.device": {d["id"] for d in objects.get("entraDevices", [])},
    }
    for group in objects["groups"]:
        for member in group["members"]:
            assert member["id"] in known[member["@odata.type"]]


@pytest.mark.parametrize("name", SMALL)
def test_devices_match_entra(demo_set: dict[str, TenantData], name: str) -> None:
    objects = demo_set[name].objects
    users = {u["id"] for u in objects["users"]}
    entra = {d["deviceId"] for d in objects["entraDevices"]}
    for device in objects["managedDevices"]:
        assert device["azureADDeviceId"] in entra
        assert device["userId"] is None or device["userId"] in users


@pytest.mark.parametrize("name", SMALL)
def test_scope_tags_and_other_references(demo_set: dict[str, TenantData], name: str) -> None:
    tenant = demo_set[name]
    objects = tenant.objects
    tags = {t["id"] for t in objects["scopeTags"]}
    assert "0" in tags
    groups = {g["id"] for g in objects["groups"]}
    for items in objects.values():
        for obj in items:
            assert set(obj.get("roleScopeTagIds", []) or []) <= tags
            assert set(obj.get("roleScopeTags", []) or []) <= tags
    templates = {t["id"] for t in objects["securityTemplates"]}
    assert all(i["templateId"] in templates for i in objects["securityIntents"])
    notifications = {t["id"] for t in objects["notificationTemplates"]}
    for key in ("compliancePolicies", "complianceSettingsPolicies"):
        for policy in objects[key]:
            for rule in policy["scheduledActionsForRule"]:
                for action in rule["scheduledActionConfigurations"]:
                    # No template: Graph's all-zero GUID, never "" (a Guid property cannot be empty).
                    template = action["notificationTemplateId"]
                    assert template in notifications or template == "00000000-0000-0000-0000-000000000000"
    for assignment in objects["roleAssignments"]:
        assert set(assignment["members"]) | set(assignment["scopeMembers"]) <= groups
    locations = {loc["id"] for loc in objects["namedLocations"]}
    users = {u["id"] for u in objects["users"]}
    deleted_on_purpose = set(tenant.planted.get("caDeletedReference", ()))
    for policy in objects["conditionalAccessPolicies"]:
        who = policy["conditions"]["users"]
        where = policy["conditions"]["locations"] or {}
        refs = [*where.get("includeLocations", []), *where.get("excludeLocations", [])]
        resolved = set(who["includeGroups"]) | set(who["excludeGroups"]) <= groups and all(
            loc in locations or loc in ("All", "AllTrusted") for loc in refs
        )
        # Only the planted policy refers to a deleted group and location.
        assert resolved is (policy["displayName"] not in deleted_on_purpose), policy["displayName"]
        assert set(who["excludeUsers"]) <= users


def test_gdap_relationships(demo_set: dict[str, TenantData]) -> None:
    partner = demo_set["partner"]
    customers = {demo_set[n].tenant_id: demo_set[n].display_name for n in SMALL}
    relationships = partner.objects["gdapRelationships"]
    active = [r for r in relationships if r["status"] == "active"]
    assert {r["customer"]["tenantId"] for r in active} >= set(customers)
    # Every relationship reaches a served tenant; Graph lists a customer only while one is active.
    served = {t.tenant_id for t in demo_set.values()}
    assert {r["customer"]["tenantId"] for r in relationships} <= served
    listed = {c["tenantId"] for c in partner.objects["gdapCustomers"]}
    assert listed == {r["customer"]["tenantId"] for r in active}
    assert any(r["status"] == "expired" for r in relationships)
    active = [r for r in active if r["customer"]["tenantId"] in customers]
    groups = {g["id"]: g for g in partner.objects["groups"]}
    operators = {o.user_id for o in partner.operators}
    for relationship in active:
        assert relationship["duration"] == "P730D"
        assert relationship["customer"]["displayName"] == customers[relationship["customer"]["tenantId"]]
        roles = {r["roleDefinitionId"] for r in relationship["accessDetails"]["unifiedRoles"]}
        assert INTUNE_ADMINISTRATOR in roles
        assert relationship["accessAssignments"]
        for access in relationship["accessAssignments"]:
            container = access["accessContainer"]
            assert access["status"] == "active" and container["accessContainerType"] == "securityGroup"
            members = {m["id"] for m in groups[container["accessContainerId"]]["members"]}
            assert members & operators


@pytest.mark.parametrize("name", SMALL)
def test_planted_problems(demo_set: dict[str, TenantData], name: str) -> None:
    tenant = demo_set[name]
    planted = tenant.planted
    for kind in (
        "unassigned",
        "emptyGroups",
        "conflicts",
        "duplicates",
        "deprecated",
        "deletedGroupAssignments",
        "unusedFilters",
    ):
        assert planted[kind], kind
    policies = {p["name"]: p for p in tenant.objects["settingsCatalog"]}
    a, b = (policies[n] for n in planted["duplicates"])
    assert a["settings"] == b["settings"] and a["id"] != b["id"]
    first, second = (policies[n] for n in planted["conflicts"][:2])
    values = {}
    for policy in (first, second):
        for item in instances(policy["settings"]):
            if item["settingDefinitionId"].endswith("allowrealtimemonitoring"):
                values[policy["name"]] = item["choiceSettingValue"]["value"]
    assert len(set(values.values())) == 2
    groups = {g["displayName"]: g for g in tenant.objects["groups"]}
    assert all(not groups[g]["members"] for g in planted["emptyGroups"])
    used = {a["target"].get("deviceAndAppManagementAssignmentFilterId") for _k, _o, a in assignments(tenant)}
    filters = {f["displayName"]: f["id"] for f in tenant.objects["assignmentFilters"]}
    assert all(filters[f] not in used for f in planted["unusedFilters"])
    definitions = {d["id"]: d for d in tenant.setting_definitions}
    for policy_name in planted["deprecated"]:
        used_ids = {i["settingDefinitionId"] for i in instances(policies[policy_name]["settings"])}
        assert any(definitions[d]["displayName"].endswith("(Deprecated)") for d in used_ids)
    unassigned = set(planted["unassigned"])
    for key in ("settingsCatalog", "compliancePolicies", "powershellScripts"):
        assert any(name_of(o) in unassigned and o["assignments"] == [] for o in tenant.objects[key])
