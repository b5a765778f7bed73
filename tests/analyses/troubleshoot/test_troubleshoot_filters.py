"""Filters on assignments: one device model filtered out, filter-mode precedence, unknown values."""

from __future__ import annotations

import pytest
from tests.analyses.troubleshoot.builder import Tenant, target

from intune_assistant.analyses.assignments import FilterMode, FilterRef
from intune_assistant.analyses.troubleshoot import (
    FilterCheck,
    FilterEvaluation,
    StepKind,
    Subject,
    Verdict,
    decide_filters,
    effective_assignments,
)
from intune_assistant.analyses.troubleshoot.filtering import FilterEvaluator, FilterOutcome

SURFACE_RULE = '(device.model -eq "Surface Pro 9")'


def test_troubleshoot_exclude_filter_takes_out_one_device_model() -> None:
    t = Tenant()
    surface, _ = t.device("SURFACE-1", model="Surface Pro 9", manufacturer="Microsoft Corporation")
    dell, _ = t.device("DELL-1", model="Latitude 7440")
    no_surface = t.filter("Not Surface Pro 9", SURFACE_RULE)
    t.policy("Drivers", [target("allDevices", filter_id=no_surface, filter_mode="exclude")])
    snapshot = t.snapshot()
    on_surface = effective_assignments(snapshot, Subject(None, surface)).find("Drivers")[0]
    on_dell = effective_assignments(snapshot, Subject(None, dell)).find("Drivers")[0]
    assert on_surface.verdict is Verdict.FILTERED_OUT
    assert on_surface.summary == "Filtered out: Exclude filter 'Not Surface Pro 9' matches"
    step = next(s for s in on_surface.steps if s.kind is StepKind.FILTER)
    assert step.filter_mode == "exclude" and step.filter_outcome == "match"
    assert step.values == (("device.model", "Surface Pro 9"),)
    assert on_dell.verdict is Verdict.APPLIES


def _two_assignments(a_rule: str, b_rule: str, b_mode: str) -> Verdict:
    t = Tenant()
    laptop, entra = t.device("LAPTOP-1", model="Surface Laptop 5", manufacturer="Microsoft Corporation")
    assert entra is not None
    group_a = t.group("Group A", devices=(entra,))
    group_b = t.group("Group B", devices=(entra,))
    filter_a = t.filter("Filter A", a_rule)
    filter_b = t.filter("Filter B", b_rule)
    t.policy(
        "Policy",
        [
            target("group", group_a, filter_id=filter_a, filter_mode="include"),
            target("group", group_b, filter_id=filter_b, filter_mode=b_mode),
        ],
    )
    item = effective_assignments(t.snapshot(), Subject(None, laptop)).find("Policy")[0]
    precedence = [s for s in item.steps if s.kind is StepKind.FILTER_PRECEDENCE]
    assert precedence and "Exclude > no filter > Include" in precedence[0].text
    if b_mode == "exclude":
        # Only Filter B (the Exclude one) is evaluated.
        assert {s.filter.name for s in item.steps if s.kind is StepKind.FILTER and s.filter} == {"Filter B"}
    return item.verdict


MATCH = '(device.model -startsWith "Surface")'
NO_MATCH = '(device.model -startsWith "Latitude")'


@pytest.mark.parametrize(
    ("a_rule", "b_rule", "b_mode", "verdict"),
    [
        # Reference TS example: A include FilterA, B exclude FilterB → only FilterB decides.
        (MATCH, MATCH, "exclude", Verdict.FILTERED_OUT),
        (MATCH, NO_MATCH, "exclude", Verdict.APPLIES),
        (NO_MATCH, NO_MATCH, "exclude", Verdict.APPLIES),
        # Two Include filters: any match counts (OR).
        (NO_MATCH, MATCH, "include", Verdict.APPLIES),
        (NO_MATCH, NO_MATCH, "include", Verdict.FILTERED_OUT),
    ],
)
def test_troubleshoot_filter_mode_precedence_across_two_assignments(
    a_rule: str, b_rule: str, b_mode: str, verdict: Verdict
) -> None:
    assert _two_assignments(a_rule, b_rule, b_mode) is verdict


