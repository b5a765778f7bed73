"""Resultant settings for a device: winning values, their policies, and conflicts."""

from __future__ import annotations

from tests.analyses.troubleshoot.builder import OFF, ON, REALTIME, Tenant, target

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.conflicts import Resolution
from intune_assistant.analyses.troubleshoot import (
    Subject,
    effective_assignments,
    resolve_subject,
    resultant_settings,
)
from intune_assistant.snapshot import Snapshot

_COMPLIANCE = "#microsoft.graph.windows10CompliancePolicy"


def _device_tenant() -> tuple[Tenant, str, str]:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, _ = t.device("LAPTOP-1", user=ana)
    return t, ana, laptop


def test_troubleshoot_resultant_conflict_between_two_configuration_policies() -> None:
    t, ana, laptop = _device_tenant()
    t.policy("Standard", [target("allDevices")], settings={REALTIME: ON})
    t.policy("Exception", [target("allUsers")], settings={REALTIME: OFF})
    snapshot = t.snapshot()
    result = resultant_settings(snapshot, effective_assignments(snapshot, Subject(ana, laptop)))
    (setting,) = [s for s in result.settings if s.setting_id == REALTIME]
    assert setting.conflict and setting.resolution is Resolution.CONFLICT
    assert setting.value is None and setting.winner is None
    assert {c.policy.name for c in setting.sources} == {"Standard", "Exception"}
    assert result.conflicts == (setting,)


def test_troubleshoot_resultant_agreeing_policies_are_not_a_conflict() -> None:
    t, ana, laptop = _device_tenant()
    t.policy("One", [target("allDevices")], settings={REALTIME: ON})
    t.policy("Two", [target("allDevices")], settings={REALTIME: ON})
    snapshot = t.snapshot()
    (setting,) = resultant_settings(snapshot, effective_assignments(snapshot, Subject(ana, laptop))).settings
    assert setting.resolution is Resolution.SAME and not setting.conflict


def test_troubleshoot_resultant_compliance_takes_the_most_restrictive() -> None:
    t, ana, laptop = _device_tenant()
    for name, length in (("Compliance 8", 8), ("Compliance 12", 12)):
        t.policy(
            name,
            [target("allDevices")],
            key="compliancePolicies",
            fields={"@odata.type": _COMPLIANCE, "passwordRequired": True, "passwordMinimumLength": length},
        )
    snapshot = t.snapshot()
    result = resultant_settings(snapshot, effective_assignments(snapshot, Subject(ana, laptop)))
    length_setting = next(s for s in result.settings if s.setting_id == "passwordMinimumLength")
    assert length_setting.resolution is Resolution.MOST_RESTRICTIVE
    assert length_setting.value == "12" and length_setting.winner is not None
    assert length_setting.winner.name == "Compliance 12"
    assert not result.conflicts


def test_troubleshoot_resultant_skips_excluded_and_lists_uncertain_policies() -> None:
    t, ana, laptop = _device_tenant()
    t.policy(
        "Excluded one",
        [target("allUsers"), target("exclude", t.group("Everyone", users=(ana,)))],
        settings={REALTIME: OFF},
    )
    t.policy(
        "Unknown one",
        [
            target(
                "allDevices", filter_id=t.filter("Arm", '(device.cpuArchitecture -eq "arm64")'), filter_mode="include"
            )
        ],
        settings={REALTIME: ON},
    )
    snapshot = t.snapshot()
    result = resultant_settings(snapshot, effective_assignments(snapshot, Subject(ana, laptop)))
    (setting,) = result.settings
    assert setting.resolution is Resolution.UNCERTAIN and setting.value is None
    assert [c.policy.name for c in setting.possible] == ["Unknown one"]
    assert [p.name for p in result.uncertain] == ["Unknown one"]
    assert not result.policies


def test_troubleshoot_resultant_demo_planted_conflict(contoso: Snapshot, directory: Directory) -> None:
    # A Windows device of a user in 'Intune Pilot Users': both Defender policies planted as a conflict.
    pilot, _ = directory.transitive_members(
        next(g for g, o in directory.groups.items() if o["displayName"] == "Intune Pilot Users")
    )
    device = next(
        d["id"] for d in directory.devices.values() if d["userId"] in pilot and d["operatingSystem"] == "Windows"
    )
    subject = resolve_subject(directory, device=device)
    result = resultant_settings(contoso, effective_assignments(contoso, subject, directory=directory))
    realtime = next(s for s in result.settings if s.setting_id == REALTIME)
    assert realtime.conflict
    names = {c.policy.name for c in realtime.sources}
    assert {"WIN - Defender Antivirus - Standard", "WIN - Defender Antivirus - Sales Exception"} <= names
    assert {c.value for c in realtime.sources} == {"Allowed", "Not allowed"}
    bitlocker = next(
        s for s in result.settings if s.setting_id == "device_vendor_msft_bitlocker_requiredeviceencryption"
    )
    assert bitlocker.conflict
