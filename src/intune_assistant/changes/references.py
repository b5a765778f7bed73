"""References between objects, translated by name from a source to a target tenant, never as ids.

A policy refers to other objects by id: groups and filters in its assignments, scope tags
(``roleScopeTagIds``), notification templates in compliance actions, apps in an ESP's app list and
an app configuration's targeted apps. Ids differ per tenant, so each reference is read as the
source object's name and looked up by name in the target. What can't be mapped (absent in the
target, or two objects there share the name) is reported, and the item that needs it is not
applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

__all__ = ["ALL_TARGET_IDS", "NO_TEMPLATE", "Mapped", "RefKind", "ReferenceMap"]

# The Default scope tag has id "0" in every tenant.
_DEFAULT_SCOPE_TAG = "0"
# A compliance action without a notification template names this id.
NO_TEMPLATE = "00000000-0000-0000-0000-000000000000"
# Graph's fixed ids for All devices / All licensed users (never translated).
ALL_TARGET_IDS = frozenset({"adadadad-808e-44e2-905a-0b7873a8a531", "acacacac-9df4-4c7d-9d50-4ef0226f57a9"})


class RefKind:
    """What a reference points at, in the admin's words, with the catalog key it is read from."""

    GROUP = ("group", "groups")
    FILTER = ("filter", "assignmentFilters")
    SCOPE_TAG = ("scope tag", "scopeTags")
    APP = ("app", "mobileApps")
    NOTIFICATION = ("notification template", "notificationTemplates")


@dataclass(frozen=True)
class Mapped:
    """One reference, source → target.

    Attributes:
        kind: what it points at ("group", "filter", "scope tag", "app", "notification template").
        source_id: the id in the source.
        name: the name it was matched by ("" when the source does not name it).
        target_id: the target's id; None when it could not be mapped.
        reason: why it could not be mapped, or a note on how it was ("" when mapped plainly).
        absent: the target has no object of that name at all (not several, not unread): the one
            case a deploy may create the object first.
    """

    kind: str
    source_id: str
    name: str
    target_id: str | None
    reason: str = ""
    absent: bool = False

    def words(self) -> str:
        """The mapping as the plan shows it."""
        if self.target_id is None:
            return f"{self.kind} '{self.name or self.source_id}': not mapped — {self.reason}"
        if self.reason:
            return f"{self.kind} '{self.name or self.source_id}': {self.reason}"
        return f"{self.kind} '{self.name}' → {self.target_id}"


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


class ReferenceMap:
    """Source ids → names → target ids, for each kind of reference; pure over two snapshots."""

    def __init__(self, source: Snapshot, target: Snapshot, catalog: Catalog, *, same_tenant: bool = False) -> None:
        self._source = source
        self._target = target
        self._catalog = catalog
        # Restoring into the tenant the backup came from: an id the target still has is kept as is.
        self._same_tenant = same_tenant
        self._cache: dict[tuple[str, str], Mapped] = {}

    def _objects(self, snapshot: Snapshot, key: str) -> list[dict[str, Any]]:
        return list(snapshot.read_objects(key) or []) if key in self._catalog else []

    def _source_name(self, key: str, source_id: str) -> str:
        record = self._catalog[key]
        for obj in self._objects(self._source, key):
            if obj.get("id") == source_id:
                return record.object_name(obj)
        names = self._source.names
        if key == "groups":
            return names.group(source_id) or ""
        if key == "assignmentFilters":
            return names.filter(source_id) or ""
        if key == "scopeTags":
            return names.scope_tag(source_id) or ""
        return ""

    def translate(self, kind: tuple[str, str], source_id: str) -> Mapped:
        """The target's id for the ``kind`` object the source calls ``source_id``."""
        cached = self._cache.get((kind[1], source_id))
        if cached is None:
            cached = self._cache[(kind[1], source_id)] = self._translate(kind, source_id)
        return cached

    def _translate(self, kind: tuple[str, str], source_id: str) -> Mapped:
        words, key = kind
        if key == "scopeTags" and source_id == _DEFAULT_SCOPE_TAG:
            return Mapped(words, source_id, "Default", _DEFAULT_SCOPE_TAG)
        target_objects = self._objects(self._target, key)
        if self._same_tenant and any(o.get("id") == source_id for o in target_objects):
            found = next(o for o in target_objects if o.get("id") == source_id)
            return Mapped(words, source_id, self._catalog[key].object_name(found), source_id)
        name = self._source_name(key, source_id)
        if not name and self._same_tenant and key == "groups":
            # A restore writes the assignment back as it was: the group was deleted, and Intune
            # keeps a target whose group is gone (as it did before the restore).
            return Mapped(words, source_id, "", source_id, "kept as it was: the group no longer exists")
        if not name:
            return Mapped(words, source_id, "", None, "the source does not name it")
        if self._target.read_objects(key) is None:
            return Mapped(words, source_id, name, None, f"the target's {words}s were not read")
        record = self._catalog[key]
        matches = [o for o in target_objects if _key(record.object_name(o)) == _key(name)]
        if len(matches) > 1:
            return Mapped(words, source_id, name, None, f"{len(matches)} {words}s in the target share the name")
        if not matches:
            return Mapped(words, source_id, name, None, f"no {words} of that name in the target", absent=True)
        return Mapped(words, source_id, name, str(matches[0].get("id")))

    def target_id_of(self, kind: tuple[str, str], name: str) -> str | None:
        """The target's one object of ``kind`` named ``name`` (None: none or several)."""
        record = self._catalog[kind[1]]
        matches = [o for o in self._objects(self._target, kind[1]) if _key(record.object_name(o)) == _key(name)]
        return str(matches[0].get("id")) if len(matches) == 1 else None


def rewrite_ids(value: Any, ids: Mapping[str, str]) -> Any:
    """``value`` with every string equal to a key of ``ids`` replaced by its value."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [rewrite_ids(v, ids) for v in value]
    if isinstance(value, Mapping):
        return {k: rewrite_ids(v, ids) for k, v in value.items()}
    return value
