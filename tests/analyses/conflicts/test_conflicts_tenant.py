"""Tenant-wide conflicts (with the overlapping scope), duplicates and deprecated settings."""

from __future__ import annotations

from tests.analyses.troubleshoot.builder import OFF, ON, REALTIME, Tenant, target

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.conflicts import Resolution, conflicts_report, find_conflicts
from intune_assistant.analyses.settings import setting_rows
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Problem, ProblemKind, Snapshot


def test_conflicts_demo_planted_conflicts_with_overlap(
    contoso: Snapshot, directory: Directory, planted: dict[str, list[str]]
) -> None:
    report = conflicts_report(contoso, directory=directory)
    realtime = next(c for c in report.conflicts if c.setting_id == REALTIME)
    assert realtime.resolution is Resolution.CONFLICT
    pair = next(
        p
        for p in realtime.pairs
        if {p.policy_a.name, p.policy_b.name}
        == {"WIN - Defender Antivirus - Standard", "WIN - Defender Antivirus - Sales Exception"}
    )
    assert {pair.value_a, pair.value_b} == {"Allowed", "Not allowed"}
    assert pair.overlap.users > 0 and pair.overlap.certain
    assert pair.overlap.shared_targets == (
        "'Intune Pilot Users' is nested in 'Intune Managed Users' (through 'Regional Users - EU')",
    )
    bitlocker = next(
        c for c in report.conflicts if c.setting_id == "device_vendor_msft_bitlocker_requiredeviceencryption"
    )
    lab = next(p for p in bitlocker.pairs if "WIN - BitLocker - Lab Exception" in (p.policy_a.name, p.policy_b.name))
    assert "both target 'All Windows Devices'" in lab.overlap.shared_targets and lab.overlap.devices > 0
    named = {p.name for c in report.conflicts for v in c.values for p in v.policies}
    assert set(planted["conflicts"]) <= named


def test_conflicts_demo_planted_duplicates(
    contoso: Snapshot, directory: Directory, planted: dict[str, list[str]]
) -> None:
    report = conflicts_report(contoso, directory=directory)
    assert [[p.name for p in d.policies] for d in report.duplicates] == [sorted(planted["duplicates"])]
    assert report.duplicates[0].type_key == "settingsCatalog" and report.duplicates[0].settings > 0


def test_conflicts_demo_planted_deprecated_with_replacements(
    contoso: Snapshot, directory: Directory, planted: dict[str, list[str]]
) -> None:
    report = conflicts_report(contoso, directory=directory)
    deprecated = [d for d in report.deprecated if d.status == "deprecated"]
    assert sorted({d.policy.name for d in deprecated}) == sorted(planted["deprecated"])
    cortana = next(d for d in deprecated if d.name == "Allow Cortana")
    assert cortana.replacement == "Allow Windows Consumer Features"
    assert all(d.status == "deprecated" for d in report.deprecated)  # nothing missing from the catalogue
    assert not report.gaps and not report.notes


def test_conflicts_policies_that_never_meet_do_not_conflict() -> None:
    t = Tenant()
    ana, bob = t.user("ana@test.example"), t.user("bob@test.example")
    t.policy("For Ana", [target("group", t.group("Ana", users=(ana,)))], settings={REALTIME: ON})
    t.policy("For Bob", [target("group", t.group("Bob", users=(bob,)))], settings={REALTIME: OFF})
    snapshot = t.snapshot()
    assert find_conflicts(snapshot, setting_rows(snapshot, default_catalog())) == ()


def test_conflicts_exclusions_and_filters_shape_the_overlap() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    _, entra_surface = t.device("SURFACE", user=ana, model="Surface Pro 9")
    _, entra_dell = t.device("DELL", model="Latitude 7440")
    assert entra_surface and entra_dell
    surfaces = t.filter("Surfaces", '(device.model -startsWith "Surface")')
    t.policy("All devices on", [target("allDevices")], settings={REALTIME: ON})
    t.policy(
        "Surfaces off", [target("allDevices", filter_id=surfaces, filter_mode="include")], settings={REALTIME: OFF}
    )
    snapshot = t.snapshot()
    (conflict,) = find_conflicts(snapshot, setting_rows(snapshot, default_catalog()))
    (pair,) = conflict.pairs
    assert (pair.overlap.devices, pair.overlap.example_devices) == (1, ("SURFACE",))
    assert pair.overlap.shared_targets == ("both target All devices",)
    # Excluding the Surface from the first policy removes the overlap.
    t.objects["settingsCatalog"][0]["assignments"].append(
        {"id": "x", "target": target("exclude", t.group("Surface group", devices=(entra_surface,)))}
    )
    snapshot = t.snapshot()
    assert find_conflicts(snapshot, setting_rows(snapshot, default_catalog())) == ()


def test_conflicts_unknown_membership_is_reported_as_uncertain() -> None:
    t = Tenant()
    ana = t.user("ana@test.example")
    t.policy("On", [target("group", t.group("A", users=(ana,)))], settings={REALTIME: ON})
    b = t.group("B")
    t.policy("Off", [target("group", b)], settings={REALTIME: OFF})
    snapshot = t.snapshot()
    snapshot.results["groups"].child_problems.append(
        Problem(ProblemKind.SERVER_ERROR, "unavailable", status=503, part="members", object_id=b)
    )
    (conflict,) = find_conflicts(snapshot, setting_rows(snapshot, default_catalog()))
    assert not conflict.pairs[0].overlap.certain
    assert conflict.pairs[0].overlap.scope == "no one (uncertain)"
