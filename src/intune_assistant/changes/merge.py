"""Read-merge-write of one object's assignments: the set Graph will hold after the change.

Intune's ``/assign`` replaces an object's whole assignment set, so a change is merged into the set
as read: assignments the change does not name are written back as the very objects that were read
(unknown fields included), never rebuilt. Intune keeps one assignment per target (a group, All
users, All devices), so a target identifies an assignment within its object.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from intune_assistant.analyses.assignments import TargetKind, parse_target

from .desired import AssignmentChange, AssignTarget, ChangeAction, Direction

__all__ = [
    "AssignmentSignature",
    "build_assignment",
    "canonical",
    "change_signature",
    "merge_assignments",
    "signature",
    "target_key",
]

# (target kind, group id or the target's JSON, exclude, filter id, filter mode, intent)
AssignmentSignature = tuple[str, str, bool, str | None, str | None, str | None]

_TARGET_TYPES = {
    (TargetKind.GROUP, False): "#microsoft.graph.groupAssignmentTarget",
    (TargetKind.GROUP, True): "#microsoft.graph.exclusionGroupAssignmentTarget",
    (TargetKind.ALL_USERS, False): "#microsoft.graph.allLicensedUsersAssignmentTarget",
    (TargetKind.ALL_DEVICES, False): "#microsoft.graph.allDevicesAssignmentTarget",
}


def canonical(value: Any) -> str:
    """A stable text form of a JSON value (sorted keys), for comparing what Graph returned."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def target_key(assignment: Mapping[str, Any]) -> tuple[str, str]:
    """What an assignment points at: ``("group", id)``, ``("allUsers", "")``, ``("allDevices", "")``.

    A target type the product does not model keys on its whole ``target`` object, so it is never
    confused with another.
    """
    target = parse_target(assignment)
    if target.kind is TargetKind.GROUP:
        return (TargetKind.GROUP.value, target.group_id or "")
    if target.kind in (TargetKind.ALL_USERS, TargetKind.ALL_DEVICES):
        return (target.kind.value, "")
    return (TargetKind.UNKNOWN.value, canonical(assignment.get("target")))


def _key_of(target: AssignTarget) -> tuple[str, str]:
    return (target.kind.value, (target.group_id or "") if target.kind is TargetKind.GROUP else "")


def signature(assignment: Mapping[str, Any], *, app: bool) -> AssignmentSignature:
    """What an assignment means to Intune (target, include/exclude, filter, intent), ids aside."""
    target = parse_target(assignment, app_intent=app)
    kind, ident = target_key(assignment)
    mode = target.filter_mode.value if target.filter_mode else None
    return (kind, ident, target.exclude, target.filter_id, mode, target.intent)


def build_assignment(change: AssignmentChange, *, app: bool) -> dict[str, Any]:
    """A new Graph assignment for an add or replace-all change (its target must be set)."""
    if change.target is None:
        raise ValueError("a change without a target builds no assignment")
    exclude = change.direction is Direction.EXCLUDE
    odata_type = _TARGET_TYPES.get((change.target.kind, exclude))
    if odata_type is None:
        raise ValueError(f"{change.target.kind.value} cannot be {change.direction.value}d")
    target: dict[str, Any] = {"@odata.type": odata_type}
    if change.target.kind is TargetKind.GROUP:
        target["groupId"] = change.target.group_id
    if change.filter_id and change.filter_mode and not exclude:
        target["deviceAndAppManagementAssignmentFilterId"] = change.filter_id
        target["deviceAndAppManagementAssignmentFilterType"] = change.filter_mode.value
    if app:
        # mobileAppAssignment is the one assignment type Graph documents with a required intent.
        return {"@odata.type": "#microsoft.graph.mobileAppAssignment", "intent": change.intent, "target": target}
    return {"target": target}


def change_signature(change: AssignmentChange, *, app: bool) -> AssignmentSignature:
    """The signature the assignment an add or replace-all change asks for will have."""
    return signature(build_assignment(change, app=app), app=app)


def merge_assignments(
    current: Sequence[Mapping[str, Any]], changes: Sequence[AssignmentChange], *, app: bool
) -> list[Mapping[str, Any]]:
    """The assignment set after ``changes``, merged into ``current`` (the set as read).

    Replace-all changes (if any) define the set first: a target already assigned exactly so keeps
    its assignment as read. Then adds and removes apply in order: an add of a target assigned
    differently replaces that assignment in place, an add of one assigned the same keeps it, a
    remove drops the target's assignment. Everything not named is returned as the same objects.
    """
    result: list[Mapping[str, Any]] = list(current)
    replace = [c for c in changes if c.action is ChangeAction.REPLACE_ALL]
    if replace:
        by_key = {target_key(a): a for a in current}
        result = []
        for change in replace:
            if change.target is None:
                continue
            built = build_assignment(change, app=app)
            existing = by_key.get(_key_of(change.target))
            keep = existing is not None and signature(existing, app=app) == signature(built, app=app)
            result.append(existing if keep and existing is not None else built)
    for change in changes:
        if change.action is ChangeAction.REPLACE_ALL or change.target is None:
            continue
        key = _key_of(change.target)
        if change.action is ChangeAction.REMOVE:
            result = [a for a in result if target_key(a) != key]
            continue
        built = build_assignment(change, app=app)
        index = next((i for i, a in enumerate(result) if target_key(a) == key), None)
        if index is None:
            result.append(built)
        elif signature(result[index], app=app) != signature(built, app=app):
            result[index] = built
    return result
