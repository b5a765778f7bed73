"""One Graph assignment target, normalised: who it points at, include or exclude, filter, intent.

Graph spells targets four ways (``groupAssignmentTarget``, ``exclusionGroupAssignmentTarget``,
``allLicensedUsersAssignmentTarget``, ``allDevicesAssignmentTarget``); everything downstream
reads this one shape instead. Normalisation follows the reference (§5): a null or all-zero filter
id, or filter type ``none``, is no filter; a filter on an exclusion target is ignored (the portal
offers filters on included groups only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "ALL_DEVICES_ID",
    "ALL_USERS_ID",
    "APP_INTENTS",
    "FilterMode",
    "Target",
    "TargetKind",
    "object_targets",
    "parse_target",
]

# Pseudo group ids Intune uses for the two virtual groups in assignment ids (reference §4).
ALL_USERS_ID = "acacacac-9df4-4c7d-9d50-4ef0226f57a9"
ALL_DEVICES_ID = "adadadad-808e-44e2-905a-0b7873a8a531"

# mobileApp assignment ``intent`` values (Graph installIntent), in the portal's order.
APP_INTENTS = ("required", "available", "availableWithoutEnrollment", "uninstall")

_ZERO_GUID = "00000000-0000-0000-0000-000000000000"


class TargetKind(StrEnum):
    """What an assignment points at."""

    GROUP = "group"
    ALL_USERS = "allUsers"
    ALL_DEVICES = "allDevices"
    # A target type we don't model (e.g. a Configuration Manager collection): never guessed.
    UNKNOWN = "unknown"


class FilterMode(StrEnum):
    """How an assignment filter is used."""

    INCLUDE = "include"
    EXCLUDE = "exclude"


@dataclass(frozen=True)
class Target:
    """One assignment of one object, normalised.

    Attributes:
        assignment_id: Graph's assignment id (None when the export had none).
        kind: group, All users, All devices, or unknown.
        exclude: True for an exclusion group.
        group_id: the group for ``GROUP`` targets.
        filter_id: the assignment filter, or None.
        filter_mode: include or exclude when a filter is set.
        intent: app install intent (mobileApps only), e.g. ``required``.
        odata_type: the Graph target type without the namespace, as read.
        ignored_filter_id: a filter Graph stored on an exclusion target; Intune ignores it.
    """

    assignment_id: str | None
    kind: TargetKind
    exclude: bool
    group_id: str | None
    filter_id: str | None
    filter_mode: FilterMode | None
    intent: str | None
    odata_type: str
    ignored_filter_id: str | None = None

    @property
    def mode(self) -> str:
        """``include`` or ``exclude`` (the group's role, not the filter's)."""
        return "exclude" if self.exclude else "include"


_KINDS = {
    "groupassignmenttarget": (TargetKind.GROUP, False),
    "exclusiongroupassignmenttarget": (TargetKind.GROUP, True),
    "alllicensedusersassignmenttarget": (TargetKind.ALL_USERS, False),
    "alldevicesassignmenttarget": (TargetKind.ALL_DEVICES, False),
}


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_target(assignment: Mapping[str, Any], *, app_intent: bool = False) -> Target:
    """The normalised target of one Graph assignment (``{"id", "target": {...}, "intent"?}``).

    ``app_intent``: read ``intent`` as an app install intent (mobileApps); other types use the
    field differently (device configurations say ``apply``), so it is ignored for them.
    """
    raw = assignment.get("target")
    target: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    odata = (_text(target.get("@odata.type")) or "").removeprefix("#").removeprefix("microsoft.graph.")
    kind, exclude = _KINDS.get(odata.casefold(), (TargetKind.UNKNOWN, False))
    filter_id = _text(target.get("deviceAndAppManagementAssignmentFilterId"))
    mode_text = (_text(target.get("deviceAndAppManagementAssignmentFilterType")) or "none").casefold()
    mode = {"include": FilterMode.INCLUDE, "exclude": FilterMode.EXCLUDE}.get(mode_text)
    if filter_id is None or filter_id == _ZERO_GUID or mode is None:
        filter_id, mode = None, None
    ignored = None
    if exclude and filter_id is not None:
        ignored, filter_id, mode = filter_id, None, None
    intent = _text(assignment.get("intent")) if app_intent else None
    return Target(
        assignment_id=_text(assignment.get("id")),
        kind=kind,
        exclude=exclude,
        group_id=_text(target.get("groupId")) if kind is TargetKind.GROUP else None,
        filter_id=filter_id,
        filter_mode=mode,
        intent=intent,
        odata_type=odata or "(no type)",
        ignored_filter_id=ignored,
    )


def object_targets(type_key: str, obj: Mapping[str, Any]) -> tuple[Target, ...] | None:
    """The targets of ``obj``; None when the object carries no ``assignments`` list at all.

    None means *not known* (an export without assignments, or a read that failed), which callers
    must keep apart from an empty tuple (known to be unassigned).
    """
    assignments = obj.get("assignments")
    if not isinstance(assignments, list):
        return None
    app = type_key == "mobileApps"
    return tuple(parse_target(a, app_intent=app) for a in assignments if isinstance(a, Mapping))
