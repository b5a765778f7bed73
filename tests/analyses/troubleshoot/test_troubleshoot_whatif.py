"""What-if: simulated group and filter changes, never touching the snapshot."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.analyses.troubleshoot.builder import ON, REALTIME, Tenant, target

from intune_assistant.analyses.troubleshoot import (
    AddToGroup,
    ChangeFilterRule,
    RemoveFromGroup,
    Subject,
    Verdict,
    apply_changes,
    effective_assignments,
    filter_rule_impact,
    what_if,
)


def test_troubleshoot_whatif_adding_a_user_to_a_group_targets_the_policy() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, _ = t.device("LAPTOP-1", user=ana)
    pilot = t.group("Pilot")
    t.policy("Pilot policy", [target("group", pilot)], settings={REALTIME: ON})
    snapshot = t.snapshot()
    before = copy.deepcopy(snapshot.objects)
    result = what_if(snapshot, Subject(ana, laptop), [AddToGroup(pilot, ana, "user")])
    (change,) = result.verdicts
    assert (change.before.verdict, change.after.verdict) == (Verdict.NOT_TARGETED, Verdict.APPLIES)
    assert [s.setting_id for s in result.settings] == [REALTIME]
    assert result.settings[0].before is None and result.settings[0].after is not None
    assert result.described == ("Add ana@test.example to 'Pilot'",)
    assert snapshot.objects == before  # the original is untouched


def test_troubleshoot_whatif_removing_a_nested_member_changes_nothing_and_says_why() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    inner = t.group("Inner", users=(ana,))
    outer = t.group("Outer", groups=(inner,))
    t.policy("Outer policy", [target("group", outer)])
    result = what_if(t.snapshot(), Subject(ana, None), [RemoveFromGroup(outer, ana, "user")], settings=False)
    assert not result.verdicts
    assert "not a direct member" in result.notes[0] and "Inner → Outer" in result.notes[0]


def test_troubleshoot_whatif_changing_a_filter_rule() -> None:
    t = Tenant()
    laptop, _ = t.device("LAPTOP-1", model="Latitude 7440")
    surface = t.filter("Surface only", '(device.model -startsWith "Surface")')
    t.policy("Surface policy", [target("allDevices", filter_id=surface, filter_mode="include")])
    snapshot = t.snapshot()
    widened = '(device.model -startsWith "Surface") or (device.model -startsWith "Latitude")'
    result = what_if(snapshot, Subject(None, laptop), [ChangeFilterRule(surface, widened)], settings=False)
    (change,) = result.verdicts
    assert (change.before.verdict, change.after.verdict) == (Verdict.FILTERED_OUT, Verdict.APPLIES)
    impact = filter_rule_impact(snapshot, surface, widened)
    assert impact.starts_matching == ("LAPTOP-1",) and not impact.stops_matching
    with pytest.raises(ValueError, match="can't be used"):
        what_if(snapshot, Subject(None, laptop), [ChangeFilterRule(surface, "device.model -endsWith 'x'")])


def test_troubleshoot_whatif_refuses_unknown_groups_and_devices_without_entra() -> None:
    t = Tenant()
    laptop, _ = t.device("LAPTOP-1", entra=False)
    group = t.group("Laptops")
    snapshot = t.snapshot()
    with pytest.raises(ValueError, match="no group"):
        apply_changes(snapshot, [AddToGroup("nope", laptop, "device")])
    with pytest.raises(ValueError, match="no Entra ID object"):
        apply_changes(snapshot, [AddToGroup(group, laptop, "device")])


_KINDS = st.sampled_from(["user_group", "device_group", "all_users", "all_devices"])
_FILTERS = st.sampled_from([None, ("match", "include"), ("match", "exclude"), ("miss", "include"), ("miss", "exclude")])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(_KINDS, _FILTERS), min_size=1, max_size=4),
    st.sampled_from(["user", "device"]),
    st.booleans(),
)
def test_troubleshoot_adding_an_exclusion_never_creates_applies(
    inclusions: list[tuple[str, tuple[str, str] | None]], excluded_kind: str, filtered: bool
) -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, entra = t.device("LAPTOP-1", user=ana, model="Latitude 7440")
    assert entra is not None
    user_group = t.group("Users", users=(ana,))
    device_group = t.group("Devices", devices=(entra,))
    rules = {
        "match": t.filter("Match", '(device.model -eq "Latitude 7440")'),
        "miss": t.filter("Miss", '(device.model -eq "X")'),
    }
    targets = []
    for kind, spec in inclusions:
        filter_id, mode = (rules[spec[0]], spec[1]) if spec and filtered else (None, "none")
        group = {"user_group": user_group, "device_group": device_group}.get(kind)
        kind_name = "group" if group else ("allUsers" if kind == "all_users" else "allDevices")
        targets.append(target(kind_name, group, filter_id, mode))
    t.policy("Policy", targets)
    snapshot = t.snapshot()
    subject = Subject(ana, laptop)
    before = effective_assignments(snapshot, subject).find("Policy")[0].verdict
    exclusion = user_group if excluded_kind == "user" else device_group
    t.objects["settingsCatalog"][0]["assignments"].append({"id": "x", "target": target("exclude", exclusion)})
    after = effective_assignments(t.snapshot(), subject).find("Policy")[0].verdict
    # An exclusion only removes inclusions. It can turn a verdict into "applies" only by removing
    # the assignment whose filter decided (filter-mode precedence across assignments): never from
    # excluded / not targeted / not applicable, and never when no filters are set.
    if after is Verdict.APPLIES:
        assert before in (Verdict.APPLIES, Verdict.FILTERED_OUT, Verdict.UNKNOWN)
        assert filtered or before is Verdict.APPLIES
    # Excluding both kinds removes every inclusion.
    t.objects["settingsCatalog"][0]["assignments"].append(
        {"id": "y", "target": target("exclude", device_group if excluded_kind == "user" else user_group)}
    )
    assert effective_assignments(t.snapshot(), subject).find("Policy")[0].verdict is Verdict.EXCLUDED
