"""An MSP's customers for one signed-in partner user: read, checked, kept briefly in memory.

``partner_customers`` reads the partner tenant's GDAP data with the partner scope
(``DelegatedAdminRelationship.Read.All``, never asked of a customer) plus ``Group.Read.All`` and
``Directory.AccessAsUser.All`` for group names and the user's memberships, then asks Entra, as
the user, for a Graph token from each customer the user has an active role in, with the read
scopes: that answer is the consent check, and with the token the customer's default domain is
read. The result is kept per (partner tenant, user) for a few
minutes (DESIGN §2.6), never on disk.

``onboarded_customers`` is the list other features build on (the tenant switcher, cross-tenant
work): the onboarded customers of this partner this user can use now.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.requests import Request

from intune_assistant.customers.assess import assess
from intune_assistant.customers.model import Consent, Customer, CustomerAccess
from intune_assistant.customers.read import GdapData, read_default_domain, read_gdap
from intune_assistant.identity.obo import OboError
from intune_assistant.tenants import TenantRecord

from ..context import signin_url, web_state
from ..identity_api import ConsentRequired, OboTokenProvider, Principal, SignInRequired

# How long a partner user's customer list is reused (the switcher reads it on every switch).
TTL_S = 300.0
# Customers checked at once (each is one token request to Entra and one Graph read).
CONCURRENCY = 8
_PARTNER_EXTRA = ("Group.Read.All", "Directory.AccessAsUser.All")


@dataclass
class CustomerList:
    """One partner user's customers as read at ``read_at`` (Unix seconds)."""

    customers: list[Customer]
    gaps: list[str]
    read_at: float


@dataclass
class CustomerCache:
    """Customer lists per (partner tenant, user), in memory for ``TTL_S``."""

    entries: dict[tuple[str, str], CustomerList] = field(default_factory=dict)

    def get(self, key: tuple[str, str]) -> CustomerList | None:
        """The list kept for ``key`` while it is fresh."""
        entry = self.entries.get(key)
        return entry if entry is not None and time.time() - entry.read_at < TTL_S else None

    def put(self, key: tuple[str, str], value: CustomerList) -> None:
        """Keep ``value`` for ``key`` (dropping stale entries of everyone)."""
        now = time.time()
        for stale in [k for k, v in self.entries.items() if now - v.read_at >= TTL_S]:
            del self.entries[stale]
        self.entries[key] = value

    def drop(self, partner_tenant_id: str) -> None:
        """Forget every user's list of a partner (after an onboarding changed the registry)."""
        for key in [k for k in self.entries if k[0] == partner_tenant_id.lower()]:
            del self.entries[key]


def partner_scopes(request: Request) -> tuple[str, ...]:
    """The scopes asked of the partner tenant to find and link its customers."""
    return (*web_state(request).catalog.partner_scopes(), *_PARTNER_EXTRA)


def consent_link(request: Request, tenant_id: str) -> str:
    """A link to send to a customer's administrator: sign in to Intune Assistant there and consent."""
    return str(request.base_url).rstrip("/") + signin_url(next_url="/onboarding", tenant=tenant_id)


async def _check(request: Request, principal: Principal, api_token: str, tenant_id: str) -> CustomerAccess:
    """Ask Entra for a Graph token from the customer as this user: consent, and the default domain."""
    state = web_state(request)
    acting = principal.in_customer(tenant_id, ())
    scopes = state.policies.scopes(frozenset())
    try:
        await state.obo.graph_token(api_token, acting, scopes)
    except ConsentRequired:
        return CustomerAccess(Consent.MISSING, consent_url=consent_link(request, tenant_id))
    except SignInRequired as exc:
        return CustomerAccess(Consent.UNKNOWN, note=f"Entra ID refused you there: {exc.message}")
    except OboError as exc:
        return CustomerAccess(Consent.UNKNOWN, note=exc.message)
    provider = OboTokenProvider(state.obo, api_token, acting)
    async with state.policies.graph_client(provider, scopes) as client:
        domain = await read_default_domain(client)
    return CustomerAccess(Consent.GRANTED, domain=domain)


