"""The desired-change model for assignments: what an admin asks for, one row at a time.

Every input — the Assignments CSV, the commercial tool's CSV, the form, copy/remove-group — turns
into ``AssignmentChange`` values; ``plan_assignments`` turns those into a plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from intune_assistant.analyses.assignments import FilterMode, TargetKind

__all__ = ["AssignTarget", "AssignmentChange", "ChangeAction", "Direction", "ObjectKey"]


class ChangeAction(StrEnum):
    """What a change does to an object's assignments."""

    ADD = "add"  # assign the target (replacing an assignment to the same target, if any)
    REMOVE = "remove"  # remove the assignment to the target
    # The object's assignments become exactly the replace-all changes for it (none: unassigned).
    REPLACE_ALL = "replace-all"


class Direction(StrEnum):
    """Include or exclude the target."""

    INCLUDE = "include"
    EXCLUDE = "exclude"


@dataclass(frozen=True)
class ObjectKey:
    """An assignable object by catalog type key and Graph id."""

    type_key: str
    id: str


@dataclass(frozen=True)
class AssignTarget:
    """Who an assignment points at: a group, All users or All devices."""

    kind: TargetKind
    group_id: str | None = None

    @classmethod
    def group(cls, group_id: str) -> AssignTarget:
        """A group target."""
        return cls(TargetKind.GROUP, group_id)

    @classmethod
    def all_users(cls) -> AssignTarget:
        """Intune's "All users" virtual group."""
        return cls(TargetKind.ALL_USERS)

    @classmethod
    def all_devices(cls) -> AssignTarget:
        """Intune's "All devices" virtual group."""
        return cls(TargetKind.ALL_DEVICES)


@dataclass(frozen=True)
class AssignmentChange:
    """One desired change to one object's assignments.

    Attributes:
        object: the object to change.
        action: add, remove or replace-all.
        target: the group / All users / All devices; None only for a replace-all that leaves the
            object with no assignments.
        direction: include or exclude (exclusions are for groups only, and take no filter).
        filter_id / filter_mode: an assignment filter and whether it includes or excludes devices.
        intent: app install intent (``required``, ``available``…), for apps only.
        source: where the change came from ("row 7"), repeated in messages about it.
    """

    object: ObjectKey
    action: ChangeAction
    target: AssignTarget | None
    direction: Direction = Direction.INCLUDE
    filter_id: str | None = None
    filter_mode: FilterMode | None = None
    intent: str | None = None
    source: str = ""
