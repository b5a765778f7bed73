"""What the snapshot couldn't read makes verdicts "unknown" with the reason — never "not targeted"."""

from __future__ import annotations

from tests.analyses.troubleshoot.builder import Tenant, target

from intune_assistant.analyses.troubleshoot import Subject, Verdict, effective_assignments
from intune_assistant.snapshot import Problem, ProblemKind, TypeStatus


def members_failed(group_id: str) -> Problem:
    """What the collector records when a group's members answered 503."""
    return Problem(ProblemKind.SERVER_ERROR, "service unavailable", status=503, part="members", object_id=group_id)


def _tenant() -> tuple[Tenant, str, str]:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, entra = t.device("LAPTOP-1", user=ana)
    assert entra is not None
    t.policy("Via user group", [target("group", t.group("Staff", users=(ana,)))])
    t.policy("Via other group", [target("group", t.group("Others"))])
    t.policy("Via device group", [target("group", t.group("Laptops", devices=(entra,)))])
    t.policy("Via all users", [target("allUsers")])
    t.policy(
        "Filtered",
        [
            target(
                "allDevices",
                filter_id=t.filter("Corporate", '(device.deviceOwnership -eq "Corporate")'),
                filter_mode="include",
            )
        ],
    )
    return t, ana, laptop


def test_troubleshoot_failed_groups_make_group_verdicts_unknown() -> None:
    t, ana, laptop = _tenant()
    snapshot = t.snapshot(failed={"groups": "403: needs Group.Read.All"})
    result = effective_assignments(snapshot, Subject(ana, laptop))
    verdicts = {i.object.name: i.verdict for i in result.items}
    assert verdicts["Via user group"] is Verdict.UNKNOWN
    assert verdicts["Via other group"] is Verdict.UNKNOWN  # not "not targeted": we can't know
    assert verdicts["Via device group"] is Verdict.UNKNOWN
    assert verdicts["Via all users"] is Verdict.APPLIES  # needs no group
    item = result.find("Via other group")[0]
    assert "403: needs Group.Read.All" in item.summary
    assert any(g.type_key == "groups" and g.status == TypeStatus.FAILED.value for g in result.gaps)


def test_troubleshoot_failed_filters_make_filtered_verdicts_unknown() -> None:
    t, ana, laptop = _tenant()
    snapshot = t.snapshot(failed={"assignmentFilters": "403: needs DeviceManagementConfiguration.Read.All"})
    item = effective_assignments(snapshot, Subject(ana, laptop)).find("Filtered")[0]
    assert item.verdict is Verdict.UNKNOWN
    assert "assignment filters weren't read" in item.summary


def test_troubleshoot_failed_policy_type_is_a_gap_not_an_absence() -> None:
    t, ana, laptop = _tenant()
    result = effective_assignments(t.snapshot(failed={"settingsCatalog": "503"}), Subject(ana, laptop))
    gap = next(g for g in result.gaps if g.type_key == "settingsCatalog")
    assert gap.objects_missing and gap.reason == "503"


def test_troubleshoot_a_group_whose_members_failed_is_unknown_only_for_non_members() -> None:
    t = Tenant()
    ana, bob = t.user("ana@test.example"), t.user("bob@test.example")
    staff = t.group("Staff", users=(ana,))
    t.policy("Staff policy", [target("group", staff)])
    snapshot = t.snapshot()
    snapshot.results["groups"].status = TypeStatus.PARTIAL
    snapshot.results["groups"].child_problems.append(members_failed(staff))
    # A path we did read is real; a "not a member" we can't vouch for is unknown.
    assert effective_assignments(snapshot, Subject(ana, None)).find("Staff policy")[0].verdict is Verdict.APPLIES
    unknown = effective_assignments(snapshot, Subject(bob, None)).find("Staff policy")[0]
    assert unknown.verdict is Verdict.UNKNOWN
    assert "couldn't all be read" in unknown.summary


def test_troubleshoot_object_without_assignments_is_unknown() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    pid = t.policy("Imported", [])
    del next(p for p in t.objects["settingsCatalog"] if p["id"] == pid)["assignments"]
    item = effective_assignments(t.snapshot(), Subject(ana, None)).find("Imported")[0]
    assert item.verdict is Verdict.UNKNOWN
    assert "no assignments" in item.summary


def test_troubleshoot_unknown_that_cannot_change_the_outcome_does_not_spread() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    staff = t.group("Staff", users=(ana,))
    t.policy("Policy", [target("allUsers"), target("group", staff)])
    snapshot = t.snapshot()
    snapshot.results["groups"].status = TypeStatus.PARTIAL
    snapshot.results["groups"].child_problems.append(members_failed(staff))
    # All users reaches Ana without a filter: whatever Staff holds, the policy targets her.
    assert effective_assignments(snapshot, Subject(ana, None)).find("Policy")[0].verdict is Verdict.APPLIES


def test_troubleshoot_unknown_exclusion_membership_makes_the_verdict_unknown() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    maybe = t.group("Maybe excluded")
    t.policy("Policy", [target("allUsers"), target("exclude", maybe)])
    snapshot = t.snapshot()
    snapshot.results["groups"].status = TypeStatus.PARTIAL
    snapshot.results["groups"].child_problems.append(members_failed(maybe))
    item = effective_assignments(snapshot, Subject(ana, None)).find("Policy")[0]
    assert item.verdict is Verdict.UNKNOWN
    assert "exclusion group 'Maybe excluded'" in item.summary
    assert any("would be applies or excluded" in s.text for s in item.steps)


def test_troubleshoot_device_groups_unknown_without_entra_devices() -> None:
    t = Tenant()
    laptop, entra = t.device("LAPTOP-1")
    assert entra is not None
    t.policy("Laptops", [target("group", t.group("Laptops", devices=(entra,)))])
    snapshot = t.snapshot(failed={"entraDevices": "403"})
    item = effective_assignments(snapshot, Subject(None, laptop)).find("Laptops")[0]
    assert item.verdict is Verdict.UNKNOWN
    assert "Entra ID devices weren't read" in item.summary
