"""The Conditional Access overview on the demo tenants: every policy in words, every planted gap found."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from intune_assistant.analyses.conditional_access import FindingKind, ca_overview
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Problem, ProblemKind, Snapshot, TypeResult, TypeStatus

CATALOG = default_catalog()
PLANTED_KINDS = {
    "caNoAdminMfa": FindingKind.NO_ADMIN_MFA,
    "caLegacyAuthNotBlocked": FindingKind.LEGACY_AUTH,
    "caManyExcluded": FindingKind.MANY_EXCLUDED,
    "caBreakGlassMissing": FindingKind.BREAK_GLASS,
    "caReportOnlyForgotten": FindingKind.REPORT_ONLY,
    "caDeletedReference": FindingKind.DELETED_REFERENCE,
}
TENANT_WIDE = {FindingKind.NO_ADMIN_MFA, FindingKind.LEGACY_AUTH}


def _found(snapshot: Snapshot) -> dict[FindingKind, set[str]]:
    found: dict[FindingKind, set[str]] = {}
    for finding in ca_overview(snapshot, CATALOG).findings:
        found.setdefault(finding.kind, set()).add(finding.policy_name or "")
    return found


def _expected(planted: dict[str, list[str]]) -> dict[FindingKind, set[str]]:
    expected: dict[FindingKind, set[str]] = {}
    for key, kind in PLANTED_KINDS.items():
        for name in planted.get(key, ()):
            expected.setdefault(kind, set()).add("" if kind in TENANT_WIDE else name)
    return expected


def test_contoso_policies_in_words(contoso: Snapshot) -> None:
    overview = ca_overview(contoso, CATALOG)
    by_name = {p.name: p for p in overview.policies}
    assert len(by_name) == len(contoso.objects["conditionalAccessPolicies"])
    admins = by_name["CA001 - Require MFA for admins"]
    assert admins.state_label == "On"
    assert "Include roles: Global Administrator, Intune Administrator" in admins.users
    assert "Emergency Access (break glass)" in admins.users
    assert admins.grant == "Grant access: Require multifactor authentication"
    assert by_name["CA004 - Require MFA for all users"].state_label == "Report-only"
    assert by_name["CA008 - Require MFA to register devices"].state_label == "Off"
    assert (
        "Exclude locations: Contoso Headquarters, All trusted locations"
        in by_name["CA004 - Require MFA for all users"].conditions
    )
    assert "Include locations: Blocked countries" in by_name["CA005 - Block access from blocked countries"].conditions
    assert (
        "Client apps: Exchange ActiveSync clients, Other clients"
        in by_name["CA002 - Block legacy authentication"].conditions
    )
    assert (
        "Include device platforms: iOS/iPadOS, Android"
        in by_name["CA007 - Require app protection on mobile"].conditions
    )
    assert (
        "Exclude roles: Directory Synchronization Accounts"
        in by_name["CA009 - Require compliant device for all users"].users
    )
    assert "B2B collaboration guest users" in by_name["CA012 - Require MFA for guests"].users
    assert by_name["CA006 - Sign-in frequency on unmanaged devices"].session.startswith(
        "Sign-in frequency: Every 12 hours"
    )
    assert by_name["CA002 - Block legacy authentication"].grant == "Block access"
    assert not overview.gaps


def test_every_planted_gap_found_with_its_reason(
    contoso_demo: tuple[Snapshot, dict[str, list[str]]], fabrikam_demo: tuple[Snapshot, dict[str, list[str]]]
) -> None:
    for snapshot, planted in (contoso_demo, fabrikam_demo):
        assert _found(snapshot) == _expected(planted)
    contoso = {(f.kind, f.policy_name): f.reason for f in ca_overview(contoso_demo[0], CATALOG).findings}
    assert "BYOD Users" in contoso[(FindingKind.MANY_EXCLUDED, "CA009 - Require compliant device for all users")]
    assert "break.glass@" in contoso[(FindingKind.BREAK_GLASS, "CA010 - Require MFA for Azure management")]
    deleted = contoso[(FindingKind.DELETED_REFERENCE, "CA011 - Block Finance outside the offices")]
    assert "included group" in deleted and "excluded named location" in deleted
    assert "Report-only and unchanged" in contoso[(FindingKind.REPORT_ONLY, "CA004 - Require MFA for all users")]
    fabrikam = {(f.kind, f.policy_name): f.reason for f in ca_overview(fabrikam_demo[0], CATALOG).findings}
    assert "'CA001 - Require MFA for admins' (Report-only)" in fabrikam[(FindingKind.NO_ADMIN_MFA, None)]
    assert "blocks only Exchange ActiveSync clients" in fabrikam[(FindingKind.LEGACY_AUTH, None)]


def test_contoso_has_no_tenant_wide_gap_and_finds_the_break_glass_account(contoso: Snapshot) -> None:
    overview = ca_overview(contoso, CATALOG)
    assert not {f.kind for f in overview.findings} & TENANT_WIDE
    upns = {u["id"]: u["userPrincipalName"] for u in contoso.objects["users"]}
    assert [upns[u] for u in overview.break_glass] == ["break.glass@contoso.onmicrosoft.com"]


def test_a_recent_report_only_policy_is_not_forgotten(contoso: Snapshot) -> None:
    # Collected the day after CA004 was last changed: report-only for a day is a test, not a gap.
    policy = next(p for p in contoso.objects["conditionalAccessPolicies"] if p["displayName"].startswith("CA004"))
    from datetime import datetime

    changed = datetime.fromisoformat(policy["modifiedDateTime"].replace("Z", "+00:00"))
    fresh = dataclasses.replace(contoso, taken_at=changed + timedelta(days=1))
    assert FindingKind.REPORT_ONLY not in {f.kind for f in ca_overview(fresh, CATALOG).findings}


def test_unread_policies_claim_no_gap_and_say_why(contoso: Snapshot) -> None:
    problem = Problem(ProblemKind.MISSING_SCOPE, "403", status=403, scope="Policy.Read.ConditionalAccess")
    failed = TypeResult("conditionalAccessPolicies", TypeStatus.FAILED, 0, 0.0, problem=problem)
    objects = {k: v for k, v in contoso.objects.items() if k != "conditionalAccessPolicies"}
    unread = dataclasses.replace(
        contoso, objects=objects, results={**contoso.results, "conditionalAccessPolicies": failed}
    )
    overview = ca_overview(unread, CATALOG)
    assert overview.policies == () and overview.findings == ()
    assert [g.type_key for g in overview.gaps] == ["conditionalAccessPolicies"]
    assert "Policy.Read.ConditionalAccess" in overview.gaps[0].reason
