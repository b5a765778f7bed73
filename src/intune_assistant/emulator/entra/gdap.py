"""GDAP: which partner technicians may sign in to a customer tenant, with which roles.

A technician is an enabled operator of a partner tenant who is a *direct* member of a security
group named in an accessAssignment of an **active** delegated-admin relationship whose customer is
the tenant. Nested groups are not followed (Partner Center does not support them for GDAP
assignments; support less). The roles are the assignment's ``accessDetails.unifiedRoles``
(or the relationship's when the assignment lists none), limited to the relationship's roles;
an assignment whose ``status`` is present and not ``active`` grants nothing. The relationship's
``status`` decides, not its ``endDateTime``: Entra flips the status when the end date passes, and
synthetic tenants carry fixed dates that a demo must not outlive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..tenants.model import Operator, TenantData

__all__ = ["partner_technicians", "technician_roles"]


def _role_ids(access_details: Any) -> list[str]:
    roles = access_details.get("unifiedRoles") if isinstance(access_details, Mapping) else None
    found: list[str] = []
    for role in roles if isinstance(roles, list) else []:
        role_id = role.get("roleDefinitionId") if isinstance(role, Mapping) else None
        if isinstance(role_id, str) and role_id not in found:
            found.append(role_id)
    return found


def _direct_members(partner: TenantData, group_id: str) -> set[str]:
    for group in partner.objects.get("groups", []):
        if group.get("id") == group_id:
            refs = group.get("members")
            return {
                ref["id"]
                for ref in (refs if isinstance(refs, list) else [])
                if isinstance(ref, Mapping) and isinstance(ref.get("id"), str)
            }
    return set()


def technician_roles(partner: TenantData, customer_tenant_id: str, user_id: str) -> tuple[str, ...]:
    """The GDAP role ids ``user_id`` of ``partner`` holds in the customer tenant (empty: none)."""
    roles: list[str] = []
    for relationship in partner.objects.get("gdapRelationships", []):
        customer = relationship.get("customer")
        if not isinstance(customer, Mapping) or str(customer.get("tenantId", "")).lower() != customer_tenant_id.lower():
            continue
        if relationship.get("status") != "active":
            continue
        relationship_roles = _role_ids(relationship.get("accessDetails"))
        assignments = relationship.get("accessAssignments")
        for assignment in assignments if isinstance(assignments, list) else []:
            if not isinstance(assignment, Mapping):
                continue
            if assignment.get("status", "active") != "active":
                continue
            container = assignment.get("accessContainer")
            group_id = container.get("accessContainerId") if isinstance(container, Mapping) else None
            if not isinstance(group_id, str) or user_id not in _direct_members(partner, group_id):
                continue
            granted = _role_ids(assignment.get("accessDetails")) or relationship_roles
            roles.extend(r for r in granted if r in relationship_roles and r not in roles)
    return tuple(roles)


def partner_technicians(tenants: Iterable[TenantData], customer_tenant_id: str) -> list[tuple[TenantData, Operator]]:
    """Every operator of another tenant with active GDAP roles in the customer tenant."""
    found: list[tuple[TenantData, Operator]] = []
    for partner in tenants:
        if partner.tenant_id.lower() == customer_tenant_id.lower() or not partner.objects.get("gdapRelationships"):
            continue
        for operator in partner.operators:
            if technician_roles(partner, customer_tenant_id, operator.user_id):
                found.append((partner, operator))
    return found
