"""Demo tenants collected through the product's own client, shared by the compare tests."""

from __future__ import annotations

import asyncio

import pytest
from tests.integration.conftest import collect_demo

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.snapshot import Snapshot


def collect_snapshot(demo: DemoTenancy, name: str) -> Snapshot:
    """Collect demo tenant ``name`` in-process, as ``intune-assistant snapshot --demo`` does."""
    snapshot, _ = asyncio.run(collect_demo(demo, name))
    return snapshot


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
