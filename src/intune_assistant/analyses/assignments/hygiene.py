"""Assignment hygiene: empty groups, unassigned objects, deleted groups, unused filters, mixed exclusions.

Each list says how sure it is: a list drawn from a snapshot that missed types carries a note
instead of pretending to be complete (a filter "used by nothing" may be used by a type that
failed to read).
"""

from __future__ import annotations

from dataclasses import dataclass

from .directory import Directory, GroupRef
from .model import AssignmentOverview, AssignmentRow, FilterRef, ObjectRef, PolicyAssignments
from .overview import filter_ref

__all__ = ["EmptyGroup", "Hygiene", "MixedExclusion", "hygiene"]


@dataclass(frozen=True)
class EmptyGroup:
    """A group without members (through nesting); ``assignments`` counts the rows targeting it."""

    group: GroupRef
    dynamic: bool
    assignments: int


@dataclass(frozen=True)
class MixedExclusion:
    """An exclusion of one kind (users/devices) next to inclusions of the other kind.

    Intune evaluates exclusions only against inclusions of the same kind (reference §4, INEX):
    excluding a device group doesn't remove the devices of included users, and vice versa.
    """

    object: ObjectRef
    exclusion: AssignmentRow
    exclusion_kind: str
    inclusions: tuple[AssignmentRow, ...]


@dataclass(frozen=True)
class Hygiene:
    """The hygiene lists, each with what makes it uncertain (``notes``)."""

    empty_groups: tuple[EmptyGroup, ...]
    unassigned: tuple[ObjectRef, ...]
    assignments_unknown: tuple[PolicyAssignments, ...]
    deleted_group_assignments: tuple[AssignmentRow, ...]
    unresolved_group_assignments: tuple[AssignmentRow, ...]
    unused_filters: tuple[FilterRef, ...]
    mixed_exclusions: tuple[MixedExclusion, ...]
    notes: tuple[str, ...]


def _kinds(row: AssignmentRow) -> set[str]:
    if row.target_kind == "allUsers":
        return {"users"}
    if row.target_kind == "allDevices":
        return {"devices"}
    if row.group_kind == "mixed":
        return {"users", "devices"}
    return {row.group_kind} if row.group_kind in ("users", "devices") else set()


def _mixed(policy: PolicyAssignments) -> list[MixedExclusion]:
    includes = [r for r in policy.rows if r.mode == "include"]
    found = []
    for exclusion in (r for r in policy.rows if r.mode == "exclude"):
        excluded = _kinds(exclusion)
        if len(excluded) != 1:
            continue  # an empty/unknown or mixed exclusion group: no single kind to compare
        other = tuple(r for r in includes if _kinds(r) - excluded)
        if other:
            found.append(MixedExclusion(policy.object, exclusion, excluded.pop(), other))
    return found


def hygiene(overview: AssignmentOverview, directory: Directory) -> Hygiene:
    """The hygiene lists for the overview's tenant."""
    used_groups: dict[str, int] = {}
    used_filters: set[str] = set()
    unassigned, unknown, deleted, unresolved, mixed = [], [], [], [], []
    for policy in overview.policies:
        if not policy.known:
            unknown.append(policy)
        elif not policy.assigned:
            unassigned.append(policy.object)
        mixed.extend(_mixed(policy))
        for row in policy.rows:
            if row.group_id:
                used_groups[row.group_id] = used_groups.get(row.group_id, 0) + 1
            if row.filter is not None:
                used_filters.add(row.filter.id)
            if row.group_state == "deleted":
                deleted.append(row)
            elif row.group_state == "unknown":
                unresolved.append(row)
    empty = [
        EmptyGroup(directory.group_ref(gid), directory.is_dynamic(gid), used_groups.get(gid, 0))
        for gid in directory.groups
        if directory.membership_complete(gid) and directory.group_kind(gid) == "empty"
    ]
    notes = []
    if overview.gaps:
        missing = ", ".join(g.label for g in overview.gaps)
        notes.append(f"Not read completely: {missing}. Objects, filters and groups used only there don't show here.")
    if any(not directory.membership_complete(gid) for gid in directory.groups):
        notes.append("Some groups' members couldn't all be read; they are left out of the empty-group list.")
    return Hygiene(
        empty_groups=tuple(sorted(empty, key=lambda e: (-e.assignments, e.group.name.casefold()))),
        unassigned=tuple(unassigned),
        assignments_unknown=tuple(unknown),
        deleted_group_assignments=tuple(deleted),
        unresolved_group_assignments=tuple(unresolved),
        unused_filters=tuple(
            sorted(
                (filter_ref(directory, fid) for fid in directory.filters if fid not in used_filters),
                key=lambda f: f.name.casefold(),
            )
        ),
        mixed_exclusions=tuple(mixed),
        notes=tuple(notes),
    )
