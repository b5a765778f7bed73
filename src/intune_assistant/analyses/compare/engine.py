"""The comparison itself: settings and assignments of paired objects, type by type.

Every public comparison (policies, tenants, baseline, drift) is this engine with a different
pairing rule and different words. A type that one side could not read is "not compared"; an
object seen on one side only while the other side's read of its type was partial is
"not confirmed", never removed or added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from intune_assistant.analyses.settings import SettingDefinitions, snapshot_definitions
from intune_assistant.catalog import Catalog, Kind, ResourceType
from intune_assistant.snapshot import Snapshot, TypeStatus

from .assignments import diff_assignments
from .matching import pair_objects
from .model import (
    CompareOptions,
    MatchInfo,
    NotCompared,
    ObjectDiff,
    ObjectStatus,
    SettingDiff,
    SettingStatus,
    SideInfo,
)
from .order import reordered, unflag_renumbering
from .rows import Setting
from .side import Side

__all__ = [
    "COMPARED_KINDS",
    "compare_sides",
    "diff_settings",
    "make_side",
    "not_read_reason",
    "object_diff",
    "shared_definitions",
    "side_info",
]

Obj = dict[str, Any]
# Configuration, not the directory or devices: users, groups and devices change by the hour.
COMPARED_KINDS = frozenset({Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT, Kind.TENANT})
_READ = (TypeStatus.OK, TypeStatus.PARTIAL)


def side_info(snapshot: Snapshot, label: str | None) -> SideInfo:
    """How a report names ``snapshot``: the label given, else its tenant, else its source."""
    tenant = snapshot.tenant.domain or snapshot.tenant.display_name or snapshot.tenant.tenant_id
    return SideInfo(
        label=label or tenant or snapshot.source,
        tenant=tenant,
        source=snapshot.source,
        taken_at=snapshot.taken_at,
    )


def shared_definitions(first: Snapshot, second: Snapshot, extra: SettingDefinitions | None) -> SettingDefinitions:
    """One set of setting definitions for both sides, so one setting has one name in a report.

    ``first``'s own definitions win, then ``second``'s, then ``extra`` (e.g. a definitions file).
    """
    merged = snapshot_definitions(first).merged(snapshot_definitions(second))
    return merged.merged(extra) if extra is not None else merged


def make_side(
    snapshot: Snapshot,
    catalog: Catalog,
    label: str | None,
    definitions: SettingDefinitions,
    *,
    metadata: bool,
) -> Side:
    """A snapshot prepared for comparison."""
    return Side(snapshot, catalog, side_info(snapshot, label), definitions, metadata=metadata)


def _setting_diff(setting_id: str, mine: Setting | None, theirs: Setting | None) -> SettingDiff:
    known = mine or theirs
    assert known is not None
    if mine is None:
        status = SettingStatus.ONLY_RIGHT
    elif theirs is None:
        status = SettingStatus.ONLY_LEFT
    else:
        status = SettingStatus.SAME if mine.values == theirs.values else SettingStatus.DIFFERENT
    return SettingDiff(
        setting_id=setting_id,
        name=known.name,
        category=known.category,
        status=status,
        left=mine.display if mine is not None else None,
        right=theirs.display if theirs is not None else None,
        is_secret=known.is_secret,
        deprecated=(mine is not None and mine.deprecated) or (theirs is not None and theirs.deprecated),
        replacement=(mine.replacement if mine is not None else None) or (theirs.replacement if theirs else None),
    )


def diff_settings(left: Mapping[str, Setting], right: Mapping[str, Setting]) -> tuple[SettingDiff, ...]:
    """Setting-by-setting comparison; a setting configured on one side only is a difference."""
    ids = left.keys() | right.keys()
    diffs = [_setting_diff(i, left.get(i), right.get(i)) for i in ids]
    return tuple(sorted(diffs, key=lambda d: (d.category.casefold(), d.name.casefold(), d.setting_id)))


def _status(settings: Iterable[SettingDiff], assignments_changed: bool) -> ObjectStatus:
    statuses = {s.status for s in settings}
    if assignments_changed or statuses - {SettingStatus.SAME}:
        return ObjectStatus.DIFFERENT
    return ObjectStatus.SAME


def object_diff(
    record: ResourceType,
    left: Side,
    right: Side,
    left_obj: Obj,
    right_obj: Obj,
    match: MatchInfo,
    *,
    right_record: ResourceType | None = None,
) -> ObjectDiff:
    """Compare one paired object (``right_record``: when the right object is of another type)."""
    right_record = right_record or record
    settings = diff_settings(left.settings(record, left_obj), right.settings(right_record, right_obj))
    assignments = diff_assignments(left.assignments(left_obj), right.assignments(right_obj))
    changed = any(a.status is not SettingStatus.SAME for a in assignments)
    right_ref = right.ref(right_record, right_obj)
    return ObjectDiff(
        type_key=record.key,
        type_label=right_ref.type_label,
        status=_status(settings, changed),
        left=left.ref(record, left_obj),
        right=right_ref,
        match=match,
        settings=settings,
        assignments=assignments,
    )


def _list_may_be_short(side: Side, key: str) -> bool:
    """True when ``side`` may hold objects of ``key`` it did not read.

    A partial read whose list came in whole (only some details, children or assignments failed)
    still saw every object: what it lacks is added or removed, not unknown.
    """
    if side.status(key) is not TypeStatus.PARTIAL:
        return False
    result = side.snapshot.results.get(key)
    return result is None or result.problem is not None


def _one_sided(record: ResourceType, side: Side, obj: Obj, *, on_left: bool, other: Side) -> ObjectDiff:
    status = ObjectStatus.ONLY_LEFT if on_left else ObjectStatus.ONLY_RIGHT
    note = ""
    if _list_may_be_short(other, record.key):
        status = ObjectStatus.UNCONFIRMED
        note = f"{other.info.label} read {record.label} only partially: this object may exist there unseen"
    ref = side.ref(record, obj)
    return ObjectDiff(
        type_key=record.key,
        type_label=ref.type_label,
        status=status,
        left=ref if on_left else None,
        right=None if on_left else ref,
        note=note,
    )


def not_read_reason(side: Side, key: str) -> str | None:
    """Why ``side`` cannot be compared on type ``key`` (None when it read the type)."""
    status = side.status(key)
    if status in _READ:
        return None
    if status is TypeStatus.FAILED:
        result = side.snapshot.results.get(key)
        why = f": {result.error}" if result is not None and result.error else ""
        return f"{side.info.label} could not read it{why}"
    return f"{side.info.label} did not collect it"


def _types(catalog: Catalog, options: CompareOptions, left: Side, right: Side) -> list[ResourceType]:
    if options.types is not None:
        return [catalog[k] for k in options.types]
    present = set(left.snapshot.results) | set(right.snapshot.results)
    present |= set(left.snapshot.objects) | set(right.snapshot.objects)
    return [r for r in catalog if r.kind in COMPARED_KINDS and r.key in present]


def _keys(side: Side, record: ResourceType) -> Callable[[Obj], frozenset[str]]:
    def keys(obj: Obj) -> frozenset[str]:
        # Settings with their values: objects of one kind share their property paths, so paths
        # alone would call any removed script and any added one a rename.
        return side.setting_values(record, obj)

    return keys


def compare_sides(
    left: Side,
    right: Side,
    options: CompareOptions,
    *,
    by_id: bool,
    overlap_threshold: float | None,
) -> tuple[list[ObjectDiff], list[NotCompared]]:
    """Compare every configuration type of two sides."""
    objects: list[ObjectDiff] = []
    skipped: list[NotCompared] = []
    left.share_references(right)
    for record in _types(left.catalog, options, left, right):
        reasons = [r for r in (not_read_reason(left, record.key), not_read_reason(right, record.key)) if r]
        both_absent = left.status(record.key) is right.status(record.key) is TypeStatus.NOT_COLLECTED
        if reasons:
            if not both_absent or options.types is not None:
                skipped.append(NotCompared(record.key, record.label, "; ".join(reasons)))
            continue
        pairing = pair_objects(
            record,
            left.objects(record.key),
            right.objects(record.key),
            _keys(left, record),
            _keys(right, record),
            by_id=by_id,
            overlap_threshold=overlap_threshold,
        )
        moved = reordered(pairing.pairs, record.order_field) if record.order_field else frozenset()
        for index, (left_obj, right_obj, match) in enumerate(pairing.pairs):
            diff = object_diff(record, left, right, left_obj, right_obj, match)
            if record.order_field and index not in moved:
                diff = unflag_renumbering(diff, record.order_field)
            objects.append(diff)
        objects.extend(_one_sided(record, left, o, on_left=True, other=right) for o in pairing.left_only)
        objects.extend(_one_sided(record, right, o, on_left=False, other=left) for o in pairing.right_only)
    return objects, skipped
