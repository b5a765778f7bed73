"""Objects ranked by a priority field: a new number that keeps the order is no change.

Intune numbers enrollment configurations of one kind 1, 2, 3… and renumbers them when one is
added, removed or moved. Compared as plain numbers, deleting the first restriction would report
every later one as changed. So the field compares as the object's place among the objects of its
kind found on *both* sides: a pair is reordered when the paired objects ranked before it differ
between the sides (an admin moved it, or moved another past it); otherwise only the number
shifted, and the difference is shown but not flagged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .model import ObjectDiff, ObjectStatus, SettingStatus

__all__ = ["reordered", "unflag_renumbering"]

Obj = Mapping[str, Any]


def _rank(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _ahead(objects: Sequence[tuple[int, Obj]], field: str) -> dict[int, frozenset[int]]:
    """Pair index → indexes of the pairs of the same kind ranked before it on one side."""
    kinds: dict[str, list[tuple[float, int]]] = {}
    for index, obj in objects:
        rank = _rank(obj.get(field))
        if rank is not None:
            kinds.setdefault(str(obj.get("@odata.type") or ""), []).append((rank, index))
    ahead: dict[int, frozenset[int]] = {}
    for members in kinds.values():
        for rank, index in members:
            ahead[index] = frozenset(i for r, i in members if r < rank)
    return ahead


def reordered(pairs: Sequence[tuple[Obj, Obj, Any]], field: str) -> frozenset[int]:
    """Indexes of the pairs whose place in the order (by ``field``, per kind) differs between sides."""
    left = _ahead([(i, p[0]) for i, p in enumerate(pairs)], field)
    right = _ahead([(i, p[1]) for i, p in enumerate(pairs)], field)
    return frozenset(i for i in left.keys() | right.keys() if left.get(i) != right.get(i))


def unflag_renumbering(diff: ObjectDiff, field: str) -> ObjectDiff:
    """``diff`` with a changed ``field`` shown as the same: only the number moved, not the order."""
    settings = tuple(
        replace(s, status=SettingStatus.SAME) if s.setting_id == field and s.status is SettingStatus.DIFFERENT else s
        for s in diff.settings
    )
    if settings == diff.settings:
        return diff
    changed = any(s.status is not SettingStatus.SAME for s in settings) or any(
        a.status is not SettingStatus.SAME for a in diff.assignments
    )
    return replace(diff, settings=settings, status=ObjectStatus.DIFFERENT if changed else ObjectStatus.SAME)
