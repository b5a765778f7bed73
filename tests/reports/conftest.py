"""The demo partner with its five customers (Contoso, Fabrikam, Woodgrove read-only, Litware expired,
Adatum without consent) served in-process, its customers as the product assesses them, and a reader
that collects a customer with the token Entra issues the partner admin there (GDAP)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest

from intune_assistant.customers.assess import assess, no_consent_problem
from intune_assistant.customers.model import Customer
from intune_assistant.customers.read import read_gdap
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.entra.errors import EntraError
from intune_assistant.graph import GraphClient, StaticTokenProvider, TokenProvider
from intune_assistant.reports.fanout import TenantReader
from intune_assistant.reports.model import TenantRefused
from intune_assistant.reports.reading import collecting_reader

GRAPH = "https://graph.microsoft.com"


@dataclass
class Partner:
    """The demo partner, its customers, and how a report reads them."""

    demo: DemoTenancy
    customers: list[Customer]
    admin_id: str

    def customer(self, name: str) -> Customer:
        tenant_id = self.demo.tenants[name].tenant_id
        return next(c for c in self.customers if c.tenant_id == tenant_id)

    def reader(self) -> TenantReader:
        transport = httpx.ASGITransport(app=self.demo.app)
        scopes = self.demo.catalog.read_scopes()

        async def provider_for(customer: Customer) -> TokenProvider:
            try:
                token = self.demo.entra.issue_graph_token_for(customer.tenant_id, self.admin_id, scopes)
            except EntraError as exc:
                if exc.code == 65001:
                    problem = no_consent_problem(customer.name)
                    raise TenantRefused(problem.code, problem.reason, problem.fix) from None
                raise TenantRefused("refused", str(exc)) from None
            return StaticTokenProvider(token)

        def client_for(provider: TokenProvider) -> GraphClient:
            return GraphClient(provider, GRAPH, scopes=scopes, transport=transport)

        return collecting_reader(provider_for, client_for, self.demo.catalog)


@pytest.fixture(scope="session")
def partner() -> Partner:
    demo = build_demo(("contoso", "fabrikam", "partner"))
    tenant = demo.tenants["partner"]
    admin = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    scopes = (*demo.catalog.partner_scopes(), "Group.Read.All", "Directory.AccessAsUser.All")

    async def read() -> list[Customer]:
        token = demo.token("partner", scopes=scopes)
        transport = httpx.ASGITransport(app=demo.app)
        async with GraphClient(StaticTokenProvider(token), GRAPH, scopes=scopes, transport=transport) as client:
            data = await read_gdap(client, admin.user_id)
        return assess(data, {}, {}, partner_tenant_id=tenant.tenant_id, now=datetime.now(UTC))

    return Partner(demo, asyncio.run(read()), admin.user_id)
