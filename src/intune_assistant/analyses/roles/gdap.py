"""Roles held only through GDAP: partner accounts that administer a customer tenant through a
delegated admin relationship, and so appear in none of the customer's own role lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from intune_assistant.analyses.settings.context import ENTRA_ROLES
from intune_assistant.snapshot import Snapshot

from .model import Grant, Source

__all__ = ["GDAP_INDICATOR", "gdap_grants", "technician_grants"]

# The ``wids`` entry every GDAP token carries besides the granted roles (not a role of its own).
GDAP_INDICATOR = "08372b87-7d02-482a-9e02-fb03ea5fe193"
_SCOPE = "What the roles allow, in this tenant"


def _role_names(details: object) -> list[str]:
    roles = details.get("unifiedRoles") if isinstance(details, Mapping) else None
    names = []
    for role in roles if isinstance(roles, list) else ():
        template = role.get("roleDefinitionId") if isinstance(role, Mapping) else None
        if isinstance(template, str):
            names.append(ENTRA_ROLES.get(template, f"Entra role {template}"))
    return names


def gdap_grants(partner: Snapshot, customer_tenant_id: str) -> tuple[Grant, ...]:
    """The roles partner accounts hold in ``customer_tenant_id`` through the partner snapshot's
    active GDAP relationships: each access assignment's security group, through nesting, gets the
    assignment's roles."""
    users = {str(u["id"]): u for u in partner.read_objects("users") or () if isinstance(u.get("id"), str)}
    groups = {str(g["id"]): g for g in partner.read_objects("groups") or () if isinstance(g.get("id"), str)}
    found: list[Grant] = []
    for relationship in partner.read_objects("gdapRelationships") or ():
        customer = relationship.get("customer")
        tenant = customer.get("tenantId") if isinstance(customer, Mapping) else None
        if not isinstance(tenant, str) or tenant.lower() != customer_tenant_id.lower():
            continue
        if relationship.get("status") != "active":
            continue
        name = str(relationship.get("displayName") or relationship.get("id") or "")
        for access in relationship.get("accessAssignments") or ():
            if not isinstance(access, Mapping) or access.get("status") not in (None, "active"):
                continue
            container = access.get("accessContainer")
            group_id = container.get("accessContainerId") if isinstance(container, Mapping) else None
            if not isinstance(group_id, str):
                continue
            group = groups.get(group_id, {})
            group_name = str(group.get("displayName") or group_id)
            for user_id in sorted(_users_in(group_id, groups)):
                user = users.get(user_id, {})
                account = str(user.get("userPrincipalName") or user.get("displayName") or user_id)
                for role in _role_names(access.get("accessDetails")):
                    via = f"GDAP relationship '{name}' through partner group '{group_name}'"
                    found.append(Grant(account, user_id, role, Source.GDAP, via, _SCOPE))
    return tuple(found)


def _users_in(group_id: str, groups: Mapping[str, Mapping[str, Any]]) -> set[str]:
    found: set[str] = set()
    seen = {group_id}
    queue = [group_id]
    while queue:
        for member in groups.get(queue.pop(), {}).get("members") or ():
            member_id = member.get("id") if isinstance(member, Mapping) else None
            if not isinstance(member_id, str):
                continue
            if member.get("@odata.type") == "#microsoft.graph.group":
                if member_id not in seen:
                    seen.add(member_id)
                    queue.append(member_id)
            else:
                found.add(member_id)
    return found


def technician_grants(account: str, account_id: str, wids: Iterable[str]) -> tuple[Grant, ...]:
    """The signed-in technician's own GDAP roles, from the token's ``wids`` (a GDAP token's roles are
    the relationship's; the indicator entry is left out)."""
    return tuple(
        Grant(account, account_id, ENTRA_ROLES.get(w, f"Entra role {w}"), Source.GDAP, "GDAP (your sign-in)", _SCOPE)
        for w in wids
        if w != GDAP_INDICATOR
    )
