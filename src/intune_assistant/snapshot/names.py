"""Names for the ids that objects reference, and the group ids they reference.

Pure functions over Snapshot objects. The collector uses ``referenced_group_ids`` to ask Graph
(``directoryObjects/getByIds``) for groups it did not list; importers use both to tell which
referenced groups their export names and which it does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from intune_assistant.catalog import Catalog

from .model import Names

__all__ = ["referenced_group_ids", "resolve_names"]

# Catalog key → the Names map its objects fill.
_NAME_SOURCES = (("groups", "groups"), ("assignmentFilters", "filters"), ("scopeTags", "scope_tags"))


def resolve_names(objects: Mapping[str, Sequence[dict[str, Any]]], catalog: Catalog) -> Names:
    """Id → display name for the groups, assignment filters and scope tags in ``objects``."""
    names = Names()
    for key, attribute in _NAME_SOURCES:
        name_field = catalog[key].name_field if key in catalog else "displayName"
        target: dict[str, str] = getattr(names, attribute)
        for obj in objects.get(key, ()):
            object_id = obj.get("id")
            if not isinstance(object_id, str) or not object_id:
                continue
            name = obj.get(name_field) or obj.get("displayName")
            target[object_id] = name if isinstance(name, str) and name else object_id
    return names


def referenced_group_ids(objects: Mapping[str, Sequence[dict[str, Any]]], catalog: Catalog) -> set[str]:
    """Every group id an object points at.

    Assignment targets (``assignments[].target.groupId``) of every type, Conditional Access
    ``conditions.users.include/excludeGroups``, Intune role assignment ``members`` and
    ``scopeMembers``, and GDAP access assignments' ``accessContainer.accessContainerId``.
    Keys outside ``catalog`` are scanned for assignments too: an export may hold types we do not
    model, and their references are still groups an admin wants named.
    """
    found: set[str] = set()
    for key, items in objects.items():
        for obj in items:
            found.update(_assignment_groups(obj))
            if key == "conditionalAccessPolicies":
                found.update(_ca_groups(obj))
            elif key == "roleAssignments":
                found.update(_strings(obj.get("members")))
                found.update(_strings(obj.get("scopeMembers")))
            elif key == "gdapRelationships":
                found.update(_gdap_groups(obj))
    return found


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, list):
        yield from (v for v in value if isinstance(v, str) and v)


def _assignment_groups(obj: dict[str, Any]) -> Iterator[str]:
    assignments = obj.get("assignments")
    if not isinstance(assignments, list):
        return
    for assignment in assignments:
        target = assignment.get("target") if isinstance(assignment, dict) else None
        group_id = target.get("groupId") if isinstance(target, dict) else None
        if isinstance(group_id, str) and group_id:
            yield group_id


def _ca_groups(obj: dict[str, Any]) -> Iterator[str]:
    conditions = obj.get("conditions")
    users = conditions.get("users") if isinstance(conditions, dict) else None
    if isinstance(users, dict):
        yield from _strings(users.get("includeGroups"))
        yield from _strings(users.get("excludeGroups"))


def _gdap_groups(obj: dict[str, Any]) -> Iterator[str]:
    access = obj.get("accessAssignments")
    if not isinstance(access, list):
        return
    for assignment in access:
        container = assignment.get("accessContainer") if isinstance(assignment, dict) else None
        if not isinstance(container, dict):
            continue
        kind = container.get("accessContainerType")
        container_id = container.get("accessContainerId")
        if isinstance(container_id, str) and container_id and kind in (None, "securityGroup"):
            yield container_id
