"""Another onboarded tenant as a deploy's source (a golden tenant → this tenant).

The tenants a user can read besides the one in use are those Graph lets them read: for a member of
an MSP's partner tenant, the partner's onboarded GDAP customers, and — while working in a customer —
the partner tenant itself. The source is read exactly as if the user had switched to it: with a
token that tenant's Entra issues for this user (On-Behalf-Of at its authority), through the
collection cache keyed by that tenant and user (DESIGN §2.6). Nothing is kept beyond that cache.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.requests import Request

from intune_assistant.identity.principal import Principal
from intune_assistant.snapshot import Snapshot

from ..context import web_state
from ..customers.service import usable_customer
from ..policies.service import CollectJob
from ..tenant_data import TenantData, read_as
from .planning import PlanInputError

PREFIX = "tenant:"


@dataclass(frozen=True)
class OtherTenant:
    """A tenant the user may deploy from: its id and domain."""

    tenant_id: str
    domain: str

    @property
    def value(self) -> str:
        """The form's value for it."""
        return PREFIX + self.tenant_id


def _member(request: Request, data: TenantData) -> Principal:
    """The partner-tenant member behind this request (themselves, unless they switched into a customer)."""
    partner = getattr(request.state, "partner_principal", None)
    return partner if isinstance(partner, Principal) else data.principal


async def other_tenants(request: Request, data: TenantData) -> list[OtherTenant]:
    """The onboarded, enabled tenants besides this one that the user reaches through their partner tenant."""
    member = _member(request, data)
    if member.is_partner_technician:
        return []  # a technician's own token reaches only the customer it was issued by
    registry = web_state(request).registry
    records = list(await asyncio.to_thread(registry.customers_of, member.tenant_id))
    if member is not data.principal:
        own = await asyncio.to_thread(registry.get, member.tenant_id)
        records = [own, *records] if own is not None else records
    current = data.principal.tenant_id.lower()
    return [OtherTenant(r.tenant_id, r.domain) for r in records if r.enabled and r.tenant_id.lower() != current]


async def golden_snapshot(request: Request, data: TenantData, value: str) -> tuple[Snapshot, str]:
    """The collection of the tenant ``tenant:<id>`` as this user reads it, and its domain.

    Raises:
        PlanInputError: not a tenant this user can read now, or its first read is still running.
    """
    wanted = value.removeprefix(PREFIX).lower()
    chosen = next((t for t in await other_tenants(request, data) if t.tenant_id.lower() == wanted), None)
    if chosen is None:
        raise PlanInputError("that tenant is not one you can read here: choose one of the list")
    member = _member(request, data)
    if chosen.tenant_id.lower() == member.tenant_id.lower():
        principal = member
    else:
        customer = await usable_customer(request, member, data.api_token, chosen.tenant_id)
        if customer is None:
            raise PlanInputError(f"you can't read {chosen.domain} now: open Customers for the reason and the fix")
        principal = member.in_customer(customer.tenant_id, customer.roles)
    state = web_state(request)
    record = await asyncio.to_thread(state.registry.get, chosen.tenant_id)
    if record is None or not record.enabled:
        raise PlanInputError(f"{chosen.domain} is no longer onboarded or is disabled")
    result = await read_as(request, principal, data.api_token, record)
    if isinstance(result, CollectJob):
        raise PlanInputError(f"{record.domain} is still being read ({result.percent}%): try again in a moment")
    return result.snapshot, record.domain
