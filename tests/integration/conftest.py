"""Shared fixtures: demo tenants served by the emulator, collected through the real client."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx
import pytest

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.collect.collector import collect
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.graph import GraphClient, RateLimits, StaticTokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo

GRAPH = "https://graph.microsoft.com"


async def collect_demo(
    demo: DemoTenancy,
    name: str,
    *,
    token: str | None = None,
    types: Sequence[str] | None = None,
    catalog: Catalog | None = None,
    limits: RateLimits | None = None,
    honour_waits: bool = False,
    previous: Snapshot | None = None,
    scopes: Sequence[str] | None = None,
) -> tuple[Snapshot, GraphClient]:
    """Collect demo tenant ``name`` in-process through the product's own client and collector.

    Retry waits are shortened unless ``honour_waits`` (needed when the emulator throttles);
    ``scopes`` default to the catalog's read scopes (a partner's own tenant adds its GDAP scope).
    """
    catalog = catalog or demo.catalog
    data = demo.tenants[name]
    provider = StaticTokenProvider(token or demo.token(name))
    async with GraphClient(
        provider,
        scopes=tuple(scopes) if scopes is not None else catalog.read_scopes(),
        base_url=GRAPH,
        transport=httpx.ASGITransport(app=demo.app),
        sleep=asyncio.sleep if honour_waits else _fast_sleep,
        limits=limits,
    ) as client:
        snapshot = await collect(
            client,
            catalog,
            TenantInfo(tenant_id=data.tenant_id, domain=data.domain, display_name=data.display_name),
            types=types,
            source="emulator",
            previous=previous,
        )
    return snapshot, client


async def _fast_sleep(seconds: float) -> None:
    # Retries still wait, but a hundredth of what Graph asked: tests stay fast, order is kept.
    await asyncio.sleep(min(seconds, 1.0) / 100)


@pytest.fixture(scope="session")
def demo() -> DemoTenancy:
    """Contoso, Fabrikam and the partner tenant, throttling on, no latency."""
    return build_demo(options=EmulatorOptions())


@pytest.fixture(scope="session")
def contoso_snapshot(demo: DemoTenancy) -> Snapshot:
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso"))
    return snapshot


@pytest.fixture(scope="session")
def partner_snapshot(demo: DemoTenancy) -> Snapshot:
    snapshot, _ = asyncio.run(collect_demo(demo, "partner"))
    return snapshot


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()
