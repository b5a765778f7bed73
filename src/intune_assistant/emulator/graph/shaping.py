"""Turning stored objects into response objects: navigations, ``$expand``, ``$select``.

Stored objects carry their navigations nested (``assignments``, ``settings``, ``definitionValues``
…). Graph returns a navigation only when it is expanded, so every navigation is stripped unless the
request expands it, and an expansion is inline and complete (no nextLink inside). Fields Graph
returns only when an item is read by id (script content) are left out of lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ...catalog import Child, ResourceType, entity_type_of
from .errors import GraphError
from .routing import ASSIGNMENT_READS

__all__ = [
    "DETAIL_FIELDS",
    "SETTING_DEFINITIONS",
    "check_expand",
    "child_navigations",
    "definitions_for_setting",
    "record_navigations",
    "shape",
    "v1_view",
]

# Returned only by GET {path}/{id} on records with ``read_item_for_detail``.
DETAIL_FIELDS = frozenset({"scriptContent", "detectionScriptContent", "remediationScriptContent"})
# Assignment-filter properties of assignment targets: beta only (the v1.0 base target has none).
BETA_TARGET_FIELDS = frozenset(
    {"deviceAndAppManagementAssignmentFilterId", "deviceAndAppManagementAssignmentFilterType"}
)
# The navigation of a settings-catalog setting to the definitions its instance uses.
SETTING_DEFINITIONS = "settingDefinitions"


def record_navigations(records: Iterable[ResourceType]) -> set[str]:
    """Navigation properties of the objects of ``records``."""
    navigations: set[str] = set()
    for record in records:
        navigations.update(child.name for child in record.children)
        navigations.update(record.list_expand)
        if record.assignments in ASSIGNMENT_READS:
            navigations.add("assignments")
    return navigations


def child_navigations(child: Child) -> set[str]:
    """Navigation properties of the objects of ``child``."""
    navigations = {grandchild.name for grandchild in child.children}
    if child.expand:
        navigations.add(child.expand)
    if child.name == "settings":
        navigations.add(SETTING_DEFINITIONS)
    return navigations


def check_expand(requested: Sequence[str], *, allowed: set[str], navigations: set[str], entity_set: str) -> None:
    """400 unless every requested navigation may be expanded here."""
    for name in requested:
        if name in allowed:
            continue
        if name in navigations:
            raise GraphError(
                400,
                "BadRequest",
                "The query specified in the URI is not valid. "
                f"The property '{name}' cannot be used in the $expand query option.",
            )
        raise GraphError(
            400,
            "BadRequest",
            "Parsing OData Select and Expand failed: Could not find a property named "
            f"'{name}' on type 'microsoft.graph.{entity_type_of(entity_set)}'.",
        )


def check_select(select: Sequence[str] | None, *, known: Callable[[str], bool], entity_set: str) -> None:
    """400 for a ``$select`` naming a property the type does not have, as Graph answers.

    ``*`` selects everything; ``microsoft.graph.X/prop`` (a cast) checks ``prop`` against every
    subtype the collection holds.
    """
    for item in select or ():
        if item == "*":
            continue
        parts = item.split("/")
        name = parts[1] if "." in parts[0] and len(parts) > 1 else parts[0]
        if not known(name):
            raise GraphError(
                400,
                "BadRequest",
                "Parsing OData Select and Expand failed: Could not find a property named "
                f"'{name}' on type 'microsoft.graph.{entity_type_of(entity_set)}'.",
            )


def shape(
    obj: Mapping[str, Any],
    *,
    strip: set[str],
    select: Sequence[str] | None = None,
    expanded: Mapping[str, Any] | None = None,
    drop: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """A response copy of ``obj``: navigations stripped, ``$select`` applied, expansions added."""
    out = {key: value for key, value in obj.items() if key not in strip and key not in drop}
    if select is not None and "*" not in select:
        keep = {*(s.split("/")[-1] if "." in s.split("/")[0] else s.split("/")[0] for s in select), "id", "@odata.type"}
        out = {key: value for key, value in out.items() if key in keep}
    if expanded:
        out.update(expanded)
    return out


def expand_items(items: Any, strip: set[str]) -> list[dict[str, Any]]:
    """An expanded collection navigation: every item inline, its own navigations stripped."""
    if not isinstance(items, list):
        return []
    return [shape(item, strip=strip) for item in items if isinstance(item, Mapping)]


def _definition_ids(node: Any, found: dict[str, None]) -> None:
    if isinstance(node, Mapping):
        value = node.get("settingDefinitionId")
        if isinstance(value, str):
            found.setdefault(value, None)
        for child in node.values():
            _definition_ids(child, found)
    elif isinstance(node, list):
        for child in node:
            _definition_ids(child, found)


def definitions_for_setting(
    setting: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The definitions a setting instance and all its children use, in order of appearance."""
    found: dict[str, None] = {}
    _definition_ids(setting.get("settingInstance"), found)
    return [definitions[d] for d in found if d in definitions]


def v1_view(node: Any, *, in_target: bool = False) -> Any:
    """A copy of a response body as ``/v1.0`` shows it: assignment targets without filter fields."""
    if isinstance(node, Mapping):
        return {
            key: v1_view(value, in_target=key == "target")
            for key, value in node.items()
            if not (in_target and key in BETA_TARGET_FIELDS)
        }
    if isinstance(node, list):
        return [v1_view(item) for item in node]
    return node
