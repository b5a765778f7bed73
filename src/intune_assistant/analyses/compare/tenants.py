"""Tenant vs tenant (or export vs export) and drift of one tenant over time."""

from __future__ import annotations

from intune_assistant.analyses.settings import SettingDefinitions
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot

from .engine import compare_sides, make_side, shared_definitions
from .model import CompareKind, CompareOptions, Comparison, ObjectDiff

__all__ = ["compare_drift", "compare_tenants", "ordered"]


def ordered(objects: list[ObjectDiff], catalog: Catalog) -> tuple[ObjectDiff, ...]:
    """Objects in catalog order, then by name: the order every report shows."""
    rank = {record.key: index for index, record in enumerate(catalog)}
    return tuple(sorted(objects, key=lambda o: (rank.get(o.type_key, len(rank)), o.name.casefold())))


def _stamped(snapshot: Snapshot) -> str:
    # Both sides of a drift are the same tenant: the time tells them apart.
    tenant = snapshot.tenant.domain or snapshot.tenant.display_name or snapshot.source
    return f"{tenant} {snapshot.taken_at:%Y-%m-%d %H:%M} UTC"


def compare_tenants(
    left: Snapshot,
    right: Snapshot,
    *,
    catalog: Catalog | None = None,
    definitions: SettingDefinitions | None = None,
    options: CompareOptions | None = None,
    left_label: str | None = None,
    right_label: str | None = None,
) -> Comparison:
    """Compare two tenants (or exports) object by object, matched by identity, never by id.

    Settings are compared by definition id or property path, assignments by group and filter
    names; types either side could not read are listed as not compared.
    """
    catalog = catalog if catalog is not None else default_catalog()
    options = options or CompareOptions()
    shared = shared_definitions(left, right, definitions)
    mine = make_side(left, catalog, left_label, shared, metadata=options.metadata)
    theirs = make_side(right, catalog, right_label, shared, metadata=options.metadata)
    objects, skipped = compare_sides(mine, theirs, options, by_id=False, overlap_threshold=None)
    return Comparison(
        CompareKind.TENANTS, mine.info, theirs.info, ordered(objects, catalog), tuple(skipped), (), options
    )


def compare_drift(
    before: Snapshot,
    after: Snapshot,
    *,
    catalog: Catalog | None = None,
    definitions: SettingDefinitions | None = None,
    options: CompareOptions | None = None,
    before_label: str | None = None,
    after_label: str | None = None,
) -> Comparison:
    """What changed in one tenant between two snapshots: added, removed, renamed, changed.

    Objects pair by id first (a rename keeps the id), then by identity, then, for exports
    without stable ids, by settings overlap above ``options.rename_threshold`` (score shown).
    A type either snapshot failed to read is "not compared", never "removed".
    """
    catalog = catalog if catalog is not None else default_catalog()
    options = options or CompareOptions()
    shared = shared_definitions(after, before, definitions)
    old = make_side(before, catalog, before_label or _stamped(before), shared, metadata=options.metadata)
    new = make_side(after, catalog, after_label or _stamped(after), shared, metadata=options.metadata)
    objects, skipped = compare_sides(old, new, options, by_id=True, overlap_threshold=options.rename_threshold)
    return Comparison(CompareKind.DRIFT, old.info, new.info, ordered(objects, catalog), tuple(skipped), (), options)
