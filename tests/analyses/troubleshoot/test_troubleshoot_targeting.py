"""Group targeting, nesting, exclusions (same kind only), platforms: explicit small tenants."""

from __future__ import annotations

from tests.analyses.troubleshoot.builder import ON, REALTIME, Tenant, target

from intune_assistant.analyses.troubleshoot import (
    EffectiveAssignment,
    StepKind,
    Subject,
    Verdict,
    effective_assignments,
)


def _item(tenant: Tenant, subject: Subject, name: str) -> EffectiveAssignment:
    result = effective_assignments(tenant.snapshot(), subject)
    (item,) = result.find(name)
    return item


def test_troubleshoot_nested_inheritance_three_levels_deep_names_the_path() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    pilot = t.group("Pilot Users", users=(ana,))
    region = t.group("Regional Users - EU", groups=(pilot,))
    managed = t.group("Intune Managed Users", groups=(region,))
    t.policy("Defender", [target("group", managed)], settings={REALTIME: ON})
    item = _item(t, Subject(ana, None), "Defender")
    assert item.verdict is Verdict.APPLIES
    step = next(s for s in item.steps if s.kind is StepKind.TARGETED)
    assert [g.name for g in step.path] == ["Pilot Users", "Regional Users - EU", "Intune Managed Users"]
    assert "through nesting" in step.text and "'Pilot Users' → 'Regional Users - EU'" in step.text
    assert "(nested)" in item.summary and item.summary.startswith("Targeted")
    assert "applied" not in item.summary.casefold()


def test_troubleshoot_exclusion_beats_inclusion_of_the_same_kind() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    staff = t.group("Staff", users=(ana,))
    contractors = t.group("Contractors", users=(ana,))
    t.policy("Baseline", [target("group", staff), target("exclude", contractors)])
    item = _item(t, Subject(ana, None), "Baseline")
    assert item.verdict is Verdict.EXCLUDED
    excluded = next(s for s in item.steps if s.kind is StepKind.EXCLUDED)
    assert excluded.group is not None and excluded.group.name == "Contractors"
    assert item.summary == "Excluded through 'Contractors'"


def test_troubleshoot_exclusion_through_a_nested_group_wins_too() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    vip = t.group("VIP", users=(ana,))
    excluded_parent = t.group("Excluded People", groups=(vip,))
    t.policy("Baseline", [target("allUsers"), target("exclude", excluded_parent)])
    item = _item(t, Subject(ana, None), "Baseline")
    assert item.verdict is Verdict.EXCLUDED
    step = next(s for s in item.steps if s.kind is StepKind.EXCLUDED)
    assert [g.name for g in step.path] == ["VIP", "Excluded People"]


def test_troubleshoot_device_group_exclusion_does_not_remove_a_user_inclusion_and_is_flagged() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, laptop_entra = t.device("LAPTOP-1", user=ana)
    assert laptop_entra is not None
    users = t.group("App Users", users=(ana,))
    personal = t.group("Personal Devices", devices=(laptop_entra,))
    t.policy("App policy", [target("group", users), target("exclude", personal)])
    item = _item(t, Subject(ana, laptop), "App policy")
    # Reference §4 (INEX): All users include + personal-devices exclude → every user still gets it.
    assert item.verdict is Verdict.APPLIES
    mixed = [s for s in item.steps if s.kind is StepKind.MIXED_EXCLUSION]
    assert mixed and mixed[0].group is not None and mixed[0].group.name == "Personal Devices"
    assert any("Mixed exclusion" in w for w in item.warnings)


def test_troubleshoot_user_group_exclusion_does_not_remove_a_device_inclusion() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, laptop_entra = t.device("LAPTOP-1", user=ana)
    assert laptop_entra is not None
    devices = t.group("Corporate Laptops", devices=(laptop_entra,))
    execs = t.group("Executives", users=(ana,))
    t.policy("Laptop policy", [target("group", devices), target("exclude", execs)])
    item = _item(t, Subject(ana, laptop), "Laptop policy")
    assert item.verdict is Verdict.APPLIES
    assert any(s.kind is StepKind.MIXED_EXCLUSION for s in item.steps)


