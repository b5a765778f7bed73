"""Demo tenants against baselines: verdicts, lists and scores worked out here from the data.

Two baselines: the built-in one, and one made from the IntuneCD sample's settings catalog
policies (real policies nobody here wrote). The expectations are computed in this file from the
generator's policies and the baseline's raw JSON, without the code under test: each baseline
setting (definition id + value) is looked for in every settings policy of the tenant; it
matches when every tenant policy setting it agrees with the baseline, differs when they agree
on another value, conflicts when they disagree among themselves, and is missing otherwise.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.support import SAMPLES, instances

from intune_assistant.analyses.compare import (
    BaselineStatus,
    CompareKind,
    Comparison,
    ObjectStatus,
    compare_baseline,
)
from intune_assistant.baselines import builtin_baseline
from intune_assistant.catalog import type_name_of
from intune_assistant.emulator.demo import DemoTenancy
from intune_assistant.snapshot import (
    INTUNE_READ_ROLE,
    Problem,
    ProblemKind,
    Snapshot,
    TenantInfo,
    TypeResult,
    TypeStatus,
)

Obj = dict[str, Any]
# Types whose settings carry definition ids: a baseline setting may be configured in any of them.
_SETTINGS_TYPES = ("settingsCatalog", "complianceSettingsPolicies")
# Graph's platform values in Intune's words.
_PLATFORMS = {"windows10": "Windows 10 and later", "macOS": "macOS", "iOS": "iOS/iPadOS", "android": "Android"}


def _values(policy: Obj) -> dict[str, tuple[str, ...]]:
    """Definition id → the policy's values of it (a multiset: group collections repeat ids)."""
    values: dict[str, list[str]] = {}
    for instance in instances(policy.get("settings") or []):
        if "choiceSettingValue" in instance:
            value: Any = instance["choiceSettingValue"]["value"]
        elif "simpleSettingValue" in instance:
            value = instance["simpleSettingValue"].get("value")
        elif "choiceSettingCollectionValue" in instance:
            value = sorted(v["value"] for v in instance["choiceSettingCollectionValue"])
        elif "simpleSettingCollectionValue" in instance:
            value = sorted(v.get("value") for v in instance["simpleSettingCollectionValue"])
        else:
            continue  # a group collection holds its children, no value of its own
        if value is None or value == []:
            continue
        values.setdefault(instance["settingDefinitionId"], []).append(repr(value))
    return {k: tuple(sorted(v)) for k, v in values.items()}


_OS = {"windows10": "windows", "macOS": "macos", "iOS": "ios", "android": "android", "linux": "linux"}


def _reaches(tenant: dict[str, list[Obj]]) -> Any:
    """Policy → (users, managed devices) its assignments reach, from the generator's directory:
    groups through nesting, All users / All devices, exclusions, a user's devices, the platform."""
    groups = {g["id"]: g for g in tenant.get("groups", [])}
    devices = tenant.get("managedDevices", [])
    entra = {e["id"]: e.get("deviceId") for e in tenant.get("entraDevices", [])}
    managed_of = {d.get("azureADDeviceId"): d["id"] for d in devices}

    def members(group_id: str, seen: frozenset[str] = frozenset()) -> tuple[set[str], set[str]]:
        users: set[str] = set()
        reached: set[str] = set()
        for member in groups.get(group_id, {}).get("members", []):
            kind = member["@odata.type"].rsplit(".", 1)[-1]
            if kind == "user":
                users.add(member["id"])
            elif kind == "device" and managed_of.get(entra.get(member["id"])):
                reached.add(managed_of[entra[member["id"]]])
            elif kind == "group" and member["id"] not in seen:
                inner = members(member["id"], seen | {group_id})
                users |= inner[0]
                reached |= inner[1]
        return users, reached

    def reach(policy: Obj) -> tuple[frozenset[str], frozenset[str]]:
        users: set[str] = set()
        reached: set[str] = set()
        excluded_users: set[str] = set()
        excluded_devices: set[str] = set()
        for assignment in policy.get("assignments") or []:
            target = assignment["target"]
            kind = target["@odata.type"].rsplit(".", 1)[-1]
            if kind == "exclusionGroupAssignmentTarget":
                found = members(target["groupId"])
                excluded_users |= found[0]
                excluded_devices |= found[1]
            elif kind == "allLicensedUsersAssignmentTarget":
                users |= {u["id"] for u in tenant.get("users", [])}
            elif kind == "allDevicesAssignmentTarget":
                reached |= {d["id"] for d in devices}
            elif kind == "groupAssignmentTarget":
                found = members(target["groupId"])
                users |= found[0]
                reached |= found[1]
        users -= excluded_users
        reached = (reached - excluded_devices) | {
            d["id"] for d in devices if d.get("userId") in users and d["id"] not in excluded_devices
        }
        platform = _OS.get(str(policy.get("platforms")))
        reached = {d["id"] for d in devices if d["id"] in reached and d["operatingSystem"].lower() == platform}
        return frozenset(users), frozenset(reached)

    return reach


