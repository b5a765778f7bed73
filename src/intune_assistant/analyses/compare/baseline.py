"""Tenant vs baseline: is every setting a baseline prescribes configured as prescribed?

A baseline is any snapshot: an import of OpenIntuneBaseline or a CIS-style export, a golden
tenant, or the built-in baseline. Baseline policies pair with tenant policies by identity (type
and name), then by settings overlap above a threshold (the score, shown, is the share of the
baseline policy's settings the tenant policy configures), never by id. Only
settings are compared: descriptions, scope tags and assignments are the tenant's own business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from intune_assistant.analyses.settings import SettingDefinitions
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot, TypeStatus

from .engine import COMPARED_KINDS, compare_sides, make_side, shared_definitions
from .matching import coverage
from .model import AlignmentScore, CompareKind, CompareOptions, Comparison, ObjectDiff, ObjectStatus, SettingStatus
from .tenants import ordered

__all__ = ["alignment_scores", "compare_baseline"]

_ALL_PLATFORMS = "All platforms"


def alignment_scores(objects: Iterable[ObjectDiff]) -> tuple[AlignmentScore, ...]:
    """Share of baseline settings the tenant matches: overall, per platform, per area.

    Every setting of every baseline policy counts once (a missing policy's settings count as
    unmatched); the area is the setting's category, or the policy type where it has none.
    """
    totals: dict[tuple[str, str], list[int]] = {}

    def count(scope: str, name: str, matched: bool) -> None:
        entry = totals.setdefault((scope, name), [0, 0])
        entry[0] += int(matched)
        entry[1] += 1

    for obj in objects:
        if obj.status is ObjectStatus.ONLY_RIGHT:
            continue
        for setting in obj.settings:
            if setting.status is SettingStatus.ONLY_RIGHT:
                continue
            matched = setting.status is SettingStatus.SAME
            count("overall", "All settings", matched)
            count("platform", obj.platform or _ALL_PLATFORMS, matched)
            count("area", setting.category or obj.type_label, matched)
    order = {"overall": 0, "platform": 1, "area": 2}
    return tuple(
        AlignmentScore(scope, name, matched, expected)
        for (scope, name), (matched, expected) in sorted(totals.items(), key=lambda i: (order[i[0][0]], i[0][1]))
    )


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
    """Check ``tenant`` against ``baseline`` (the left, "expected" side).

    Per baseline policy: matches, differs (each setting expected vs actual), extra settings, or
    missing; tenant policies of the types the baseline covers that no baseline policy matches
    are listed as not in the baseline; alignment scores per platform and area.
    """
    catalog = catalog if catalog is not None else default_catalog()
    options = replace(options or CompareOptions(), metadata=False)
    # The tenant's definitions are Graph's own; a baseline's may name only what it uses.
    shared = shared_definitions(tenant, baseline, definitions)
    base = make_side(baseline, catalog, baseline_label, shared, metadata=False)
    actual = make_side(tenant, catalog, tenant_label, shared, metadata=False)
    if options.types is not None:
        types = [catalog[k] for k in options.types]
    else:
        # The types the baseline speaks about: those it read, whether or not it holds objects.
        readable = (TypeStatus.OK, TypeStatus.PARTIAL)
        types = [r for r in catalog if r.kind in COMPARED_KINDS and base.status(r.key) in readable]
    objects, skipped = compare_sides(
        CompareKind.BASELINE,
        base,
        actual,
        options,
        by_id=False,
        overlap_threshold=options.overlap_threshold,
        types=types,
        scorer=coverage,
    )
    return Comparison(
        CompareKind.BASELINE,
        base.info,
        actual.info,
        ordered(objects, catalog),
        tuple(skipped),
        alignment_scores(objects),
        options,
    )
