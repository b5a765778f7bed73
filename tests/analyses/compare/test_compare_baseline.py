"""Each demo tenant against the built-in baseline: matches, differences and scores from the data.

The expected pairing and statuses are worked out here from the generated policies and the
baseline's own objects: coverage = share of a baseline policy's setting ids a tenant policy
configures; a baseline policy pairs with its best-covering tenant policy when that reaches 50%.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.support import instances

from intune_assistant.analyses.compare import (
    CompareKind,
    Comparison,
    ObjectStatus,
    SettingStatus,
    compare_baseline,
)
from intune_assistant.baselines import builtin_baseline
from intune_assistant.emulator.demo import DemoTenancy
from intune_assistant.snapshot import INTUNE_READ_ROLE, Problem, ProblemKind, Snapshot, TypeResult, TypeStatus

Obj = dict[str, Any]


def _values(policy: Obj) -> dict[str, tuple[str, ...]]:
    values: dict[str, list[str]] = {}
    for instance in instances(policy["settings"]):
        if "choiceSettingValue" in instance:
            value: Any = instance["choiceSettingValue"]["value"]
        elif "simpleSettingValue" in instance:
            value = instance["simpleSettingValue"]["value"]
        elif "choiceSettingCollectionValue" in instance:
            value = sorted(v["value"] for v in instance["choiceSettingCollectionValue"])
        elif "simpleSettingCollectionValue" in instance:
            value = sorted(v["value"] for v in instance["simpleSettingCollectionValue"])
        else:
            continue
        values.setdefault(instance["settingDefinitionId"], []).append(repr(value))
    return {k: tuple(sorted(v)) for k, v in values.items()}


def _ids(policy: Obj) -> set[str]:
    # Setting ids with a value (a group collection's own id is its container, not a value).
    return set(_values(policy))


@pytest.fixture(scope="module", params=["contoso", "fabrikam"])
def case(request: pytest.FixtureRequest, demo: DemoTenancy) -> tuple[str, Snapshot, Comparison]:
    name = request.param
    tenant = request.getfixturevalue(name)
    return name, tenant, compare_baseline(builtin_baseline(), tenant)


def test_each_baseline_policy_pairs_with_its_best_covering_tenant_policy(
    case: tuple[str, Snapshot, Comparison], demo: DemoTenancy
) -> None:
    name, _, result = case
    generated = demo.tenants[name].objects["settingsCatalog"]
    assert result.kind is CompareKind.BASELINE
    for policy in builtin_baseline().objects["settingsCatalog"]:
        wanted = _ids(policy)
        coverage = {p["name"]: len(wanted & _ids(p)) / len(wanted) for p in generated}
        best = max(coverage.values())
        diff = next(o for o in result.objects if o.left is not None and o.left.name == policy["name"])
        if best < 0.5:
            assert diff.status is ObjectStatus.ONLY_LEFT, policy["name"]
            assert diff.right is None
            # A missing policy lists what it would configure, every setting missing.
            assert {s.setting_id for s in diff.settings} == wanted
            continue
        assert diff.right is not None and diff.match is not None
        assert diff.match.method == "overlap"
        assert diff.match.score == pytest.approx(coverage[diff.right.name], abs=1e-3)
        assert coverage[diff.right.name] == best, policy["name"]


def test_settings_of_paired_policies_are_expected_vs_actual(
    case: tuple[str, Snapshot, Comparison], demo: DemoTenancy
) -> None:
    name, _, result = case
    generated = {p["name"]: p for p in demo.tenants[name].objects["settingsCatalog"]}
    baseline = {p["name"]: p for p in builtin_baseline().objects["settingsCatalog"]}
    matched = [o for o in result.objects if o.left is not None and o.right is not None]
    assert matched
    for diff in matched:
        assert diff.left is not None and diff.right is not None
        expected_values = _values(baseline[diff.left.name])
        actual_values = _values(generated[diff.right.name])
        expected = {}
        for setting_id in expected_values.keys() | actual_values.keys():
            if setting_id not in actual_values:
                expected[setting_id] = SettingStatus.ONLY_LEFT
            elif setting_id not in expected_values:
                expected[setting_id] = SettingStatus.ONLY_RIGHT
            elif expected_values[setting_id] == actual_values[setting_id]:
                expected[setting_id] = SettingStatus.SAME
            else:
                expected[setting_id] = SettingStatus.DIFFERENT
        assert {s.setting_id: s.status for s in diff.settings} == expected
        statuses = set(expected.values())
        if statuses & {SettingStatus.ONLY_LEFT, SettingStatus.DIFFERENT}:
            assert diff.status is ObjectStatus.DIFFERENT
        elif SettingStatus.ONLY_RIGHT in statuses:
            assert diff.status is ObjectStatus.EXTRA_SETTINGS
        else:
            assert diff.status is ObjectStatus.SAME
        # Descriptions, scope tags and assignments are the tenant's business, not the baseline's.
        assert not {"description", "roleScopeTagIds"} & set(expected)
        assert diff.assignments == ()


def test_uncovered_tenant_policies_and_scores(case: tuple[str, Snapshot, Comparison], demo: DemoTenancy) -> None:
    name, _, result = case
    generated = demo.tenants[name].objects["settingsCatalog"]
    paired = {o.right.name for o in result.objects if o.left is not None and o.right is not None}
    uncovered = {o.right.name for o in result.objects if o.status is ObjectStatus.ONLY_RIGHT and o.right}
    assert uncovered == {p["name"] for p in generated} - paired
    # Only the types the baseline speaks about: the tenant's apps are not "extra".
    assert {o.type_key for o in result.objects} == {"settingsCatalog"}

    expected = matched = 0
    for obj in result.objects:
        if obj.status is ObjectStatus.ONLY_RIGHT:
            continue
        for setting in obj.settings:
            if setting.status is not SettingStatus.ONLY_RIGHT:
                expected += 1
                matched += setting.status is SettingStatus.SAME
    total = sum(len(_ids(p)) for p in builtin_baseline().objects["settingsCatalog"])
    assert expected == total
    overall = next(s for s in result.scores if s.scope == "overall")
    assert (overall.matched, overall.expected) == (matched, total)
    windows = next(s for s in result.scores if s.scope == "platform")
    assert windows.name == "Windows" and windows.expected == total
    areas = [s for s in result.scores if s.scope == "area"]
    assert sum(s.expected for s in areas) == total and len(areas) > 1
    assert not result.aligned


def test_a_tenant_holding_exactly_the_baseline_is_aligned() -> None:
    baseline = builtin_baseline()
    tenant = copy.deepcopy(baseline)
    for index, policy in enumerate(tenant.objects["settingsCatalog"]):
        policy["id"] = f"tenant-{index}"
        policy["name"] = f"Contoso - {policy['name']}"  # other names: paired by settings
        policy["description"] = "Our copy."
    result = compare_baseline(baseline, tenant)
    assert result.aligned
    assert {o.status for o in result.objects} == {ObjectStatus.SAME}
    assert all(o.match is not None and o.match.score == 1.0 for o in result.objects)
    assert next(s for s in result.scores if s.scope == "overall").percent == 100.0


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
    assert result.objects == ()
    assert [n.type_key for n in result.not_compared] == ["settingsCatalog"]
    assert "ask for Intune Read Only Operator or higher" in result.not_compared[0].reason
    assert not result.aligned