def _expected(baseline: Iterable[Obj], tenant: dict[str, list[Obj]]) -> dict[tuple[str, tuple[str, ...]], str]:
    """(definition id, baseline values) → verdict, for every distinct baseline setting."""
    reach = _reaches(tenant)
    where: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
    for key in _SETTINGS_TYPES:
        for policy in tenant.get(key, []):
            for setting_id, values in _values(policy).items():
                where.setdefault(setting_id, []).append((values, reach(policy)))
    verdicts = {}
    for policy in baseline:
        for setting_id, expected in _values(policy).items():
            found = where.get(setting_id, [])
            if not found:
                verdict = "missing"
            elif len({values for values, _ in found}) > 1:
                # Conflicting only where two policies that set it differently reach someone in common.
                meet = any(
                    (a[0] & b[0]) or (a[1] & b[1])
                    for i, (va, a) in enumerate(found)
                    for vb, b in found[i + 1 :]
                    if va != vb
                )
                verdict = "conflicting" if meet else "non_overlapping"
            else:
                verdict = "matches" if found[0][0] == expected else "differs"
            verdicts[(setting_id, expected)] = verdict
    return verdicts


def _intunecd_baseline() -> Snapshot:
    """The IntuneCD sample's settings catalog policies, as they are on disk, as a baseline."""
    folder = SAMPLES / "intunecd-backup" / "Settings Catalog"
    policies = [json.loads(path.read_text("utf-8")) for path in sorted(folder.glob("*.json"))]
    assert len(policies) > 50
    return Snapshot(
        tenant=TenantInfo(display_name="IntuneCD sample baseline"),
        source="intunecd",
        taken_at=datetime(2025, 6, 1, tzinfo=UTC),
        objects={"settingsCatalog": policies},
        results={"settingsCatalog": TypeResult("settingsCatalog", TypeStatus.OK, len(policies), 0.0)},
    )


BASELINES = {"builtin": lambda: builtin_baseline(), "intunecd": _intunecd_baseline}


@pytest.fixture(scope="module", params=[("contoso", "builtin"), ("fabrikam", "builtin"), ("contoso", "intunecd")])
def case(request: pytest.FixtureRequest) -> tuple[str, Snapshot, Comparison]:
    tenant_name, baseline_name = request.param
    baseline = BASELINES[baseline_name]()
    return tenant_name, baseline, compare_baseline(baseline, request.getfixturevalue(tenant_name))


