"""What the assignment overview holds: objects, their targets as rows, grouped as the portal shows.

Names first, ids as secondary fields (UX rule 3). Every row is self-contained so a flat table,
a CSV export and a per-policy view all read the same data.
"""

from __future__ import annotations

from dataclasses import dataclass

from .status import TypeGap

__all__ = ["AssignmentOverview", "AssignmentRow", "FilterRef", "ObjectRef", "PolicyAssignments"]


@dataclass(frozen=True)
class ObjectRef:
    """An assignable object: policy, app, script or enrollment profile.

    Attributes:
        type_key: catalog key, e.g. ``settingsCatalog``.
        type_label: what the admin center calls the object's type ("Kiosk"; catalog ``type_name_of``).
        kind: ``policy``, ``app``, ``script`` or ``enrollment``.
        id: Graph id.
        name: display name.
        platform: platform in Intune's words ("Windows 10 and later", "Any platform"; "" when not determined).
        scope_tags: scope tag names.
    """

    type_key: str
    type_label: str
    kind: str
    id: str
    name: str
    platform: str
    scope_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilterRef:
    """An assignment filter by name, with its id, platform and rule."""

    id: str
    name: str
    platform: str = ""
    rule: str = ""


@dataclass(frozen=True)
class AssignmentRow:
    """One target of one object (or the single "unassigned" row of an object without targets).

    Attributes:
        object: the assigned object.
        assignment_id: Graph's assignment id.
        target_kind: ``group``, ``allUsers``, ``allDevices``, ``none`` (unassigned) or ``unknown``.
        mode: ``include`` or ``exclude`` ("" for unassigned).
        group_id / group_name: the group of a group target.
        group_kind: ``users``, ``devices``, ``mixed``, ``empty`` or ``unknown`` (members unread).
        group_state: ``ok``, ``deleted`` or ``unknown``.
        filter: the assignment filter, if any; ``filter_mode`` its mode.
        intent: app install intent.
        note: anything an admin should know about this row (deleted group, ignored filter...).
    """

    object: ObjectRef
    assignment_id: str | None
    target_kind: str
    mode: str
    group_id: str | None = None
    group_name: str | None = None
    group_kind: str | None = None
    group_state: str | None = None
    filter: FilterRef | None = None
    filter_mode: str | None = None
    intent: str | None = None
    note: str = ""

    @property
    def target_label(self) -> str:
        """What the row targets, as the portal names it."""
        if self.target_kind == "allUsers":
            return "All users"
        if self.target_kind == "allDevices":
            return "All devices"
        if self.target_kind == "none":
            return "(not assigned)"
        return self.group_name or "(unknown target)"


@dataclass(frozen=True)
class PolicyAssignments:
    """One object with its targets; ``known`` is False when its assignments couldn't be read."""

    object: ObjectRef
    rows: tuple[AssignmentRow, ...]
    known: bool = True
    reason: str = ""

    @property
    def assigned(self) -> bool:
        """True when the object has at least one target."""
        return any(r.target_kind != "none" for r in self.rows)


@dataclass(frozen=True)
class AssignmentOverview:
    """Every assignable object of every type read, with its targets, and what couldn't be read."""

    policies: tuple[PolicyAssignments, ...]
    gaps: tuple[TypeGap, ...]

    @property
    def rows(self) -> tuple[AssignmentRow, ...]:
        """All rows, flat (unassigned objects as one ``none`` row each)."""
        return tuple(row for policy in self.policies for row in policy.rows)
