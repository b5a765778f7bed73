"""Snapshot → rows of the Policies view (pure functions, no I/O).

One row per configuration object of a type whose kind is policy, app, script or enrollment. Types
that could not be read become ``TypeProblem`` values shown above the table, never silently absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intune_assistant.catalog import (
    AssignmentRead,
    Catalog,
    Kind,
    ResourceType,
    intent_templates,
    platform_of,
    type_name_of,
)
from intune_assistant.snapshot import Problem, Snapshot, TypeStatus

VIEW_KINDS = frozenset({Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT})
# Read besides the view's types: scope tag names, and the Endpoint security templates intents
# take their platform and type name from.
NAME_TYPES = ("scopeTags", "securityTemplates")


@dataclass(frozen=True)
class PolicyRow:
    """One object as the view shows it. ``assignments`` is ``None`` when the type has none."""

    type_key: str
    name: str
    type_label: str
    kind: str
    platform: str
    assignments: int | None
    modified: datetime | None
    scope_tags: tuple[str, ...]
    object_id: str

    @property
    def modified_text(self) -> str:
        """Last modified as ``YYYY-MM-DD HH:MM`` (UTC), or empty when unknown."""
        return self.modified.strftime("%Y-%m-%d %H:%M") if self.modified else ""

    @property
    def assignments_text(self) -> str:
        """The count, or empty when the type is not assigned (Conditional Access targets in its conditions)."""
        return "" if self.assignments is None else str(self.assignments)

    @property
    def scope_tags_text(self) -> str:
        """Scope tag names, comma-separated."""
        return ", ".join(self.scope_tags)


@dataclass(frozen=True)
class TypeProblem:
    """A type of the view that was not read completely, and why (names the missing permission).

    ``problem`` is the snapshot's reason (None for a type never collected). Pages group types by
    ``cause`` so one missing role is one message, not one line per type it blocks.
    """

    type_label: str
    status: TypeStatus
    reason: str
    problem: Problem | None = None

    @property
    def cause(self) -> str:
        """What would fix it, shared by every type with the same cause (a role, a scope…)."""
        if self.problem is None:
            return "Not read: these types were not collected"
        return self.problem.advice()

    @property
    def request_id(self) -> str | None:
        """The correlation id Microsoft support asks for, when Graph gave one."""
        return self.problem.request_id if self.problem is not None else None

    @property
    def state(self) -> str:
        """``unknown`` or ``partly read``."""
        return "partly read" if self.status is TypeStatus.PARTIAL else "unknown"


def view_types(catalog: Catalog) -> tuple[ResourceType, ...]:
    """The catalog types the Policies view lists."""
    return tuple(r for r in catalog if r.kind in VIEW_KINDS)


def _modified(obj: dict[str, Any]) -> datetime | None:
    for name in ("lastModifiedDateTime", "modifiedDateTime", "createdDateTime"):
        value = obj.get(name)
        if isinstance(value, str) and value:
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
    return None


def build_rows(snapshot: Snapshot, catalog: Catalog) -> tuple[list[PolicyRow], list[TypeProblem]]:
    """Every object of the view's types, and the types that failed or are partial."""
    rows: list[PolicyRow] = []
    problems: list[TypeProblem] = []
    templates = intent_templates(snapshot.read_objects("securityTemplates") or ())
    for record in view_types(catalog):
        status = snapshot.status_of(record.key)
        result = snapshot.results.get(record.key)
        if status in (TypeStatus.FAILED, TypeStatus.NOT_COLLECTED, TypeStatus.PARTIAL):
            reason = ""
            found = result.problems if result is not None else []
            if result is not None:
                reason = result.error or "; ".join(result.child_errors[:3])
            problems.append(TypeProblem(record.label, status, reason or "not read", found[0] if found else None))
        for obj in snapshot.read_objects(record.key) or ():  # an unread type is a problem above
            assignments = obj.get("assignments")
            count: int | None
            if record.assignments in (AssignmentRead.NONE, AssignmentRead.INLINE):
                count = None
            else:
                count = len(assignments) if isinstance(assignments, list) else 0
            tag_ids = obj.get("roleScopeTagIds")
            tags = tuple(
                snapshot.names.scope_tag(str(t)) or f"Unknown tag {t}"
                for t in (tag_ids if isinstance(tag_ids, list) else [])
            )
            rows.append(
                PolicyRow(
                    type_key=record.key,
                    name=snapshot.display_name(record.key, obj, catalog) or "(no name)",
                    type_label=type_name_of(record.key, obj, templates=templates),
                    kind=record.kind.value,
                    platform=platform_of(record.key, obj, templates=templates),
                    assignments=count,
                    modified=_modified(obj),
                    scope_tags=tags,
                    object_id=str(obj.get("id", "")),
                )
            )
    return rows, problems
