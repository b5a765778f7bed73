"""One customer's part of a cross-tenant report, inside one request with the user's own session.

The browser (or an API client, or the CLI in-process) fans out: one request per customer, so a
load balancer spreads the customers of one report over the replicas and nothing — no queue, no
job — carries a token or tenant data outside a request's memory. Each request finds the customer
in the partner's GDAP list (kept per partner and user for a few minutes), gets a Graph token
issued by the customer (On-Behalf-Of at its authority with the user's own API token), collects it
with a Graph client of its own (its own throttling window), reduces it to the report's rows and
drops the snapshot. A customer whose data this user already has in memory (the pages' cache) is
reduced from that instead of being read again. At most ``REPORT_SLOTS`` customers are collected at
once per replica; a request beyond waits for a slot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request

from intune_assistant.customers.assess import no_consent_problem
from intune_assistant.customers.model import Customer
from intune_assistant.graph import GraphClient, TokenProvider
from intune_assistant.identity.obo import OboError
from intune_assistant.reports.fanout import Collected, report_tenant
from intune_assistant.reports.model import Report, TenantRefused, TenantResult, TenantState
from intune_assistant.reports.reading import collecting_reader
from intune_assistant.reports.reducers import drift_report

from ..context import web_state
from ..customers.service import CustomerList, partner_customers
from ..fair_use import LimitReached
from ..identity_api import ConsentRequired, OboTokenProvider, Principal, SignInRequired
from ..policies.service import CollectJob
from ..tenant_data import collections_per_hour, read_as

# Customers one replica collects at once for reports (each a small snapshot while it is reduced).
REPORT_SLOTS = 16
CUSTOMERS_PAGE = "Open Customers to see each customer's relationship, roles and consent."
_ProviderFor = Callable[[Customer], Awaitable[TokenProvider]]
_ClientFor = Callable[[TokenProvider], GraphClient]


async def report_customers(request: Request, principal: Principal, api_token: str) -> list[Customer]:
    """Every GDAP customer of the user's partner tenant (the list a report is chosen from)."""
    return (await partner_customers(request, principal, api_token)).customers


async def _customer(request: Request, principal: Principal, api_token: str, tenant_id: str) -> Customer | None:
    listed = web_state(request).customers.get(principal.cache_key())
    if listed is None:
        # Another replica served the page (or the list expired): read the whole list once for all
        # of this report's requests here, rather than the relationships again for every customer.
        listed = await _shared_list(request, principal, api_token)
    return next((c for c in listed.customers if c.tenant_id == tenant_id), None)


async def _shared_list(request: Request, principal: Principal, api_token: str) -> CustomerList:
    """The partner's customer list, one read shared by the concurrent requests of this user."""
    reading = web_state(request).report_lists
    key = principal.cache_key()
    running = reading.get(key)
    if running is None:
        running = asyncio.ensure_future(partner_customers(request, principal, api_token))
        reading[key] = running
        running.add_done_callback(lambda _: reading.pop(key, None))
    # Shielded: one request giving up (its browser went away) does not cancel the others' read.
    return await asyncio.shield(running)


def _unusable(customer: Customer, why: str, fix: str) -> TenantResult:
    return TenantResult(
        customer.tenant_id, customer.name, customer.domain or "", TenantState.FAILED, reason=why, fix=fix
    )


