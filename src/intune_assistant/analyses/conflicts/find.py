"""Tenant-wide: settings in conflict between overlapping policies, duplicate policies, deprecated settings.

All three read the setting rows of ``analyses.settings`` (one row per configured setting, with
the definition id and raw value to compare by). A conflict needs both different values *and*
targets that overlap — two policies that never reach the same user or device don't conflict.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from intune_assistant.analyses.assignments import (
    Directory,
    ObjectRef,
    TargetKind,
    object_ref,
    object_targets,
    template_platforms,
    type_gaps,
)
from intune_assistant.analyses.settings import (
    SETTINGS_POLICY_TYPES,
    SettingDefinitions,
    SettingRow,
    documented_types,
    setting_rows,
    snapshot_definitions,
)
from intune_assistant.catalog import Catalog, Kind, default_catalog
from intune_assistant.snapshot import DEFINITIONS_PART, Snapshot

from .combine import COMBINED_TYPES, SettingRowLike, group_values, resolve
from .model import (
    ConflictPair,
    ConflictsReport,
    DeprecatedSetting,
    DuplicateSet,
    Overlap,
    SettingConflict,
    ValueGroup,
)
from .reach import PolicyReach, Reach, bits

__all__ = ["conflicts_report", "find_conflicts", "find_deprecated", "find_duplicates"]

_EXAMPLES = 3
# Kinds whose objects can duplicate each other (apps are told apart by what they install).
_DUPLICATE_KINDS = frozenset({Kind.POLICY, Kind.APP, Kind.SCRIPT})
_NOT_DUPLICATES = frozenset({"mobileApps"})


class _Refs:
    """Objects by (type key, id), and their ObjectRefs built on first use (most never are)."""

    def __init__(self, snapshot: Snapshot, catalog: Catalog, keys: Iterable[str]) -> None:
        self.snapshot = snapshot
        self.catalog = catalog
        self.templates = template_platforms(snapshot)
        self.objects: dict[tuple[str, str], Mapping[str, Any]] = {
            (key, str(obj.get("id") or "")): obj
            for key in keys
            if key in catalog
            for obj in snapshot.read_objects(key) or ()
        }
        self._refs: dict[tuple[str, str], ObjectRef] = {}

    def __getitem__(self, policy: tuple[str, str]) -> ObjectRef:
        ref = self._refs.get(policy)
        if ref is None:
            record = self.catalog[policy[0]]
            ref = self._refs[policy] = object_ref(record, self.objects[policy], self.snapshot, self.templates)
        return ref


def _include_targets(type_key: str, obj: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    targets = object_targets(type_key, obj) or ()
    return [(t.kind.value, t.group_id) for t in targets if not t.exclude and t.kind is not TargetKind.UNKNOWN]


def _shared_targets(
    directory: Directory, a: Sequence[tuple[str, str | None]], b: Sequence[tuple[str, str | None]]
) -> tuple[str, ...]:
    found: list[str] = []
    for kind_a, group_a in a:
        for kind_b, group_b in b:
            if kind_a != "group" or kind_b != "group":
                if kind_a == kind_b:
                    found.append(f"both target {'All users' if kind_a == 'allUsers' else 'All devices'}")
                continue
            assert group_a is not None and group_b is not None
            if group_a == group_b:
                found.append(f"both target '{directory.group_name(group_a)}'")
            elif group_b in directory.ancestors(group_a):
                path = directory.ancestors(group_a)[group_b]
                found.append(_nested(directory, path))
            elif group_a in directory.ancestors(group_b):
                found.append(_nested(directory, directory.ancestors(group_b)[group_a]))
    return tuple(dict.fromkeys(found))


def _nested(directory: Directory, path: Sequence[str]) -> str:
    inner, outer = directory.group_name(path[0]), directory.group_name(path[-1])
    through = [directory.group_name(g) for g in path[1:-1]]
    via = f" (through {', '.join(repr(t) for t in through)})" if through else ""
    return f"'{inner}' is nested in '{outer}'{via}"


def _overlap(reach: Reach, a: PolicyReach, b: PolicyReach, shared: tuple[str, ...]) -> Overlap:
    users, devices = a.users & b.users, a.devices & b.devices
    example_users = tuple(reach.user_label(i) for _, i in zip(range(_EXAMPLES), bits(users), strict=False))
    example_devices = tuple(reach.device_label(i) for _, i in zip(range(_EXAMPLES), bits(devices), strict=False))
    doubts = tuple(dict.fromkeys((*a.doubts, *b.doubts)))
    return Overlap(
        users.bit_count(), devices.bit_count(), example_users, example_devices, shared, a.certain and b.certain, doubts
    )


def find_conflicts(
    snapshot: Snapshot,
    rows: Sequence[SettingRowLike],
    catalog: Catalog | None = None,
    *,
    directory: Directory | None = None,
    max_pairs: int = 10,
) -> tuple[SettingConflict, ...]:
    """Settings set to different values by policies whose targets overlap (secrets aren't compared).

    Every overlapping pair is counted (``pair_count``); the ``max_pairs`` with the largest
    overlap are described (who, which targets explain it).
    """
    catalog = catalog or default_catalog()
    directory = directory or Directory(snapshot)
    refs = _Refs(snapshot, catalog, sorted(COMBINED_TYPES))
    objects = refs.objects
    reach = Reach(directory, refs.templates)
    odata = {pid: str(obj.get("@odata.type") or "") for (_, pid), obj in objects.items()}
    reaches: dict[tuple[str, str], PolicyReach] = {}
    includes: dict[tuple[str, str], list[tuple[str, str | None]]] = {}

    def reach_of(policy: tuple[str, str]) -> PolicyReach:
        if policy not in reaches:
            reaches[policy] = reach.policy(policy[0], objects[policy])
            includes[policy] = _include_targets(policy[0], objects[policy])
        return reaches[policy]

    found: list[SettingConflict] = []
    for key, by_policy in group_values((r for r in rows if (r.type_key, r.policy_id) in objects), odata).items():
        values = [(p, v) for p, v in by_policy.items() if not v.secret]
        if len({v.raw for _, v in values}) < 2:
            continue
        reached = [(p, v, reach_of(p)) for p, v in values]
        # Every differing pair is checked with two ANDs; only the largest overlaps get details.
        overlapping: list[tuple[int, int, int]] = []
        involved_at = bytearray(len(reached))
        for i, (_, va, ra) in enumerate(reached):
            for j in range(i + 1, len(reached)):
                _, vb, rb = reached[j]
                if va.raw == vb.raw:
                    continue
                users, devices = ra.users & rb.users, ra.devices & rb.devices
                if users or devices or not (ra.certain and rb.certain):
                    overlapping.append((users.bit_count() + devices.bit_count(), i, j))
                    involved_at[i] = involved_at[j] = 1
        if not overlapping:
            continue
        involved = {reached[i][0]: reached[i][1] for i, hit in enumerate(involved_at) if hit}
        pairs = []
        for _, i, j in heapq.nlargest(max_pairs, overlapping, key=lambda o: (o[0], -o[1], -o[2])):
            (pa, va, ra), (pb, vb, rb) = reached[i], reached[j]
            overlap = _overlap(reach, ra, rb, _shared_targets(directory, includes[pa], includes[pb]))
            pairs.append(ConflictPair(refs[pa], va.value, refs[pb], vb.value, overlap))
        resolution, _, explanation = resolve(list(involved.values()), key.setting_id)
        groups: dict[str, list[ObjectRef]] = {}
        shown: dict[str, str] = {}
        for policy, value in involved.items():
            groups.setdefault(value.raw, []).append(refs[policy])
            shown[value.raw] = value.value
        sample = next(iter(involved.values()))
        found.append(
            SettingConflict(
                setting_id=key.setting_id,
                name=sample.name,
                category=sample.category,
                platform=key.platform,
                resolution=resolution,
                explanation=explanation,
                values=tuple(ValueGroup(shown[raw], tuple(policies)) for raw, policies in groups.items()),
                pairs=tuple(pairs),
                pair_count=len(overlapping),
            )
        )
    return tuple(sorted(found, key=lambda c: (c.platform, c.name.casefold(), c.setting_id)))


def find_duplicates(
    snapshot: Snapshot, rows: Sequence[SettingRowLike], catalog: Catalog | None = None
) -> tuple[DuplicateSet, ...]:
    """Policies of one type (and profile type and platform) whose settings are exactly the same."""
    catalog = catalog or default_catalog()
    wanted = [r for r in documented_types(catalog) if r.kind in _DUPLICATE_KINDS and r.key not in _NOT_DUPLICATES]
    refs = _Refs(snapshot, catalog, [r.key for r in wanted])
    objects = refs.objects
    signatures: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for row in rows:
        policy = (row.type_key, row.policy_id)
        if policy in objects:
            raw = "(secret)" if row.is_secret else repr(row.raw_value)
            signatures.setdefault(policy, set()).add((row.setting_id, raw))
    by_signature: dict[tuple[str, str, str, frozenset[tuple[str, str]]], list[tuple[str, str]]] = {}
    for policy, signature in signatures.items():
        odata = str(objects[policy].get("@odata.type") or "")
        key = (policy[0], odata, refs[policy].platform, frozenset(signature))
        by_signature.setdefault(key, []).append(policy)
    found = [
        DuplicateSet(
            type_key=key[0],
            type_label=catalog[key[0]].label,
            platform=key[2],
            policies=tuple(sorted((refs[p] for p in policies), key=lambda r: r.name.casefold())),
            settings=len(key[3]),
        )
        for key, policies in by_signature.items()
        if len(policies) > 1
    ]
    return tuple(sorted(found, key=lambda d: (d.type_label, d.policies[0].name.casefold())))


def find_deprecated(
    snapshot: Snapshot,
    rows: Sequence[Any],
    catalog: Catalog | None = None,
    *,
    definitions: SettingDefinitions | None = None,
) -> tuple[tuple[DeprecatedSetting, ...], tuple[str, ...]]:
    """Settings Intune marks deprecated (with the replacement when named), and settings-catalog
    settings whose definition the current catalogue lacks; plus notes on what limits the check.

    ``rows`` are ``SettingRow``s (their ``deprecated``/``replacement`` fields are read).
    """
    catalog = catalog or default_catalog()
    refs = _Refs(snapshot, catalog, sorted({row.type_key for row in rows}))
    merged = snapshot_definitions(snapshot, definitions)
    notes: list[str] = []
    failed = any(
        problem.part == DEFINITIONS_PART
        for key in SETTINGS_POLICY_TYPES
        if key in snapshot.results
        for problem in snapshot.results[key].child_problems
    )
    can_tell_missing = len(merged) > 0 and not failed
    if not can_tell_missing:
        notes.append(
            "The setting definitions weren't read, so settings missing from the current catalogue can't be found "
            "(deprecation marks come from the definitions too)."
        )
    found: list[DeprecatedSetting] = []
    for row in rows:
        policy = (row.type_key, row.policy_id)
        if policy not in refs.objects:
            continue
        if row.deprecated:
            status = "deprecated"
        elif (
            can_tell_missing
            and row.type_key in SETTINGS_POLICY_TYPES
            # Noncompliance actions are rows of compliance policies, not catalogue settings.
            and not row.setting_id.startswith("scheduledActionsForRule")
            and row.setting_id not in merged
        ):
            status = "not_in_catalogue"
        else:
            continue
        found.append(DeprecatedSetting(refs[policy], row.setting_id, row.name, row.value, status, row.replacement))
    found.sort(key=lambda d: (d.policy.name.casefold(), d.name.casefold()))
    return tuple(found), tuple(notes)


def conflicts_report(
    snapshot: Snapshot,
    catalog: Catalog | None = None,
    *,
    definitions: SettingDefinitions | None = None,
    directory: Directory | None = None,
    rows: Sequence[SettingRow] | None = None,
) -> ConflictsReport:
    """Conflicts, duplicates and deprecated settings for the whole tenant.

    ``directory`` and ``rows`` (the snapshot's setting rows) are built here unless a caller that
    already has them passes them in.
    """
    catalog = catalog or default_catalog()
    directory = directory or Directory(snapshot)
    rows = list(rows) if rows is not None else setting_rows(snapshot, catalog, definitions)
    deprecated, notes = find_deprecated(snapshot, rows, catalog, definitions=definitions)
    keys = [*sorted(COMBINED_TYPES), "groups", "users", "entraDevices", "managedDevices", "assignmentFilters"]
    gaps = type_gaps(snapshot, [k for k in keys if k in catalog], catalog)
    if gaps:
        notes = (
            *notes,
            "Some types weren't read completely: conflicts and overlaps there may be missing or uncertain.",
        )
    return ConflictsReport(
        conflicts=find_conflicts(snapshot, rows, catalog, directory=directory),
        duplicates=find_duplicates(snapshot, rows, catalog),
        deprecated=deprecated,
        gaps=gaps,
        notes=notes,
    )
