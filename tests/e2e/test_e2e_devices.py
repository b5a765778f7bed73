"""Devices in a real browser: off until an administrator turns the module on from the page itself
(consent for exactly its permission), then the planted stale devices filter through the URL and a
device opens Troubleshoot; three ticked devices added to a group (review → apply) show in Groups."""

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


def test_three_ticked_devices_added_to_a_group_show_in_groups(stack: Any, browser: Any, shots: Path) -> None:
    tenant = stack.demo.tenants["contoso"]
    group = next(g for g in tenant.objects["groups"] if g["displayName"] == "Pilot Devices")
    before = {m["id"] for m in group.get("members") or []}
    entra = {e["deviceId"]: e for e in tenant.objects["entraDevices"]}
    entra_of = {m["id"]: entra[m["azureADDeviceId"]] for m in tenant.objects["managedDevices"]}
    page = sign_in_and_onboard(browser, stack, modules=("managed-devices", "bulk-edit")).new_page()
    page.goto(stack.base_url + "/devices?os=Windows")
    page.wait_for_selector("[data-testid=devices-table]", timeout=30_000)
    rows = page.get_by_test_id("device-row")
    picks = page.get_by_test_id("devices-table").get_by_role("checkbox")

    # "Choose all" ticks and clears the page; one row ticked makes it mixed.
    choose_all = page.get_by_label(re.compile(r"Choose all \d+ devices on this page"))
    choose_all.check()
    assert all(picks.nth(i).is_checked() for i in range(picks.count()))
    choose_all.uncheck()
    assert not any(picks.nth(i).is_checked() for i in range(picks.count()))

    chosen = [
        rows.nth(i).get_attribute("data-device-id")
        for i in range(rows.count())
        if entra_of[str(rows.nth(i).get_attribute("data-device-id"))]["id"] not in before
    ][:3]
    names = [entra_of[str(c)]["displayName"] for c in chosen]
    for name in names:
        page.get_by_label(f"Choose {name}", exact=True).check()
    assert choose_all.evaluate("box => box.indeterminate")
    page.get_by_label("Add the ticked devices to the static group").fill("Pilot Devices")
    expect(page.get_by_test_id("group-suggestions").locator("option[value='Pilot Devices']")).to_have_count(1)
    page.screenshot(path=str(shots / "devices-03-ticked.png"), full_page=True)
    page.get_by_role("button", name="Add to group…").click()

    page.wait_for_url(re.compile(r".*/bulk-edits/review$"))
    expect(page.get_by_test_id("count-objects")).to_have_text("3")
    for name in names:
        expect(page.get_by_test_id("preview")).to_contain_text(f"add device '{name}' to 'Pilot Devices'")
    page.screenshot(path=str(shots / "devices-04-review.png"), full_page=True)
    page.get_by_test_id("apply").click()
    page.wait_for_url(re.compile(r".*/bulk-edits/apply/[A-Za-z0-9_-]{30,}$"))
    page.wait_for_selector("[data-testid=results-table]", timeout=30_000)
    expect(page.get_by_test_id("count-applied")).to_have_text("3")

    # Groups → Pilot Devices: once the read that apply started is in, the three are members.
    page.get_by_role("navigation").get_by_role("link", name="Groups").click()
    page.wait_for_url(re.compile(r".*/groups$"))
    page.get_by_role("searchbox", name="Search").fill("Pilot Devices")
    page.get_by_role("link", name="Pilot Devices", exact=True).click()
    page.wait_for_url(re.compile(r".*/groups/.+"))
    if page.get_by_test_id("refreshing").count():
        page.get_by_test_id("newer-data").click(timeout=30_000)
        page.wait_for_selector("[data-testid=group-members]")
    members = page.get_by_test_id("group-members")
    for name in names:
        expect(members.get_by_role("rowheader", name=name, exact=True)).to_have_count(1)
    expect(page.get_by_test_id("group-summary")).to_contain_text(f"{len(before) + 3} devices directly")
    page.screenshot(path=str(shots / "devices-05-group.png"), full_page=True)
    page.context.close()
