"""RBAC analyzer: Intune role definitions and assignments (members, scope groups, scope tags) and
Entra directory roles, who can do what, and the findings: many Global Administrators, Intune
Administrators who only read, built-in roles where a narrower one fits, scope tags that limit
nothing, role assignments to empty groups, accounts whose roles come only through GDAP.

    report = rbac_report(snapshot, audit=AuditLog(events, "the last 30 days"), gdap=gdap_grants(partner, tid))
    report.found(FindingKind.MANY_GLOBAL_ADMINS)[0].reason
"""

from __future__ import annotations

from .audit import Activity, AuditLog
from .gdap import GDAP_INDICATOR, gdap_grants, technician_grants
from .model import (
    MANY_GLOBAL_ADMINS,
    Finding,
    FindingKind,
    Gap,
    Grant,
    MemberGroup,
    RbacReport,
    RoleAssignmentRow,
    RoleRow,
    Source,
    Status,
)
from .report import RBAC_TYPES, rbac_report

__all__ = [
    "GDAP_INDICATOR",
    "MANY_GLOBAL_ADMINS",
    "RBAC_TYPES",
    "Activity",
    "AuditLog",
    "Finding",
    "FindingKind",
    "Gap",
    "Grant",
    "MemberGroup",
    "RbacReport",
    "RoleAssignmentRow",
    "RoleRow",
    "Source",
    "Status",
    "gdap_grants",
    "rbac_report",
    "technician_grants",
]
