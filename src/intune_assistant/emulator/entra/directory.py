"""Tenants and users as Entra ID sees them: authorities, principals, who may sign in where.

``Directory`` reads the live ``TenantData`` objects (the Graph emulator and tests may change
operators and groups while it runs), so nothing here is cached.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..tenants.model import CLOUD_APPLICATION_ADMINISTRATOR, GDAP_INDICATOR, GLOBAL_ADMINISTRATOR, Operator, TenantData
from ..tenants.pim import active_directory_roles
from ..tokens import v1_issuer
from . import errors
from .gdap import partner_technicians, technician_roles

__all__ = ["CONSENT_ROLES", "Authority", "Directory", "Principal"]

# Directory roles that may grant tenant-wide consent to delegated Graph permissions (Entra's
# "grant tenant-wide admin consent" prerequisites): Global, Privileged Role, Cloud Application and
# Application Administrator.
CONSENT_ROLES = frozenset(
    {
        GLOBAL_ADMINISTRATOR,
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        CLOUD_APPLICATION_ADMINISTRATOR,
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    }
)
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

AuthorityKind = Literal["tenant", "common", "organizations"]


@dataclass(frozen=True)
class Authority:
    """The tenant segment of a request path, resolved."""

    segment: str
    kind: AuthorityKind
    tenant: TenantData | None = None

    @property
    def tenant_id(self) -> str | None:
        """The concrete tenant id, or None for ``common``/``organizations``."""
        return self.tenant.tenant_id if self.tenant is not None else None

    @property
    def path(self) -> str:
        """The segment used in endpoint URLs: the tenant id (a domain resolves to it) or the alias."""
        return self.tenant.tenant_id if self.tenant is not None else self.kind

    def same_as(self, other: Authority) -> bool:
        """Whether two resolved authorities name the same tenant or alias."""
        return self.kind == other.kind and self.tenant_id == other.tenant_id


@dataclass(frozen=True)
class Principal:
    """A user signing in to ``tenant_id``: a member of it, or a partner technician through GDAP."""

    tenant_id: str
    home_tenant_id: str
    operator: Operator
    gdap_roles: tuple[str, ...] | None = None
    # Directory roles the member holds through PIM when resolved (activated, not merely eligible).
    active_roles: tuple[str, ...] = ()

    @property
    def user_id(self) -> str:
        """The user's object id in their home tenant."""
        return self.operator.user_id

    @property
    def upn(self) -> str:
        """The user's UPN."""
        return self.operator.user_principal_name

    @property
    def name(self) -> str:
        """The display name."""
        return self.operator.display_name

    @property
    def is_technician(self) -> bool:
        """Signed in to a customer tenant through GDAP."""
        return self.gdap_roles is not None

    @property
    def oid(self) -> str:
        """``oid`` in tokens: empty for GDAP technicians (graph-entra.md §7)."""
        return "" if self.is_technician else self.operator.user_id

    @property
    def wids(self) -> tuple[str, ...]:
        """Role template ids in tokens: the GDAP indicator plus GDAP roles for technicians."""
        if self.gdap_roles is not None:
            return (GDAP_INDICATOR, *self.gdap_roles)
        return tuple(dict.fromkeys((*self.operator.wids, *self.active_roles)))

    @property
    def idp(self) -> str:
        """The identity provider of the user (the partner tenant's v1 issuer for technicians)."""
        return v1_issuer(self.home_tenant_id)

    @property
    def aai(self) -> str:
        """Where a technician's account lives, as the ``aai`` claim spells it."""
        return f"tenant: {self.home_tenant_id}, object: {self.operator.user_id}"

    def key(self) -> tuple[str, str, str]:
        """``(tenant, home tenant, user)`` — identifies the principal across requests."""
        return (self.tenant_id, self.home_tenant_id, self.operator.user_id)

    def can_consent(self) -> bool:
        """Whether this user may grant tenant-wide (admin) consent in ``tenant_id``: Entra's rule, by role.

        The product's registrations configure delegated Graph permissions only, which all four
        ``CONSENT_ROLES`` may grant (Cloud Application and Application Administrator may not grant
        Graph *application* permissions; no registration here has any). A technician counts
        through their GDAP roles. Intune Administrator, Global Reader or an operator's product
        role do not count.
        """
        return bool(set(self.wids) & CONSENT_ROLES)


