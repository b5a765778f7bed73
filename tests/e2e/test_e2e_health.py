"""Tenant health in a real browser: reached from the navigation, it shows the planted expiring and
expired items with their verdicts, filters by verdict through the URL, and exports what it shows."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.e2e.browsing import sign_in_and_onboard


def test_tenant_health_shows_the_planted_items(stack: Any, browser: Any, shots: Path) -> None:
    planted = stack.demo.tenants["contoso"].planted
    (expiring,) = planted["expiringSoon"]
    (expired,) = planted["expired"]
    (failing,) = planted["syncFailed"]
    page = sign_in_and_onboard(browser, stack).new_page()
    page.goto(stack.base_url + "/policies")
    page.get_by_role("navigation").get_by_role("link", name="Tenant health").click()
    page.wait_for_url(re.compile(r".*/health$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tenant health")
    rows = page.get_by_test_id("health-row")
    soon = rows.filter(has_text=expiring)
    expect(soon).to_have_count(1)
    expect(soon.locator("[data-verdict]")).to_have_text("⚠ Expires soon")
    expect(soon.locator("td.num")).to_have_text("10")
    gone = rows.filter(has_text=expired)
    expect(gone.locator("[data-verdict]")).to_have_text("✖ Expired")
    expect(gone.locator("td.num")).to_have_text("-5")
    expect(rows.filter(has_text=failing).locator("[data-verdict]")).to_have_text("✖ Sync failed")
    # Worst first: the expired token heads the list.
    expect(rows.first).to_contain_text(expired)
    page.screenshot(path=str(shots / "health-01-1280.png"), full_page=True)

    # The verdict menu filters on the server and lands in the URL (a view that can be shared).
    page.get_by_label("Verdict").select_option("Expired")
    page.wait_for_url(re.compile(r".*/health\?.*verdict=Expired"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(expired)
    page.reload()
    expect(page.get_by_test_id("health-row")).to_have_count(1)

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    name = download.value.suggested_filename
    assert name.startswith("contoso.onmicrosoft.com_tenant-health_") and name.endswith(".csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["Verdict", "Type", "Name"]
    assert [line[2] for line in lines[1:]] == [expired]
    page.context.close()
