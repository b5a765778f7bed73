"""Demo tenants collected through the product's own client, shared by the compare tests."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.collect.collector import collect
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo

GRAPH = "https://graph.microsoft.com"


def collect_snapshot(demo: DemoTenancy, name: str) -> Snapshot:
    """Collect demo tenant ``name`` in-process, as ``intune-assistant snapshot --demo`` does."""
    data = demo.tenants[name]

    async def run() -> Snapshot:
        async with GraphClient(
            StaticTokenProvider(demo.token(name)),
            scopes=demo.catalog.read_scopes(),
            base_url=GRAPH,
            transport=httpx.ASGITransport(app=demo.app),
        ) as client:
            tenant = TenantInfo(tenant_id=data.tenant_id, domain=data.domain, display_name=data.display_name)
            return await collect(client, demo.catalog, tenant, source="emulator")

    return asyncio.run(run())


@pytest.fixture(scope="session")
def demo() -> DemoTenancy:
    """Contoso and Fabrikam served by the emulator."""
    return build_demo(["contoso", "fabrikam"])


@pytest.fixture(scope="session")
def contoso(demo: DemoTenancy) -> Snapshot:
    return collect_snapshot(demo, "contoso")


@pytest.fixture(scope="session")
def fabrikam(demo: DemoTenancy) -> Snapshot:
    return collect_snapshot(demo, "fabrikam")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()
