"""Gaps in a tenant's Conditional Access: what an admin (or an auditor) would flag first.

- no policy that is on requires MFA of administrators (Global Administrator, all resources);
- legacy authentication (Exchange ActiveSync and other clients) not blocked for everyone;
- a policy excluding many users (at least 10, and at least a tenth of the tenant's users);
- the break-glass account (the account most policies exclude, or one named so) left covered by
  a policy that is on and blocks or requires something — a lockout risk;
- report-only policies nobody changed for 30 days before the snapshot (forgotten);
- policies referencing a group, user or named location that no longer exists.
Nothing is decided from a type the snapshot lacks: then the finding is not made, and the overview's
gaps say why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from intune_assistant.analyses.assignments import Directory, is_complete, is_usable
from intune_assistant.analyses.settings.context import ENTRA_ROLES
from intune_assistant.analyses.troubleshoot import Verdict
from intune_assistant.catalog.conditional_access import CA_STATES, CLIENT_APP_TYPES, LEGACY_CLIENT_APPS
from intune_assistant.snapshot import Snapshot

from .audience import person_for, users_verdict
from .model import Finding, FindingKind

__all__ = ["BREAK_GLASS_WORDS", "REPORT_ONLY_DAYS", "find_gaps"]

GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
REPORT_ONLY_DAYS = 30
MANY_USERS = 10
MANY_SHARE = 0.10
BREAK_GLASS_WORDS = ("break glass", "break-glass", "breakglass", "emergency access")
_SPECIAL_USERS = ("All", "None", "GuestsOrExternalUsers")
_SPECIAL_LOCATIONS = ("All", "AllTrusted")
_TENANT_SOURCES = ("graph", "emulator")


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def _part(policy: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    node: Any = policy
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _name(policy: Mapping[str, Any]) -> str:
    return str(policy.get("displayName") or policy.get("id") or "")


def _finding(kind: FindingKind, reason: str, policy: Mapping[str, Any] | None = None) -> Finding:
    if policy is None:
        return Finding(kind, reason)
    return Finding(kind, reason, str(policy.get("id") or ""), _name(policy))


def _state(policy: Mapping[str, Any]) -> str:
    return str(policy.get("state") or "")


def _controls(policy: Mapping[str, Any]) -> list[str]:
    return _strings(_part(policy, "grantControls").get("builtInControls"))


def _near_misses(candidates: list[Mapping[str, Any]]) -> str:
    if not candidates:
        return ""
    shown = ", ".join(f"'{_name(p)}' ({CA_STATES.get(_state(p), _state(p))})" for p in candidates)
    return f" Would do it but enforce nothing: {shown}."


def _admin_mfa(policies: Sequence[Mapping[str, Any]]) -> Finding | None:
    def fits(policy: Mapping[str, Any]) -> bool:
        users = _part(policy, "conditions", "users")
        apps = _strings(_part(policy, "conditions", "applications").get("includeApplications"))
        grant = _part(policy, "grantControls")
        mfa = "mfa" in _controls(policy) or isinstance(grant.get("authenticationStrength"), Mapping)
        admins = "All" in _strings(users.get("includeUsers")) or GLOBAL_ADMINISTRATOR in _strings(
            users.get("includeRoles")
        )
        return mfa and admins and bool({"All", "MicrosoftAdminPortals"} & set(apps))

    fitting = [p for p in policies if fits(p)]
    if any(_state(p) == "enabled" for p in fitting):
        return None
    return _finding(
        FindingKind.NO_ADMIN_MFA,
        "No policy that is on requires multifactor authentication of Global Administrators for all resources "
        "(or the admin portals)." + _near_misses(fitting),
    )


def _legacy_auth(policies: Sequence[Mapping[str, Any]]) -> Finding | None:
    def blocks_for_all(policy: Mapping[str, Any]) -> bool:
        users = _strings(_part(policy, "conditions", "users").get("includeUsers"))
        apps = _strings(_part(policy, "conditions", "applications").get("includeApplications"))
        return "block" in _controls(policy) and "All" in users and "All" in apps

    def clients(policy: Mapping[str, Any]) -> set[str]:
        found = set(_strings(_part(policy, "conditions").get("clientAppTypes")))
        return found | ({"exchangeActiveSync"} if "easSupported" in found else set())

    full = [p for p in policies if blocks_for_all(p) and clients(p) >= LEGACY_CLIENT_APPS]
    if any(_state(p) == "enabled" for p in full):
        return None
    partial = [
        p for p in policies if _state(p) == "enabled" and "block" in _controls(p) and clients(p) & LEGACY_CLIENT_APPS
    ]
    reason = "No policy that is on blocks legacy authentication (Exchange ActiveSync and other clients) for all users."
    if partial:

        def blocked(policy: Mapping[str, Any]) -> str:
            return ", ".join(CLIENT_APP_TYPES[c] for c in sorted(clients(policy) & LEGACY_CLIENT_APPS))

        reason += " Partly: " + ", ".join(f"'{_name(p)}' blocks only {blocked(p)}" for p in partial) + "."
    return _finding(FindingKind.LEGACY_AUTH, reason + _near_misses(full))


def _many_excluded(policy: Mapping[str, Any], directory: Directory, total: int) -> Finding | None:
    users = _part(policy, "conditions", "users")
    excluded = {u for u in _strings(users.get("excludeUsers")) if u not in _SPECIAL_USERS}
    parts = [f"{len(excluded)} user{'s' if len(excluded) != 1 else ''} by name"] if excluded else []
    lower_bound = False
    for group_id in _strings(users.get("excludeGroups")):
        members, _ = directory.transitive_members(group_id)
        excluded |= members
        lower_bound |= not directory.membership_complete(group_id)
        parts.append(f"group '{directory.group_name(group_id)}' ({len(members)})")
    count = len(excluded)
    if count < MANY_USERS or not total or count / total < MANY_SHARE:
        return None
    share = f"{count / total:.0%}"
    more = " at least" if lower_bound else ""
    return _finding(
        FindingKind.MANY_EXCLUDED,
        f"Excludes{more} {count} of {total} users ({share}): {', '.join(parts)}.",
        policy,
    )


def _break_glass(directory: Directory, policies: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Accounts most policies exclude by name (at least 2, and half of the policies not off), or
    named as an emergency account."""
    live = [p for p in policies if _state(p) != "disabled"]
    counts: dict[str, int] = {}
    for policy in live:
        for user_id in set(_strings(_part(policy, "conditions", "users").get("excludeUsers"))):
            counts[user_id] = counts.get(user_id, 0) + 1
    found = [u for u, n in counts.items() if u in directory.users and n >= max(2, (len(live) + 1) // 2)]
    for user_id, user in directory.users.items():
        words = f"{user.get('displayName') or ''} {user.get('userPrincipalName') or ''}".casefold()
        if user_id not in found and any(w in words for w in BREAK_GLASS_WORDS):
            found.append(user_id)
    return tuple(sorted(found, key=directory.user_label))


def _break_glass_missing(
    policy: Mapping[str, Any], accounts: Sequence[str], directory: Directory, roles: Mapping[str, str]
) -> Finding | None:
    if _state(policy) != "enabled" or not _part(policy, "grantControls"):
        return None
    users = _part(policy, "conditions", "users")
    covered = []
    for user_id in accounts:
        verdict, _ = users_verdict(users, person_for(directory, user_id, None), directory, roles)
        if verdict is None or verdict is Verdict.UNKNOWN:
            covered.append(directory.user_label(user_id))
    if not covered:
        return None
    action = "blocks" if "block" in _controls(policy) else "requires controls of"
    return _finding(
        FindingKind.BREAK_GLASS,
        f"The break-glass account {', '.join(covered)} isn't excluded, and the policy is on and {action} "
        "the users it covers: a lockout risk.",
        policy,
    )


def _report_only(policy: Mapping[str, Any], taken_at: datetime) -> Finding | None:
    if _state(policy) != "enabledForReportingButNotEnforced":
        return None
    text = policy.get("modifiedDateTime") or policy.get("createdDateTime")
    try:
        changed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    days = (taken_at - changed) // timedelta(days=1)
    if days < REPORT_ONLY_DAYS:
        return None
    return _finding(
        FindingKind.REPORT_ONLY,
        f"Report-only and unchanged for {days} days (since {changed:%Y-%m-%d}): it enforces nothing. "
        "Turn it on or remove it.",
        policy,
    )


def _deleted(
    policy: Mapping[str, Any], snapshot: Snapshot, directory: Directory, locations: set[str]
) -> Finding | None:
    users = _part(policy, "conditions", "users")
    gone: list[str] = []
    for mode in ("include", "exclude"):
        for group_id in _strings(users.get(f"{mode}Groups")):
            if directory.group_state(group_id) == "deleted":
                gone.append(f"{mode}d group {group_id}")
        if is_complete(snapshot, "users") and snapshot.source in _TENANT_SOURCES:
            for user_id in _strings(users.get(f"{mode}Users")):
                if user_id not in _SPECIAL_USERS and user_id not in directory.users:
                    gone.append(f"{mode}d user {user_id}")
        if is_complete(snapshot, "namedLocations") and snapshot.source in _TENANT_SOURCES:
            where = _part(policy, "conditions", "locations")
            for location_id in _strings(where.get(f"{mode}Locations")):
                if location_id not in _SPECIAL_LOCATIONS and location_id not in locations:
                    gone.append(f"{mode}d named location {location_id}")
    if not gone:
        return None
    return _finding(
        FindingKind.DELETED_REFERENCE,
        f"Refers to what no longer exists: {', '.join(gone)}. It matches nobody and nowhere; remove it.",
        policy,
    )


def find_gaps(
    snapshot: Snapshot, directory: Directory, policies: Sequence[Mapping[str, Any]]
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """The gaps in ``policies`` and the break-glass accounts found (user ids)."""
    if not is_usable(snapshot, "conditionalAccessPolicies"):
        return (), ()
    found: list[Finding | None] = []
    if is_complete(snapshot, "conditionalAccessPolicies"):
        # Tenant-wide absences can only be claimed from the complete list.
        found += [_admin_mfa(policies), _legacy_auth(policies)]
    total = len(directory.users)
    accounts = _break_glass(directory, policies) if is_usable(snapshot, "users") else ()
    locations = {str(loc.get("id")) for loc in snapshot.read_objects("namedLocations") or ()}
    for policy in policies:
        if _state(policy) != "disabled" and is_usable(snapshot, "groups"):
            found.append(_many_excluded(policy, directory, total))
        found.append(_break_glass_missing(policy, accounts, directory, ENTRA_ROLES))
        found.append(_report_only(policy, snapshot.taken_at))
        found.append(_deleted(policy, snapshot, directory, locations))
    return tuple(f for f in found if f is not None), accounts
