"""Groups as the targeting pages show them: the list with counts, and a group's members by name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.analyses.assignments import AssignmentOverview, Directory

from ..analyses import TARGETING
from ..derived import Analysis, Derived

_KIND = {
    "#microsoft.graph.user": "User",
    "#microsoft.graph.device": "Device",
    "#microsoft.graph.group": "Group",
}


@dataclass(frozen=True)
class GroupRow:
    """One group of the list."""

    id: str
    name: str
    dynamic: bool
    rule: str | None
    users: int
    devices: int
    nested: int
    all_users: int
    all_devices: int
    complete: bool
    assignments: int


@dataclass(frozen=True)
class Member:
    """A direct member, by name; ``group_id`` is set for a nested group (it opens)."""

    kind: str
    name: str
    detail: str
    group_id: str | None = None


def group_rows(directory: Directory, overview: AssignmentOverview, q: str = "") -> list[GroupRow]:
    """Every group (matching ``q`` in its name or rule), sorted by name."""
    uses = Counter(r.group_id for r in overview.rows if r.group_id)
    rows = []
    for gid in directory.groups:
        name = directory.group_name(gid)
        rule = directory.membership_rule(gid)
        if q and q.casefold() not in name.casefold() and q.casefold() not in (rule or "").casefold():
            continue
        users, devices, nested = directory.direct_counts(gid)
        all_users, all_devices = directory.transitive_members(gid)
        rows.append(
            GroupRow(
                gid,
                name,
                directory.is_dynamic(gid),
                rule,
                users,
                devices,
                nested,
                len(all_users),
                len(all_devices),
                directory.membership_complete(gid),
                uses[gid],
            )
        )
    return sorted(rows, key=lambda r: r.name.casefold())


def matching_groups(rows: list[GroupRow], q: str) -> list[GroupRow]:
    """The rows whose name or dynamic rule contains ``q`` (case-insensitive); all rows for no ``q``."""
    if not q:
        return rows
    needle = q.casefold()
    return [r for r in rows if needle in r.name.casefold() or needle in (r.rule or "").casefold()]


def _group_rows(derived: Derived) -> list[GroupRow]:
    tenant = derived.value(TARGETING)
    return group_rows(tenant.directory, tenant.overview)


GROUP_ROWS: Analysis[list[GroupRow]] = Analysis("group rows", _group_rows)
"""Every group with its member counts and uses, sorted by name."""


def _text(member: Mapping[str, Any], *fields: str) -> str:
    for field in fields:
        value = member.get(field)
        if isinstance(value, str) and value:
            return value
    return ""


def members(directory: Directory, group_id: str) -> list[Member]:
    """The group's direct members by name (users, devices, nested groups)."""
    raw = directory.groups.get(group_id, {}).get("members")
    found = []
    for member in raw if isinstance(raw, list) else []:
        if not isinstance(member, Mapping) or not isinstance(member.get("id"), str):
            continue
        kind = _KIND.get(str(member.get("@odata.type") or ""), "Other")
        mid = str(member["id"])
        if kind == "Group":
            found.append(Member(kind, directory.group_name(mid), "", mid))
        elif kind == "User":
            user = directory.users.get(mid, member)
            found.append(
                Member(kind, _text(user, "displayName", "userPrincipalName") or mid, _text(user, "userPrincipalName"))
            )
        else:
            found.append(Member(kind, _text(member, "displayName") or mid, _text(member, "operatingSystem")))
    order = {"Group": 0, "User": 1, "Device": 2, "Other": 3}
    return sorted(found, key=lambda m: (order[m.kind], m.name.casefold()))
