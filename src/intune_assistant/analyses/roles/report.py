"""The RBAC report of one snapshot: roles, role assignments, who holds what, and findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from intune_assistant.analyses.assignments.directory import Directory
from intune_assistant.analyses.assignments.status import type_gap
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot

from . import findings as rules
from .audit import AuditLog
from .inventory import Inventory
from .model import Finding, FindingKind, Gap, Grant, RbacReport

__all__ = ["RBAC_TYPES", "rbac_report"]

# What the report reads (directory types for names and membership).
RBAC_TYPES: tuple[str, ...] = ("roleDefinitions", "roleAssignments", "scopeTags", "directoryRoles", "groups", "users")


def rbac_report(
    snapshot: Snapshot,
    *,
    audit: AuditLog | None = None,
    gdap: Sequence[Grant] | None = None,
    catalog: Catalog | None = None,
    audit_unread: str = "the Intune audit log wasn't read",
) -> RbacReport:
    """Who can do what in the snapshot's tenant, and the RBAC findings with their reasons.

    ``audit``: Intune audit events to judge whether Intune Administrators only read; by default the
    snapshot's own ``auditEvents`` if it holds them, else those verdicts are unknown. ``gdap``: roles
    partner accounts hold here through GDAP (``gdap_grants``/``technician_grants``); ``None`` when
    GDAP access wasn't read (unknown), ``()`` when it was read and there is none. ``audit_unread``
    says why there is no audit log (the "unknown" verdicts quote it).
    """
    catalog = catalog or default_catalog()
    gaps: dict[str, Gap] = {}
    for key in RBAC_TYPES:
        gap = type_gap(snapshot, key, catalog)
        if gap is not None:
            gaps[key] = Gap(key, gap.label, gap.reason)
    if audit is None and snapshot.read_objects("auditEvents") is not None:
        audit = AuditLog(snapshot.objects.get("auditEvents", []), "the audit log read with this snapshot")
    inventory = Inventory(snapshot, Directory(snapshot))
    rows = inventory.assignment_rows()
    grants = inventory.grants(rows) + tuple(gdap or ())
    found: list[Finding] = []
    checks: dict[FindingKind, Callable[[], list[Finding]]] = {
        FindingKind.MANY_GLOBAL_ADMINS: lambda: rules.many_global_admins(inventory),
        FindingKind.READ_ONLY_ADMIN: lambda: rules.read_only_admins(inventory, audit, audit_unread),
        FindingKind.NARROWER_ROLE_FITS: lambda: rules.narrower_role_fits(inventory, grants),
        FindingKind.IDLE_SCOPE_TAG: lambda: rules.idle_scope_tags(inventory, snapshot.objects),
        FindingKind.EMPTY_ROLE_GROUP: lambda: rules.empty_role_groups(rows),
    }
    for kind, check in checks.items():
        unknown = rules.unknown_for(kind, gaps)
        found += [unknown] if unknown is not None else check()
    found += rules.gdap_only(grants, gdap)
    return RbacReport(
        roles=inventory.role_rows(grants),
        assignments=rows,
        grants=grants,
        findings=tuple(found),
        gaps=tuple(gaps.values()),
        audit_read=audit is not None,
    )