def test_troubleshoot_summary_names_the_assignment_whose_filter_matched() -> None:
    t = Tenant()
    laptop, entra = t.device("LAPTOP-1", model="Surface Laptop 5")
    assert entra is not None
    first = t.group("First", devices=(entra,))
    second = t.group("Second", devices=(entra,))
    t.policy(
        "Policy",
        [
            target("group", first, filter_id=t.filter("Miss", NO_MATCH), filter_mode="include"),
            target("group", second, filter_id=t.filter("Hit", MATCH), filter_mode="include"),
        ],
    )
    item = effective_assignments(t.snapshot(), Subject(None, laptop)).find("Policy")[0]
    assert item.summary == "Targeted through 'Second'"


def test_troubleshoot_an_unfiltered_assignment_beats_include_filters() -> None:
    t = Tenant()
    laptop, entra = t.device("LAPTOP-1")
    assert entra is not None
    group = t.group("Laptops", devices=(entra,))
    never = t.filter("Never", NO_MATCH.replace("Latitude", "Nothing"))
    t.policy("Policy", [target("group", group, filter_id=never, filter_mode="include"), target("allDevices")])
    item = effective_assignments(t.snapshot(), Subject(None, laptop)).find("Policy")[0]
    assert item.verdict is Verdict.APPLIES
    assert any(s.kind is StepKind.NOTE and "aren't evaluated" in s.text for s in item.steps)


def test_troubleshoot_a_property_the_snapshot_lacks_gives_unknown_not_no() -> None:
    t = Tenant()
    laptop, _ = t.device("LAPTOP-1")  # no processorArchitecture: cpuArchitecture is unknown
    arm = t.filter("ARM devices", '(device.cpuArchitecture -eq "arm64")')
    t.policy("ARM only", [target("allDevices", filter_id=arm, filter_mode="include")])
    item = effective_assignments(t.snapshot(), Subject(None, laptop)).find("ARM only")[0]
    assert item.verdict is Verdict.UNKNOWN
    assert "cpuArchitecture" in item.summary and "wasn't provided" in item.summary


def test_troubleshoot_filters_need_a_device() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    corporate = t.filter("Corporate", '(device.deviceOwnership -eq "Corporate")')
    t.policy("Corporate only", [target("allUsers", filter_id=corporate, filter_mode="include")])
    item = effective_assignments(t.snapshot(), Subject(ana, None)).find("Corporate only")[0]
    assert item.verdict is Verdict.UNKNOWN
    assert "no device given" in item.summary


def test_troubleshoot_filter_on_a_workload_without_filter_support_is_unknown_and_warned() -> None:
    t = Tenant()
    laptop, _ = t.device("LAPTOP-1", owner="personal")
    corporate = t.filter("Corporate", '(device.deviceOwnership -eq "Corporate")')
    t.policy(
        "Map drives",
        [target("allDevices", filter_id=corporate, filter_mode="include")],
        key="powershellScripts",
        fields={"@odata.type": "#microsoft.graph.deviceManagementScript"},
    )
    item = effective_assignments(t.snapshot(), Subject(None, laptop)).find("Map drives")[0]
    assert item.verdict is Verdict.UNKNOWN
    assert any("aren't supported for PowerShell scripts" in w for w in item.warnings)


def _evaluator(outcomes: dict[str, FilterOutcome]) -> FilterEvaluator:
    def evaluate(filter_id: str) -> FilterEvaluation:
        return FilterEvaluation(FilterRef(filter_id, filter_id), outcomes[filter_id], "test")

    return evaluate


@pytest.mark.parametrize(
    ("checks", "outcomes", "expected"),
    [
        ([("x", "exclude"), ("i", "include")], {"x": "unknown", "i": "match"}, "unknown"),
        ([("x", "exclude"), ("y", "exclude")], {"x": "unknown", "y": "match"}, "filtered_out"),
        ([("i", "include"), ("j", "include")], {"i": "unknown", "j": "match"}, "applies"),
        ([("i", "include"), ("j", "include")], {"i": "unknown", "j": "no_match"}, "unknown"),
        ([(None, None), ("i", "include")], {"i": "unknown"}, "applies"),
        ([(None, None)], {}, "applies"),
    ],
)
def test_troubleshoot_decide_filters_keeps_unknown_apart(
    checks: list[tuple[str | None, str | None]], outcomes: dict[str, FilterOutcome], expected: str
) -> None:
    built = [FilterCheck(fid, FilterMode(mode) if mode else None, f"group {fid}") for fid, mode in checks]
    assert decide_filters(built, _evaluator(outcomes)).outcome == expected
