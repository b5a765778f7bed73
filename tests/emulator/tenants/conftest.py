"""Shared fixtures: the demo tenants and the large tenant, built once per test session."""

from __future__ import annotations

import pytest

from intune_assistant.emulator.tenants import TenantData, demo_tenants, large_tenant


@pytest.fixture(scope="session")
def demo_set() -> dict[str, TenantData]:
    return demo_tenants()


@pytest.fixture(scope="session")
def large_data() -> TenantData:
    return large_tenant()
