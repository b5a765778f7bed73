"""Hygiene lists match what the demo generator planted."""

from __future__ import annotations

from tests.analyses.troubleshoot.builder import Tenant, target

from intune_assistant.analyses.assignments import Directory, assignment_overview, hygiene
from intune_assistant.snapshot import Snapshot


def test_assignments_hygiene_finds_the_planted_problems(
    contoso: Snapshot, directory: Directory, planted: dict[str, list[str]]
) -> None:
    report = hygiene(assignment_overview(contoso, directory=directory), directory)
    assert sorted(o.name for o in report.unassigned) == sorted(planted["unassigned"])
    assert sorted({r.object.name for r in report.deleted_group_assignments}) == sorted(
        planted["deletedGroupAssignments"]
    )
    assert sorted(f.name for f in report.unused_filters) == sorted(planted["unusedFilters"])
    used_empty = {e.group.name for e in report.empty_groups if e.assignments}
    assert used_empty == set(planted["emptyGroups"])
    assert not report.assignments_unknown and not report.unresolved_group_assignments and not report.notes


def test_assignments_hygiene_flags_mixed_exclusions(contoso: Snapshot, directory: Directory) -> None:
    report = hygiene(assignment_overview(contoso, directory=directory), directory)
    seven_zip = next(m for m in report.mixed_exclusions if m.object.name == "7-Zip 24.08 (x64)")
    assert seven_zip.exclusion.group_name == "Surface Devices" and seven_zip.exclusion_kind == "devices"
    assert [r.group_name for r in seven_zip.inclusions] == ["App - Adobe Acrobat Users"]


def test_assignments_hygiene_says_what_it_could_not_check() -> None:
    t = Tenant()
    t.filter("Maybe used", '(device.model -eq "X")')
    t.policy("Policy", [target("allUsers")])
    report = hygiene(assignment_overview(t.snapshot(failed={"mobileApps": "503"})), Directory(t.snapshot()))
    assert [f.name for f in report.unused_filters] == ["Maybe used"]
    assert report.notes and "Apps" in report.notes[0]