def test_troubleshoot_device_exclusion_beats_device_inclusion() -> None:
    t = Tenant()
    laptop, laptop_entra = t.device("LAPTOP-1")
    assert laptop_entra is not None
    lab = t.group("Lab", devices=(laptop_entra,))
    t.policy("All devices policy", [target("allDevices"), target("exclude", lab)])
    item = _item(t, Subject(None, laptop), "All devices policy")
    assert item.verdict is Verdict.EXCLUDED


def test_troubleshoot_user_targeted_and_device_targeted_policies() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, laptop_entra = t.device("LAPTOP-1", user=ana)
    assert laptop_entra is not None
    t.policy("For users", [target("group", t.group("Users", users=(ana,)))])
    t.policy("For devices", [target("group", t.group("Devices", devices=(laptop_entra,)))])
    snapshot = t.snapshot()

    def verdicts(subject: Subject) -> dict[str, Verdict]:
        result = effective_assignments(snapshot, subject)
        return {i.object.name: i.verdict for i in result.items}

    assert verdicts(Subject(ana, None)) == {"For users": Verdict.APPLIES, "For devices": Verdict.NOT_TARGETED}
    assert verdicts(Subject(None, laptop)) == {"For users": Verdict.NOT_TARGETED, "For devices": Verdict.APPLIES}
    assert verdicts(Subject(ana, laptop)) == {"For users": Verdict.APPLIES, "For devices": Verdict.APPLIES}
    user_only = effective_assignments(snapshot, Subject(ana, None)).find("For devices")[0]
    assert user_only.summary == "Not targeted: 'Devices' (the user isn't a member)"


def test_troubleshoot_platform_mismatch_is_not_applicable_even_when_targeted() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, _ = t.device("LAPTOP-1", user=ana)
    t.policy("iOS passcode", [target("allUsers")], platforms="iOS")
    item = _item(t, Subject(ana, laptop), "iOS passcode")
    assert item.verdict is Verdict.NOT_APPLICABLE
    assert item.reached
    assert "iOS/iPadOS" in item.summary and "Windows" in item.summary


def test_troubleshoot_deleted_group_target_is_not_targeted_with_the_reason() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    t.policy("Orphan", [target("group", "11111111-2222-4333-8444-555555555555")])
    item = _item(t, Subject(ana, None), "Orphan")
    assert item.verdict is Verdict.NOT_TARGETED
    assert "no longer exists" in item.summary


def test_troubleshoot_unassigned_object_says_so() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    t.policy("Nobody", [])
    item = _item(t, Subject(ana, None), "Nobody")
    assert item.verdict is Verdict.NOT_TARGETED and item.summary == "Not assigned"


def test_troubleshoot_nesting_cycles_terminate() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    first = t.group("A", users=(ana,))
    second = t.group("B", groups=(first,))
    # Close the loop: A holds B.
    group_a = next(g for g in t.objects["groups"] if g["id"] == first)
    group_a["members"].append({"@odata.type": "#microsoft.graph.group", "id": second})
    t.policy("Loop", [target("group", second)])
    assert _item(t, Subject(ana, None), "Loop").verdict is Verdict.APPLIES


def test_troubleshoot_autopilot_profiles_on_all_devices_ignore_exclusions() -> None:
    t = Tenant()
    laptop, entra = t.device("LAPTOP-1")
    assert entra is not None
    lab = t.group("Lab", devices=(entra,))
    t.policy("Profile", [target("allDevices"), target("exclude", lab)], key="autopilotProfiles")
    item = _item(t, Subject(None, laptop), "Profile")
    assert item.verdict is Verdict.APPLIES
    assert any("don't support exclusions" in s.text for s in item.steps)
