"""Policy vs policy: any two, in one tenant or across tenants and files; one against many."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

from intune_assistant.analyses.settings import SettingDefinitions
from intune_assistant.catalog import Catalog, ResourceType, default_catalog
from intune_assistant.snapshot import Snapshot

from .engine import COMPARED_KINDS, make_side, object_diff, shared_definitions
from .model import CompareKind, CompareOptions, Comparison, MatchInfo

__all__ = ["PolicyPick", "compare_policies", "find_policies"]

PolicyPick = tuple[ResourceType, dict[str, Any]]


def find_policies(
    snapshot: Snapshot, pattern: str, *, catalog: Catalog | None = None, type_key: str | None = None
) -> list[PolicyPick]:
    """Objects whose name matches ``pattern`` (case-insensitive; ``*`` and ``?`` wildcards).

    Searched in every configuration type, or only in ``type_key``.
    """
    catalog = catalog if catalog is not None else default_catalog()
    records = [catalog[type_key]] if type_key else [r for r in catalog if r.kind in COMPARED_KINDS]
    wanted = " ".join(pattern.split()).casefold()
    found: list[PolicyPick] = []
    for record in records:
        for obj in snapshot.read_objects(record.key) or ():
            name = " ".join(snapshot.display_name(record.key, obj, catalog).split()).casefold()
            if fnmatch.fnmatchcase(name, wanted):
                found.append((record, obj))
    return found


def compare_policies(
    left: Snapshot,
    policy: PolicyPick,
    right: Snapshot,
    others: Sequence[PolicyPick],
    *,
    catalog: Catalog | None = None,
    definitions: SettingDefinitions | None = None,
    options: CompareOptions | None = None,
    left_label: str | None = None,
    right_label: str | None = None,
) -> Comparison:
    """Compare ``policy`` (from ``left``) with each of ``others`` (from ``right``), setting by setting.

    ``left`` and ``right`` may be the same snapshot. Assignments are compared by group and
    filter names. One result object per policy in ``others``.
    """
    catalog = catalog if catalog is not None else default_catalog()
    options = options or CompareOptions()
    shared = shared_definitions(left, right, definitions)
    mine = make_side(left, catalog, left_label, shared, metadata=options.metadata)
    theirs = (
        mine
        if right is left and right_label == left_label
        else make_side(right, catalog, right_label, shared, metadata=options.metadata)
    )
    mine.share_references(theirs)
    record, obj = policy
    objects = tuple(
        object_diff(record, mine, theirs, obj, other, MatchInfo("chosen"), right_record=other_record)
        for other_record, other in others
    )
    return Comparison(CompareKind.POLICY, mine.info, theirs.info, objects, (), (), options)
