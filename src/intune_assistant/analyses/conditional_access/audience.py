"""Who a CA policy covers, decided for one user: users, groups (nesting), roles, guests, exclusions.

Three-valued like the rest of targeting: *yes* with the reason, *no*, or *unknown* with the
reason (a group whose members weren't all read, roles the snapshot doesn't hold). A definite
exclusion wins over anything unknown on the include side, as Entra evaluates exclusions first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.settings.context import ENTRA_ROLES
from intune_assistant.analyses.troubleshoot import Verdict
from intune_assistant.catalog.conditional_access import GUEST_TYPES

__all__ = ["Check", "Person", "Tri", "combine_any", "person_for", "role_ids", "users_verdict"]

Tri = Literal["yes", "no", "unknown"]
_ROLE_BY_NAME = {name.casefold(): role_id for role_id, name in ENTRA_ROLES.items()}


@dataclass(frozen=True)
class Check:
    """One part of a policy decided for the sign-in: yes / no / unknown and why."""

    state: Tri
    reason: str


def combine_any(checks: Sequence[Check], none_reason: str) -> Check:
    """Yes when any check is yes; else unknown when any is unknown; else no (``none_reason``)."""
    for check in checks:
        if check.state == "yes":
            return check
    unknown = list(dict.fromkeys(c.reason for c in checks if c.state == "unknown"))
    if unknown:
        return Check("unknown", "; ".join(unknown))
    return Check("no", none_reason)


@dataclass(frozen=True)
class Person:
    """The facts about one user that the users condition reads."""

    id: str
    label: str
    groups: Mapping[str, tuple[str, ...]]
    roles: frozenset[str] | None
    guest_types: frozenset[str] | None


def role_ids(values: Sequence[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Role template ids for role names or ids, and the values that name no role we know."""
    found: set[str] = set()
    unknown: list[str] = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        if text.casefold() in _ROLE_BY_NAME:
            found.add(_ROLE_BY_NAME[text.casefold()])
        elif text.lower() in ENTRA_ROLES:
            found.add(text.lower())
        else:
            unknown.append(text)
    return frozenset(found), tuple(unknown)


def _guest_types(user: Mapping[str, Any]) -> frozenset[str] | None:
    """Entra's guest or external user type of a user, from userType and the #EXT# UPN mark."""
    user_type = user.get("userType")
    if not isinstance(user_type, str):
        return None
    external = "#ext#" in str(user.get("userPrincipalName") or "").casefold()
    if user_type == "Guest":
        return frozenset({"b2bCollaborationGuest" if external else "internalGuest"})
    return frozenset({"b2bCollaborationMember"}) if external else frozenset()


def person_for(directory: Directory, user_id: str, roles: frozenset[str] | None) -> Person:
    """The facts of user ``user_id`` (``roles`` as given: the snapshot holds no role memberships)."""
    user = directory.users.get(user_id, {})
    return Person(
        id=user_id,
        label=directory.user_label(user_id),
        groups=directory.groups_of_member(user_id),
        roles=roles,
        guest_types=_guest_types(user),
    )


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def _guest_check(value: object, person: Person) -> Check | None:
    if not isinstance(value, Mapping):
        return None
    wanted = {t.strip() for t in str(value.get("guestOrExternalUserTypes") or "").split(",") if t.strip()}
    wanted.discard("none")
    if not wanted:
        return None
    words = ", ".join(GUEST_TYPES.get(t, t) for t in sorted(wanted))
    if person.guest_types is None:
        return Check("unknown", f"whether {person.label} is a guest isn't in the snapshot (user type not read)")
    matched = wanted & person.guest_types
    if not matched:
        return Check("no", f"{person.label} isn't one of: {words}")
    tenants = value.get("externalTenants")
    if isinstance(tenants, Mapping) and tenants.get("membershipKind") == "enumerated":
        return Check("unknown", f"{person.label} is a guest, but the policy names certain home tenants only")
    return Check("yes", f"{person.label} is a guest ({', '.join(GUEST_TYPES.get(t, t) for t in sorted(matched))})")


def _side(
    users: Mapping[str, Any], mode: str, person: Person, directory: Directory, role_names: Mapping[str, str]
) -> Check:
    checks: list[Check] = []
    listed = _strings(users.get(f"{mode}Users"))
    if "All" in listed:
        checks.append(Check("yes", "all users"))
    if person.id in listed:
        checks.append(Check("yes", f"{person.label} by name"))
    if "GuestsOrExternalUsers" in listed:
        kinds = person.guest_types
        if kinds is None:
            checks.append(Check("unknown", f"whether {person.label} is a guest isn't in the snapshot"))
        else:
            checks.append(Check("yes" if kinds else "no", f"{person.label} is a guest or external user"))
    guest = _guest_check(users.get(f"{mode}GuestsOrExternalUsers"), person)
    if guest is not None:
        checks.append(guest)
    for group_id in _strings(users.get(f"{mode}Groups")):
        membership = directory.membership(person.groups, group_id)
        if membership.state == "yes":
            path = " → ".join(directory.group_name(g) for g in membership.path)
            checks.append(Check("yes", f"member of '{directory.group_name(group_id)}' (through {path})"))
        elif membership.state == "unknown":
            checks.append(Check("unknown", membership.reason))
    role_ids_listed = _strings(users.get(f"{mode}Roles"))
    if role_ids_listed:
        names = ", ".join(role_names.get(r, f"role {r}") for r in role_ids_listed)
        if person.roles is None:
            checks.append(
                Check("unknown", f"the policy {mode}s roles ({names}) and the user's directory roles weren't given")
            )
        else:
            held = [r for r in role_ids_listed if r in person.roles]
            if held:
                checks.append(Check("yes", f"holds {', '.join(role_names.get(r, r) for r in held)}"))
    return combine_any(checks, "")


def users_verdict(
    users: Mapping[str, Any], person: Person, directory: Directory, role_names: Mapping[str, str]
) -> tuple[Verdict | None, str]:
    """The users condition for ``person``: None (covered) or the verdict that stops the policy.

    Returns the verdict (None when the user is covered) and the reason in words.
    """
    include = _side(users, "include", person, directory, role_names)
    exclude = _side(users, "exclude", person, directory, role_names)
    if exclude.state == "yes":
        return Verdict.EXCLUDED, f"Excluded: {exclude.reason}."
    if include.state == "no":
        return Verdict.NOT_TARGETED, f"Users: the policy doesn't include {person.label}."
    if include.state == "unknown":
        return Verdict.UNKNOWN, f"Users: {include.reason}."
    if exclude.state == "unknown":
        return Verdict.UNKNOWN, f"Included ({include.reason}), but exclusion can't be decided: {exclude.reason}."
    return None, f"Users: included ({include.reason})."
