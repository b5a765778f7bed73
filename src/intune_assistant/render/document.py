"""The documentation of a tenant as data: sections per type, policies with metadata, assignments, rows.

Built once from a snapshot (a pure function), then written by any renderer. Every documented type
has a coverage entry with its collection status, so a type that was not collected reads
"not collected", never as a type without policies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from intune_assistant.analyses.conditional_access import CaOverview, ca_overview
from intune_assistant.analyses.health import HealthItem, health_types, tenant_health
from intune_assistant.analyses.roles import RbacReport, rbac_report
from intune_assistant.analyses.settings import (
    SCRIPT_CONTENT_FIELDS,
    References,
    SettingDefinitions,
    SettingRow,
    describe_target,
    documented_types,
    platform_of,
    policy_rows,
    policy_type,
    snapshot_definitions,
)
from intune_assistant.analyses.settings.app_rows import INTENT_CATEGORY
from intune_assistant.analyses.settings.words import readable_enum
from intune_assistant.catalog import AssignmentRead, Catalog, ResourceType
from intune_assistant.snapshot import Names, Snapshot, TypeStatus

from .anchors import AnchorMaker

__all__ = [
    "AssignmentLine",
    "Coverage",
    "Document",
    "DocumentOptions",
    "PolicyDoc",
    "TypeSection",
    "build_document",
    "format_time",
]

OMITTED_SCRIPT = "(script content not included in this document)"


@dataclass(frozen=True)
class DocumentOptions:
    """What to document: ``types`` (catalog keys; None = every documented type), assignments, scripts."""

    types: tuple[str, ...] | None = None
    include_assignments: bool = True
    include_script_content: bool = True


@dataclass(frozen=True)
class AssignmentLine:
    """One assignment: target by name, included or excluded, filter and mode, app intent."""

    target: str
    mode: str
    filter_name: str | None = None
    filter_mode: str | None = None
    intent: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class PolicyDoc:
    """One documented object. ``assignments`` is None when the type has none to show."""

    anchor: str
    type_key: str
    type_label: str
    policy_type: str
    policy_id: str
    name: str
    platform: str | None
    description: str
    scope_tags: tuple[str, ...]
    created: str | None
    modified: str | None
    assignments: tuple[AssignmentLine, ...] | None
    rows: tuple[SettingRow, ...]


@dataclass(frozen=True)
class Coverage:
    """How one documented type was read: status, object count, and the reason when not ok."""

    key: str
    label: str
    status: str
    count: int
    note: str | None


@dataclass(frozen=True)
class TypeSection:
    """The policies of one type."""

    key: str
    label: str
    anchor: str
    policies: tuple[PolicyDoc, ...]


@dataclass(frozen=True)
class Document:
    """A tenant's documentation, ready for any renderer."""

    tenant_name: str
    tenant_domain: str | None
    tenant_id: str | None
    source: str
    taken_at: datetime
    generated_at: datetime
    options: DocumentOptions
    coverage: tuple[Coverage, ...]
    sections: tuple[TypeSection, ...]
    definitions_note: str | None = None
    # Tenant health (certificates, tokens, connectors) as of the snapshot, worst first; empty when
    # the document covers none of those types.
    health: tuple[HealthItem, ...] = ()
    # Roles: RBAC findings and who holds what; None when the document covers no role type or the
    # snapshot read none.
    roles: RbacReport | None = None
    # Conditional Access policies in words and the gaps found; None when the document doesn't cover
    # the CA policies type (or the snapshot holds none and didn't fail to read them).
    conditional_access: CaOverview | None = None

    @property
    def title(self) -> str:
        """The document's title."""
        return f"Intune documentation: {self.tenant_name}"

    def policies(self) -> Iterator[PolicyDoc]:
        """Every documented policy, section by section."""
        for section in self.sections:
            yield from section.policies

    def policy_count(self) -> int:
        """How many policies the document holds."""
        return sum(len(s.policies) for s in self.sections)


