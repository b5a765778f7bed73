"""The RBAC findings, each with its reason; "unknown" (with why) where the snapshot cannot decide."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .audit import AuditLog
from .inventory import ALL_OF_INTUNE, GLOBAL_ADMINISTRATOR, INTUNE_ADMINISTRATOR, Inventory, string_list
from .model import MANY_GLOBAL_ADMINS, Finding, FindingKind, Gap, Grant, RoleAssignmentRow, Source, Status

# Types each finding needs; a gap in any of them makes the finding unknown.
NEEDS: dict[FindingKind, tuple[str, ...]] = {
    FindingKind.MANY_GLOBAL_ADMINS: ("directoryRoles",),
    FindingKind.READ_ONLY_ADMIN: ("directoryRoles",),
    FindingKind.NARROWER_ROLE_FITS: ("directoryRoles", "roleAssignments", "groups"),
    FindingKind.IDLE_SCOPE_TAG: ("scopeTags", "roleAssignments"),
    FindingKind.EMPTY_ROLE_GROUP: ("roleAssignments", "groups"),
}


def _names(items: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def unknown_for(kind: FindingKind, gaps: Mapping[str, Gap]) -> Finding | None:
    """One "unknown" finding naming the unread types ``kind`` needs (None when all were read)."""
    missing = [gaps[key] for key in NEEDS.get(kind, ()) if key in gaps]
    if not missing:
        return None
    why = "; ".join(f"{g.label} weren't read ({g.reason})" for g in missing)
    return Finding(kind, Status.UNKNOWN, missing[0].label, f"Can't tell: {why}.")


def holders(inventory: Inventory, template: str) -> list[tuple[str, str, str]]:
    """(user id, account, via) of the Entra role with ``template`` (none when it isn't activated)."""
    found: dict[str, tuple[str, str, str]] = {}
    for role in inventory.directory_roles:
        if str(role.get("roleTemplateId")) == template:
            for user_id, account, via, _ in inventory.directory_role_members(role):
                found.setdefault(user_id, (user_id, account, via))
    return list(found.values())


def many_global_admins(inventory: Inventory) -> list[Finding]:
    """Global Administrator held by five accounts or more."""
    admins = holders(inventory, GLOBAL_ADMINISTRATOR)
    if len(admins) < MANY_GLOBAL_ADMINS:
        return []
    accounts = sorted(account for _, account, _ in admins)
    reason = (
        f"{len(admins)} accounts hold Global Administrator ({_names(accounts)}); Microsoft recommends fewer than "
        f"{MANY_GLOBAL_ADMINS}. Give the others the narrower role their work needs (Intune Administrator, "
        "a scoped Intune role, Global Reader)."
    )
    return [Finding(FindingKind.MANY_GLOBAL_ADMINS, Status.FOUND, "Global Administrator", reason, GLOBAL_ADMINISTRATOR)]


def read_only_admins(inventory: Inventory, audit: AuditLog | None, audit_gap: str) -> list[Finding]:
    """Intune Administrators whose audit events hold no change (unknown without the audit log)."""
    found: list[Finding] = []
    for user_id, account, _ in sorted(holders(inventory, INTUNE_ADMINISTRATOR), key=lambda h: h[1].casefold()):
        if audit is None:
            reason = f"Can't tell whether {account} changes anything: {audit_gap}."
            found.append(Finding(FindingKind.READ_ONLY_ADMIN, Status.UNKNOWN, account, reason, user_id))
            continue
        activity = audit.activity(user_id, account)
        if activity.changes:
            continue
        if activity.reads:
            kinds = _names(list(activity.read_kinds), 3)
            what = f"{activity.reads} audit events ({audit.covers}), all reads ({kinds})"
        else:
            what = f"no audit event at all ({audit.covers})"
        reason = (
            f"{account} holds Intune Administrator (every Intune permission) but made no change: {what}. "
            "Read Only Operator (Intune) or Global Reader fits what they do."
        )
        found.append(Finding(FindingKind.READ_ONLY_ADMIN, Status.FOUND, account, reason, user_id))
    return found


def narrower_role_fits(inventory: Inventory, grants: Sequence[Grant]) -> list[Finding]:
    """Global or Intune Administrators who are also in an Intune role assignment: the scoped Intune
    role shows their job, and the Entra role gives them all of Intune regardless."""
    intune: dict[str, list[Grant]] = {}
    for grant in grants:
        if grant.source is Source.INTUNE and grant.account_id:
            intune.setdefault(grant.account_id, []).append(grant)
    found: list[Finding] = []
    for template in sorted(ALL_OF_INTUNE):
        for user_id, account, _ in holders(inventory, template):
            scoped = intune.get(user_id)
            if not scoped:
                continue
            role = "Global Administrator" if template == GLOBAL_ADMINISTRATOR else "Intune Administrator"
            jobs = _names(sorted({f"{g.role} ({g.via}, {g.scope.lower()})" for g in scoped}), 3)
            reason = (
                f"{account} holds the built-in Entra role {role}, which allows everything in Intune on every "
                f"object, and is also given the scoped Intune role {jobs}. The Entra role makes the scope and "
                f"scope tags meaningless; if the Intune role is their job, remove {role}."
            )
            found.append(Finding(FindingKind.NARROWER_ROLE_FITS, Status.FOUND, account, reason, user_id))
    return sorted(found, key=lambda f: f.subject.casefold())


def idle_scope_tags(inventory: Inventory, objects: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Finding]:
    """Named scope tags no Intune role assignment uses: they label objects but limit nobody's view."""
    used = {t for a in inventory.raw_assignments for t in string_list(a.get("roleScopeTagIds"))}
    tagged: dict[str, int] = {}
    for items in objects.values():
        for obj in items:
            for label in {*string_list(obj.get("roleScopeTagIds")), *string_list(obj.get("roleScopeTags"))}:
                tagged[label] = tagged.get(label, 0) + 1
    found = []
    for tag_id, tag in sorted(inventory.tags.items(), key=lambda t: str(t[1].get("displayName")).casefold()):
        if tag_id == "0" or tag.get("isBuiltIn") or tag_id in used:
            continue
        name = inventory.tag_name(tag_id)
        reason = (
            f"No Intune role assignment uses scope tag '{name}', so it limits no admin's view; it only labels "
            f"{tagged.get(tag_id, 0)} objects. Add it to the role assignments of the team it is for, or delete it."
        )
        found.append(Finding(FindingKind.IDLE_SCOPE_TAG, Status.FOUND, name, reason, tag_id))
    return found


def empty_role_groups(rows: Sequence[RoleAssignmentRow]) -> list[Finding]:
    """Role assignments whose member groups hold nobody (the role reaches no one) or whose scope
    groups hold nothing (the role manages nothing there); unknown where a group's members weren't
    all read."""
    found = []
    for row in rows:
        for group, what in [(g, "member") for g in row.members] + [(g, "scope") for g in row.scope_groups]:
            # Admins are users: a member group counts users only; a scope group holds users or devices.
            empty = (group.users == 0 if group.users is not None else None) if what == "member" else group.empty
            if empty is None:
                reason = f"Can't tell whether {what} group '{group.name}' of '{row.name}' is empty: {group.reason}."
                found.append(Finding(FindingKind.EMPTY_ROLE_GROUP, Status.UNKNOWN, row.name, reason, row.assignment_id))
            elif empty:
                held = "users" if what == "member" else "users or devices"
                why = group.reason or f"{what.capitalize()} group '{group.name}' has no {held}"
                effect = "the role reaches no one" if what == "member" else "its admins manage nothing through it"
                reason = (
                    f"{why}: {effect} ({row.role}). Add the intended members, or remove the group from the assignment."
                )
                found.append(Finding(FindingKind.EMPTY_ROLE_GROUP, Status.FOUND, row.name, reason, row.assignment_id))
    return found


def gdap_only(grants: Sequence[Grant], gdap: Sequence[Grant] | None) -> list[Finding]:
    """Accounts whose every role here comes through GDAP (unknown when GDAP access wasn't read)."""
    if gdap is None:
        reason = (
            "Can't tell: GDAP access is read on the partner's side. Sign in as the partner's technician "
            "(through GDAP), or give the partner tenant's snapshot."
        )
        return [Finding(FindingKind.GDAP_ONLY, Status.UNKNOWN, "GDAP relationships", reason)]
    direct = {g.account_id for g in grants if g.source is not Source.GDAP}
    by_account: dict[tuple[str, str | None], list[Grant]] = {}
    for grant in gdap:
        by_account.setdefault((grant.account, grant.account_id), []).append(grant)
    found = []
    for (account, account_id), held in sorted(by_account.items(), key=lambda i: i[0][0].casefold()):
        if account_id in direct:
            continue
        roles = ", ".join(sorted({g.role for g in held}))
        vias = _names(sorted({g.via for g in held}), 3)
        reason = (
            f"{account} holds {roles} here only through {vias}. The account is in none of this tenant's own "
            "role lists: review it with the relationship (its roles and end date), not with the tenant's admins."
        )
        found.append(Finding(FindingKind.GDAP_ONLY, Status.FOUND, account, reason, account_id))
    return found