def test_each_baseline_setting_is_judged_across_every_policy_of_the_tenant(
    case: tuple[str, Snapshot, Comparison], demo: DemoTenancy
) -> None:
    name, baseline, result = case
    assert result.kind is CompareKind.BASELINE
    expected = _expected(baseline.objects["settingsCatalog"], demo.tenants[name].objects)
    # One entry per distinct baseline setting (a setting two baseline policies set alike counts once).
    assert Counter((e.setting_id, e.status.value) for e in result.baseline_settings) == Counter(
        (setting_id, verdict) for (setting_id, _), verdict in expected.items()
    )
    counts = Counter(expected.values())
    assert {s.value: len(result.baseline_list(s)) for s in BaselineStatus if result.baseline_list(s)} == counts
    # Every verdict occurs in a real tenant against a real baseline: the test sees all five.
    if name == "contoso":
        assert set(counts) == {"matches", "differs", "conflicting", "non_overlapping", "missing"}


def test_the_lists_name_the_tenant_policies_and_their_values(
    case: tuple[str, Snapshot, Comparison], demo: DemoTenancy
) -> None:
    name, _, result = case
    holders: dict[str, dict[str, tuple[str, ...]]] = {}
    assigned: dict[str, bool] = {}
    for key in _SETTINGS_TYPES:
        for policy in demo.tenants[name].objects.get(key, []):
            assigned[policy["name"]] = bool(policy.get("assignments"))
            for setting_id, values in _values(policy).items():
                holders.setdefault(setting_id, {})[policy["name"]] = values
    for entry in result.baseline_settings:
        found = {v.policy for v in entry.found}
        assert found == set(holders.get(entry.setting_id, {})), entry.setting_id
        # A value in a policy nobody is assigned is marked so.
        assert all(v.assigned is assigned[v.policy] for v in entry.found)
        assert all(("not assigned" in v.where) is (not assigned[v.policy]) for v in entry.found)
        if entry.status is BaselineStatus.MISSING:
            assert entry.found == ()
        if entry.status is BaselineStatus.MATCHES:
            assert all(v.matches for v in entry.found)
        if entry.status is BaselineStatus.DIFFERS:
            assert not any(v.matches for v in entry.found) and all(v.value for v in entry.found)
        if entry.status in (BaselineStatus.CONFLICTING, BaselineStatus.NON_OVERLAPPING):
            assert len({holders[entry.setting_id][p] for p in found}) > 1


