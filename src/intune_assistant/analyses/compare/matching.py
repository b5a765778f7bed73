"""Pair the objects of one type across two sides: by id, by identity, then by settings overlap.

Ids pair only within one tenant (drift). Identity is the catalog's: the name (compared without
regard to case and spacing) plus the record's ``identity_key`` fields where both sides state
them. Overlap is the Jaccard index of the two objects' settings with their values; in drift it
pairs an object removed with one added of the same identity fields (a rename seen through an
export that has no stable ids).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from intune_assistant.catalog import ResourceType

from .model import MatchInfo
from .normalize import canonical, is_unset

__all__ = ["Pairing", "overlap", "pair_objects", "same_identity"]

Obj = dict[str, Any]
KeysOf = Callable[[Obj], frozenset[str]]


@dataclass
class Pairing:
    """The outcome of pairing: pairs with how they matched, and what is left on each side."""

    pairs: list[tuple[Obj, Obj, MatchInfo]] = field(default_factory=list)
    left_only: list[Obj] = field(default_factory=list)
    right_only: list[Obj] = field(default_factory=list)


def overlap(left: frozenset[str], right: frozenset[str]) -> float:
    """Share of settings the two objects have in common (0 when neither has any)."""
    union = len(left | right)
    return len(left & right) / union if union else 0.0


def _name_key(record: ResourceType, obj: Obj) -> str:
    return " ".join(record.object_name(obj).split()).casefold()


def _compatible(record: ResourceType, left: Obj, right: Obj) -> bool:
    # An identity field missing on one side (exports drop some) does not rule a pair out.
    for name in record.identity_key:
        mine, theirs = left.get(name), right.get(name)
        if not is_unset(mine) and not is_unset(theirs) and canonical(mine) != canonical(theirs):
            return False
    return True


def same_identity(record: ResourceType, left: Obj, right: Obj) -> bool:
    """Whether two objects of ``record`` are the same object across tenants: the same name (case
    and spacing aside) and no identity field stated differently (how compare pairs them)."""
    return _name_key(record, left) == _name_key(record, right) and _compatible(record, left, right)


def _greedy(
    candidates: list[tuple[float, float, int, int]], left: list[Obj], right: list[Obj], method: str, out: Pairing
) -> tuple[set[int], set[int]]:
    used_left: set[int] = set()
    used_right: set[int] = set()
    # Best score first, then the closer twin (symmetric overlap); remaining ties keep the objects'
    # order, so the result never depends on chance.
    for score, _, i, j in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2], c[3])):
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        out.pairs.append((left[i], right[j], MatchInfo(method, round(score, 3) if method == "overlap" else None)))
    return used_left, used_right


def pair_objects(
    record: ResourceType,
    left: Sequence[Obj],
    right: Sequence[Obj],
    keys_left: KeysOf,
    keys_right: KeysOf,
    *,
    by_id: bool,
    overlap_threshold: float | None,
) -> Pairing:
    """Pair ``left`` with ``right`` objects of type ``record``.

    ``keys_left``/``keys_right`` give an object's settings (for overlap). ``by_id`` pairs equal
    ids first (same tenant only); ``overlap_threshold`` (None: never) pairs what is left, of the
    same identity fields, when the settings overlap reaches it.
    """
    out = Pairing()
    rest_left, rest_right = list(left), list(right)
    if by_id:
        right_by_id = {o.get("id"): o for o in rest_right if isinstance(o.get("id"), str)}
        matched: set[int] = set()
        unmatched_left = []
        for obj in rest_left:
            other = right_by_id.pop(obj.get("id"), None) if isinstance(obj.get("id"), str) else None
            if other is None:
                unmatched_left.append(obj)
            else:
                matched.add(id(other))
                out.pairs.append((obj, other, MatchInfo("id")))
        rest_left = unmatched_left
        rest_right = [o for o in rest_right if id(o) not in matched]

    by_name: dict[str, list[int]] = {}
    for j, obj in enumerate(rest_right):
        by_name.setdefault(_name_key(record, obj), []).append(j)
    candidates: list[tuple[float, float, int, int]] = []
    for i, obj in enumerate(rest_left):
        same_name = [j for j in by_name.get(_name_key(record, obj), []) if _compatible(record, obj, rest_right[j])]
        if len(same_name) == 1:
            candidates.append((1.0, 1.0, i, same_name[0]))
        else:
            # Several objects share the name: the one with most settings in common is the twin.
            for j in same_name:
                score = overlap(keys_left(obj), keys_right(rest_right[j]))
                candidates.append((score, score, i, j))
    used_left, used_right = _greedy(candidates, rest_left, rest_right, "identity", out)
    rest_left = [o for i, o in enumerate(rest_left) if i not in used_left]
    rest_right = [o for j, o in enumerate(rest_right) if j not in used_right]

    if overlap_threshold is not None and rest_left and rest_right:
        right_keys = [keys_right(o) for o in rest_right]
        scored = []
        for i, obj in enumerate(rest_left):
            mine = keys_left(obj)
            for j, theirs in enumerate(right_keys):
                score = overlap(mine, theirs)
                if score >= overlap_threshold and score > 0 and _compatible(record, obj, rest_right[j]):
                    scored.append((score, score, i, j))
        used_left, used_right = _greedy(scored, rest_left, rest_right, "overlap", out)
        rest_left = [o for i, o in enumerate(rest_left) if i not in used_left]
        rest_right = [o for j, o in enumerate(rest_right) if j not in used_right]

    out.left_only, out.right_only = rest_left, rest_right
    return out
