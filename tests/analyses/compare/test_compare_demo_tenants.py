"""Contoso vs Fabrikam: every difference the generator put between them, and nothing else.

Expectations come from the generated tenant data (``demo.tenants[...]``), read here with a few
lines of independent code, never from compare's own output.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from tests.support import instances

from intune_assistant.analyses.compare import (
    CompareKind,
    Comparison,
    ObjectDiff,
    ObjectStatus,
    SettingStatus,
    compare_tenants,
)
from intune_assistant.catalog import Catalog, Kind
from intune_assistant.emulator.demo import DemoTenancy
from intune_assistant.snapshot import Snapshot

CONFIGURATION = {Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT, Kind.TENANT}
METADATA = {"description", "roleScopeTagIds"}
Obj = dict[str, Any]


def _template(policy: Obj) -> str:
    reference = policy.get("templateReference") or {}
    return str(reference.get("templateId") or "")


@pytest.fixture(scope="module")
def result(contoso: Snapshot, fabrikam: Snapshot) -> Comparison:
    return compare_tenants(contoso, fabrikam)


def _name(record_name_field: str, obj: Obj) -> str:
    return " ".join(str(obj.get(record_name_field) or obj.get("displayName") or "").split()).casefold()


def _identity(catalog: Catalog, key: str, obj: Obj) -> tuple[Any, ...]:
    record = catalog[key]
    return (_name(record.name_field, obj), *(repr(obj.get(f)) for f in record.identity_key))


def _raw_values(policy: Obj) -> dict[str, tuple[str, ...]]:
    """Definition id → sorted values, read straight from the generated setting instances."""
    values: dict[str, list[str]] = {}
    for instance in instances(policy["settings"]):
        if "choiceSettingValue" in instance:
            value: Any = instance["choiceSettingValue"]["value"]
        elif "choiceSettingCollectionValue" in instance:
            value = sorted(v["value"] for v in instance["choiceSettingCollectionValue"])
        elif "simpleSettingValue" in instance:
            simple = instance["simpleSettingValue"]
            # Secrets come back as a fresh token on every read: compared by presence only.
            value = "secret" if "Secret" in simple["@odata.type"] else simple["value"]
        elif "simpleSettingCollectionValue" in instance:
            value = sorted(v["value"] for v in instance["simpleSettingCollectionValue"])
        else:
            continue  # a group collection has no value of its own, only children
        values.setdefault(instance["settingDefinitionId"], []).append(repr(value))
    return {k: tuple(sorted(v)) for k, v in values.items()}


def _by_key(result: Comparison) -> dict[tuple[str, str, ObjectStatus], ObjectDiff]:
    return {(o.type_key, o.name.casefold(), o.status): o for o in result.objects}


def test_every_configuration_type_is_compared(result: Comparison, demo: DemoTenancy, catalog: Catalog) -> None:
    generated = {
        key for key in demo.tenants["contoso"].objects if key in catalog and catalog[key].kind in CONFIGURATION
    }
    compared = {o.type_key for o in result.objects}
    assert generated - {"securityTemplates"} <= compared | {
        k for k in generated if not demo.tenants["contoso"].objects[k]
    }
    assert result.not_compared == ()
    assert result.kind is CompareKind.TENANTS


def test_objects_on_one_side_are_exactly_those_the_generator_named_differently(
    result: Comparison, demo: DemoTenancy, catalog: Catalog
) -> None:
    left, right = demo.tenants["contoso"].objects, demo.tenants["fabrikam"].objects
    for key in sorted(set(left) | set(right)):
        if key not in catalog or catalog[key].kind not in CONFIGURATION:
            continue
        mine = Counter(_identity(catalog, key, o) for o in left.get(key, []))
        theirs = Counter(_identity(catalog, key, o) for o in right.get(key, []))
        expected_left = sum((mine - theirs).values())
        expected_right = sum((theirs - mine).values())
        expected_pairs = sum((mine & theirs).values())
        found = Counter(o.status for o in result.objects if o.type_key == key)
        assert found[ObjectStatus.ONLY_LEFT] == expected_left, key
        assert found[ObjectStatus.ONLY_RIGHT] == expected_right, key
        assert found[ObjectStatus.SAME] + found[ObjectStatus.DIFFERENT] == expected_pairs, key


def test_settings_of_common_settings_catalog_policies_match_the_generated_values(
    result: Comparison, demo: DemoTenancy
) -> None:
    left = {p["name"]: p for p in demo.tenants["contoso"].objects["settingsCatalog"]}
    right = {p["name"]: p for p in demo.tenants["fabrikam"].objects["settingsCatalog"]}
    common = sorted(left.keys() & right.keys())
    assert len(common) >= 15  # the fixed names of the first policies, planted ones included
    diffs = {o.name: o for o in result.objects if o.type_key == "settingsCatalog" and o.left and o.right}
    assert set(diffs) == set(common)
    for name in common:
        mine, theirs = _raw_values(left[name]), _raw_values(right[name])
        expected = {}
        for definition_id in mine.keys() | theirs.keys():
            if definition_id not in theirs:
                expected[definition_id] = SettingStatus.ONLY_LEFT
            elif definition_id not in mine:
                expected[definition_id] = SettingStatus.ONLY_RIGHT
            else:
                same = mine[definition_id] == theirs[definition_id]
                expected[definition_id] = SettingStatus.SAME if same else SettingStatus.DIFFERENT
        # What the policy is besides its settings: platform, technologies, the template it was made from.
        properties = {
            key: ({k: p[k] for k in ("platforms", "technologies")} | {"templateReference": _template(p)})
            for key, p in (("left", left[name]), ("right", right[name]))
        }
        for prop in ("platforms", "technologies", "templateReference"):
            mine_value, theirs_value = properties["left"][prop], properties["right"][prop]
            if mine_value and theirs_value:
                same = mine_value == theirs_value
                expected[prop] = SettingStatus.SAME if same else SettingStatus.DIFFERENT
            elif mine_value or theirs_value:
                expected[prop] = SettingStatus.ONLY_LEFT if mine_value else SettingStatus.ONLY_RIGHT
        found = {s.setting_id: s.status for s in diffs[name].settings if s.setting_id not in METADATA}
        assert found == expected, name
        # The descriptions name the tenant ("... for Contoso"): a difference on every pair.
        description = next(s for s in diffs[name].settings if s.setting_id == "description")
        assert description.status is SettingStatus.DIFFERENT
        assert description.left == left[name]["description"] and description.right == right[name]["description"]
        assert diffs[name].status is ObjectStatus.DIFFERENT


def test_forced_values_of_planted_policies_compare_as_the_same(result: Comparison) -> None:
    # Both tenants pin real-time monitoring on in "Standard" and BitLocker encryption on in "Require Encryption".
    standard = next(o for o in result.objects if o.name == "WIN - Defender Antivirus - Standard")
    realtime = next(s for s in standard.settings if s.setting_id.endswith("_allowrealtimemonitoring"))
    assert realtime.status is SettingStatus.SAME and realtime.left == realtime.right == "Allowed"
    encryption = next(o for o in result.objects if o.name == "WIN - BitLocker - Lab Exception")
    required = next(s for s in encryption.settings if s.setting_id.endswith("_requiredeviceencryption"))
    assert required.status is SettingStatus.SAME and required.left == "Disabled"


def _targets(tenant: Any, policy: Obj) -> dict[str, str]:
    groups = {g["id"]: g["displayName"] for g in tenant.objects["groups"]}
    filters = {f["id"]: f["displayName"] for f in tenant.objects["assignmentFilters"]}
    words = {
        "#microsoft.graph.groupAssignmentTarget": "Included group",
        "#microsoft.graph.exclusionGroupAssignmentTarget": "Excluded group",
        "#microsoft.graph.allLicensedUsersAssignmentTarget": "All users",
        "#microsoft.graph.allDevicesAssignmentTarget": "All devices",
    }
    found = {}
    for assignment in policy["assignments"]:
        target = assignment["target"]
        word = words[target["@odata.type"]]
        if target.get("groupId"):
            word += f": {groups.get(target['groupId'], 'unknown group ' + target['groupId'])}"
        mode = target.get("deviceAndAppManagementAssignmentFilterType")
        filter_id = target.get("deviceAndAppManagementAssignmentFilterId")
        found[word] = f"{filters[filter_id]} ({mode})" if filter_id and mode != "none" else ""
    return found


def test_assignments_compare_by_group_and_filter_names(result: Comparison, demo: DemoTenancy) -> None:
    contoso, fabrikam = demo.tenants["contoso"], demo.tenants["fabrikam"]
    left = {p["name"]: p for p in contoso.objects["settingsCatalog"]}
    right = {p["name"]: p for p in fabrikam.objects["settingsCatalog"]}
    checked = 0
    for name in sorted(left.keys() & right.keys()):
        mine, theirs = _targets(contoso, left[name]), _targets(fabrikam, right[name])
        diff = next(o for o in result.objects if o.type_key == "settingsCatalog" and o.name == name)
        found = {a.target: a.status for a in diff.assignments}
        expected = {}
        for target in mine.keys() | theirs.keys():
            if target not in theirs:
                expected[target] = SettingStatus.ONLY_LEFT
            elif target not in mine:
                expected[target] = SettingStatus.ONLY_RIGHT
            else:
                expected[target] = SettingStatus.SAME if mine[target] == theirs[target] else SettingStatus.DIFFERENT
        assert found == expected, name
        checked += len(expected)
    assert checked > 20
    # Group ids differ between the tenants; the planted policy targets the same group name in both.
    standard = next(o for o in result.objects if o.name == "WIN - Defender Antivirus - Standard")
    assert [(a.target, a.status) for a in standard.assignments] == [
        ("Included group: Intune Managed Users", SettingStatus.SAME)
    ]


def test_a_tenant_compared_with_itself_is_aligned(contoso: Snapshot) -> None:
    same = compare_tenants(contoso, contoso)
    assert same.aligned and same.differences == ()
    assert {o.status for o in same.objects} == {ObjectStatus.SAME}
    assert len(same.objects) > 150
