"""Tenant vs baseline: is every setting a baseline prescribes configured as prescribed, anywhere?

A baseline is any snapshot: the built-in baseline, an import of OpenIntuneBaseline or a
CIS-style export, a golden tenant's export. A tenant rarely keeps a baseline's policies as they
are: it folds them into its own, splits them, renames them. So each baseline setting is looked
for in *every* policy of the tenant, by setting definition id (settings catalog, endpoint
security, administrative templates) or by property path within the same kind of profile (other
types), never by policy name or id:

- **matches**: configured with the baseline's value, and no tenant policy sets another value;
- **configured differently**: every tenant policy that sets it sets the same other value;
- **conflicting**: tenant policies that can reach the same user or device set it to different
  values (Intune applies neither where they overlap), whether or not one of them is the
  baseline's; whether they can is decided from their assignments (``overlap.py``), and where it
  cannot be told, they are taken to overlap;
- **set differently in non-overlapping policies**: tenant policies set it to different values,
  but no user or device is reached by two of them that differ (one may be assigned to nobody);
- **missing**: no tenant policy sets it.

The score is the share of baseline settings that match (overall, per platform, per area). Tenant
policies of the types the baseline speaks about that configure none of its settings are listed
as not covered. Descriptions, scope tags, assignments and priorities (a place in the tenant's own
order) are the tenant's own business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from intune_assistant.analyses.settings import SETTINGS_POLICY_TYPES, SettingDefinitions
from intune_assistant.catalog import Catalog, ResourceType, default_catalog, type_name_of
from intune_assistant.snapshot import Snapshot, TypeStatus

from .areas import area_of
from .engine import COMPARED_KINDS, make_side, not_read_reason, shared_definitions
from .model import (
    AlignmentScore,
    BaselineSetting,
    BaselineStatus,
    CompareKind,
    CompareOptions,
    Comparison,
    NotCompared,
    ObjectDiff,
    ObjectStatus,
    SettingDiff,
    TenantValue,
)
from .overlap import Overlaps
from .rows import Setting
from .side import Side
from .tenants import ordered

__all__ = ["alignment_scores", "compare_baseline", "setting_key"]

_ALL_PLATFORMS = "All platforms"
# Types whose setting ids are definition ids, the same in every policy and tenant.
_DEFINITION_KEYED = frozenset({*SETTINGS_POLICY_TYPES, "securityIntents", "administrativeTemplates"})
_READ = (TypeStatus.OK, TypeStatus.PARTIAL)


def setting_key(record: ResourceType, obj: dict[str, Any], setting_id: str) -> str:
    """What makes two settings the same setting in any two policies.

    A definition id means the same everywhere; a property path only within one kind of profile
    (``passwordRequired`` of an iOS restriction profile is not that of a Windows one).
    """
    if record.key in _DEFINITION_KEYED:
        return setting_id
    odata = obj.get("@odata.type")
    kind = odata.rsplit(".", 1)[-1].casefold() if isinstance(odata, str) else ""
    return f"{record.key}|{kind}|{setting_id}"


@dataclass(frozen=True)
class _Found:
    """One tenant policy's value of one setting."""

    record: ResourceType
    policy: str
    setting: Setting
    assigned: bool | None
    obj: dict[str, Any] = field(compare=False, repr=False)


def _index(tenant: Side, records: Iterable[ResourceType]) -> tuple[dict[str, list[_Found]], dict[int, set[str]]]:
    """Every setting of every tenant policy by key; and each policy's keys (by ``id()``)."""
    where: dict[str, list[_Found]] = {}
    keys_of: dict[int, set[str]] = {}
    for record in records:
        for obj in tenant.objects(record.key):
            name = tenant.name(record.key, obj)
            targets = tenant.assignments(obj)
            assigned = bool(targets) if targets is not None else None
            keys = keys_of.setdefault(id(obj), set())
            for setting_id, setting in tenant.settings(record, obj).items():
                if setting_id == record.order_field:
                    continue
                key = setting_key(record, obj, setting_id)
                keys.add(key)
                where.setdefault(key, []).append(_Found(record, name, setting, assigned, obj))
    return where, keys_of


