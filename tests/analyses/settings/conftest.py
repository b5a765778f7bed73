"""Snapshots for the settings-row and renderer tests: demo tenants collected through the product's own client,
and both real-world sample exports imported."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from tests.support import SAMPLES

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.collect.collector import collect
from intune_assistant.collect.importers import import_path
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo


async def collect_demo(demo: DemoTenancy, name: str, catalog: Catalog | None = None) -> Snapshot:
    """Collect demo tenant ``name`` in-process through the product's client and collector."""
    catalog = catalog or default_catalog()
    data = demo.tenants[name]
    async with GraphClient(
        StaticTokenProvider(demo.token(name)),
        scopes=catalog.read_scopes(),
        base_url="https://graph.microsoft.com",
        transport=httpx.ASGITransport(app=demo.app),
    ) as client:
        return await collect(
            client,
            catalog,
            TenantInfo(tenant_id=data.tenant_id, domain=data.domain, display_name=data.display_name),
            source="emulator",
        )


@pytest.fixture(scope="session")
def demo() -> DemoTenancy:
    return build_demo(options=EmulatorOptions(throttling=False))


@pytest.fixture(scope="session")
def demo_snapshots(demo: DemoTenancy) -> dict[str, Snapshot]:
    return {name: asyncio.run(collect_demo(demo, name)) for name in ("contoso", "fabrikam", "partner")}


@pytest.fixture(scope="session")
def contoso(demo_snapshots: dict[str, Snapshot]) -> Snapshot:
    return demo_snapshots["contoso"]


@pytest.fixture(scope="session")
def sample_snapshots() -> dict[str, Snapshot]:
    return {name: import_path(SAMPLES / name) for name in ("intunecd-backup", "intunemanagement-export")}


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()
