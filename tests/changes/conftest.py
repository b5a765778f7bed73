"""A writable Contoso for the apply tests: write scopes consented, a fresh tenant per test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import httpx
import pytest
from tests.integration.conftest import collect_demo

from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.emulator.tenants.model import OperatorRole, TenantData
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot

GRAPH = "https://graph.microsoft.com"
WRITE_SCOPES = (
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementScripts.ReadWrite.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
)


@dataclass
class Writable:
    """A demo tenancy whose Contoso consented to the write scopes, and Contoso's snapshot."""

    demo: DemoTenancy
    snapshot: Snapshot

    @property
    def tenant(self) -> TenantData:
        return self.demo.tenants["contoso"]

    def token(self, *, role: OperatorRole = "admin", write: bool = True) -> str:
        scopes: Sequence[str] = [*self.demo.catalog.read_scopes(), *(WRITE_SCOPES if write else ())]
        return self.demo.token("contoso", role=role, scopes=scopes)

    def client(self, token: str | None = None) -> GraphClient:
        return GraphClient(
            StaticTokenProvider(token or self.token()),
            base_url=GRAPH,
            transport=httpx.ASGITransport(app=self.demo.app),
            sleep=_fast_sleep,
        )

    async def recollect(self) -> Snapshot:
        snapshot, _ = await collect_demo(self.demo, "contoso", token=self.token())
        return snapshot


async def _fast_sleep(seconds: float) -> None:
    await asyncio.sleep(min(seconds, 1.0) / 100)


@pytest.fixture
async def writable() -> AsyncIterator[Writable]:
    demo = build_demo(["contoso"], options=EmulatorOptions())
    demo.entra.grant_consent(demo.tenants["contoso"].tenant_id, WRITE_SCOPES)
    snapshot, _ = await collect_demo(demo, "contoso")
    yield Writable(demo, snapshot)
