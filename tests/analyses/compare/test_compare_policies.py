"""Policy vs policy: any two, in one tenant or across tenants; one against many."""

from __future__ import annotations

from tests.support import instances

from intune_assistant.analyses.compare import (
    CompareKind,
    ObjectStatus,
    SettingStatus,
    compare_policies,
    find_policies,
)
from intune_assistant.snapshot import Snapshot


def test_find_policies_by_name_and_wildcard(contoso: Snapshot) -> None:
    [(record, policy)] = find_policies(contoso, "win - bitlocker - lab exception")
    assert record.key == "settingsCatalog" and policy["name"] == "WIN - BitLocker - Lab Exception"
    found = find_policies(contoso, "WIN - BitLocker*", type_key="settingsCatalog")
    assert {p["name"] for _, p in found} >= {"WIN - BitLocker - Lab Exception", "WIN - BitLocker - Require Encryption"}
    assert find_policies(contoso, "no such policy") == []


def test_a_copy_differs_only_where_the_generator_changed_it(contoso: Snapshot) -> None:
    # The planted "(EU copy)" is a deep copy of "Security" with another name and other groups.
    original = find_policies(contoso, "WIN - Microsoft Edge - Security")[0]
    copies = find_policies(contoso, "WIN - Microsoft Edge - Security (EU copy)")
    result = compare_policies(contoso, original, contoso, copies)
    assert result.kind is CompareKind.POLICY
    [diff] = result.objects
    assert diff.renamed and diff.status is ObjectStatus.DIFFERENT
    assert diff.changed_settings == ()
    assert {s.status for s in diff.settings} == {SettingStatus.SAME}
    configured = {i["settingDefinitionId"] for i in instances(original[1]["settings"])}
    # Besides its settings: what describes the policy, and its platform, technologies and template.
    policy = original[1]
    described = {"description", "roleScopeTagIds", "platforms", "technologies"}
    if (policy.get("templateReference") or {}).get("templateId"):
        described.add("templateReference")
    assert {s.setting_id for s in diff.settings} == configured | described
    targets = {(a.target, a.status) for a in diff.changed_assignments}
    assert ("Included group: Regional Users - EU", SettingStatus.ONLY_RIGHT) in targets
    assert ("Included group: Windows Corporate Devices", SettingStatus.ONLY_LEFT) in targets


def test_one_policy_against_many_across_tenants(contoso: Snapshot, fabrikam: Snapshot) -> None:
    policy = find_policies(contoso, "WIN - BitLocker - Require Encryption")[0]
    others = find_policies(fabrikam, "WIN - BitLocker*")
    result = compare_policies(contoso, policy, fabrikam, others, left_label="contoso", right_label="fabrikam")
    assert len(result.objects) == len(others) >= 3
    assert [o.right.name for o in result.objects if o.right] == [p["name"] for _, p in others]
    assert all(o.left is not None and o.left.name == policy[1]["name"] for o in result.objects)
    # Every BitLocker policy of both tenants pins (or releases) device encryption: compared by definition id.
    for diff in result.objects:
        ids = {s.setting_id for s in diff.settings}
        assert "device_vendor_msft_bitlocker_requiredeviceencryption" in ids
    assert (result.left.label, result.right.label) == ("contoso", "fabrikam")
