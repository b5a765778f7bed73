"""The in-memory Snapshot: what was read from a tenant (or an export), what failed and why.

Pure data, no I/O. Objects stay Graph-shaped, keyed by catalog key, with their children nested
under the navigation names Graph uses (``assignments``, ``settings``, ``definitionValues``...).
A type that could not be read is kept apart from a type that has no objects: analyses ask
``status_of`` before trusting an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from intune_assistant.catalog import Catalog, default_catalog

__all__ = [
    "SCHEMA_VERSION",
    "SOURCES",
    "LoadProblem",
    "Names",
    "Snapshot",
    "TenantInfo",
    "TypeResult",
    "TypeStatus",
]

# Bump when the saved layout changes; ``store`` migrates older versions and refuses newer ones.
SCHEMA_VERSION = 1

# Where a snapshot's objects came from (``mixed``: merged from several sources).
SOURCES: tuple[str, ...] = ("graph", "emulator", "intunecd", "intunemanagement", "portal-export", "mixed")


class TypeStatus(StrEnum):
    """How completely one resource type was read."""

    OK = "ok"
    # Some pages, children or files failed: the objects present are real, the list may be short.
    PARTIAL = "partial"
    FAILED = "failed"
    # Not attempted (not asked for, or not in the export): unknown, never "none exist".
    NOT_COLLECTED = "not_collected"


@dataclass
class TypeResult:
    """The outcome of reading one resource type."""

    key: str
    status: TypeStatus
    count: int
    duration_s: float
    requests: int = 0
    # Why the type failed or stopped, in words an admin can act on
    # (e.g. "403: needs DeviceManagementScripts.Read.All").
    error: str | None = None
    # Failures below the list, e.g. "settings of 'Baseline': 503 ...".
    child_errors: list[str] = field(default_factory=list)


@dataclass
class TenantInfo:
    """Who the snapshot is of; any part may be unknown (imports rarely know all three)."""

    tenant_id: str | None = None
    domain: str | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class LoadProblem:
    """A file that could not be read; ``path`` is relative to the folder being loaded."""

    path: str
    reason: str


@dataclass
class Names:
    """Display names for ids that objects reference.

    ``unresolved_groups`` holds group ids referenced by assignments that nothing resolved: in a
    tenant snapshot, deleted groups; in an import, groups the export does not name.
    """

    groups: dict[str, str] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)
    # Scope tag ids are short strings ("0" is the built-in Default tag).
    scope_tags: dict[str, str] = field(default_factory=dict)
    unresolved_groups: set[str] = field(default_factory=set)

    def group(self, group_id: str) -> str | None:
        """The group's display name, or None when unknown."""
        return self.groups.get(group_id)

    def filter(self, filter_id: str) -> str | None:
        """The assignment filter's display name, or None when unknown."""
        return self.filters.get(filter_id)

    def scope_tag(self, tag_id: str) -> str | None:
        """The scope tag's display name, or None when unknown."""
        return self.scope_tags.get(tag_id)

    def update(self, other: Names) -> None:
        """Add ``other``'s names; names already known here win (the first source is trusted)."""
        for mine, theirs in (
            (self.groups, other.groups),
            (self.filters, other.filters),
            (self.scope_tags, other.scope_tags),
        ):
            for key, value in theirs.items():
                mine.setdefault(key, value)
        self.unresolved_groups |= other.unresolved_groups
        self.unresolved_groups -= self.groups.keys()


@dataclass
class Snapshot:
    """One tenant's configuration at one moment, with what was read and what was not.

    ``objects`` maps catalog keys to Graph-shaped objects; ``results`` says per type how the
    reading went. A key absent from ``results`` was not collected.
    """

    tenant: TenantInfo
    source: str
    taken_at: datetime
    objects: dict[str, list[dict[str, Any]]]
    results: dict[str, TypeResult] = field(default_factory=dict)
    names: Names = field(default_factory=Names)
    problems: list[LoadProblem] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION
    # Settings-catalog definitions (id → Graph definition) the snapshot's policies use, with their
    # parents and children: setting names stay readable offline. Empty when none were read.
    setting_definitions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.taken_at.tzinfo is None or self.taken_at.utcoffset() is None:
            raise ValueError("Snapshot.taken_at must be timezone-aware (UTC)")
        # Normalise to UTC so a saved and re-loaded snapshot compares equal.
        self.taken_at = self.taken_at.astimezone(UTC)

    def objects_of(self, key: str) -> list[dict[str, Any]]:
        """Objects of type ``key`` (empty when none were read: check ``status_of`` first)."""
        return self.objects.get(key, [])

    def status_of(self, key: str) -> TypeStatus:
        """How type ``key`` was read; ``NOT_COLLECTED`` when it was not attempted."""
        result = self.results.get(key)
        return result.status if result is not None else TypeStatus.NOT_COLLECTED

    def count(self, key: str | None = None) -> int:
        """Number of objects of type ``key``, or of all types."""
        if key is not None:
            return len(self.objects.get(key, []))
        return sum(len(items) for items in self.objects.values())

    def display_name(self, key: str, obj: dict[str, Any], catalog: Catalog | None = None) -> str:
        """What an admin calls ``obj``: the record's name field, then displayName/name, then id."""
        catalog = catalog if catalog is not None else default_catalog()
        fields = [catalog[key].name_field] if key in catalog else []
        fields += ["displayName", "name", "id"]
        for name_field in fields:
            value = obj.get(name_field)
            if isinstance(value, str) and value:
                return value
        return ""