def test_scores_count_matching_settings_overall_per_platform_and_per_area(
    case: tuple[str, Snapshot, Comparison], demo: DemoTenancy
) -> None:
    name, baseline, result = case
    expected = _expected(baseline.objects["settingsCatalog"], demo.tenants[name].objects)
    matched = sum(1 for verdict in expected.values() if verdict == "matches")
    overall = next(s for s in result.scores if s.scope == "overall")
    assert (overall.matched, overall.expected) == (matched, len(expected))
    assert overall.percent == round(100 * matched / len(expected), 1)

    platforms: dict[str, list[int]] = {}
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for policy in baseline.objects["settingsCatalog"]:
        platform = _PLATFORMS[policy["platforms"]]
        for setting_id, values in _values(policy).items():
            if (setting_id, values) in seen:
                continue
            seen.add((setting_id, values))
            entry = platforms.setdefault(platform, [0, 0])
            entry[0] += expected[(setting_id, values)] == "matches"
            entry[1] += 1
    assert {s.name: [s.matched, s.expected] for s in result.scores if s.scope == "platform"} == platforms

    areas = [s for s in result.scores if s.scope == "area"]
    assert sum(s.expected for s in areas) == len(expected)
    assert sum(s.matched for s in areas) == matched
    # Areas in words: no id fragments, no letters a word splitter cut off, a few dozen at most.
    for area in areas:
        assert not set(area.name) & set("_~>.") and "  " not in area.name, area.name
        assert all(len(word) > 1 or word.isdigit() for word in area.name.split()), area.name
    assert 1 < len(areas) <= max(8, len(expected) // 10)


def test_tenant_policies_that_configure_none_of_the_baseline_are_listed(
    case: tuple[str, Snapshot, Comparison], demo: DemoTenancy
) -> None:
    name, baseline, result = case
    wanted = {i for p in baseline.objects["settingsCatalog"] for i in _values(p)}
    # Only the types the baseline speaks about: its settings catalog, not the tenant's apps.
    extra = {p["name"] for p in demo.tenants[name].objects["settingsCatalog"] if not set(_values(p)) & wanted}
    uncovered = {o.name for o in result.objects if o.status is ObjectStatus.ONLY_RIGHT}
    assert uncovered == extra
    assert {o.type_key for o in result.objects} == {"settingsCatalog"}
    assert not result.aligned


def test_a_tenant_that_folds_the_baseline_into_one_policy_of_its_own_is_aligned() -> None:
    baseline = builtin_baseline()
    tenant = copy.deepcopy(baseline)
    merged = tenant.objects["settingsCatalog"][0]
    merged.update({"id": "tenant-0", "name": "Contoso - everything", "description": "Our copy."})
    for other in tenant.objects["settingsCatalog"][1:]:
        merged["settings"] += other["settings"]
    del tenant.objects["settingsCatalog"][1:]
    result = compare_baseline(baseline, tenant)
    assert result.aligned
    assert {s.status for s in result.baseline_settings} == {BaselineStatus.MATCHES}
    assert {o.status for o in result.objects} == {ObjectStatus.SAME}
    assert next(s for s in result.scores if s.scope == "overall").percent == 100.0


def test_a_profile_setting_is_matched_by_its_path_within_the_same_kind_of_profile(contoso: Snapshot) -> None:
    policy = next(p for p in contoso.objects["compliancePolicies"] if "passwordMinimumLength" in p)
    baseline_policy = copy.deepcopy(policy)
    baseline_policy.update({"id": "baseline-0", "displayName": "Baseline compliance"})
    baseline_policy["passwordMinimumLength"] = (policy["passwordMinimumLength"] or 0) + 3
    baseline = Snapshot(
        tenant=TenantInfo(display_name="baseline"),
        source="portal-export",
        taken_at=datetime(2025, 1, 1, tzinfo=UTC),
        objects={"compliancePolicies": [baseline_policy]},
        results={"compliancePolicies": TypeResult("compliancePolicies", TypeStatus.OK, 1, 0.0)},
    )
    result = compare_baseline(baseline, contoso)
    [changed] = [s for s in result.baseline_settings if s.status is not BaselineStatus.MATCHES]
    assert changed.setting_id == "passwordMinimumLength" and changed.status is BaselineStatus.DIFFERS
    assert [v.policy for v in changed.found] == [policy["displayName"]]
    # Grouped by the kind of profile, as the admin center names it.
    assert changed.area == type_name_of("compliancePolicies", policy) != "Compliance policies"
    # Tenant compliance policies of another kind never count for this one's settings.
    same_kind = {
        p["displayName"] for p in contoso.objects["compliancePolicies"] if p["@odata.type"] == policy["@odata.type"]
    }
    assert all({v.policy for v in s.found} <= same_kind for s in result.baseline_settings)
    assert any(s.status is BaselineStatus.MATCHES for s in result.baseline_settings)


def test_a_type_the_tenant_could_not_read_is_not_compared_never_missing(contoso: Snapshot) -> None:
    tenant = copy.deepcopy(contoso)
    tenant.objects["settingsCatalog"] = []
    tenant.results["settingsCatalog"] = TypeResult(
        "settingsCatalog",
        TypeStatus.FAILED,
        0,
        0.0,
        problem=Problem(ProblemKind.MISSING_ROLE, "Forbidden", status=403, role=INTUNE_READ_ROLE),
    )
    result = compare_baseline(builtin_baseline(), tenant)
    assert result.objects == () and result.baseline_settings == ()
    assert [n.type_key for n in result.not_compared] == ["settingsCatalog"]
    assert "ask for Intune Read Only Operator or higher" in result.not_compared[0].reason
    assert not result.aligned


def _target(kind: str, group: str | None = None) -> Obj:
    target: Obj = {"@odata.type": f"#microsoft.graph.{kind}"}
    if group:
        target["groupId"] = group
    return {"target": target}


def _two_copies(first: list[Obj], second: list[Obj], *, directory: bool) -> tuple[Snapshot, Snapshot, str]:
    """The built-in baseline, and a tenant holding its first policy twice, the copy with one value
    changed, assigned as given; with or without the users, devices and groups read."""
    baseline = builtin_baseline()
    policy = baseline.objects["settingsCatalog"][0]
    mine = copy.deepcopy(policy) | {"id": "mine-1", "name": "Ours", "assignments": first}
    other = copy.deepcopy(policy) | {"id": "mine-2", "name": "Theirs", "assignments": second}
    instance = next(instances(other["settings"]))
    changed = instance["settingDefinitionId"]
    if "choiceSettingValue" in instance:
        instance["choiceSettingValue"]["value"] = f"{changed}_contoso"
    else:
        instance["simpleSettingValue"]["value"] = "contoso"
    objects: dict[str, list[Obj]] = {"settingsCatalog": [mine, other]}
    keys = ["settingsCatalog"]
    if directory:
        objects |= {
            "users": [{"id": "u1", "userPrincipalName": "a@contoso.example"}, {"id": "u2"}],
            "managedDevices": [
                {"id": "d1", "userId": "u1", "operatingSystem": "Windows", "azureADDeviceId": "e1"},
                {"id": "d2", "userId": "u2", "operatingSystem": "Windows", "azureADDeviceId": "e2"},
            ],
            "groups": [
                {"id": "g1", "displayName": "One", "members": [{"@odata.type": "#microsoft.graph.user", "id": "u1"}]},
                {"id": "g2", "displayName": "Two", "members": [{"@odata.type": "#microsoft.graph.user", "id": "u2"}]},
            ],
        }
        keys += ["users", "managedDevices", "groups"]
    tenant = Snapshot(
        tenant=TenantInfo(display_name="Contoso"),
        source="graph" if directory else "intunecd",
        taken_at=datetime(2026, 1, 1, tzinfo=UTC),
        objects=objects,
        results={k: TypeResult(k, TypeStatus.OK, len(objects[k]), 0.0) for k in keys},
    )
    return baseline, tenant, changed


@pytest.mark.parametrize(
    ("first", "second", "directory", "verdict"),
    [
        # Members known: disjoint groups never meet; one group in both does.
        ([_target("groupAssignmentTarget", "g1")], [_target("groupAssignmentTarget", "g2")], True, "non_overlapping"),
        ([_target("groupAssignmentTarget", "g1")], [_target("groupAssignmentTarget", "g1")], True, "conflicting"),
        # u1's device is among All devices.
        ([_target("groupAssignmentTarget", "g1")], [_target("allDevicesAssignmentTarget")], True, "conflicting"),
        # A policy assigned to nobody applies nowhere, with or without the directory.
        ([_target("groupAssignmentTarget", "g1")], [], True, "non_overlapping"),
        ([_target("allDevicesAssignmentTarget")], [], False, "non_overlapping"),
        # An export without members: only the targets tell; what they cannot rule out conflicts.
        ([_target("allDevicesAssignmentTarget")], [_target("allLicensedUsersAssignmentTarget")], False, "conflicting"),
        ([_target("groupAssignmentTarget", "g1")], [_target("groupAssignmentTarget", "g2")], False, "conflicting"),
    ],
)
def test_two_policies_set_differently_conflict_only_where_they_can_reach_one_user_or_device(
    first: list[Obj], second: list[Obj], directory: bool, verdict: str
) -> None:
    baseline, tenant, changed = _two_copies(first, second, directory=directory)
    result = compare_baseline(baseline, tenant)
    entry = next(e for e in result.baseline_settings if e.setting_id == changed)
    assert entry.status.value == verdict
    assert {v.policy for v in entry.found} == {"Ours", "Theirs"}
    others = {e.status for e in result.baseline_settings if e.setting_id != changed}
    assert BaselineStatus.MATCHES in others and not others & {
        BaselineStatus.CONFLICTING,
        BaselineStatus.NON_OVERLAPPING,
    }
