"""What-if: the verdicts and resultant settings a change would give, without touching the tenant.

A change (add or remove a user/device to/from a group, or change a filter rule) is applied to a
copy of the parts of the snapshot it touches — the group's member list, the filter — and the
analyses run again on that copy. The original snapshot is never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.filters import (
    FilterSyntaxError,
    UnsupportedPlatformError,
    device_properties,
    evaluate,
    parse_rule,
)
from intune_assistant.analyses.settings import SettingDefinitions
from intune_assistant.catalog import Catalog, default_catalog, device_platform, filter_platform
from intune_assistant.snapshot import Snapshot

from .evaluate import effective_assignments
from .model import EffectiveAssignment, EffectiveAssignments
from .resultant import ResultantSetting, resultant_settings
from .subject import Subject

__all__ = [
    "AddToGroup",
    "Change",
    "ChangeFilterRule",
    "FilterImpact",
    "RemoveFromGroup",
    "SettingChange",
    "VerdictChange",
    "WhatIf",
    "apply_changes",
    "filter_rule_impact",
    "what_if",
]

MemberKind = Literal["user", "device"]


@dataclass(frozen=True)
class AddToGroup:
    """Add a user (by id) or a managed device (by id; its Entra object joins) to a group."""

    group_id: str
    member_id: str
    member_kind: MemberKind


@dataclass(frozen=True)
class RemoveFromGroup:
    """Remove a user or managed device's direct membership of a group."""

    group_id: str
    member_id: str
    member_kind: MemberKind


@dataclass(frozen=True)
class ChangeFilterRule:
    """Replace an assignment filter's rule (validated first)."""

    filter_id: str
    rule: str


Change = AddToGroup | RemoveFromGroup | ChangeFilterRule


@dataclass(frozen=True)
class VerdictChange:
    """An object whose verdict (or resolved intent) would change."""

    before: EffectiveAssignment
    after: EffectiveAssignment


@dataclass(frozen=True)
class SettingChange:
    """A setting whose outcome would change (None: not set before / after)."""

    setting_id: str
    name: str
    before: ResultantSetting | None
    after: ResultantSetting | None


@dataclass(frozen=True)
class WhatIf:
    """The changes simulated, what they'd change, and notes (e.g. a removal that does nothing)."""

    described: tuple[str, ...]
    notes: tuple[str, ...]
    verdicts: tuple[VerdictChange, ...]
    settings: tuple[SettingChange, ...]


_GRAPH = "#microsoft.graph."


def _entra_id(directory: Directory, kind: MemberKind, member_id: str) -> str:
    if kind == "user":
        if member_id not in directory.users:
            raise ValueError(f"no user {member_id!r} in the snapshot")
        return member_id
    if member_id not in directory.devices:
        raise ValueError(f"no managed device {member_id!r} in the snapshot")
    entra = directory.entra_object_id(member_id)
    if entra is None:
        raise ValueError(
            f"device {directory.device_label(member_id)!r} has no Entra ID object, so it can't join groups"
        )
    return entra


def _describe(directory: Directory, change: Change) -> str:
    if isinstance(change, ChangeFilterRule):
        return f"Change filter '{directory.filter_name(change.filter_id)}' to: {change.rule}"
    who = (
        directory.user_label(change.member_id)
        if change.member_kind == "user"
        else directory.device_label(change.member_id)
    )
    verb = "Add" if isinstance(change, AddToGroup) else "Remove"
    preposition = "to" if isinstance(change, AddToGroup) else "from"
    return f"{verb} {who} {preposition} '{directory.group_name(change.group_id)}'"


def apply_changes(snapshot: Snapshot, changes: Sequence[Change]) -> tuple[Snapshot, tuple[str, ...]]:
    """A copy of ``snapshot`` with ``changes`` applied, and notes on changes that do nothing.

    Only the touched group and filter objects are copied; everything else is shared, read-only.

    Raises:
        ValueError: for an unknown group, filter, user or device, or a filter rule Intune would refuse.
    """
    directory = Directory(snapshot)
    groups = {str(g.get("id")): g for g in (snapshot.read_objects("groups") or [])}
    filters = {str(f.get("id")): f for f in (snapshot.read_objects("assignmentFilters") or [])}
    changed_groups: dict[str, dict[str, Any]] = {}
    changed_filters: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for change in changes:
        if isinstance(change, ChangeFilterRule):
            original = changed_filters.get(change.filter_id) or filters.get(change.filter_id)
            if original is None:
                raise ValueError(f"no assignment filter {change.filter_id!r} in the snapshot")
            try:
                parse_rule(change.rule, str(original.get("platform") or ""))
            except (FilterSyntaxError, UnsupportedPlatformError) as exc:
                raise ValueError(f"the new rule can't be used: {exc}") from None
            changed_filters[change.filter_id] = {**original, "rule": change.rule}
            continue
        group = changed_groups.get(change.group_id) or groups.get(change.group_id)
        if group is None:
            raise ValueError(f"no group {change.group_id!r} in the snapshot")
        member = _entra_id(directory, change.member_kind, change.member_id)
        members = [m for m in group.get("members") or [] if isinstance(m, Mapping)]
        present = any(m.get("id") == member for m in members)
        if isinstance(change, AddToGroup):
            if present:
                notes.append(f"{_describe(directory, change)}: already a direct member")
            else:
                kind = "user" if change.member_kind == "user" else "device"
                members = [*members, {"@odata.type": f"{_GRAPH}{kind}", "id": member}]
        else:
            if not present:
                via = directory.groups_of_member(member).get(change.group_id)
                how = f" (a member through nesting: {' → '.join(directory.group_name(g) for g in via)})" if via else ""
                notes.append(f"{_describe(directory, change)}: not a direct member, nothing to remove{how}")
            members = [m for m in members if m.get("id") != member]
        changed_groups[change.group_id] = {**group, "members": members}
    objects = dict(snapshot.objects)
    if changed_groups:
        objects["groups"] = [changed_groups.get(str(g.get("id")), g) for g in (snapshot.read_objects("groups") or [])]
    if changed_filters:
        objects["assignmentFilters"] = [
            changed_filters.get(str(f.get("id")), f) for f in (snapshot.read_objects("assignmentFilters") or [])
        ]
    return replace(snapshot, objects=objects), tuple(notes)


