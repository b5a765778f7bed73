"""The assignment overview: every assignable object with every target, by policy or flat.

Covers each catalog type whose assignments are read (``$expand`` or per item), except scope
tags, whose "assignments" are RBAC scope, not targeting. Conditional Access and Intune role
assignments keep their targets inline in their own shapes and are left to their own views.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intune_assistant.catalog import (
    AssignmentRead,
    Catalog,
    ResourceType,
    Templates,
    default_catalog,
    filter_platform_label,
    intent_templates,
    object_platform,
    type_name_of,
)
from intune_assistant.snapshot import Snapshot

from .directory import Directory
from .model import AssignmentOverview, AssignmentRow, FilterRef, ObjectRef, PolicyAssignments
from .status import failed_children, type_gaps
from .targets import APP_INTENTS, Target, TargetKind, object_targets

__all__ = [
    "assignable_types",
    "assignment_overview",
    "filter_ref",
    "object_ref",
    "object_target_rows",
    "template_platforms",
]

_READ_MODES = (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM)
# Scope tags carry "assignments" that scope RBAC, not targeting.
_NOT_TARGETING = frozenset({"scopeTags"})


def assignable_types(catalog: Catalog) -> tuple[ResourceType, ...]:
    """Catalog types whose objects are assigned to groups, in catalog order."""
    return tuple(r for r in catalog if r.assignments in _READ_MODES and r.key not in _NOT_TARGETING)


def template_platforms(snapshot: Snapshot) -> Templates:
    """Endpoint security templates by id: intents take their platform and type name from them."""
    return intent_templates(snapshot.read_objects("securityTemplates") or ())


def _name(record: ResourceType, obj: Mapping[str, Any]) -> str:
    object_id = obj.get("id")
    return record.object_name(obj) or (object_id if isinstance(object_id, str) and object_id else "(unnamed)")


def object_ref(
    record: ResourceType, obj: Mapping[str, Any], snapshot: Snapshot, templates: Templates | None = None
) -> ObjectRef:
    """The object as shown to an admin: type, name, platform and scope-tag names."""
    tags = obj.get("roleScopeTagIds")
    tag_names = tuple(
        snapshot.names.scope_tag(t) or t for t in (tags if isinstance(tags, list) else []) if isinstance(t, str)
    )
    return ObjectRef(
        type_key=record.key,
        type_label=type_name_of(record.key, obj, templates=templates),
        kind=record.kind.value,
        id=str(obj.get("id") or ""),
        name=_name(record, obj),
        platform=object_platform(record.key, obj, templates=templates).label,
        scope_tags=tag_names,
    )


def filter_ref(directory: Directory, filter_id: str) -> FilterRef:
    """The filter by name, with platform and rule when the snapshot has it."""
    obj = directory.filters.get(filter_id, {})
    return FilterRef(
        id=filter_id,
        name=directory.filter_name(filter_id),
        platform=filter_platform_label(obj.get("platform")),
        rule=str(obj.get("rule") or ""),
    )


def _row(ref: ObjectRef, target: Target, directory: Directory) -> AssignmentRow:
    notes: list[str] = []
    group_name: str | None = None
    group_kind: str | None = None
    group_state: str | None = None
    if target.kind is TargetKind.GROUP and target.group_id:
        group_name = directory.group_name(target.group_id)
        group_state = directory.group_state(target.group_id)
        if group_state == "deleted":
            notes.append("group deleted: this assignment does nothing unless the group is restored")
        if group_state == "ok" and directory.membership_complete(target.group_id):
            group_kind = directory.group_kind(target.group_id)
            if group_kind == "empty":
                notes.append("group has no members")
        else:
            group_kind = "unknown"
    elif target.kind is TargetKind.UNKNOWN:
        notes.append(f"target type {target.odata_type} isn't modelled")
    filter_obj = filter_ref(directory, target.filter_id) if target.filter_id else None
    if target.filter_id and target.filter_id not in directory.filters:
        notes.append("filter not in the snapshot")
    if target.ignored_filter_id:
        notes.append(f"filter '{directory.filter_name(target.ignored_filter_id)}' on an exclusion is ignored by Intune")
    return AssignmentRow(
        object=ref,
        assignment_id=target.assignment_id,
        target_kind=target.kind.value,
        mode=target.mode,
        group_id=target.group_id,
        group_name=group_name,
        group_kind=group_kind,
        group_state=group_state,
        filter=filter_obj,
        filter_mode=target.filter_mode.value if target.filter_mode else None,
        intent=target.intent,
        note="; ".join(notes),
    )


def _portal_order(row: AssignmentRow) -> tuple[int, int, str]:
    # The portal lists apps by intent (Required, Available, ..., Uninstall), includes first.
    intent = APP_INTENTS.index(row.intent) if row.intent in APP_INTENTS else len(APP_INTENTS)
    return (intent, 1 if row.mode == "exclude" else 0, row.target_label.casefold())


def object_target_rows(
    record: ResourceType, obj: Mapping[str, Any], ref: ObjectRef, directory: Directory, failed: Mapping[str, str]
) -> PolicyAssignments:
    """One object's targets as rows, in the portal's order; unknown when they couldn't be read."""
    targets = object_targets(record.key, obj)
    if targets is None:
        return PolicyAssignments(ref, (), known=False, reason="the snapshot has no assignments for this object")
    rows = tuple(sorted((_row(ref, t, directory) for t in targets), key=_portal_order))
    problem = failed.get(ref.name) or failed.get(ref.id)
    if problem:
        return PolicyAssignments(ref, rows, known=False, reason=f"assignments couldn't all be read: {problem}")
    if not rows:
        rows = (AssignmentRow(object=ref, assignment_id=None, target_kind="none", mode=""),)
    return PolicyAssignments(ref, rows)


def assignment_overview(
    snapshot: Snapshot, catalog: Catalog | None = None, *, directory: Directory | None = None
) -> AssignmentOverview:
    """Every assignable object of every type read, with each target; unassigned objects included.

    Policies are ordered by type (catalog order), then name; targets as the portal lists them.
    Types that failed or were read in part are in ``gaps``.
    """
    catalog = catalog or default_catalog()
    directory = directory or Directory(snapshot)
    templates = template_platforms(snapshot)
    policies: list[PolicyAssignments] = []
    records = assignable_types(catalog)
    for record in records:
        failed = failed_children(snapshot, record.key, "assignments")
        items = [
            object_target_rows(record, obj, object_ref(record, obj, snapshot, templates), directory, failed)
            for obj in snapshot.read_objects(record.key) or ()
        ]
        policies.extend(sorted(items, key=lambda p: (p.object.name.casefold(), p.object.id)))
    gap_keys = [r.key for r in records] + ["groups", "assignmentFilters"]
    return AssignmentOverview(tuple(policies), type_gaps(snapshot, gap_keys, catalog))