async def partner_customers(
    request: Request, principal: Principal, api_token: str, *, fresh: bool = False, only: str | None = None
) -> CustomerList:
    """The partner's customers as ``principal`` (a member of the partner tenant) sees them.

    ``only``: check consent of that one customer only (the others' stays unknown) — what a page
    of a switched-to customer needs, without one token request per customer. Raises
    ``ConsentRequired`` when the partner has not consented to the partner scope, and
    ``GdapUnreadable`` when Graph refuses the relationships.
    """
    state = web_state(request)
    partner, user = principal.cache_key()
    key = (partner, user if only is None else f"{user}|{only.lower()}")
    cached = None if fresh else state.customers.get(key)
    if cached is not None:
        return cached
    scopes = partner_scopes(request)
    provider = OboTokenProvider(state.obo, api_token, principal)
    # Fresh: removed consent or a disabled partner user stops this page at once (DESIGN §2.7).
    await state.obo.graph_token(api_token, principal, scopes, fresh=True)
    async with state.policies.graph_client(provider, scopes) as client:
        data = await read_gdap(client, principal.object_id)
    reachable = [t for t in _reachable(data) if only is None or t == only.lower()]
    limit = asyncio.Semaphore(CONCURRENCY)

    async def check(tenant_id: str) -> tuple[str, CustomerAccess]:
        async with limit:
            return tenant_id, await _check(request, principal, api_token, tenant_id)

    access = dict(await asyncio.gather(*(check(t) for t in reachable)))
    tenants = [str(r.get("customer", {}).get("tenantId", "")) for r in data.relationships]
    records = await asyncio.to_thread(_records, request, tenants)
    customers = assess(data, access, records, partner_tenant_id=principal.tenant_id, now=datetime.now(UTC))
    result = CustomerList(customers, data.gaps, time.time())
    state.customers.put(key, result)
    return result


def _reachable(data: GdapData) -> list[str]:
    """Customers with an active relationship whose roles reach the user (only those can be asked)."""
    found: list[str] = []
    for raw in data.relationships:
        customer = raw.get("customer")
        tenant = str(customer.get("tenantId", "")).lower() if isinstance(customer, dict) else ""
        if not tenant or raw.get("status") != "active" or tenant in found:
            continue
        groups = {
            str(a.get("accessContainer", {}).get("accessContainerId", "")).lower()
            for a in data.assignments.get(str(raw.get("id", "")), [])
            if a.get("status", "active") == "active"
        }
        if data.user_groups is None or groups & data.user_groups:
            found.append(tenant)
    return found


def _records(request: Request, tenant_ids: list[str]) -> dict[str, TenantRecord]:
    registry = web_state(request).registry
    found: dict[str, TenantRecord] = {}
    for tenant_id in dict.fromkeys(t.lower() for t in tenant_ids if t):
        record = registry.get(tenant_id)
        if record is not None:
            found[tenant_id] = record
    return found


async def usable_customer(request: Request, principal: Principal, api_token: str, tenant_id: str) -> Customer | None:
    """The onboarded customer ``tenant_id`` of ``principal``'s partner if this user can use it now.

    Answered from the whole list when it is at hand, else from a read that checks only this
    customer's consent. Same errors as ``partner_customers``.
    """
    wanted = tenant_id.lower()
    listed = web_state(request).customers.get(principal.cache_key())
    if listed is None:
        listed = await partner_customers(request, principal, api_token, only=wanted)
    found = next((c for c in listed.customers if c.tenant_id == wanted), None)
    return found if found is not None and found.onboarded and found.usable else None


async def onboarded_customers(request: Request, principal: Principal, api_token: str) -> list[Customer]:
    """The onboarded customers of ``principal``'s partner tenant that this user can use now.

    ``principal`` is a member of the partner tenant (not a technician token of a customer).
    Same errors as ``partner_customers``.
    """
    listed = await partner_customers(request, principal, api_token)
    return [c for c in listed.customers if c.onboarded and c.usable]