def _verdict_changes(before: EffectiveAssignments, after: EffectiveAssignments) -> tuple[VerdictChange, ...]:
    old = {(i.object.type_key, i.object.id): i for i in before.items}
    found = []
    for item in after.items:
        previous = old.get((item.object.type_key, item.object.id))
        if previous is not None and (previous.verdict, previous.intent) != (item.verdict, item.intent):
            found.append(VerdictChange(previous, item))
    return tuple(found)


def _outcome(setting: ResultantSetting) -> tuple[object, ...]:
    return (setting.resolution, setting.value, tuple((c.policy.id, c.value) for c in setting.sources))


def _setting_changes(
    before: Sequence[ResultantSetting], after: Sequence[ResultantSetting]
) -> tuple[SettingChange, ...]:
    old = {(s.platform, s.setting_id): s for s in before}
    new = {(s.platform, s.setting_id): s for s in after}
    found = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is None or b is None or _outcome(a) != _outcome(b):
            sample = b or a
            assert sample is not None
            found.append(SettingChange(sample.setting_id, sample.name, a, b))
    return tuple(found)


def what_if(
    snapshot: Snapshot,
    subject: Subject,
    changes: Sequence[Change],
    catalog: Catalog | None = None,
    *,
    settings: bool = True,
    definitions: SettingDefinitions | None = None,
) -> WhatIf:
    """Which verdicts (and, with ``settings``, resultant settings) ``changes`` would change for ``subject``.

    Raises:
        ValueError: when a change can't be applied (see ``apply_changes``).
    """
    catalog = catalog or default_catalog()
    changed, notes = apply_changes(snapshot, changes)
    directory = Directory(snapshot)
    before = effective_assignments(snapshot, subject, catalog, directory=directory)
    after = effective_assignments(changed, subject, catalog)
    setting_changes: tuple[SettingChange, ...] = ()
    if settings:
        old = resultant_settings(snapshot, before, catalog, definitions=definitions).settings
        new = resultant_settings(changed, after, catalog, definitions=definitions).settings
        setting_changes = _setting_changes(old, new)
    described = tuple(_describe(directory, c) for c in changes)
    return WhatIf(described, notes, _verdict_changes(before, after), setting_changes)


@dataclass(frozen=True)
class FilterImpact:
    """Devices whose filter result a new rule would change (``unchanged`` counts the rest)."""

    filter_id: str
    filter_name: str
    starts_matching: tuple[str, ...]
    stops_matching: tuple[str, ...]
    becomes_unknown: tuple[str, ...]
    unchanged: int


def filter_rule_impact(snapshot: Snapshot, filter_id: str, rule: str) -> FilterImpact:
    """Tenant-wide: which managed devices of the filter's platform would match differently.

    Raises:
        ValueError: for an unknown filter or a rule Intune would refuse.
    """
    directory = Directory(snapshot)
    parsed = directory.parsed_filter(filter_id)
    if parsed is None:
        raise ValueError(f"no assignment filter {filter_id!r} in the snapshot")
    try:
        new_rule = parse_rule(rule, parsed.platform)
    except (FilterSyntaxError, UnsupportedPlatformError) as exc:
        raise ValueError(f"the new rule can't be used: {exc}") from None
    named = filter_platform(parsed.platform)
    platform = named.family if named is not None else None
    starts, stops, unknown = [], [], []
    unchanged = 0
    for device_id, device in directory.devices.items():
        if platform is not None and device_platform(device) is not platform:
            continue
        properties = device_properties(device)
        old = evaluate(parsed.rule, properties).outcome if parsed.rule is not None else "unknown"
        new = evaluate(new_rule, properties).outcome
        label = directory.device_label(device_id)
        if old == new:
            unchanged += 1
        elif new == "unknown":
            unknown.append(label)
        elif new == "match":
            starts.append(label)
        else:
            stops.append(label)
    return FilterImpact(
        filter_id, parsed.name, tuple(sorted(starts)), tuple(sorted(stops)), tuple(sorted(unknown)), unchanged
    )
