"""Planted cases of the Contoso demo tenant, collected through the product's client."""

from __future__ import annotations

import json

from intune_assistant.analyses.assignments import Directory, to_jsonable
from intune_assistant.analyses.troubleshoot import StepKind, Subject, Verdict, effective_assignments, resolve_subject
from intune_assistant.snapshot import Snapshot


def _group(directory: Directory, name: str) -> str:
    return next(gid for gid, g in directory.groups.items() if g["displayName"] == name)


def _direct_users(directory: Directory, name: str) -> set[str]:
    members = directory.groups[_group(directory, name)]["members"]
    return {m["id"] for m in members if m["@odata.type"].endswith("user")}


def test_troubleshoot_demo_nested_three_levels(contoso: Snapshot, directory: Directory) -> None:
    # Planted nesting: Intune Managed Users ⊃ Regional Users - EU ⊃ Intune Pilot Users.
    pilot = _direct_users(directory, "Intune Pilot Users")
    outer = _direct_users(directory, "Regional Users - EU") | _direct_users(directory, "Intune Managed Users")
    user = sorted(pilot - outer)[0]
    item = effective_assignments(contoso, Subject(user, None), directory=directory).find(
        "WIN - Defender Antivirus - Standard"
    )[0]
    assert item.verdict is Verdict.APPLIES
    step = next(s for s in item.steps if s.kind is StepKind.TARGETED)
    assert [g.name for g in step.path] == ["Intune Pilot Users", "Regional Users - EU", "Intune Managed Users"]


def test_troubleshoot_demo_exclusion_beats_inclusion(contoso: Snapshot, directory: Directory) -> None:
    # "Microsoft Edge for Windows 10 and later" includes Intune Pilot Users and excludes Ring 2.
    both = _direct_users(directory, "Intune Pilot Users") & _direct_users(directory, "Windows Update Ring 2 - Broad")
    assert both
    for user in sorted(both):
        item = effective_assignments(contoso, Subject(user, None), directory=directory).find(
            "Microsoft Edge for Windows 10 and later"
        )[0]
        assert item.verdict is Verdict.EXCLUDED
        assert item.summary == "Excluded through 'Windows Update Ring 2 - Broad'"


def test_troubleshoot_demo_required_and_uninstall(contoso: Snapshot, directory: Directory) -> None:
    # Cisco Secure Client: All users Uninstall + 'Windows Update Ring 1 - Pilot' Required with the
    # Include filter 'Corporate Windows'. Required wins; then the Required assignment's filter decides.
    seen: set[tuple[Verdict, str | None]] = set()
    for user in sorted(_direct_users(directory, "Windows Update Ring 1 - Pilot")):
        for device in directory.devices_of_user.get(user, []):
            if directory.devices[device]["operatingSystem"] != "Windows":
                continue
            item = effective_assignments(contoso, Subject(user, device), directory=directory).find(
                "Cisco Secure Client"
            )[0]
            seen.add((item.verdict, item.intent))
            if item.verdict is Verdict.FILTERED_OUT:
                assert item.intent == "required"
                assert directory.devices[device]["managedDeviceOwnerType"] == "personal"
            assert item.intent != "uninstall" or item.verdict is not Verdict.APPLIES
    assert (Verdict.APPLIES, "required") in seen
    assert (Verdict.FILTERED_OUT, "required") in seen


def test_troubleshoot_demo_filter_decides_with_the_property_value(contoso: Snapshot, directory: Directory) -> None:
    # Mozilla Firefox ESR: 'Windows Corporate Devices' Required, Exclude filter 'Corporate Windows'.
    corporate = [
        d
        for d in directory.devices.values()
        if d["operatingSystem"] == "Windows" and d["managedDeviceOwnerType"] == "company"
    ]
    device = corporate[0]["id"]
    item = effective_assignments(contoso, Subject(None, device), directory=directory).find("Mozilla Firefox ESR")[0]
    assert item.verdict is Verdict.FILTERED_OUT
    step = next(s for s in item.steps if s.kind is StepKind.FILTER)
    assert step.filter is not None and step.filter.name == "Corporate Windows"
    assert step.values == (("device.deviceOwnership", "Corporate"),)


def test_troubleshoot_demo_every_verdict_has_a_reason_and_serialises(contoso: Snapshot, directory: Directory) -> None:
    device = next(d["id"] for d in directory.devices.values() if d["operatingSystem"] == "Windows" and d["userId"])
    subject = resolve_subject(directory, device=device)
    assert subject.user_id is not None and "primary user" in subject.notes[0]
    result = effective_assignments(contoso, subject, directory=directory)
    assert len(result.items) == sum(contoso.count(k) for k in {i.object.type_key for i in result.items})
    for item in result.items:
        assert item.summary and item.steps
        assert "applied" not in item.summary.casefold()
    assert all(i.reached or i.verdict is Verdict.UNKNOWN for i in result.relevant())
    data = json.loads(json.dumps(to_jsonable(result)))
    assert data["items"][0]["label"] in {
        "Targeted",
        "Excluded",
        "Filtered out",
        "Not applicable (platform)",
        "Not targeted",
        "Unknown",
    }
    assert not result.gaps