@dataclass(frozen=True)
class Candidate:
    """A user the sign-in page offers for a tenant."""

    tenant: TenantData
    operator: Operator
    partner: bool


class Directory:
    """Look-ups over the served tenants (by tenant id)."""

    def __init__(self, tenants: Mapping[str, TenantData], clock: Callable[[], float] = time.time) -> None:
        self._tenants = tenants
        self._clock = clock

    def tenants(self) -> list[TenantData]:
        """Every served tenant."""
        return list(self._tenants.values())

    def tenant(self, tenant_id: str) -> TenantData | None:
        """The tenant with ``tenant_id`` (case-insensitive)."""
        wanted = tenant_id.lower()
        return next((t for t in self._tenants.values() if t.tenant_id.lower() == wanted), None)

    def authority(self, segment: str) -> Authority:
        """Resolve a path's tenant segment: a tenant id, a tenant domain, common or organizations."""
        lowered = segment.lower()
        if lowered in ("common", "organizations"):
            return Authority(segment, "common" if lowered == "common" else "organizations")
        if _GUID.match(segment):
            tenant = self.tenant(segment)
        else:
            tenant = next((t for t in self._tenants.values() if t.domain.lower() == lowered), None)
        if tenant is None:
            raise errors.tenant_not_found(segment)
        return Authority(segment, "tenant", tenant)

    def operator(self, tenant_id: str, user_id: str) -> Operator | None:
        """The operator ``user_id`` of tenant ``tenant_id``."""
        tenant = self.tenant(tenant_id)
        if tenant is None:
            return None
        return next((o for o in tenant.operators if o.user_id.lower() == user_id.lower()), None)

    def find_by_upn(self, upn: str) -> tuple[TenantData, Operator] | None:
        """The home tenant and operator with ``upn`` (case-insensitive)."""
        wanted = upn.strip().lower()
        for tenant in self._tenants.values():
            for operator in tenant.operators:
                if operator.user_principal_name.lower() == wanted:
                    return tenant, operator
        return None

    def find_user(self, user_id: str) -> tuple[TenantData, Operator] | None:
        """The home tenant and operator with object id ``user_id``."""
        for tenant in self._tenants.values():
            for operator in tenant.operators:
                if operator.user_id.lower() == user_id.lower():
                    return tenant, operator
        return None

    def principal(self, tenant_id: str, home_tenant_id: str, user_id: str, *, app_id: str, app_name: str) -> Principal:
        """The principal for a sign-in to ``tenant_id`` by user ``user_id`` of ``home_tenant_id``.

        Raises AADSTS50034 (no such user), 50057 (disabled) or 50020 (another tenant's user
        without active GDAP access to this one).
        """
        home = self.tenant(home_tenant_id)
        target = self.tenant(tenant_id)
        operator = self.operator(home_tenant_id, user_id) if home is not None else None
        if home is None or target is None or operator is None:
            raise errors.user_not_found(target.display_name if target is not None else tenant_id)
        if not operator.enabled:
            raise errors.user_disabled()
        if home.tenant_id == target.tenant_id:
            active = active_directory_roles(home, operator.user_id, self._clock())
            return Principal(target.tenant_id, home.tenant_id, operator, active_roles=active)
        roles = technician_roles(home, target.tenant_id, operator.user_id)
        if not roles:
            raise errors.user_not_in_tenant(
                operator.user_principal_name, v1_issuer(home.tenant_id), target.display_name, app_id, app_name
            )
        return Principal(target.tenant_id, home.tenant_id, operator, roles)

    def candidates(self, authority: Authority, *, domain_hint: str | None = None) -> list[Candidate]:
        """Users the sign-in page lists: the tenant's operators and its partner technicians.

        For ``common``/``organizations`` every tenant's operators (one tenant with ``domain_hint``).
        """
        if authority.tenant is None:
            tenants = self.tenants()
            if domain_hint:
                hinted = [t for t in tenants if t.domain.lower() == domain_hint.lower()]
                tenants = hinted or tenants
            return [Candidate(t, o, False) for t in tenants for o in t.operators]
        tenant = authority.tenant
        members = [Candidate(tenant, o, False) for o in tenant.operators]
        partners = [Candidate(p, o, True) for p, o in partner_technicians(self.tenants(), tenant.tenant_id)]
        return members + partners
