"""Views by group (direct and inherited through nesting), filter, user and device."""

from __future__ import annotations

from intune_assistant.analyses.assignments import (
    Directory,
    assignment_overview,
    device_view,
    filter_view,
    group_view,
    user_view,
)
from intune_assistant.snapshot import Snapshot


def _group(directory: Directory, name: str) -> str:
    return next(gid for gid, g in directory.groups.items() if g["displayName"] == name)


def test_assignments_group_view_inherits_through_nesting_with_the_path(contoso: Snapshot, directory: Directory) -> None:
    overview = assignment_overview(contoso, directory=directory)
    view = group_view(overview, directory, _group(directory, "Intune Pilot Users"))
    assert view.kind == "users" and view.members_complete
    assert {p.name for p in view.parents} == {"Regional Users - EU", "Security Pilot (All)"}
    assert "WIN - Defender Antivirus - Sales Exception" in {r.object.name for r in view.direct}
    inherited = next(i for i in view.inherited if i.row.object.name == "WIN - Defender Antivirus - Standard")
    assert inherited.inherited
    assert [g.name for g in inherited.path] == ["Intune Pilot Users", "Regional Users - EU", "Intune Managed Users"]


def test_assignments_group_view_of_a_dynamic_group_shows_its_rule(contoso: Snapshot, directory: Directory) -> None:
    overview = assignment_overview(contoso, directory=directory)
    view = group_view(overview, directory, _group(directory, "All Windows Devices"))
    assert view.dynamic_rule == '(device.deviceOSType -eq "Windows")'
    assert view.kind == "devices" and view.all_devices == view.direct_devices > 0


def test_assignments_filter_view_shows_rule_and_uses(contoso: Snapshot, directory: Directory) -> None:
    overview = assignment_overview(contoso, directory=directory)
    corporate = next(fid for fid in directory.filters if directory.filter_name(fid) == "Corporate Windows")
    view = filter_view(overview, directory, corporate)
    assert view.filter.rule == '(device.deviceOwnership -eq "Corporate")'
    assert view.used and "Cisco Secure Client" in {r.object.name for r in view.rows}
    unused = next(fid for fid in directory.filters if directory.filter_name(fid) == "Zebra scanners")
    assert not filter_view(overview, directory, unused).used


def test_assignments_user_and_device_views(contoso: Snapshot, directory: Directory) -> None:
    overview = assignment_overview(contoso, directory=directory)
    pilot_users, _ = directory.transitive_members(_group(directory, "Intune Pilot Users"))
    user = sorted(pilot_users)[0]
    mine = user_view(overview, directory, user)
    names = {r.row.object.name for r in mine.rows}
    assert "WIN - Defender Antivirus - Standard" in names
    assert all(r.state == "yes" for r in mine.rows)
    assert any(r.row.target_kind == "allUsers" for r in mine.rows)
    device = next(d for d in directory.devices.values() if d["operatingSystem"] == "Windows")
    theirs = device_view(overview, directory, device["id"])
    assert any(r.row.group_name == "All Windows Devices" for r in theirs.rows)
    assert all(r.row.target_kind != "allUsers" for r in theirs.rows)