def _overlapping(found: list[_Found], overlaps: Overlaps) -> bool:
    """True when two of the policies that set different values can reach one user or device (or may)."""
    return any(
        overlaps.meet((a.record.key, a.obj), (b.record.key, b.obj)) is not False
        for i, a in enumerate(found)
        for b in found[i + 1 :]
        if a.setting.values != b.setting.values
    )


def _verdict(
    expected: Setting, found: list[_Found], overlaps: Overlaps
) -> tuple[BaselineStatus, tuple[TenantValue, ...]]:
    values = tuple(
        TenantValue(f.policy, f.record.label, f.setting.display, f.setting.values == expected.values, f.assigned)
        for f in sorted(found, key=lambda f: (f.policy.casefold(), f.record.label))
    )
    if not found:
        return BaselineStatus.MISSING, values
    if len({f.setting.values for f in found}) > 1:
        conflicting = _overlapping(found, overlaps)
        return (BaselineStatus.CONFLICTING if conflicting else BaselineStatus.NON_OVERLAPPING), values
    return (BaselineStatus.MATCHES if values[0].matches else BaselineStatus.DIFFERS), values


def _policy_status(entries: list[BaselineSetting]) -> ObjectStatus:
    statuses = {e.status for e in entries}
    if statuses <= {BaselineStatus.MATCHES}:
        return ObjectStatus.SAME
    if statuses == {BaselineStatus.MISSING}:
        return ObjectStatus.ONLY_LEFT
    return ObjectStatus.DIFFERENT


def alignment_scores(settings: Iterable[BaselineSetting]) -> tuple[AlignmentScore, ...]:
    """Share of baseline settings the tenant matches: overall, per platform, per area."""
    totals: dict[tuple[str, str], list[int]] = {}
    for setting in settings:
        matched = setting.status is BaselineStatus.MATCHES
        for scope, name in (
            ("overall", "All settings"),
            ("platform", setting.platform or _ALL_PLATFORMS),
            ("area", setting.area),
        ):
            entry = totals.setdefault((scope, name), [0, 0])
            entry[0] += int(matched)
            entry[1] += 1
    order = {"overall": 0, "platform": 1, "area": 2}
    return tuple(
        AlignmentScore(scope, name, matched, expected)
        for (scope, name), (matched, expected) in sorted(
            totals.items(), key=lambda i: (order[i[0][0]], i[0][1].casefold())
        )
    )


def _types(base: Side, actual: Side, options: CompareOptions) -> tuple[list[ResourceType], list[NotCompared]]:
    """The types compared (those the baseline read, or ``options.types``) and those left out."""
    catalog = base.catalog
    if options.types is not None:
        types = [catalog[k] for k in options.types]
    else:
        # The types the baseline speaks about: those it read, whether or not it holds objects.
        types = [r for r in catalog if r.kind in COMPARED_KINDS and base.status(r.key) in _READ]
    compared: list[ResourceType] = []
    skipped: list[NotCompared] = []
    for record in types:
        reasons = [r for r in (not_read_reason(base, record.key), not_read_reason(actual, record.key)) if r]
        if reasons:
            skipped.append(NotCompared(record.key, record.label, "; ".join(reasons)))
        else:
            compared.append(record)
    return compared, skipped


