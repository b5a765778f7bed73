"""Assembling imported objects into a Snapshot, with a result per type and the problems met.

Every importer reads files its own way, then hands each object (or each failure) to an
``ImportBuilder``. The builder decides what the export says about completeness: a type whose
files all loaded is ``ok``; one with failed files, children the export does not hold, or
duplicate ids is ``partial``; one whose every file failed is ``failed``. Types the export does
not contain get no result at all, so they read as not collected, never as empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from intune_assistant.catalog import AssignmentRead, Catalog
from intune_assistant.snapshot import (
    LoadProblem,
    Names,
    Problem,
    ProblemKind,
    Snapshot,
    TenantInfo,
    TypeResult,
    TypeStatus,
    referenced_group_ids,
    resolve_names,
)

from .tree import ExportFile, Skipped

__all__ = ["ImportBuilder", "Imported"]

_ASSIGNABLE = (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM)


@dataclass(frozen=True)
class Imported:
    """What one importer made of its files: the snapshot, the files left out on purpose and the
    files that became objects (paths relative to the importer's folder)."""

    snapshot: Snapshot
    skipped: list[Skipped]
    object_files: list[str]


@dataclass
class ImportBuilder:
    """Collects objects per catalog key, file problems and notes; ``build`` makes the Snapshot."""

    source: str
    catalog: Catalog
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    origins: dict[str, list[str]] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)
    # Names the export states directly (a migration table, names in place of ids).
    names: Names = field(default_factory=Names)
    failed_files: dict[str, int] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    newest_mtime: float | None = None
    # Files left out on purpose (not a catalog type, side copies): reported, never a read failure.
    skipped: list[Skipped] = field(default_factory=list)

    def add(self, key: str, obj: dict[str, Any], origin: str) -> None:
        """Keep ``obj`` as an object of type ``key``, read from ``origin`` (a relative path)."""
        self.objects.setdefault(key, []).append(obj)
        self.origins.setdefault(key, []).append(origin)

    def fail(self, path: str, reason: str, key: str | None = None) -> None:
        """Record that ``path`` was not read; ``key``: the type it would have held, if known."""
        self.problems.append(LoadProblem(path, reason))
        if key is not None:
            self.failed_files[key] = self.failed_files.get(key, 0) + 1

    def skip(self, path: str, reason: str) -> None:
        """Record that ``path`` was left out on purpose (it holds nothing the catalog imports)."""
        self.skipped.append(Skipped(path, reason))

    def note(self, key: str, text: str) -> None:
        """A remark on how complete type ``key`` is (shown as a child error; makes it partial)."""
        self.notes.setdefault(key, []).append(text)

    def saw_file(self, file: ExportFile) -> None:
        """Track the newest file read: the best guess at when an export was taken."""
        mtime = file.mtime
        if mtime is None:
            return
        self.newest_mtime = mtime if self.newest_mtime is None else max(self.newest_mtime, mtime)

    def add_time(self, key: str, seconds: float) -> None:
        """Count ``seconds`` of reading towards type ``key``."""
        self.durations[key] = self.durations.get(key, 0.0) + seconds

    def build(
        self,
        tenant: TenantInfo,
        *,
        taken_at: datetime | None = None,
        assignments_exported: bool | None = None,
    ) -> Snapshot:
        """The Snapshot of everything added.

        ``assignments_exported``: whether the export holds assignments at all. When it does, an
        assignable object without ``assignments`` has none (exporters drop empty lists) and gets
        ``[]``; when it does not, the missing assignments are reported. ``None``: it does if any
        assignable object carries assignments.
        """
        keys = self._ordered_keys()
        if assignments_exported is None:
            assignments_exported = self._any_assignments()
        results = {key: self._result(key, assignments_exported) for key in keys}
        objects = {key: self.objects[key] for key in keys if key in self.objects}
        names = Names(
            groups=dict(self.names.groups),
            filters=dict(self.names.filters),
            scope_tags=dict(self.names.scope_tags),
            unresolved_groups=set(self.names.unresolved_groups),
        )
        # Names the export states win over names found on objects (a migration table is the
        # exporting tool's own record, and it is newer than a stale object file).
        names.update(resolve_names(objects, self.catalog))
        names.unresolved_groups |= referenced_group_ids(objects, self.catalog) - names.groups.keys()
        if taken_at is None:
            taken_at = (
                datetime.fromtimestamp(self.newest_mtime, UTC) if self.newest_mtime is not None else datetime.now(UTC)
            )
        return Snapshot(
            tenant=tenant,
            source=self.source,
            taken_at=taken_at,
            objects=objects,
            results=results,
            names=names,
            problems=list(self.problems),
        )

    def imported(self, snapshot: Snapshot) -> Imported:
        """``snapshot`` (from ``build``) with what this builder skipped and read."""
        files = [origin for origins in self.origins.values() for origin in origins]
        return Imported(snapshot, list(self.skipped), files)

    def _ordered_keys(self) -> list[str]:
        keys = set(self.objects) | set(self.failed_files) | set(self.notes)
        order = {record.key: index for index, record in enumerate(self.catalog)}
        return sorted(keys, key=lambda k: (order.get(k, len(order)), k))

    def _any_assignments(self) -> bool:
        return any(
            "assignments" in obj
            for key, items in self.objects.items()
            if key in self.catalog and self.catalog[key].assignments in _ASSIGNABLE
            for obj in items
        )

    def _result(self, key: str, assignments_exported: bool) -> TypeResult:
        items = self.objects.get(key, [])
        child_errors = list(self.notes.get(key, []))
        child_errors += self._missing_children(key, items, assignments_exported)
        child_errors += self._duplicate_ids(key, items)
        failed = self.failed_files.get(key, 0)
        error = f"{failed} file(s) could not be read; see problems" if failed else None
        gap = ProblemKind.NOT_IN_EXPORT
        if failed and not items:
            status = TypeStatus.FAILED
        elif failed or child_errors:
            status = TypeStatus.PARTIAL
        else:
            status = TypeStatus.OK
        return TypeResult(
            key=key,
            status=status,
            count=len(items),
            duration_s=round(self.durations.get(key, 0.0), 3),
            problem=Problem(gap, error) if error is not None else None,
            child_problems=[Problem(gap, text) for text in child_errors],
        )

    def _missing_children(self, key: str, items: list[dict[str, Any]], assignments_exported: bool) -> list[str]:
        if key not in self.catalog or not items:
            return []
        record = self.catalog[key]
        expected = [child.name for child in record.children]
        if record.assignments in _ASSIGNABLE:
            if assignments_exported:
                for obj in items:
                    obj.setdefault("assignments", [])
            else:
                expected.append("assignments")
        errors = []
        for name in expected:
            missing = sum(1 for obj in items if name not in obj)
            if missing:
                errors.append(f"{name}: not in the export for {missing} of {len(items)} object(s)")
        return errors

    def _duplicate_ids(self, key: str, items: list[dict[str, Any]]) -> list[str]:
        first: dict[str, str] = {}
        errors = []
        for obj, origin in zip(items, self.origins.get(key, []), strict=True):
            object_id = obj.get("id")
            if not isinstance(object_id, str):
                continue
            if object_id in first:
                errors.append(f"id {object_id} is in both {first[object_id]!r} and {origin!r}; both kept")
            else:
                first[object_id] = origin
        return errors
