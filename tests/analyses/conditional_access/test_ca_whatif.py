"""What-if on Contoso's planted policies: each case names the sign-in and the verdicts it must give.

Users are picked by what the policies read (group membership, guest type, the break-glass name),
never by a hard-coded id, so the cases hold for the tenant as generated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pytest

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.conditional_access import Access, SignIn, WhatIf, WhatIfError, what_if
from intune_assistant.analyses.troubleshoot import SubjectError, Verdict
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Problem, ProblemKind, Snapshot, TypeResult, TypeStatus

CATALOG = default_catalog()
EXCHANGE = "Office 365 Exchange Online"
AZURE = "Windows Azure Service Management API"
HQ_IP = "203.0.113.10"  # Contoso Headquarters (trusted IP range); an IP alone says no country
BRANCH_IP = "198.51.100.7"  # Branch offices (trusted IP range)
OTHER_IP = "192.0.2.1"  # in no named location

A, X, T, N, U = Verdict.APPLIES, Verdict.EXCLUDED, Verdict.NOT_TARGETED, Verdict.NOT_APPLICABLE, Verdict.UNKNOWN


def _policy(snapshot: Snapshot, prefix: str) -> Mapping[str, Any]:
    return next(p for p in snapshot.objects["conditionalAccessPolicies"] if p["displayName"].startswith(prefix))


@pytest.fixture(scope="module")
def people(contoso: Snapshot, directory: Directory) -> dict[str, str]:
    """UPNs by role in the cases: plain member, BYOD member, CA003/CA007 group members, guest, break glass."""

    def members(prefix: str, field: str) -> set[str]:
        found: set[str] = set()
        for group_id in _policy(contoso, prefix)["conditions"]["users"][field]:
            found |= set(directory.transitive_members(group_id)[0])
        return found

    byod, ca003, ca007 = (
        members("CA009", "excludeGroups"),
        members("CA003", "includeGroups"),
        members("CA007", "includeGroups"),
    )
    users = contoso.objects["users"]
    members_only = [u for u in users if u["userType"] == "Member" and "#EXT#" not in u["userPrincipalName"]]
    # Nearly everyone is in CA003's "All Employees": a plain member is one outside BYOD and CA007's group.
    plain = next(u for u in members_only[5:] if u["id"] not in byod | ca007)
    return {
        "plain": plain["userPrincipalName"],
        "byod": next(u["userPrincipalName"] for u in members_only[5:] if u["id"] in byod - ca007),
        "ca003": next(u["userPrincipalName"] for u in members_only[5:] if u["id"] in ca003 - byod),
        "ca007": next(u["userPrincipalName"] for u in members_only[5:] if u["id"] in ca007 - byod),
        "guest": next(u["userPrincipalName"] for u in users if u["userType"] == "Guest"),
        "breakglass": "break.glass@contoso.onmicrosoft.com",
    }


def _sign_in(user: str, **given: Any) -> SignIn:
    base: dict[str, Any] = {
        "app": EXCHANGE,
        "platform": "windows",
        "location": f"{HQ_IP},US",
        "client_app": "browser",
        "roles": (),
    }
    return SignIn(user=user, **{**base, **given})


# (case, who, sign-in changes, expected verdicts by policy prefix, expected access or None)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Verdict], Access | None]] = [
    (
        "plain member at HQ in a browser",
        "plain",
        {},
        {
            "CA001": T,
            "CA002": N,
            "CA004": N,
            "CA005": N,
            "CA006": A,
            "CA007": T,
            "CA008": T,
            "CA009": A,
            "CA010": T,
            "CA011": T,
            "CA012": T,
        },
        Access.REQUIREMENTS,
    ),
    ("roles not given: admin policy unknown", "plain", {"roles": None}, {"CA001": U}, Access.UNKNOWN),
    ("included by role", "plain", {"roles": ("Intune Administrator",)}, {"CA001": A}, Access.REQUIREMENTS),
    ("excluded by role", "plain", {"roles": ("Directory Synchronization Accounts",)}, {"CA009": X}, None),
    ("excluded by group", "byod", {}, {"CA009": X, "CA006": A}, None),
    ("legacy client: Exchange ActiveSync", "plain", {"client_app": "exchangeActiveSync"}, {"CA002": A}, Access.BLOCKED),
    ("legacy client: other clients", "plain", {"client_app": "Other clients"}, {"CA002": A}, Access.BLOCKED),
    (
        "modern client: mobile and desktop apps",
        "plain",
        {"client_app": "mobileAppsAndDesktopClients"},
        {"CA002": N},
        None,
    ),
    # A country alone doesn't say which IP range: CA004's trusted-location exclusion is unknown, the block decides.
    ("blocked country", "plain", {"location": "KP"}, {"CA005": A, "CA004": U}, Access.BLOCKED),
    (
        "allowed country: report-only policy would apply, enforces nothing",
        "plain",
        {"location": f"{OTHER_IP},FR"},
        {"CA005": N, "CA004": A},
        Access.REQUIREMENTS,
    ),
    (
        "trusted branch office excluded by All trusted",
        "plain",
        {"location": BRANCH_IP},
        {"CA004": N, "CA005": U},
        Access.UNKNOWN,
    ),
    (
        "IP in no named location, country not said",
        "plain",
        {"location": OTHER_IP},
        {"CA004": A, "CA005": U},
        Access.UNKNOWN,
    ),
    ("IP and country together", "plain", {"location": f"{OTHER_IP},DE"}, {"CA004": A, "CA005": N}, Access.REQUIREMENTS),
    ("location not given", "plain", {"location": None}, {"CA004": U, "CA005": U}, Access.UNKNOWN),
    ("named location by name", "plain", {"location": "Contoso Headquarters"}, {"CA004": N, "CA005": N}, None),
    ("in no named location", "plain", {"location": "elsewhere"}, {"CA004": A, "CA005": N}, Access.REQUIREMENTS),
    ("mobile platform included", "ca007", {"platform": "iOS"}, {"CA007": A}, None),
    ("Intune's words for the platform", "ca007", {"platform": "Android"}, {"CA007": A}, None),
    ("desktop platform not included", "ca007", {"platform": "windows"}, {"CA007": N}, None),
    ("platform not given", "ca007", {"platform": None}, {"CA007": U}, Access.UNKNOWN),
    ("included by group, Office 365 app", "ca003", {}, {"CA003": A}, Access.REQUIREMENTS),
    ("included by group, app outside Office 365", "ca003", {"app": AZURE}, {"CA003": T, "CA010": A}, None),
    ("guest included by guest type", "guest", {}, {"CA012": A}, Access.REQUIREMENTS),
    ("member is not a guest", "plain", {}, {"CA012": T}, None),
    (
        "break-glass excluded everywhere but the planted gap",
        "breakglass",
        {"app": AZURE},
        {"CA001": X, "CA002": X, "CA005": X, "CA009": X, "CA010": A, "CA012": X},
        Access.REQUIREMENTS,
    ),
    (
        "app no table knows: Office 365 membership unknown",
        "plain",
        {"app": "11111111-2222-3333-4444-555555555555"},
        {"CA006": U, "CA010": T},
        Access.UNKNOWN,
    ),
    ("deleted group targets nobody", "ca003", {}, {"CA011": T}, None),
    ("policy that is off", "guest", {}, {"CA008": T}, None),
]


@pytest.mark.parametrize(("case", "who", "given", "expected", "access"), CASES, ids=[c[0] for c in CASES])
def test_what_if_planted_cases(
    contoso: Snapshot,
    directory: Directory,
    people: dict[str, str],
    case: str,
    who: str,
    given: dict[str, Any],
    expected: dict[str, Verdict],
    access: Access | None,
) -> None:
    result = what_if(contoso, CATALOG, _sign_in(people[who], **given), directory)
    by_prefix = {v.policy_name[:5]: v for v in result.verdicts}
    got = {prefix: by_prefix[prefix].verdict for prefix in expected}
    assert got == expected, [(p, by_prefix[p].reasons) for p in expected]
    for verdict in result.verdicts:
        assert verdict.reasons, verdict.policy_name  # every verdict carries its reason
    if access is not None:
        assert result.access is access, result.reason


def test_combined_result_reasons(contoso: Snapshot, directory: Directory, people: dict[str, str]) -> None:
    blocked = what_if(contoso, CATALOG, _sign_in(people["plain"], location="KP"), directory)
    assert blocked.reason == "Blocked by 'CA005 - Block access from blocked countries'."
    # The report-only policy is listed apart and changes nothing.
    allowed = what_if(contoso, CATALOG, _sign_in(people["plain"], location=f"{OTHER_IP},FR"), directory)
    assert [v.policy_name for v in allowed.report_only()] == ["CA004 - Require MFA for all users"]
    assert "CA004" not in allowed.reason and "CA009" in allowed.reason and "compliant" in allowed.reason
    unknown = what_if(contoso, CATALOG, _sign_in(people["plain"], roles=None), directory)
    assert "CA001 - Require MFA for admins" in unknown.reason and "roles" in unknown.reason
    assert unknown.notes
    excluded = what_if(contoso, CATALOG, _sign_in(people["byod"]), directory).find(
        "CA009 - Require compliant device for all users"
    )
    assert "BYOD Users" in excluded.reasons[0] and excluded.label == "Excluded"
    off = what_if(contoso, CATALOG, _sign_in(people["plain"]), directory).find(
        "CA008 - Require MFA to register devices"
    )
    assert off.reasons == ("The policy is off.",)
    condition = what_if(contoso, CATALOG, _sign_in(people["ca007"]), directory).find(
        "CA007 - Require app protection on mobile"
    )
    assert condition.label == "Not applicable (conditions)"
    assert any("Windows isn't among iOS/iPadOS, Android" in r for r in condition.reasons)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"app": "Notepad"}, "first-party app name"),
        ({"platform": "BeOS"}, "android, iOS"),
        ({"location": "Atlantis"}, "no named location"),
        ({"client_app": "fax"}, "browser"),
        ({"roles": ("Chief Executive",)}, "no directory role"),
        ({"user_risk": "extreme"}, "none, low, medium, high"),
    ],
)
def test_bad_input_is_a_clear_error(
    contoso: Snapshot, directory: Directory, people: dict[str, str], given: dict[str, Any], message: str
) -> None:
    with pytest.raises(WhatIfError, match=message):
        what_if(contoso, CATALOG, _sign_in(people["plain"], **given), directory)


def test_unknown_user_is_a_clear_error(contoso: Snapshot, directory: Directory) -> None:
    with pytest.raises(SubjectError, match="no user"):
        what_if(contoso, CATALOG, SignIn(user="nobody@contoso.onmicrosoft.com"), directory)


def test_unread_policies_make_the_result_unknown(contoso: Snapshot, people: dict[str, str]) -> None:
    problem = Problem(ProblemKind.MISSING_SCOPE, "403", status=403, scope="Policy.Read.ConditionalAccess")
    failed = TypeResult("conditionalAccessPolicies", TypeStatus.FAILED, 0, 0.0, problem=problem)
    objects = {k: v for k, v in contoso.objects.items() if k != "conditionalAccessPolicies"}
    unread = dataclasses.replace(
        contoso, objects=objects, results={**contoso.results, "conditionalAccessPolicies": failed}
    )
    result: WhatIf = what_if(unread, CATALOG, _sign_in(people["plain"]))
    assert result.access is Access.UNKNOWN and "Policy.Read.ConditionalAccess" in result.reason


def test_policies_covering_a_user_for_troubleshoot(
    contoso: Snapshot, directory: Directory, people: dict[str, str]
) -> None:
    from intune_assistant.analyses.conditional_access import user_policies

    plain = {v.policy_name[:5]: v for v in user_policies(contoso, CATALOG, people["plain"], directory)}
    # Roles not given: CA001 includes roles, CA009 excludes one — both undecided.
    assert plain["CA001"].verdict is U and plain["CA009"].verdict is U
    assert plain["CA008"].verdict is T and plain["CA008"].reasons == ("The policy is off.",)
    assert plain["CA012"].verdict is T
    # Conditions don't count here: CA005 covers the user wherever they sign in from.
    assert plain["CA005"].verdict is A
    byod = {v.policy_name[:5]: v for v in user_policies(contoso, CATALOG, people["byod"], directory, roles=())}
    assert byod["CA009"].verdict is X and byod["CA001"].verdict is T
    no_roles = {v.policy_name[:5]: v for v in user_policies(contoso, CATALOG, people["plain"], directory, roles=())}
    assert no_roles["CA009"].verdict is A and no_roles["CA009"].reasons[-1].startswith("Decided at each sign-in:")
