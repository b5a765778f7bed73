"""What an object's page shows, computed from the cached snapshot and its per-snapshot analyses.

Indexes (objects by type and id, setting rows and assignments by policy) are an analysis of the
generation (built once, off the event loop), so opening any object only looks things up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intune_assistant.analyses.assignments import ObjectRef, PolicyAssignments, object_ref, template_platforms
from intune_assistant.analyses.conflicts import SettingConflict
from intune_assistant.analyses.settings import SettingRow
from intune_assistant.catalog import (
    Catalog,
    ResourceType,
    Templates,
    admin_center_url,
    platform_of,
    type_name_of,
)
from intune_assistant.snapshot import Snapshot

from ..analyses import SETTINGS_BY_POLICY, TARGETING
from ..derived import Analysis, Derived

PolicyKey = tuple[str, str]


@dataclass(frozen=True)
class SettingGroup:
    """The settings of one category, in the policy's order."""

    category: str
    rows: tuple[SettingRow, ...]


@dataclass(frozen=True)
class ObjectPage:
    """One object as its page shows it."""

    record: ResourceType
    ref: ObjectRef
    obj: Mapping[str, Any]
    type_name: str
    platform: str
    admin_url: str | None
    description: str
    created: datetime | None
    modified: datetime | None
    settings: tuple[SettingGroup, ...]
    setting_count: int
    assignments: PolicyAssignments | None
    assignable: bool


@dataclass(frozen=True)
class Indexes:
    """What opening any object looks up: objects, setting rows and assignments by (type, id)."""

    objects: Mapping[PolicyKey, Mapping[str, Any]]
    settings: dict[PolicyKey, list[SettingRow]]
    assignments: dict[PolicyKey, PolicyAssignments]
    intents: Templates


def _indexes(derived: Derived) -> Indexes:
    snapshot, catalog = derived.snapshot, derived.catalog
    objects = {
        (record.key, str(obj["id"])): obj
        for record in catalog
        for obj in snapshot.read_objects(record.key) or ()
        if isinstance(obj.get("id"), str) and obj["id"]
    }
    settings = derived.value(SETTINGS_BY_POLICY)
    overview = derived.value(TARGETING).overview
    assignments = {(p.object.type_key, p.object.id): p for p in overview.policies}
    return Indexes(objects, settings, assignments, template_platforms(snapshot))


OBJECT_INDEXES: Analysis[Indexes] = Analysis("object indexes", _indexes)
"""Objects, setting rows and assignments by (type key, id), for the object pages."""


def _when(obj: Mapping[str, Any], *fields: str) -> datetime | None:
    for name in fields:
        value = obj.get(name)
        if isinstance(value, str) and value:
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
    return None


def _grouped(rows: list[SettingRow]) -> tuple[SettingGroup, ...]:
    groups: dict[str, list[SettingRow]] = {}
    for row in rows:
        groups.setdefault(row.category, []).append(row)
    return tuple(SettingGroup(category, tuple(items)) for category, items in groups.items())


def object_page(
    indexes: Indexes, snapshot: Snapshot, catalog: Catalog, type_key: str, object_id: str
) -> ObjectPage | None:
    """Everything the object's page shows, or None when the snapshot has no such object."""
    obj = indexes.objects.get((type_key, object_id))
    if obj is None or type_key not in catalog:
        return None
    record = catalog[type_key]
    assignments = indexes.assignments.get((type_key, object_id))
    ref = assignments.object if assignments is not None else object_ref(record, obj, snapshot, indexes.intents)
    rows = indexes.settings.get((type_key, object_id), [])
    description = obj.get("description")
    return ObjectPage(
        record=record,
        ref=ref,
        obj=obj,
        type_name=type_name_of(type_key, obj, templates=indexes.intents),
        platform=platform_of(type_key, obj, templates=indexes.intents),
        admin_url=admin_center_url(type_key, obj),
        description=description if isinstance(description, str) else "",
        created=_when(obj, "createdDateTime"),
        modified=_when(obj, "lastModifiedDateTime", "modifiedDateTime"),
        settings=_grouped(rows),
        setting_count=len(rows),
        assignments=assignments,
        assignable=assignments is not None,
    )


def conflicts_involving(conflicts: tuple[SettingConflict, ...], type_key: str, object_id: str) -> list[SettingConflict]:
    """The conflicting settings this object sets (one of the values is its)."""
    return [
        c
        for c in conflicts
        if any(p.type_key == type_key and p.id == object_id for group in c.values for p in group.policies)
    ]