def _baseline_policy(
    record: ResourceType, obj: dict[str, Any], base: Side, where: dict[str, list[_Found]], overlaps: Overlaps
) -> tuple[ObjectDiff, list[tuple[str, Setting, BaselineSetting]]]:
    """One baseline policy with each setting's verdict; and (key, setting, verdict) per setting."""
    ref = base.ref(record, obj)
    # Settings without a definition id are grouped by the kind of profile, as the admin center names it.
    type_name = type_name_of(record.key, obj)
    found: list[tuple[str, Setting, BaselineSetting]] = []
    for setting_id, setting in base.settings(record, obj).items():
        if setting_id == record.order_field:
            continue  # a place in another tenant's order prescribes nothing
        key = setting_key(record, obj, setting_id)
        status, values = _verdict(setting, where.get(key, []), overlaps)
        entry = BaselineSetting(
            setting_id=setting_id,
            name=setting.name,
            area=area_of(setting_id, setting.category, type_name, definition_id=record.key in _DEFINITION_KEYED),
            platform=ref.platform,
            baseline_policy=ref.name,
            expected=setting.display,
            status=status,
            found=values,
            is_secret=setting.is_secret,
        )
        found.append((key, setting, entry))
    entries = sorted((e for _, _, e in found), key=_order)
    diffs = tuple(
        SettingDiff(
            setting_id=e.setting_id,
            name=e.name,
            category=e.area,
            status=e.status.setting_status,
            left=e.expected,
            right=e.tenant_text or None,
            is_secret=e.is_secret,
        )
        for e in entries
    )
    verdict = _policy_status(entries) if entries else ObjectStatus.SAME
    return ObjectDiff(record.key, record.label, verdict, ref, None, None, diffs), found


def _order(entry: BaselineSetting) -> tuple[str, str, str, str]:
    return entry.area.casefold(), entry.name.casefold(), entry.setting_id, entry.baseline_policy


def compare_baseline(
    baseline: Snapshot,
    tenant: Snapshot,
    *,
    catalog: Catalog | None = None,
    definitions: SettingDefinitions | None = None,
    options: CompareOptions | None = None,
    baseline_label: str | None = None,
    tenant_label: str | None = None,
) -> Comparison:
    """Check ``tenant`` against ``baseline`` (the left, "expected" side), setting by setting.

    ``baseline_settings`` holds every baseline setting with its verdict and the tenant policies
    that set it; ``objects`` holds each baseline policy with those verdicts, then the tenant's
    policies that configure none of the baseline's settings (``only_right``); ``scores`` the
    share of matching settings overall, per platform and per area. A type the tenant could not
    read is not compared: its baseline settings are neither missing nor matched.
    """
    catalog = catalog if catalog is not None else default_catalog()
    options = replace(options or CompareOptions(), metadata=False)
    # The tenant's definitions are Graph's own; a baseline's may name only what it uses.
    shared = shared_definitions(tenant, baseline, definitions)
    base = make_side(baseline, catalog, baseline_label, shared, metadata=False)
    actual = make_side(tenant, catalog, tenant_label, shared, metadata=False)
    base.share_references(actual)
    compared, skipped = _types(base, actual, options)
    # A baseline setting may be configured in a policy of any type the tenant read whose setting keys
    # can equal a baseline's: a definition id is the same key in every definition-keyed type, a
    # property path only within its own type (``setting_key``), so no other type is indexed.
    by_definition = any(r.key in _DEFINITION_KEYED for r in compared)
    readable = [
        r
        for r in catalog
        if r.kind in COMPARED_KINDS
        and actual.status(r.key) in _READ
        and (r in compared or (by_definition and r.key in _DEFINITION_KEYED))
    ]
    where, keys_of = _index(actual, readable)
    overlaps = Overlaps(tenant)

    entries: list[BaselineSetting] = []
    objects: list[ObjectDiff] = []
    baseline_keys: set[str] = set()
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for record in compared:
        for obj in base.objects(record.key):
            diff, found = _baseline_policy(record, obj, base, where, overlaps)
            objects.append(diff)
            for key, setting, entry in found:
                baseline_keys.add(key)
                # A setting two baseline policies prescribe alike counts once in the score.
                if (key, setting.values) not in seen:
                    seen.add((key, setting.values))
                    entries.append(entry)
    for record in compared:
        for obj in actual.objects(record.key):
            if not keys_of.get(id(obj), set()) & baseline_keys:
                ref = actual.ref(record, obj)
                objects.append(ObjectDiff(record.key, record.label, ObjectStatus.ONLY_RIGHT, None, ref))
    return Comparison(
        CompareKind.BASELINE,
        base.info,
        actual.info,
        ordered(objects, catalog),
        tuple(skipped),
        alignment_scores(entries),
        options,
        tuple(sorted(entries, key=_order)),
    )
