"""Assignments as an admin reads them: by group and filter name, never by id, in any order.

Each assignment becomes a target (``Included group: Sales``, ``All devices``...) and details
(intent, filter by name with its mode, assignment settings). Two sides are compared target by
target, so reordering, new assignment ids or another tenant's group ids are never differences.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.snapshot import Names

from .model import AssignmentDiff, SettingStatus
from .normalize import canonical, clean, is_annotation, is_unset

__all__ = ["Target", "assignment_targets", "diff_assignments"]

_FILTER_ID = "deviceAndAppManagementAssignmentFilterId"
_FILTER_TYPE = "deviceAndAppManagementAssignmentFilterType"
# Assignment fields that identify the assignment record rather than configure it (``sourceId``:
# the policy set it came from, by id; policy sets are not read, so the id names nothing).
_NOT_DETAILS = frozenset({"id", "target", "sourceId", "lastModifiedDateTime", "createdDateTime"})
# ``source`` "direct" is what an assignment without one means (exports drop it); "policySets" is news.
_DEFAULTS = {"source": "direct"}
_TARGET_WORDS = {
    "groupAssignmentTarget": "Included group",
    "exclusionGroupAssignmentTarget": "Excluded group",
    "allLicensedUsersAssignmentTarget": "All users",
    "allDevicesAssignmentTarget": "All devices",
    "configurationManagerCollectionAssignmentTarget": "Configuration Manager collection",
}


@dataclass(frozen=True)
class Target:
    """What one assignment configures for its target: comparable and readable forms."""

    canonical: str
    text: str


def _target_name(target: Mapping[str, Any], names: Names, references: Mapping[str, str]) -> str:
    kind = str(target.get("@odata.type", "")).rsplit(".", 1)[-1]
    word = _TARGET_WORDS.get(kind, kind or "Target")
    group_id = target.get("groupId")
    if isinstance(group_id, str) and group_id:
        # A group nobody could name (deleted, or not in the export) keeps its id: it is not
        # the same as any named group, and the admin needs the id to look it up.
        name = names.group(group_id) or references.get(group_id.lower())
        return f"{word}: {name or f'unknown group {group_id}'}"
    collection = target.get("collectionId")
    if isinstance(collection, str) and collection:
        return f"{word}: {collection}"
    return word


def _details(assignment: Mapping[str, Any], names: Names, references: Mapping[str, str]) -> dict[str, Any]:
    raw = assignment.get("target")
    target: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    details: dict[str, Any] = {}
    filter_id = target.get(_FILTER_ID)
    mode = target.get(_FILTER_TYPE)
    if isinstance(filter_id, str) and filter_id and mode not in (None, "none"):
        name = names.filter(filter_id) or references.get(filter_id.lower())
        details["filter"] = f"{name or f'unknown filter {filter_id}'} ({mode})"
    for key, value in assignment.items():
        if key in _NOT_DETAILS or is_annotation(key) or is_unset(value) or _DEFAULTS.get(key) == value:
            continue
        details[key] = clean(value, references, {})
    return details


def _text(details: Mapping[str, Any]) -> str:
    if not details:
        return "assigned"
    parts = []
    for key in sorted(details):
        value = details[key]
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def assignment_targets(obj: Mapping[str, Any], names: Names, references: Mapping[str, str]) -> dict[str, Target] | None:
    """The object's assignments by target, or None when the object carries no assignment list."""
    assignments = obj.get("assignments")
    if not isinstance(assignments, list):
        return None
    grouped: dict[str, list[dict[str, Any]]] = {}
    for assignment in assignments:
        if not isinstance(assignment, dict) or not isinstance(assignment.get("target"), dict):
            continue
        grouped.setdefault(_target_name(assignment["target"], names, references), []).append(
            _details(assignment, names, references)
        )
    result: dict[str, Target] = {}
    for target, details in grouped.items():
        # Two assignments to one target are unusual; keep both, in a stable order.
        ordered = sorted(details, key=canonical)
        result[target] = Target(canonical(ordered), " | ".join(_text(d) for d in ordered))
    return result


def diff_assignments(
    left: Mapping[str, Target] | None, right: Mapping[str, Target] | None
) -> tuple[AssignmentDiff, ...]:
    """Target-by-target comparison; a side without an assignment list is not compared."""
    if left is None or right is None:
        return ()
    result = []
    for target in sorted(left.keys() | right.keys(), key=str.casefold):
        mine, theirs = left.get(target), right.get(target)
        if mine is None and theirs is not None:
            result.append(AssignmentDiff(target, SettingStatus.ONLY_RIGHT, None, theirs.text))
        elif theirs is None and mine is not None:
            result.append(AssignmentDiff(target, SettingStatus.ONLY_LEFT, mine.text, None))
        elif mine is not None and theirs is not None:
            status = SettingStatus.SAME if mine.canonical == theirs.canonical else SettingStatus.DIFFERENT
            result.append(AssignmentDiff(target, status, mine.text, theirs.text))
    return tuple(result)
