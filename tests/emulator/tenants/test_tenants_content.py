"""What the small demo tenants hold: counts, every collected type, operators, settings shapes."""

from __future__ import annotations

from typing import Any

import pytest
from tests.support import instances

from intune_assistant.catalog import AssignmentRead, Kind, default_catalog
from intune_assistant.emulator.tenants import TenantData
from intune_assistant.emulator.tenants.model import GLOBAL_READER, INTUNE_ADMINISTRATOR

CATALOG = default_catalog()
COLLECTED = [r.key for r in CATALOG.collected()]
SMALL = ("contoso", "fabrikam")
INSTANCE = "#microsoft.graph.deviceManagementConfiguration"


@pytest.mark.parametrize("name", SMALL)
def test_small_counts(demo_set: dict[str, TenantData], name: str) -> None:
    objects = demo_set[name].objects
    assert len(objects["users"]) == 60
    assert len(objects["groups"]) == 40
    # 200 devices and the older record of each planted duplicate pair.
    assert len(objects["managedDevices"]) == 200 + len(demo_set[name].planted["duplicateDevices"]) // 2
    assert len(objects["entraDevices"]) == 200
    assert len(objects["assignmentFilters"]) == 10
    assert 4 <= len(objects["scopeTags"]) <= 6
    kinds = {Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT}
    managed = sum(len(objects.get(r.key, [])) for r in CATALOG.collected() if r.kind in kinds)
    assert 130 <= managed <= 180


PARTNERS = (
    "deviceManagementPartners",
    "complianceManagementPartners",
    "remoteAssistancePartners",
    "mobileThreatDefenseConnectors",
)


@pytest.mark.parametrize("key", COLLECTED)
def test_every_collected_type_present(demo_set: dict[str, TenantData], key: str) -> None:
    if key == "gdapRelationships":
        assert len(demo_set["partner"].objects[key]) >= 2
        assert all(not demo_set[n].objects.get(key) for n in SMALL)
        return
    for name in SMALL:
        if CATALOG[key].singleton:  # one deviceManagement per tenant
            assert len(demo_set[name].objects.get(key, [])) == 1, f"{name}: {key}"
            continue
        assert len(demo_set[name].objects.get(key, [])) >= (1 if key in PARTNERS else 2), f"{name} lacks {key}"


@pytest.mark.parametrize("key", COLLECTED)
def test_shapes_follow_catalog(demo_set: dict[str, TenantData], key: str) -> None:
    record = CATALOG[key]
    tenant = demo_set["partner" if key == "gdapRelationships" else "contoso"]
    for obj in tenant.objects[key]:
        # Managed devices are named by deviceName in Graph (the catalog record says displayName).
        assert isinstance(obj["id"], str) and (record.object_name(obj) or obj.get("deviceName"))
        if record.odata_types:
            assert obj["@odata.type"].removeprefix("#microsoft.graph.") in record.odata_types
        if record.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM):
            assert isinstance(obj["assignments"], list)
            assert len({a["id"] for a in obj["assignments"]}) == len(obj["assignments"])
        for child in record.children:
            assert isinstance(obj[child.name], list), f"{key}.{child.name}"
            for value in obj[child.name]:
                assert "id" in value
                if child.expand:
                    assert child.expand in value
                for grand in child.children:
                    assert all("id" in g for g in value[grand.name])


def test_deviceconfiguration_types_cover_catalog(demo_set: dict[str, TenantData]) -> None:
    for key in ("deviceConfigurations", "mobileApps", "enrollmentConfigurations", "compliancePolicies"):
        types = {o["@odata.type"].removeprefix("#microsoft.graph.") for o in demo_set["contoso"].objects[key]}
        assert types == set(CATALOG[key].odata_types), key
    rings = demo_set["contoso"].objects["updateRings"]
    assert {r["@odata.type"] for r in rings} == {"#microsoft.graph.windowsUpdateForBusinessConfiguration"}


@pytest.mark.parametrize("name", SMALL)
def test_every_instance_type_appears(demo_set: dict[str, TenantData], name: str) -> None:
    seen: set[str] = set()
    value_types: set[str] = set()
    depth_ok = False
    for policy in demo_set[name].objects["settingsCatalog"]:
        for item in instances(policy["settings"]):
            seen.add(item["@odata.type"].removeprefix(INSTANCE))
            if "simpleSettingValue" in item:
                value_types.add(item["simpleSettingValue"]["@odata.type"].removeprefix(INSTANCE))
        depth_ok = depth_ok or any(_depth(s["settingInstance"]) >= 3 for s in policy["settings"])
    assert seen >= {
        "ChoiceSettingInstance",
        "ChoiceSettingCollectionInstance",
        "SimpleSettingInstance",
        "SimpleSettingCollectionInstance",
        "GroupSettingCollectionInstance",
    }
    assert value_types >= {"StringSettingValue", "IntegerSettingValue", "SecretSettingValue"}
    assert depth_ok


def _depth(item: dict[str, Any]) -> int:
    values = [item.get("choiceSettingValue"), *item.get("groupSettingCollectionValue", [])]
    children = [c for v in values if v for c in v.get("children", [])]
    return 1 + max((_depth(c) for c in children), default=0)


def test_settings_catalog_fields(demo_set: dict[str, TenantData]) -> None:
    policies = demo_set["contoso"].objects["settingsCatalog"]
    families = {p["templateReference"]["templateFamily"] for p in policies}
    assert {
        "none",
        "endpointSecurityAntivirus",
        "endpointSecurityDiskEncryption",
        "endpointSecurityFirewall",
        "baseline",
    } <= families
    assert {"windows10", "macOS", "iOS", "linux"} <= {p["platforms"] for p in policies}
    for policy in policies:
        assert "displayName" not in policy and policy["name"]
        assert policy["settingCount"] == len(policy["settings"])
        assert [s["id"] for s in policy["settings"]] == [str(i) for i in range(len(policy["settings"]))]


@pytest.mark.parametrize("name", [*SMALL, "partner"])
def test_operators(demo_set: dict[str, TenantData], name: str) -> None:
    tenant = demo_set[name]
    users = {u["id"]: u for u in tenant.objects["users"]}
    ops = tenant.operators
    assert ops[0].role == "admin" and ops[0].enabled and not ops[0].mfa_required
    assert INTUNE_ADMINISTRATOR in ops[0].wids
    assert any(o.role == "readOnly" and GLOBAL_READER in o.wids for o in ops)
    assert any(o.mfa_required for o in ops)
    assert any(not o.enabled for o in ops)
    for op in ops:
        assert op.user_id in users
        assert users[op.user_id]["userPrincipalName"] == op.user_principal_name
        assert users[op.user_id]["accountEnabled"] == op.enabled


def test_groups_kinds(demo_set: dict[str, TenantData]) -> None:
    groups = demo_set["contoso"].objects["groups"]
    dynamic = [g for g in groups if g["groupTypes"] == ["DynamicMembership"]]
    assert len(dynamic) >= 8
    assert all(g["membershipRule"] and g["membershipRuleProcessingState"] == "On" for g in dynamic)
    assert any(not g["members"] for g in groups)
    by_id = {g["id"]: g for g in groups}

    def depth(group: dict[str, Any]) -> int:
        nested = [by_id[m["id"]] for m in group["members"] if m["@odata.type"] == "#microsoft.graph.group"]
        return 1 + max((depth(n) for n in nested), default=0)

    assert max(depth(g) for g in groups) >= 3
    assert any(m["@odata.type"] == "#microsoft.graph.device" for g in groups for m in g["members"])
