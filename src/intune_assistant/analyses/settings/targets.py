"""Assignment targets in words: group names, All users / All devices, include or exclude, filter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.snapshot import Names

__all__ = ["NO_FILTER_ID", "TargetDescription", "describe_target"]

# The id Graph (and IntuneCD) use for "no assignment filter".
NO_FILTER_ID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class TargetDescription:
    """Who an assignment targets, in an admin's words.

    ``mode`` is "Included" or "Excluded"; ``filter_name``/``filter_mode`` describe the
    assignment filter ("include"/"exclude"), None without one. ``resolved`` is False when the
    group is not in the snapshot (deleted, or not in the export): ``name`` then says so.
    """

    name: str
    mode: str
    kind: str
    group_id: str | None
    filter_name: str | None
    filter_mode: str | None
    resolved: bool = True


def describe_target(target: Mapping[str, Any], names: Names) -> TargetDescription:
    """``target`` (an assignment's ``target``) described with names from ``names``."""
    kind = str(target.get("@odata.type", "")).rsplit(".", 1)[-1]
    group_id = target.get("groupId") if isinstance(target.get("groupId"), str) else None
    resolved = True
    mode = "Excluded" if kind.lower().startswith("exclusion") else "Included"
    if kind == "allLicensedUsersAssignmentTarget":
        name = "All users"
    elif kind == "allDevicesAssignmentTarget":
        name = "All devices"
    elif kind == "configurationManagerCollectionAssignmentTarget":
        name = f"Configuration Manager collection {target.get('collectionId', '')}".strip()
    elif group_id is not None:
        found = names.group(group_id)
        resolved = found is not None
        name = found if found is not None else f"Unknown group ({group_id}; deleted or not in this snapshot)"
    else:
        name = kind or "Unknown target"
    filter_id = target.get("deviceAndAppManagementAssignmentFilterId")
    filter_mode = str(target.get("deviceAndAppManagementAssignmentFilterType") or "none").lower()
    filter_name: str | None = None
    if isinstance(filter_id, str) and filter_id and filter_id != NO_FILTER_ID and filter_mode != "none":
        filter_name = names.filter(filter_id) or f"Unknown filter ({filter_id})"
    else:
        filter_mode = "none"
    return TargetDescription(
        name=name,
        mode=mode,
        kind=kind,
        group_id=group_id,
        filter_name=filter_name,
        filter_mode=None if filter_mode == "none" else filter_mode,
        resolved=resolved,
    )
