"""Reading a type through Graph's delta query (groups, users, devices): a first round gives every object and a
deltaLink; a later round from that link gives only what changed, applied to the previous objects.

Delta answers carry members as ``{"@odata.type", "id"}`` in ``members@delta`` (removed ones with
``@removed``); the snapshot keeps them as ``members``, named from the users, devices and groups
read in the same collection, as the per-group ``members`` read named them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["apply_delta", "name_members"]

_REMOVED = "@removed"
_MEMBERS_DELTA = "members@delta"


def _ref(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"@odata.type": entry.get("@odata.type") or "#microsoft.graph.directoryObject", "id": entry["id"]}


def apply_delta(
    previous: Iterable[Mapping[str, Any]], entries: Iterable[Mapping[str, Any]], *, members: bool = True
) -> list[dict[str, Any]]:
    """The objects after a delta round: ``previous`` (empty for a first round) with ``entries`` applied.

    An entry with ``@removed`` deletes its object; otherwise its properties replace the previous
    ones and, when ``members`` are tracked (groups), ``members@delta`` adds members or, with
    ``@removed``, removes them. Entries for one object may come in several pieces (Graph splits
    long member lists); they are applied in order.
    """
    by_id: dict[str, dict[str, Any]] = {}
    for obj in previous:
        object_id = obj.get("id")
        if isinstance(object_id, str):
            by_id[object_id] = dict(obj)
    for entry in entries:
        object_id = entry.get("id")
        if not isinstance(object_id, str):
            continue
        if _REMOVED in entry:
            by_id.pop(object_id, None)
            continue
        current = by_id.get(object_id, {})
        if not members:
            by_id[object_id] = {**current, **entry}
            continue
        members_by_id = {m["id"]: m for m in current.get("members", []) if isinstance(m, Mapping) and "id" in m}
        for change in entry.get(_MEMBERS_DELTA) or []:
            if not isinstance(change, Mapping) or not isinstance(change.get("id"), str):
                continue
            if _REMOVED in change:
                members_by_id.pop(change["id"], None)
            else:
                members_by_id[change["id"]] = _ref(change)
        updated = {**current, **{k: v for k, v in entry.items() if k != _MEMBERS_DELTA}}
        updated["members"] = list(members_by_id.values())
        by_id[object_id] = updated
    return list(by_id.values())


def name_members(groups: Iterable[dict[str, Any]], objects: Mapping[str, list[dict[str, Any]]]) -> None:
    """Give each member reference the names the per-group read gave (displayName, UPN, deviceId)."""
    known: dict[str, Mapping[str, Any]] = {}
    for key in ("users", "entraDevices", "groups"):
        for obj in objects.get(key, []):
            if isinstance(obj.get("id"), str):
                known[obj["id"]] = obj
    for group in groups:
        named = []
        for member in group.get("members", []):
            source = known.get(member.get("id", ""), {})
            extra = {f: source[f] for f in ("displayName", "userPrincipalName", "deviceId") if f in source}
            named.append({**member, **{k: v for k, v in extra.items() if k not in member}})
        group["members"] = named
