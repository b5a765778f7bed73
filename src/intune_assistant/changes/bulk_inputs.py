"""The Assignment manager's other inputs, as desired changes: the form, copy, and remove a group.

- **Form**: the picked objects (across types) each get one target — a group, All users or All
  devices — included or excluded, with a filter and its mode, and an install intent for apps;
  added or removed.
- **Copy**: every assignment of one object is added to other objects (apps' intents go to apps
  only; a non-app source gives an app target no intent, which the planner refuses with its reason).
- **Remove a group**: the group is removed from every object that targets it (a decommissioned
  group), include or exclude.

All pure over a snapshot; each change carries a ``source`` the review page repeats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intune_assistant.analyses.assignments import FilterMode, TargetKind, assignable_types, parse_target
from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

from .desired import AssignmentChange, AssignTarget, ChangeAction, Direction, ObjectKey
from .model import RejectedChange

__all__ = ["FormInput", "changes_from_form", "copy_assignments", "remove_group_everywhere"]

_APP_TYPES = frozenset({"mobileApps"})


@dataclass(frozen=True)
class FormInput:
    """What the form says: objects, one target, and how it is assigned.

    Attributes:
        objects: the picked objects.
        action: add or remove.
        target: the group, All users or All devices.
        direction: include or exclude.
        filter_id / filter_mode: a filter and its mode (include targets only).
        intent: install intent for the apps among ``objects`` (ignored for other objects).
    """

    objects: tuple[ObjectKey, ...]
    action: ChangeAction
    target: AssignTarget
    direction: Direction = Direction.INCLUDE
    filter_id: str | None = None
    filter_mode: FilterMode | None = None
    intent: str | None = None


def changes_from_form(form: FormInput) -> list[AssignmentChange]:
    """One change per picked object."""
    return [
        AssignmentChange(
            object=key,
            action=form.action,
            target=form.target,
            direction=form.direction,
            filter_id=form.filter_id if form.action is ChangeAction.ADD else None,
            filter_mode=form.filter_mode if form.action is ChangeAction.ADD and form.filter_id else None,
            intent=form.intent if key.type_key in _APP_TYPES and form.action is ChangeAction.ADD else None,
            source=f"form, object {index}",
        )
        for index, key in enumerate(form.objects, start=1)
    ]


def _object(snapshot: Snapshot, key: ObjectKey) -> Mapping[str, Any] | None:
    return next((o for o in snapshot.read_objects(key.type_key) or () if o.get("id") == key.id), None)


def _target_of(assignment: Mapping[str, Any], app: bool) -> tuple[AssignTarget | None, Direction, Any]:
    target = parse_target(assignment, app_intent=app)
    direction = Direction.EXCLUDE if target.exclude else Direction.INCLUDE
    if target.kind is TargetKind.GROUP and target.group_id:
        return AssignTarget.group(target.group_id), direction, target
    if target.kind is TargetKind.ALL_USERS:
        return AssignTarget.all_users(), direction, target
    if target.kind is TargetKind.ALL_DEVICES:
        return AssignTarget.all_devices(), direction, target
    return None, direction, target


def copy_assignments(
    snapshot: Snapshot, source: ObjectKey, targets: Sequence[ObjectKey]
) -> tuple[list[AssignmentChange], list[RejectedChange]]:
    """Changes that add every assignment of ``source`` to each of ``targets``.

    Refused (nothing copied): a source that isn't in the snapshot or whose assignments weren't
    read, and a source target this product can't model (it is named, never dropped silently).
    """
    obj = _object(snapshot, source)
    if obj is None or not isinstance(obj.get("assignments"), list):
        why = "isn't in the tenant" if obj is None else "has assignments that weren't read"
        return [], [RejectedChange("copy", f"copy from {source.id}", f"the object to copy from {why}")]
    source_app = source.type_key in _APP_TYPES
    changes: list[AssignmentChange] = []
    rejected: list[RejectedChange] = []
    for number, assignment in enumerate(a for a in obj["assignments"] if isinstance(a, Mapping)):
        target, direction, parsed = _target_of(assignment, source_app)
        if target is None:
            rejected.append(
                RejectedChange(
                    f"copy, assignment {number + 1}",
                    f"target {parsed.odata_type or '(none)'}",
                    "this kind of target can't be copied (not modelled); assign it in Intune",
                )
            )
            continue
        for key in targets:
            if key == source:
                continue
            app = key.type_key in _APP_TYPES
            include = direction is Direction.INCLUDE
            changes.append(
                AssignmentChange(
                    object=key,
                    action=ChangeAction.ADD,
                    target=target,
                    direction=direction,
                    filter_id=parsed.filter_id if include else None,
                    filter_mode=parsed.filter_mode if include and parsed.filter_id else None,
                    intent=parsed.intent if app and source_app else None,
                    source=f"copy, assignment {number + 1}",
                )
            )
    return changes, rejected


def remove_group_everywhere(snapshot: Snapshot, group_id: str, catalog: Catalog) -> list[AssignmentChange]:
    """Changes that remove ``group_id`` (included or excluded) from every object that targets it."""
    changes: list[AssignmentChange] = []
    for record in assignable_types(catalog):
        app = record.key in _APP_TYPES
        for obj in snapshot.read_objects(record.key) or ():
            assignments = obj.get("assignments")
            if not isinstance(assignments, list) or not obj.get("id"):
                continue
            for assignment in assignments:
                if not isinstance(assignment, Mapping):
                    continue
                parsed = parse_target(assignment, app_intent=app)
                if parsed.kind is TargetKind.GROUP and parsed.group_id == group_id:
                    changes.append(
                        AssignmentChange(
                            object=ObjectKey(record.key, str(obj["id"])),
                            action=ChangeAction.REMOVE,
                            target=AssignTarget.group(group_id),
                            direction=Direction.EXCLUDE if parsed.exclude else Direction.INCLUDE,
                            source=f"remove group from {obj.get(record.name_field) or obj['id']}",
                        )
                    )
    return changes
