"""``plan_assignments``: desired assignment changes + a snapshot → a plan. Pure, no I/O.

Each change is checked on its own (a refused change is in ``Plan.rejected`` with its reason and
nothing is planned for it); the accepted ones are merged per object into the assignments as read
(``merge.py``), and an object whose assignments would not change gets no item, so planning again
after a full apply gives an empty plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from intune_assistant.analyses.assignments import (
    APP_INTENTS,
    Directory,
    TargetKind,
    assignable_types,
    failed_children,
    object_ref,
    object_target_rows,
    object_targets,
    template_platforms,
)
from intune_assistant.catalog import Catalog, ResourceType, default_catalog
from intune_assistant.snapshot import Snapshot, TypeStatus

from .desired import AssignmentChange, ChangeAction, Direction
from .merge import build_assignment, change_signature, merge_assignments, signature, target_key
from .model import GraphRequest, Plan, PlanItem, Precondition, RejectedChange

__all__ = ["BULK_ASSIGN", "describe_change", "plan_assignments"]

BULK_ASSIGN = "bulk-assign"
_APP_TYPES = frozenset({"mobileApps"})


@dataclass
class _Object:
    record: ResourceType
    obj: Mapping[str, Any]
    changes: list[AssignmentChange] = field(default_factory=list)


def _target_words(change: AssignmentChange, directory: Directory) -> str:
    target = change.target
    if target is None:
        return "no assignments"
    if target.kind is TargetKind.ALL_USERS:
        return "All users"
    if target.kind is TargetKind.ALL_DEVICES:
        return "All devices"
    return directory.group_name(target.group_id) if target.group_id else "(no group)"


def describe_change(change: AssignmentChange, directory: Directory) -> str:
    """The change in words: ``add Finance laptops (include, filter 'Corp' include, required)``."""
    details = [change.direction.value]
    if change.filter_id:
        mode = change.filter_mode.value if change.filter_mode else "no mode"
        details.append(f"filter '{directory.filter_name(change.filter_id)}' {mode}")
    if change.intent:
        details.append(change.intent)
    what = _target_words(change, directory)
    if change.target is None:
        return f"{change.action.value}: {what}"
    return f"{change.action.value} {what} ({', '.join(details)})"


def _record_check(change: AssignmentChange, catalog: Catalog, assignable: set[str]) -> ResourceType | str:
    key = change.object.type_key
    if key not in catalog:
        return f"unknown object type '{key}'"
    record = catalog[key]
    if key not in assignable or not (record.write.assign_body_key or record.write.assign_by_post):
        return f"'{record.label}' objects have no assignments that can be changed"
    return record


def _target_check(change: AssignmentChange, app: bool, directory: Directory, snapshot: Snapshot) -> str | None:
    target = change.target
    if target is None:
        if change.action is ChangeAction.REPLACE_ALL:
            return None
        return "a target is needed: a group, All users or All devices"
    if target.kind not in (TargetKind.GROUP, TargetKind.ALL_USERS, TargetKind.ALL_DEVICES):
        return f"target kind '{target.kind.value}' can't be assigned here; use a group, All users or All devices"
    if target.kind is TargetKind.GROUP and not target.group_id:
        return "a group target needs the group's id"
    exclude = change.direction is Direction.EXCLUDE
    if exclude and target.kind is not TargetKind.GROUP:
        return "only groups can be excluded, not All users or All devices"
    if change.action is ChangeAction.REMOVE:
        return None
    if exclude and change.filter_id:
        return "a filter can't be set on an exclusion (Intune refuses it); remove the filter or include the group"
    if bool(change.filter_id) != bool(change.filter_mode):
        return "a filter needs its mode (include or exclude), and a filter mode needs a filter"
    filters_read = snapshot.status_of("assignmentFilters") is TypeStatus.OK
    if change.filter_id and filters_read and change.filter_id not in directory.filters:
        return f"no assignment filter with id {change.filter_id} in the tenant"
    if app:
        if change.intent not in APP_INTENTS:
            return f"an app needs an install intent: one of {', '.join(APP_INTENTS)}"
    elif change.intent:
        return "only apps take an install intent"
    groups_read = snapshot.status_of("groups") is TypeStatus.OK
    group_id = target.group_id if target.kind is TargetKind.GROUP else None
    if group_id and groups_read and directory.group_state(group_id) != "ok":
        return f"no group with id {group_id} in the tenant (deleted, or never existed)"
    return None


def _object_check(record: ResourceType, change: AssignmentChange, snapshot: Snapshot) -> Mapping[str, Any] | str:
    objects = snapshot.read_objects(record.key)
    if objects is None:
        return f"'{record.label}' objects weren't read, so the object's current assignments are unknown"
    obj = next((o for o in objects if o.get("id") == change.object.id), None)
    if obj is None:
        return f"no '{record.label}' object with id {change.object.id} in the tenant"
    failed = failed_children(snapshot, record.key, "assignments")
    problem = failed.get(change.object.id) or failed.get(str(obj.get(record.name_field) or ""))
    if object_targets(record.key, obj) is None or problem:
        why = f" ({problem})" if problem else ""
        return f"its current assignments couldn't be read{why}; changing them could lose some"
    return obj


def _duplicate_check(change: AssignmentChange, earlier: Sequence[AssignmentChange], app: bool) -> str | None:
    for other in earlier:
        if other.target is None or change.target is None:
            if other.action is change.action and other.target is change.target is None:
                return f"duplicate of {other.source or 'an earlier change'}"
            continue
        if (other.target.kind, other.target.group_id) != (change.target.kind, change.target.group_id):
            continue
        if other == change or (
            other.action is change.action
            and (
                change.action is ChangeAction.REMOVE
                or change_signature(other, app=app) == change_signature(change, app=app)
            )
        ):
            return f"duplicate of {other.source or 'an earlier change'}"
        return f"conflicts with {other.source or 'an earlier change'} for the same target"
    return None


def _mixing_check(change: AssignmentChange, earlier: Sequence[AssignmentChange]) -> str | None:
    replacing = change.action is ChangeAction.REPLACE_ALL
    if any((other.action is ChangeAction.REPLACE_ALL) != replacing for other in earlier):
        return "the object has both replace-all and add/remove changes; use one or the other per object"
    return None


def _requests(
    record: ResourceType, object_id: str, before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> tuple[GraphRequest, ...] | str:
    base = f"{record.path}/{object_id}"
    version = record.api_version
    if record.write.assign_body_key:
        body = {record.write.assign_body_key: [dict(a) for a in after]}
        return (GraphRequest("POST", f"{base}/assign", body, version),)
    # Autopilot profiles: one request per assignment added or removed; the others are untouched.
    kept = {id(a) for a in after}
    requests: list[GraphRequest] = []
    for assignment in before:
        if id(assignment) in kept:
            continue
        assignment_id = assignment.get("id")
        if not isinstance(assignment_id, str) or not assignment_id:
            return "an assignment to remove has no id in the snapshot"
        requests.append(GraphRequest("DELETE", f"{base}/assignments/{assignment_id}", None, version))
    existing = {id(a) for a in before}
    for assignment in after:
        if id(assignment) not in existing:
            requests.append(GraphRequest("POST", f"{base}/assignments", {"target": assignment["target"]}, version))
    return tuple(requests)


def _warnings(
    changes: Sequence[AssignmentChange],
    current: Sequence[Mapping[str, Any]],
    merged: Sequence[Mapping[str, Any]],
    app: bool,
    directory: Directory,
) -> tuple[list[str], list[str]]:
    warnings: list[str] = []
    notes: list[str] = []
    by_key = {target_key(a): a for a in current}
    for change in changes:
        if change.target is None:
            continue
        key = (
            change.target.kind.value,
            (change.target.group_id or "") if change.target.kind is TargetKind.GROUP else "",
        )
        existing = by_key.get(key)
        words = _target_words(change, directory)
        if change.action is ChangeAction.REMOVE and existing is None:
            notes.append(f"{change.source + ': ' if change.source else ''}{words} is not assigned; nothing to remove")
        replaced = existing is not None and change.action is ChangeAction.ADD
        if replaced and signature(existing or {}, app=app) != signature(build_assignment(change, app=app), app=app):
            warnings.append(
                f"replaces the existing assignment to {words} (its include/exclude, filter or intent change)"
            )
        if (
            change.target.kind is TargetKind.GROUP
            and change.target.group_id
            and change.action is not ChangeAction.REMOVE
        ):
            state = directory.group_state(change.target.group_id)
            if state != "ok":
                warnings.append(f"group {words} is {state} in the snapshot")
    if current and not merged:
        warnings.append("the object will have no assignments")
    return warnings, notes


def _same_set(a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], app: bool) -> bool:
    return Counter(signature(x, app=app) for x in a) == Counter(signature(x, app=app) for x in b)


def plan_assignments(
    snapshot: Snapshot,
    changes: Sequence[AssignmentChange],
    *,
    catalog: Catalog | None = None,
    directory: Directory | None = None,
) -> Plan:
    """The plan that makes ``changes`` to the objects of ``snapshot``; does no I/O.

    Objects appear in the order of their first change. A change that can't be applied safely
    (unknown object or group, an object whose assignments weren't read, a filter on an exclusion,
    a missing or foreign intent, a duplicate or contradicting change…) is rejected with its reason
    and nothing is planned for it; the other changes of the same object still are.
    """
    catalog = catalog or default_catalog()
    directory = directory or Directory(snapshot)
    templates = template_platforms(snapshot)
    assignable = {r.key for r in assignable_types(catalog)}
    objects: dict[tuple[str, str], _Object] = {}
    rejected: list[RejectedChange] = []

    def reject(change: AssignmentChange, reason: str) -> None:
        rejected.append(RejectedChange(change.source, describe_change(change, directory), reason))

    for change in changes:
        record = _record_check(change, catalog, assignable)
        if isinstance(record, str):
            reject(change, record)
            continue
        key = (record.key, change.object.id)
        entry = objects.get(key)
        if entry is None:
            obj = _object_check(record, change, snapshot)
            if isinstance(obj, str):
                reject(change, obj)
                continue
            entry = objects[key] = _Object(record, obj)
        app = record.key in _APP_TYPES
        reason = (
            _target_check(change, app, directory, snapshot)
            or _mixing_check(change, entry.changes)
            or _duplicate_check(change, entry.changes, app)
        )
        if reason:
            reject(change, reason)
            continue
        entry.changes.append(change)

    items: list[PlanItem] = []
    notes: list[str] = []
    for (type_key, object_id), entry in objects.items():
        if not entry.changes:
            continue
        record, obj = entry.record, entry.obj
        app = type_key in _APP_TYPES
        current = [a for a in obj.get("assignments") or [] if isinstance(a, Mapping)]
        merged = merge_assignments(current, entry.changes, app=app)
        ref = object_ref(record, obj, snapshot, templates)
        warnings, item_notes = _warnings(entry.changes, current, merged, app, directory)
        notes.extend(f"{ref.name}: {note}" for note in item_notes)
        if _same_set(current, merged, app):
            if not item_notes:
                notes.append(f"{ref.name}: already assigned as asked; nothing to change")
            continue
        requests = _requests(record, object_id, current, merged)
        if isinstance(requests, str):
            for change in entry.changes:
                reject(change, requests)
            continue
        failed: dict[str, str] = {}
        before = object_target_rows(record, obj, ref, directory, failed).rows
        after = object_target_rows(record, {**obj, "assignments": list(merged)}, ref, directory, failed).rows
        items.append(
            PlanItem(
                object=ref,
                operation="assign",
                requests=requests,
                before=before,
                after=after,
                expected=tuple(merged),
                precondition=Precondition(f"{record.path}/{object_id}/assignments", tuple(current)),
                changes=tuple(describe_change(c, directory) for c in entry.changes),
                warnings=tuple(warnings),
            )
        )
    return Plan(
        module=BULK_ASSIGN,
        tenant_id=snapshot.tenant.tenant_id,
        tenant_domain=snapshot.tenant.domain,
        read_at=snapshot.taken_at,
        items=tuple(items),
        rejected=tuple(rejected),
        notes=tuple(notes),
    )
