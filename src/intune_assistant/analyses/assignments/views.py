"""Views of the overview: by group (direct and inherited through nesting), by filter, by user, by device.

These answer "what is assigned to this group / user / device" from targets alone, without
evaluating filters or exclusions; the troubleshoot analysis gives the verdicts. Inherited
assignments carry the nesting path (UX rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from intune_assistant.catalog import filter_management_label

from .directory import Directory, GroupRef, Membership, MembershipState
from .model import AssignmentOverview, AssignmentRow, FilterRef
from .overview import filter_ref

__all__ = [
    "FilterView",
    "GroupView",
    "InheritedRow",
    "PrincipalRow",
    "PrincipalView",
    "device_view",
    "filter_view",
    "group_view",
    "user_view",
]


@dataclass(frozen=True)
class InheritedRow:
    """A row that reaches a group's members; ``path`` runs from that group up to the assigned one."""

    row: AssignmentRow
    path: tuple[GroupRef, ...]

    @property
    def inherited(self) -> bool:
        """True when the row targets a parent group, not the group itself."""
        return len(self.path) > 1


@dataclass(frozen=True)
class GroupView:
    """A group: its members, nesting, dynamic rule, and the assignments that reach its members.

    ``direct`` target the group itself; ``inherited`` target groups it is nested in (its
    members get those too), each with the path.
    """

    group: GroupRef
    state: str
    kind: str
    dynamic_rule: str | None
    direct_users: int
    direct_devices: int
    all_users: int
    all_devices: int
    members_complete: bool
    parents: tuple[GroupRef, ...]
    children: tuple[GroupRef, ...]
    direct: tuple[AssignmentRow, ...]
    inherited: tuple[InheritedRow, ...]


@dataclass(frozen=True)
class FilterView:
    """An assignment filter with its rule and every assignment that uses it."""

    filter: FilterRef
    management_type: str
    rows: tuple[AssignmentRow, ...]

    @property
    def used(self) -> bool:
        """True when at least one assignment uses the filter."""
        return bool(self.rows)


@dataclass(frozen=True)
class PrincipalRow:
    """An assignment whose target holds the user or device (``state`` yes) or may (unknown)."""

    row: AssignmentRow
    state: MembershipState
    via: Literal["user", "device"]
    path: tuple[GroupRef, ...]
    reason: str = ""


@dataclass(frozen=True)
class PrincipalView:
    """Assignments reaching one user or one device through its groups or All users/All devices."""

    kind: Literal["user", "device"]
    id: str
    label: str
    rows: tuple[PrincipalRow, ...]
    note: str = ""


def group_view(overview: AssignmentOverview, directory: Directory, group_id: str) -> GroupView:
    """The group ``group_id`` with its direct and inherited assignments."""
    ancestors = directory.ancestors(group_id)
    direct: list[AssignmentRow] = []
    inherited: list[InheritedRow] = []
    for row in overview.rows:
        if row.group_id == group_id:
            direct.append(row)
        elif row.group_id in ancestors:
            inherited.append(InheritedRow(row, tuple(directory.group_ref(g) for g in ancestors[row.group_id])))
    users, devices = directory.transitive_members(group_id)
    direct_users, direct_devices, _ = directory.direct_counts(group_id)
    complete = directory.membership_complete(group_id)
    return GroupView(
        group=directory.group_ref(group_id),
        state=directory.group_state(group_id),
        kind=directory.group_kind(group_id) if complete else "unknown",
        dynamic_rule=directory.membership_rule(group_id),
        direct_users=direct_users,
        direct_devices=direct_devices,
        all_users=len(users),
        all_devices=len(devices),
        members_complete=complete,
        parents=tuple(directory.group_ref(g) for g in directory.parents(group_id)),
        children=tuple(directory.group_ref(g) for g in directory.children(group_id)),
        direct=tuple(direct),
        inherited=tuple(sorted(inherited, key=lambda i: (len(i.path), i.row.object.name.casefold()))),
    )


def filter_view(overview: AssignmentOverview, directory: Directory, filter_id: str) -> FilterView:
    """The filter ``filter_id``, its rule and where it is used."""
    obj = directory.filters.get(filter_id, {})
    rows = tuple(row for row in overview.rows if row.filter is not None and row.filter.id == filter_id)
    management = filter_management_label(obj.get("assignmentFilterManagementType"))
    return FilterView(filter_ref(directory, filter_id), management, rows)


def _principal_rows(
    overview: AssignmentOverview,
    directory: Directory,
    groups_of: dict[str, tuple[str, ...]] | None,
    unknown_reason: str,
    via: Literal["user", "device"],
) -> tuple[PrincipalRow, ...]:
    everyone = "allUsers" if via == "user" else "allDevices"
    found: list[PrincipalRow] = []
    for row in overview.rows:
        if row.target_kind == everyone:
            found.append(PrincipalRow(row, "yes", via, ()))
        elif row.target_kind == "group" and row.group_id:
            if groups_of is None:
                membership = Membership("unknown", reason=unknown_reason)
            else:
                membership = directory.membership(groups_of, row.group_id)
            if membership.state != "no":
                path = tuple(directory.group_ref(g) for g in membership.path)
                found.append(PrincipalRow(row, membership.state, via, path, membership.reason))
        elif row.target_kind == "unknown":
            found.append(PrincipalRow(row, "unknown", via, (), "the target type isn't modelled"))
    return tuple(found)


def user_view(overview: AssignmentOverview, directory: Directory, user_id: str) -> PrincipalView:
    """Assignments whose targets hold the user (groups through nesting, and All users)."""
    rows = _principal_rows(overview, directory, directory.groups_of_member(user_id), "", "user")
    note = "Targets only: filters and exclusions aren't applied here; use explain for verdicts."
    return PrincipalView("user", user_id, directory.user_label(user_id), rows, note)


def device_view(overview: AssignmentOverview, directory: Directory, managed_device_id: str) -> PrincipalView:
    """Assignments whose targets hold the device (its Entra object's groups, and All devices).

    The primary user's assignments are not included: ask ``user_view`` for them.
    """
    groups_of, reason = directory.device_groups(managed_device_id)
    rows = _principal_rows(overview, directory, groups_of, reason, "device")
    note = "Device targets only (not the user's); filters and exclusions aren't applied here."
    if groups_of is not None and reason:
        note = f"{note} {reason[0].upper()}{reason[1:]}."
    return PrincipalView("device", managed_device_id, directory.device_label(managed_device_id), rows, note)
