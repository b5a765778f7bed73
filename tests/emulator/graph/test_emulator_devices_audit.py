"""Managed devices and Intune audit events as the demo tenants serve them: the devices' scope (403
naming it without), what the device list carries (no memory or TPM, as Graph's list), and audit
events filtered on activityDateTime and paged (intune-auditing-auditevent-list.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from intune_assistant.catalog.modules import default_read_scopes
from intune_assistant.emulator.demo import DemoTenancy, build_demo

GRAPH = "https://graph.microsoft.com"
DEVICES_READ = "DeviceManagementManagedDevices.Read.All"


@pytest.fixture(scope="module")
def demo() -> DemoTenancy:
    return build_demo(["contoso", "large"])


def _client(demo: DemoTenancy, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo.app), base_url=GRAPH, headers={"Authorization": f"Bearer {token}"}
    )


async def test_managed_devices_need_their_scope_and_carry_what_graphs_list_carries(demo: DemoTenancy) -> None:
    default = demo.token("contoso", scopes=default_read_scopes(demo.catalog))
    async with _client(demo, default) as graph:
        refused = await graph.get("/beta/deviceManagement/managedDevices")
    assert refused.status_code == 403 and DEVICES_READ in refused.json()["error"]["message"]
    with_module = demo.token("contoso", scopes=[*default_read_scopes(demo.catalog), DEVICES_READ])
    async with _client(demo, with_module) as graph:
        listed = await graph.get("/beta/deviceManagement/managedDevices")
    assert listed.status_code == 200, listed.text
    devices = listed.json()["value"]
    assert len(devices) == len(demo.tenants["contoso"].objects["managedDevices"])
    assert all(d["totalStorageSpaceInBytes"] > d["freeStorageSpaceInBytes"] >= 0 for d in devices)
    assert all(d["physicalMemoryInBytes"] == 0 and "hardwareInformation" not in d for d in devices)


async def test_audit_events_filter_on_activity_date_time_and_page(demo: DemoTenancy) -> None:
    tenant = demo.tenants["large"]
    newest = max(e["activityDateTime"] for e in [*tenant.audit_history, *tenant.audit_events])
    end = datetime.fromisoformat(newest[:19] + "+00:00")
    start, stop = end - timedelta(days=10), end - timedelta(days=2)
    wanted = [
        e
        for e in [*tenant.audit_history, *tenant.audit_events]
        if start.strftime("%Y-%m-%dT%H:%M:%S") <= e["activityDateTime"][:19] <= stop.strftime("%Y-%m-%dT%H:%M:%S")
    ]
    assert len(wanted) > 1000  # more than one page
    token = demo.token("large", scopes=default_read_scopes(demo.catalog))
    text = f"activityDateTime ge {start:%Y-%m-%dT%H:%M:%SZ} and activityDateTime le {stop:%Y-%m-%dT%H:%M:%SZ}"
    seen: list[dict[str, object]] = []
    pages = 0
    async with _client(demo, token) as graph:
        url: str | None = "/beta/deviceManagement/auditEvents"
        params: dict[str, str] | None = {"$filter": text}
        while url:
            page = await graph.get(url, params=params)
            assert page.status_code == 200, page.text
            body = page.json()
            assert len(body["value"]) <= 1000
            seen.extend(body["value"])
            pages += 1
            url, params = body.get("@odata.nextLink"), None
        bad = await graph.get("/beta/deviceManagement/auditEvents", params={"$filter": "activityDateTime ge"})
    assert pages >= 2 and {e["id"] for e in seen} == {e["id"] for e in wanted}
    assert bad.status_code == 400
    assert all(e["actor"]["userPrincipalName"] for e in seen)
    assert datetime.now(UTC) > end  # the seeded log ends before the demo's day starts
