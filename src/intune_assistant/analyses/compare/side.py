"""One side of a comparison: a snapshot with what compare needs to read its objects.

Built once per comparison (never global): the id → name map that makes references readable and
tenant-independent, and a cache of each object's settings and assignments, so matching by
overlap and the final diff flatten every object once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intune_assistant.analyses.settings import References, SettingDefinitions
from intune_assistant.catalog import Catalog, ResourceType, platform_of, type_name_of
from intune_assistant.snapshot import Snapshot, TypeStatus

from .assignments import Target, assignment_targets
from .model import ObjectRef, SideInfo
from .rows import METADATA, RowContext, Setting, object_settings

__all__ = ["Side"]


def _references(snapshot: Snapshot, catalog: Catalog) -> dict[str, str]:
    """Lower-case object id → display name, for every object and name the snapshot knows."""
    refs: dict[str, str] = {}
    for key, items in snapshot.objects.items():
        for obj in items:
            object_id = obj.get("id")
            if isinstance(object_id, str) and object_id:
                name = snapshot.display_name(key, obj, catalog)
                if name and name != object_id:
                    refs[object_id.lower()] = name
    for mapping in (snapshot.names.groups, snapshot.names.filters):
        for object_id, name in mapping.items():
            refs.setdefault(object_id.lower(), name)
    return refs


class Side:
    """A snapshot prepared for comparison, with the settings of objects scored for overlap."""

    __slots__ = ("_rows", "_values", "catalog", "info", "references", "snapshot")

    def __init__(
        self,
        snapshot: Snapshot,
        catalog: Catalog,
        info: SideInfo,
        definitions: SettingDefinitions,
        *,
        metadata: bool,
    ) -> None:
        self.snapshot = snapshot
        self.catalog = catalog
        self.info = info
        self.references = _references(snapshot, catalog)
        self._rows = RowContext(
            definitions=definitions,
            names=snapshot.names,
            references=References.from_snapshot(snapshot),
            ids=self.references,
            metadata=metadata,
        )
        self._values: dict[int, frozenset[str]] = {}

    def share_references(self, other: Side) -> None:
        """Let both sides name each other's ids.

        A snapshot that could not read a type (its apps, say) cannot name what points at them;
        without this, one side would show a name and the other an id: a false difference. Ids are
        GUIDs, so another tenant's ids never collide with this one's.
        """
        for key, name in other.references.items():
            self.references.setdefault(key, name)
        for key, name in self.references.items():
            other.references.setdefault(key, name)

    def status(self, key: str) -> TypeStatus:
        """How type ``key`` was read on this side."""
        return self.snapshot.status_of(key)

    def objects(self, key: str) -> list[dict[str, Any]]:
        """Objects of type ``key`` (none when it was not read: ``status`` says so)."""
        return self.snapshot.read_objects(key) or []

    def name(self, key: str, obj: Mapping[str, Any]) -> str:
        """What an admin calls ``obj``."""
        return self.snapshot.display_name(key, dict(obj), self.catalog)

    def ref(self, record: ResourceType, obj: Mapping[str, Any]) -> ObjectRef:
        """How the report names ``obj``."""
        object_id = obj.get("id")
        templates = self._rows.references.templates
        return ObjectRef(
            type_key=record.key,
            type_label=type_name_of(record.key, obj, templates=templates),
            name=self.name(record.key, obj),
            object_id=object_id if isinstance(object_id, str) else None,
            platform=platform_of(record.key, obj, templates=templates),
        )

    def settings(self, record: ResourceType, obj: dict[str, Any]) -> dict[str, Setting]:
        """``obj``'s settings by setting id.

        Not cached: a paired object is diffed once, and keeping every object's settings alive
        would make the garbage collector rescan them (and the snapshots) again and again.
        """
        return object_settings(record, obj, self._rows)

    def setting_values(self, record: ResourceType, obj: dict[str, Any]) -> frozenset[str]:
        """``obj``'s settings with their values, description and scope tags left out (for renames)."""
        cached = self._values.get(id(obj))
        if cached is None:
            settings = self.settings(record, obj)
            cached = frozenset("\x00".join((key, *s.values)) for key, s in settings.items() if key not in METADATA)
            self._values[id(obj)] = cached
        return cached

    def assignments(self, obj: dict[str, Any]) -> dict[str, Target] | None:
        """``obj``'s assignments by target (None when the object has no assignment list)."""
        return assignment_targets(obj, self.snapshot.names, self.references)