def format_time(value: Any) -> str | None:
    """A Graph timestamp as ``2025-05-23 09:25 UTC`` (None when absent or unreadable)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _scope_tags(obj: Mapping[str, Any], names: Names) -> tuple[str, ...]:
    tags = obj.get("roleScopeTagIds", obj.get("roleScopeTags"))
    if not isinstance(tags, list):
        return ()
    return tuple(names.scope_tag(str(t)) or ("Default" if str(t) == "0" else str(t)) for t in tags)


def _schedule(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return None
    kind = str(value.get("@odata.type", "")).rsplit(".", 1)[-1]
    interval = value.get("interval")
    time = str(value.get("time") or "")[:5]
    unit = {"deviceHealthScriptDailySchedule": "day", "deviceHealthScriptHourlySchedule": "hour"}.get(kind)
    if unit is None:
        return f"Runs once at {time}" if time else "Runs once"
    every = f"every {interval} {unit}s" if isinstance(interval, int) and interval > 1 else f"every {unit}"
    return f"Runs {every}" + (f" at {time}" if time and unit == "day" else "")


def _assignment_lines(obj: Mapping[str, Any], names: Names) -> tuple[AssignmentLine, ...]:
    lines: list[AssignmentLine] = []
    for assignment in obj.get("assignments") or ():
        target = assignment.get("target") if isinstance(assignment, Mapping) else None
        if not isinstance(target, Mapping):
            continue
        described = describe_target(target, names)
        intent = assignment.get("intent")
        details = []
        if assignment.get("runRemediationScript") is False:
            details.append("detection only")
        schedule = _schedule(assignment.get("runSchedule"))
        if schedule:
            details.append(schedule)
        lines.append(
            AssignmentLine(
                target=described.name,
                mode=described.mode,
                filter_name=described.filter_name,
                filter_mode=described.filter_mode,
                intent=readable_enum(str(intent)) if isinstance(intent, str) and intent != "apply" else None,
                detail="; ".join(details) or None,
            )
        )
    return tuple(lines)


def _rows_for_options(rows: list[SettingRow], options: DocumentOptions) -> tuple[SettingRow, ...]:
    kept: list[SettingRow] = []
    for row in rows:
        if not options.include_assignments and row.category == INTENT_CATEGORY:
            continue
        if not options.include_script_content and row.setting_id in SCRIPT_CONTENT_FIELDS:
            row = replace(row, value=OMITTED_SCRIPT, raw_value=None)
        kept.append(row)
    return tuple(kept)


def _coverage(snapshot: Snapshot, record: ResourceType) -> Coverage:
    status = snapshot.status_of(record.key)
    result = snapshot.results.get(record.key)
    if status is TypeStatus.NOT_COLLECTED and snapshot.objects.get(record.key):
        # An import holds objects of a type without a result for it: they were read.
        status = TypeStatus.OK
    note = None
    if status is TypeStatus.NOT_COLLECTED:
        note = "not collected: unknown whether the tenant has any"
    elif result is not None and (result.error or result.child_errors):
        note = "; ".join([*([result.error] if result.error else []), *result.child_errors])
    return Coverage(record.key, record.label, status.value, snapshot.count(record.key), note)


def build_document(
    snapshot: Snapshot,
    catalog: Catalog,
    *,
    definitions: SettingDefinitions | None = None,
    options: DocumentOptions | None = None,
    on_policy: Callable[[str], None] | None = None,
    now: datetime | None = None,
) -> Document:
    """The documentation of ``snapshot``; ``on_policy`` is told each policy's name as it is done."""
    options = options or DocumentOptions()
    records = [r for r in documented_types(catalog) if options.types is None or r.key in options.types]
    merged = snapshot_definitions(snapshot, definitions)
    references = References.from_snapshot(snapshot)
    anchors = AnchorMaker()
    sections: list[TypeSection] = []
    for record in records:
        objects = snapshot.read_objects(record.key) or []  # the coverage table names the gap
        if not objects:
            continue
        section_anchor = anchors.make(record.label)
        policies = []
        ordered = sorted(objects, key=lambda o: snapshot.display_name(record.key, o, catalog).casefold())
        for obj in ordered:
            name = snapshot.display_name(record.key, obj, catalog) or "(unnamed)"
            rows = policy_rows(record, obj, merged, snapshot.names, references)
            has_assignments = record.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM)
            policies.append(
                PolicyDoc(
                    anchor=anchors.make(f"{record.key}-{name}"),
                    type_key=record.key,
                    type_label=record.label,
                    policy_type=policy_type(record, obj, references),
                    policy_id=str(obj.get("id") or ""),
                    name=name,
                    platform=platform_of(record, obj, references),
                    description=str(obj.get("description") or ""),
                    scope_tags=_scope_tags(obj, snapshot.names),
                    created=format_time(obj.get("createdDateTime")),
                    modified=format_time(obj.get("lastModifiedDateTime") or obj.get("modifiedDateTime")),
                    assignments=_assignment_lines(obj, snapshot.names)
                    if options.include_assignments and has_assignments
                    else None,
                    rows=_rows_for_options(rows, options),
                )
            )
            if on_policy is not None:
                on_policy(name)
        sections.append(TypeSection(record.key, record.label, section_anchor, tuple(policies)))
    uses_catalog = any(snapshot.read_objects(k) for k in ("settingsCatalog", "complianceSettingsPolicies"))
    definitions_note = None
    if uses_catalog and len(merged) == 0:
        definitions_note = (
            "This snapshot has no setting definitions: settings catalog names come from the names shipped with "
            "Intune Assistant where they know the setting, else they are derived from the setting ids (derived "
            "names are marked as such). For the names the Intune admin center shows, pass --definitions with a "
            "file from `intune-assistant definitions export`."
        )
    health_keys = {r.key for r in health_types(catalog)}
    in_scope = options.types is None or bool(health_keys & set(options.types))
    health = tenant_health(snapshot, catalog).items if in_scope and health_keys else ()
    if options.types is not None:
        health = tuple(i for i in health if i.key in options.types)
    conditional_access = None
    if options.types is None or "conditionalAccessPolicies" in options.types:
        overview = ca_overview(snapshot, catalog)
        # Shown when there are policies, or when reading them failed (never for an export without them).
        failed = snapshot.status_of("conditionalAccessPolicies") in (TypeStatus.FAILED, TypeStatus.PARTIAL)
        if overview.policies or failed:
            conditional_access = overview
    return Document(
        roles=_roles(snapshot, catalog, options),
        tenant_name=snapshot.tenant.display_name or snapshot.tenant.domain or "Tenant",
        tenant_domain=snapshot.tenant.domain,
        tenant_id=snapshot.tenant.tenant_id,
        source=snapshot.source,
        taken_at=snapshot.taken_at,
        generated_at=(now or datetime.now(UTC)).astimezone(UTC),
        options=options,
        coverage=tuple(_coverage(snapshot, r) for r in records),
        sections=tuple(sections),
        definitions_note=definitions_note,
        health=health,
        conditional_access=conditional_access,
    )


# The role types a Roles section rests on (groups and users only name who holds them).
_ROLE_KEYS = ("roleDefinitions", "roleAssignments", "directoryRoles")


def _roles(snapshot: Snapshot, catalog: Catalog, options: DocumentOptions) -> RbacReport | None:
    """The Roles section, when the document covers a role type and the snapshot read one."""
    if options.types is not None and not set(_ROLE_KEYS) & set(options.types):
        return None
    if all(snapshot.read_objects(key) is None for key in _ROLE_KEYS):
        return None
    return rbac_report(snapshot, catalog=catalog)
