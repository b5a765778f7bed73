"""Real clicks in the targeting pages: Troubleshoot a user on a device, and the assignments CSV download."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e.browsing import sign_in_and_onboard

from intune_assistant.analyses.assignments import read_assignments_csv


def _windows_pair(stack: Any) -> tuple[str, str]:
    tenant = stack.demo.tenants["contoso"]
    users = {u["id"]: u["userPrincipalName"] for u in tenant.objects["users"]}
    device = next(
        d
        for d in tenant.objects["managedDevices"]
        if d.get("operatingSystem") == "Windows" and d.get("userId") in users
    )
    return str(users[device["userId"]]), str(device["deviceName"])


def test_troubleshoot_and_assignment_export(stack: Any, browser: Any, shots: Path) -> None:
    context = sign_in_and_onboard(browser, stack, modules=("managed-devices",))
    page = context.new_page()
    upn, device = _windows_pair(stack)

    page.goto(stack.base_url + "/policies")
    page.get_by_role("link", name="Troubleshoot").click()
    page.wait_for_url(re.compile(r".*/troubleshoot$"))
    # Suggestions come as you type (htmx), not with the page.
    assert page.locator("#user-list option").count() == 0
    page.get_by_label("User (UPN)").fill(upn[:-2])
    page.locator("#user-list option").first.wait_for(state="attached")
    assert upn in [o.get_attribute("value") for o in page.locator("#user-list option").all()]
    page.get_by_label("User (UPN)").fill(upn)
    page.get_by_label("Device name").fill(device)
    page.get_by_role("button", name="Troubleshoot").click()
    page.wait_for_url(re.compile(r".*/troubleshoot\?user=.*&device=.*"))
    verdicts = page.get_by_test_id("verdicts")
    assert verdicts.locator("[data-verdict=applies]").count() > 0
    assert "Targeted" in verdicts.inner_text()
    page.locator("[data-testid=verdicts] details summary").first.click()
    assert page.locator("[data-testid=verdicts] details[open] li").count() > 0
    assert re.search(r"\d+ settings from \d+ policies", page.get_by_test_id("resultant-summary").inner_text())
    page.screenshot(path=str(shots / "targeting-01-troubleshoot-1280.png"), full_page=False)
    page.get_by_test_id("tab-settings").click()
    page.wait_for_url(re.compile(r".*/troubleshoot\?.*show=settings"))
    assert page.get_by_test_id("resultant").locator("tbody tr").count() > 1

    page.get_by_label("Group").select_option(label="Intune Managed Users")
    page.get_by_role("button", name="Show what changes").click()
    page.wait_for_selector("[data-testid=what-if-result]")
    assert "Intune Managed Users" in page.get_by_test_id("what-if-result").inner_text()

    page.get_by_role("link", name="Assignments").click()
    page.wait_for_selector("[data-testid=assignments-table]")
    assert page.locator("[data-mode=exclude]").count() > 0 and page.locator("[data-mode=include]").count() > 0
    page.screenshot(path=str(shots / "targeting-02-assignments-1280.png"), full_page=False)
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert re.fullmatch(
        r"contoso\.onmicrosoft\.com_assignments_\d{4}-\d{2}-\d{2}_\d{4}\.csv", download.suggested_filename
    )
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = read_assignments_csv(body.decode("utf-8"))
    shown = int(re.search(r"(\d+) assignment rows", page.get_by_test_id("result-count").inner_text()).group(1))
    assert len(rows) == shown

    page.get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="Intune Pilot Users", exact=True).click()
    page.wait_for_selector("[data-testid=group-assignments]")
    page.screenshot(path=str(shots / "targeting-03-group-1280.png"), full_page=False)
    context.close()
