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
from intune_assistant.catalog.facts import PARTNER_NAMES

from .problems import Problem

__all__ = [
    "SCHEMA_VERSION",
    "SOURCES",
    "LoadProblem",
    "Names",
    "NotRead",
    "Snapshot",
    "TenantInfo",
    "TypeResult",
    "TypeStatus",
]

# Bump when the saved layout changes; ``store`` migrates older versions and refuses newer ones.
SCHEMA_VERSION = 2

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
    # Why the list failed or stopped (None when it was read to the end).
    problem: Problem | None = None
    # Failures below the list: children, details, setting names, group names.
    child_problems: list[Problem] = field(default_factory=list)
    # False when a refresh kept this type's objects from the previous snapshot where Graph said
    # nothing changed; True when every object was read anew.
    read_in_full: bool = True
    # Why a refresh read the type in full although the previous snapshot had it complete (the
    # audit log it decides by could not be read); None otherwise.
    full_read_reason: str | None = None

    @property
    def problems(self) -> list[Problem]:
        """The list's problem (if any) and then every child problem."""
        return [*([self.problem] if self.problem is not None else []), *self.child_problems]

    @property
    def error(self) -> str | None:
        """Why the list failed or stopped, in words an admin can act on (for display only)."""
        return self.problem.describe() if self.problem is not None else None

    @property
    def child_errors(self) -> list[str]:
        """The child problems in words, e.g. ``"settings of 'Baseline': …"`` (for display only)."""
        return [problem.where() for problem in self.child_problems]


@dataclass
class TenantInfo:
    """Who the snapshot is of; any part may be unknown (imports rarely know all three)."""

    tenant_id: str | None = None
    domain: str | None = None
    display_name: str | None = None


class NotRead(LookupError):
    """A type's objects were asked for, but it failed or was never collected: unknown, not empty."""

    def __init__(self, key: str, status: TypeStatus, result: TypeResult | None) -> None:
        why = result.error if result is not None and result.error else status.value.replace("_", " ")
        super().__init__(f"{key} was not read ({why})")
        self.key = key
        self.status = status
        self.result = result


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
        """The scope tag's display name, or None when unknown.

        "0" is the built-in Default tag in every tenant, so it has its name even where the scope
        tags were not read (an export, a baseline).
        """
        return self.scope_tags.get(tag_id) or ("Default" if tag_id == "0" else None)

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
    # Where the next delta round of a type starts (catalog key → deltaLink), for a refresh of this
    # snapshot. Memory only: never saved (a saved snapshot refreshes by reading in full).
    delta_links: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.taken_at.tzinfo is None or self.taken_at.utcoffset() is None:
            raise ValueError("Snapshot.taken_at must be timezone-aware (UTC)")
        # Normalise to UTC so a saved and re-loaded snapshot compares equal.
        self.taken_at = self.taken_at.astimezone(UTC)

    def objects_of(self, key: str) -> list[dict[str, Any]]:
        """Objects of type ``key``; raises ``NotRead`` when the type was not read at all.

        An empty list means the type was read and has no objects (or, when ``status_of`` is
        partial, that none were read before the failure). A type that failed or was never
        collected is unknown, not empty: use ``read_objects`` to handle that case without
        an exception.
        """
        found = self.read_objects(key)
        if found is None:
            raise NotRead(key, self.status_of(key), self.results.get(key))
        return found

    def read_objects(self, key: str) -> list[dict[str, Any]] | None:
        """Objects of type ``key``, or ``None`` when it failed or was never collected (unknown)."""
        items = self.objects.get(key)
        if items:
            return items
        if self.status_of(key) in (TypeStatus.FAILED, TypeStatus.NOT_COLLECTED):
            return None
        return items if items is not None else []

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
        partner = PARTNER_NAMES.get(str(obj.get("id")))
        if partner:  # a connector Graph gives no name: its partner's (catalog facts)
            return partner
        name = catalog[key].object_name(obj) if key in catalog else ""
        for name_field in ("displayName", "name", "id"):
            value = obj.get(name_field)
            if not name and isinstance(value, str) and value:
                name = value
        return name
