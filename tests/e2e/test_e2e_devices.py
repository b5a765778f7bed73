"""Devices in a real browser: off until an administrator turns the module on from the page itself
(consent for exactly its permission), then the planted stale devices filter through the URL and a
device opens Troubleshoot."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.e2e.browsing import contoso_admin, sign_in_and_onboard


def test_devices_turn_on_then_show_the_planted_stale_devices(stack: Any, browser: Any, shots: Path) -> None:
    tenant = stack.demo.tenants["contoso"]
    stale = set(tenant.planted["staleDevices"])
    page = sign_in_and_onboard(browser, stack).new_page()
    page.goto(stack.base_url + "/policies")
    page.get_by_role("navigation").get_by_role("link", name="Devices").click()
    page.wait_for_url(re.compile(r".*/devices$"))
    off = page.get_by_test_id("module-off")
    expect(off).to_contain_text("DeviceManagementManagedDevices.Read.All")
    expect(off).to_contain_text("Every other page works without it")
    page.screenshot(path=str(shots / "devices-01-off.png"), full_page=True)

    page.get_by_role("button", name="Turn on Managed devices").click()
    page.wait_for_url(re.compile(r".*/adminconsent.*"))
    assert "DeviceManagementManagedDevices.Read.All" in page.url and "Configuration.Read.All" not in page.url
    page.locator("button[name=user]", has_text=contoso_admin(stack)).click()
    page.wait_for_url(re.compile(r".*/tenant\?activated=managed-devices"))
    expect(page.get_by_role("status").first).to_contain_text("Managed devices")

    page.goto(stack.base_url + "/devices")
    page.wait_for_selector("[data-testid=devices-table]", timeout=30_000)
    page.get_by_label("Finding").select_option("Stale")
    page.wait_for_url(re.compile(r".*/devices\?.*finding=Stale"))
    rows = page.get_by_test_id("device-row")
    expect(rows).to_have_count(len(stale))
    shown = {rows.nth(i).get_attribute("data-device-id") for i in range(rows.count())}
    assert shown == stale
    expect(rows.first.get_by_test_id("device-findings")).to_contain_text("more than 30 days")
    page.screenshot(path=str(shots / "devices-02-stale.png"), full_page=True)

    name = rows.first.get_by_role("link").inner_text()
    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/troubleshoot\?device=.+"))
    expect(page.get_by_test_id("subject")).to_contain_text(name)
    page.context.close()