async def tenant_report(
    request: Request, principal: Principal, api_token: str, report: Report, tenant_id: str
) -> TenantResult | None:
    """``report``'s rows for the customer ``tenant_id`` of ``principal``'s partner (``None``: not a customer).

    Raises what ``partner_customers`` raises when the partner's relationships cannot be read.
    """
    state = web_state(request)
    customer = await _customer(request, principal, api_token, tenant_id.lower())
    if customer is None:
        return None
    catalog = state.catalog
    if report.reads_tenant and customer.problem is None:
        record = await asyncio.to_thread(state.registry.get, customer.tenant_id)
        if record is None or not customer.onboarded:
            return _unusable(
                customer,
                f"{customer.name} is not onboarded by your partner tenant.",
                "Onboard it on the Customers page (an administrator of your partner tenant can).",
            )
        if not record.enabled:
            return _unusable(customer, f"{record.domain} is disabled in Intune Assistant.", "Ask to have it enabled.")
        acting = principal.in_customer(customer.tenant_id, customer.roles)
        kept = state.policies.cached(acting)
        if kept is not None:
            # The pages' data of this customer for this user: reduced as it is, nothing read again.
            snapshot = kept.snapshot

            async def from_cache(_: Customer) -> Collected:
                return Collected(snapshot, 0)

            return await report_tenant(report, customer, from_cache, catalog)
        try:
            state.policies.budget.take(customer.tenant_id, collections_per_hour(request, record))
        except LimitReached as exc:
            return _unusable(
                customer,
                f"{customer.name} reached its plan's {exc.limit} collections per hour.",
                f"Run the report again after {exc.resets_at:%H:%M} UTC.",
            )
        reader = collecting_reader(_provider(request, api_token, acting), _client(request), catalog)
        async with state.report_slots:
            return await report_tenant(report, customer, reader, catalog)
    return await report_tenant(report, customer, _never_read, catalog)


class GoldenUnavailable(Exception):
    """The golden tenant of a drift report cannot be read now; the message says why."""


async def golden_report(request: Request, principal: Principal, api_token: str, tenant_id: str) -> Report:
    """The drift report against ``tenant_id`` (the partner's own tenant or one of its onboarded customers).

    The golden tenant is read through the pages' collection cache of (that tenant, this user), so
    one report's requests on a replica share one read of it; ``GoldenUnavailable`` says why not.
    """
    state = web_state(request)
    wanted = tenant_id.strip().lower()
    acting = principal
    if wanted != principal.tenant_id.lower():
        customer = await _customer(request, principal, api_token, wanted)
        if customer is None or not customer.onboarded:
            raise GoldenUnavailable("The golden tenant must be your own tenant or a customer you onboarded.")
        if customer.problem is not None:
            raise GoldenUnavailable(customer.problem.reason)
        acting = principal.in_customer(customer.tenant_id, customer.roles)
    record = await asyncio.to_thread(state.registry.get, acting.tenant_id)
    if record is None or not record.enabled:
        raise GoldenUnavailable("The golden tenant is not onboarded, or is disabled.")
    try:
        found = await read_as(request, acting, api_token, record)
    except (OboError, LimitReached) as exc:
        raise GoldenUnavailable(f"{record.domain} could not be read: {exc}") from None
    if isinstance(found, CollectJob):
        raise GoldenUnavailable(f"{record.domain} is still being read ({found.percent}%): run the report again soon.")
    return drift_report(found.snapshot, record.domain)


async def _never_read(customer: Customer) -> Collected:
    # A customer with a GDAP problem, or a report answered from the partner's own data: no read.
    raise TenantRefused("not-read", f"{customer.name} is not read for this report.")


def _provider(request: Request, api_token: str, acting: Principal) -> _ProviderFor:
    state = web_state(request)
    scopes = state.policies.scopes(frozenset())

    async def provider_for(customer: Customer) -> TokenProvider:
        # Asked now, so Entra's refusal is this customer's reason rather than a failed read of every type.
        try:
            await state.obo.graph_token(api_token, acting, scopes)
        except ConsentRequired:
            problem = no_consent_problem(customer.name)
            raise TenantRefused(problem.code, problem.reason, problem.fix) from None
        except SignInRequired as exc:
            reason = f"Entra ID refused you in {customer.name}: {exc.message}"
            raise TenantRefused("refused", reason, CUSTOMERS_PAGE) from None
        except OboError as exc:
            raise TenantRefused("refused", exc.message, CUSTOMERS_PAGE) from None
        return OboTokenProvider(state.obo, api_token, acting)

    return provider_for


def _client(request: Request) -> _ClientFor:
    state = web_state(request)
    scopes = state.policies.scopes(frozenset())
    return lambda provider: state.policies.graph_client(provider, scopes)
