"""Checks a change needs the snapshot's objects for, before it is planned: what Intune would refuse.

``plan_assignments`` checks each change on its own terms (target, filter on an exclusion, intent
present, duplicates); these add what depends on the object and the filter themselves:

- a filter whose platform is not the object's (Intune offers only filters of the profile's
  platform, and refuses others on ``/assign``);
- an app intent its app or target doesn't allow: *available* is for users, never All devices;
  *available with or without enrollment* exists only for iOS/iPadOS and Android apps.

A refused change becomes a ``RejectedChange``; nothing is planned for it. Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from intune_assistant.analyses.assignments import Directory, TargetKind, template_platforms
from intune_assistant.catalog import Catalog
from intune_assistant.catalog.describe import object_platform
from intune_assistant.catalog.platforms import DevicePlatform, filter_platform
from intune_assistant.snapshot import Snapshot

from .assignment_plan import describe_change, plan_assignments
from .desired import AssignmentChange, ChangeAction
from .merge import change_signature, signature
from .model import Plan, RejectedChange

__all__ = ["check_changes", "plan_bulk_assignments"]

_APP_TYPES = frozenset({"mobileApps"})
_WITHOUT_ENROLLMENT = frozenset({DevicePlatform.IOS, DevicePlatform.ANDROID})


def _problem(change: AssignmentChange, snapshot: Snapshot, directory: Directory, catalog: Catalog) -> str | None:
    if change.action is ChangeAction.REMOVE or change.target is None:
        return None
    key = change.object.type_key
    if key not in catalog:
        return None  # the planner names an unknown type itself
    obj = next((o for o in snapshot.read_objects(key) or () if o.get("id") == change.object.id), None)
    if obj is None:
        return None  # the planner says the object is missing
    app = key in _APP_TYPES
    asked = change_signature(change, app=app)
    if any(signature(a, app=app) == asked for a in obj.get("assignments") or () if isinstance(a, Mapping)):
        return None  # the object already has exactly this assignment: nothing new is asked of Intune
    platform = object_platform(key, obj, templates=template_platforms(snapshot))
    if change.filter_id and change.filter_id in directory.filters:
        wanted = filter_platform(directory.filters[change.filter_id].get("platform"))
        if wanted is not None and platform.family is not None and wanted.family is not platform.family:
            return (
                f"filter '{directory.filter_name(change.filter_id)}' is for {wanted.label}, but the object is for "
                f"{platform.label}; Intune only takes a filter of the object's platform"
            )
    if key in _APP_TYPES and change.intent:
        if change.intent == "available" and change.target.kind is TargetKind.ALL_DEVICES:
            return "an app can't be made available to All devices; available is for users (a group or All users)"
        if change.intent == "availableWithoutEnrollment" and platform.family not in _WITHOUT_ENROLLMENT:
            where = platform.label or "this platform"
            return f"'available with or without enrollment' is for iOS/iPadOS and Android apps, not {where}"
    return None


def check_changes(
    snapshot: Snapshot, changes: Sequence[AssignmentChange], directory: Directory, catalog: Catalog
) -> tuple[list[AssignmentChange], list[RejectedChange]]:
    """The changes Intune would take, and the refused ones with the reason (in input order)."""
    kept: list[AssignmentChange] = []
    refused: list[RejectedChange] = []
    for change in changes:
        problem = _problem(change, snapshot, directory, catalog)
        if problem is None:
            kept.append(change)
        else:
            refused.append(RejectedChange(change.source, describe_change(change, directory), problem))
    return kept, refused


def plan_bulk_assignments(
    snapshot: Snapshot,
    changes: Sequence[AssignmentChange],
    refused_inputs: Sequence[RejectedChange],
    *,
    catalog: Catalog,
    directory: Directory,
) -> Plan:
    """The plan for the Assignment manager's changes: checked here, then planned; every refusal kept.

    ``refused_inputs`` are the rows the input readers already refused; they come first in the
    plan's ``rejected``, followed by what these checks and the planner refuse.
    """
    kept, refused = check_changes(snapshot, changes, directory, catalog)
    plan = plan_assignments(snapshot, kept, catalog=catalog, directory=directory)
    # A replace-all writes exactly the object's accepted rows: one refused row would silently remove
    # its assignment, so an object with a refused replace-all row is not changed at all.
    refused_sources = {r.source for r in (*refused, *plan.rejected) if r.source}
    incomplete = {
        (c.object.type_key, c.object.id)
        for c in changes
        if c.action is ChangeAction.REPLACE_ALL and c.source in refused_sources
    }
    held = [i for i in plan.items if (i.object.type_key, i.object.id) in incomplete]
    held_keys = {i.key for i in held}
    withheld = tuple(
        RejectedChange(
            "replace-all",
            f"{i.object.name} ({i.object.type_label})",
            "not changed: a replace row of this object was refused, and replacing without it would remove "
            "that assignment; fix the refused row and plan again",
        )
        for i in held
    )
    return replace(
        plan,
        items=tuple(i for i in plan.items if i.key not in held_keys),
        rejected=(*refused_inputs, *refused, *plan.rejected, *withheld),
    )
