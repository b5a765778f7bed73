"""What the snapshot could not tell us: failed or partial types, and objects whose children failed.

A type that failed, was not collected, or was read only in part is never "absent": analyses turn
it into a ``TypeGap`` and make the verdicts that depend on it "unknown" (DESIGN §3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot, TypeStatus

__all__ = ["TypeGap", "failed_children", "is_complete", "is_usable", "type_gap", "type_gaps"]


@dataclass(frozen=True)
class TypeGap:
    """A resource type the snapshot holds incompletely or not at all.

    Attributes:
        type_key: the catalog key.
        label: what an admin calls the type.
        status: ``failed``, ``partial`` or ``not_collected``.
        reason: why, in words an admin can act on.
    """

    type_key: str
    label: str
    status: str
    reason: str

    @property
    def objects_missing(self) -> bool:
        """True when none of the type's objects are in the snapshot (failed or not collected)."""
        return self.status != TypeStatus.PARTIAL.value


def is_usable(snapshot: Snapshot, key: str) -> bool:
    """True when type ``key`` was read, at least in part (its objects are real)."""
    return snapshot.status_of(key) in (TypeStatus.OK, TypeStatus.PARTIAL)


def is_complete(snapshot: Snapshot, key: str) -> bool:
    """True when type ``key`` was read completely."""
    return snapshot.status_of(key) is TypeStatus.OK


def type_gap(snapshot: Snapshot, key: str, catalog: Catalog) -> TypeGap | None:
    """The gap for ``key``, or None when it was read completely."""
    status = snapshot.status_of(key)
    if status is TypeStatus.OK:
        return None
    label = catalog[key].label if key in catalog else key
    result = snapshot.results.get(key)
    if status is TypeStatus.NOT_COLLECTED:
        # An optional read module that is off says so (and how to turn it on).
        reason = (result.error if result is not None else None) or (
            "not in this snapshot (not collected or not in the export)"
        )
    else:
        parts = [result.error] if result is not None and result.error else []
        parts += list(result.child_errors[:3]) if result is not None else []
        more = len(result.child_errors) - 3 if result is not None else 0
        if more > 0:
            parts.append(f"and {more} more")
        reason = "; ".join(parts) or ("read failed" if status is TypeStatus.FAILED else "read in part")
    return TypeGap(key, label, status.value, reason)


def type_gaps(snapshot: Snapshot, keys: Iterable[str], catalog: Catalog) -> tuple[TypeGap, ...]:
    """Gaps for every key in ``keys`` that was not read completely, in the given order."""
    gaps = (type_gap(snapshot, key, catalog) for key in keys)
    return tuple(gap for gap in gaps if gap is not None)


def failed_children(snapshot: Snapshot, key: str, child: str) -> dict[str, str]:
    """Object id → reason, for objects of ``key`` whose ``child`` navigation failed to read.

    Snapshots saved by version 1 kept only the object's name; their problems are keyed by name.
    """
    result = snapshot.results.get(key)
    found: dict[str, str] = {}
    if result is None:
        return found
    for problem in result.child_problems:
        if problem.part != child:
            continue
        owner = problem.object_id if problem.object_id is not None else problem.object_name
        if owner is not None:
            found[owner] = problem.describe()
    return found
