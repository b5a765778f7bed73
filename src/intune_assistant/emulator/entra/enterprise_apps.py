"""Enterprise applications (the apps' service principals in each tenant): "Assignment required?".

When a tenant switches on *Assignment required* for one of the product's apps, only users assigned
to it directly, or direct members of a group assigned to it, get tokens where that app is the
client (Entra's AADSTS50105 names "a direct member of a group with access"; nested groups do not
count). Partner technicians (GDAP) are never assigned: they are not objects of the customer's
directory, so they are refused too (support less). Nothing is required by default, as in Entra.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..tenants.model import TenantData
from . import errors
from .directory import Principal

__all__ = ["EnterpriseApps"]


@dataclass
class _ServicePrincipal:
    assignment_required: bool = False
    # Object ids of the users and groups on "Users and groups" (lower case).
    assigned: set[str] = field(default_factory=set)


def _direct_groups(tenant: TenantData, user_id: str) -> set[str]:
    """The ids of the tenant's groups that list ``user_id`` as a direct member (lower case)."""
    found: set[str] = set()
    for group in tenant.objects.get("groups", []):
        members = group.get("members")
        ids = {
            m.get("id", "").lower() for m in (members if isinstance(members, list) else []) if isinstance(m, Mapping)
        }
        if user_id.lower() in ids and isinstance(group.get("id"), str):
            found.add(group["id"].lower())
    return found


class EnterpriseApps:
    """The assignment settings of every (tenant, client id) service principal."""

    def __init__(self) -> None:
        self._apps: dict[tuple[str, str], _ServicePrincipal] = {}

    def _app(self, tenant_id: str, client_id: str) -> _ServicePrincipal:
        return self._apps.setdefault((tenant_id.lower(), client_id.lower()), _ServicePrincipal())

    def require_assignment(self, tenant_id: str, client_id: str, required: bool) -> None:
        """Switch "Assignment required?" on or off for the client's service principal in the tenant."""
        self._app(tenant_id, client_id).assignment_required = required

    def assign(self, tenant_id: str, client_id: str, object_id: str) -> None:
        """Add a user or group (by object id) to the app's "Users and groups"."""
        self._app(tenant_id, client_id).assigned.add(object_id.lower())

    def unassign(self, tenant_id: str, client_id: str, object_id: str) -> None:
        """Remove a user or group from the app's "Users and groups"."""
        self._app(tenant_id, client_id).assigned.discard(object_id.lower())

    def check(self, principal: Principal, tenant: TenantData, client_id: str, app_name: str) -> None:
        """AADSTS50105 unless the app needs no assignment or ``principal`` is assigned (directly or
        through a group it is a direct member of)."""
        app = self._apps.get((tenant.tenant_id.lower(), client_id.lower()))
        if app is None or not app.assignment_required:
            return
        if not principal.is_technician:
            user_id = principal.user_id.lower()
            if user_id in app.assigned or _direct_groups(tenant, user_id) & app.assigned:
                return
        raise errors.not_assigned(client_id, app_name, principal.upn)
