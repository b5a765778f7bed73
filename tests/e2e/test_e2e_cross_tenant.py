"""Cross-tenant reports in a real browser: the partner admin signs in, onboards customers, runs a report
over them (one request per customer from the page, each state shown as it finishes) and exports it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.e2e.browsing import WIDE


def test_partner_runs_a_cross_tenant_report_and_exports_it(stack: Any, browser: Any, shots: Path) -> None:
    partner = stack.demo.tenants["partner"]
    admin = next(o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True, accept_downloads=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.locator("button[name=user]", has_text=admin.user_principal_name).click()
    page.wait_for_url(re.compile(r".*/(onboarding|policies)$"))
    if page.url.endswith("/onboarding"):
        page.get_by_role("button", name="Grant admin consent").click()
        page.wait_for_url(re.compile(r".*/adminconsent.*"))
        page.locator("button[name=user]", has_text=admin.user_principal_name).click()
        page.wait_for_url(re.compile(r".*/policies"))

    page.goto(stack.base_url + "/customers")
    for name in ("Contoso", "Woodgrove Bank"):
        page.get_by_label(f"Onboard {name}").check()
    page.get_by_test_id("onboard-selected").click()
    expect(page.get_by_test_id("onboarded-notice")).to_contain_text("2 customer(s) onboarded")

    # The tenant menu leads to the reports; the onboarded customers are chosen, and the expired one is added.
    page.locator("#tenant-menu summary").click()
    page.get_by_role("link", name="Cross-tenant reports…").click()
    page.wait_for_url(re.compile(r".*/reports$"))
    expect(page.get_by_label("Report on Contoso")).to_be_checked()
    expect(page.get_by_label("Report on Fabrikam")).not_to_be_checked()
    page.get_by_label("Report on Litware Inc.").check()
    page.get_by_label("Assignment hygiene").check()
    page.get_by_test_id("run-report").click()

    run = page.get_by_test_id("report-run")
    expect(run).to_have_attribute("data-done", "true", timeout=60_000)
    assert "report=hygiene" in page.url and "run=1" in page.url
    states = page.get_by_test_id("tenant-status")
    expect(states).to_have_count(3)
    expect(states.filter(has_text="Contoso")).to_have_attribute("data-state", "ok")
    expect(states.filter(has_text="Woodgrove")).to_have_attribute("data-state", "ok")
    litware = states.filter(has_text="Litware")
    expect(litware).to_have_attribute("data-state", "failed")
    expect(litware).to_contain_text("expired")
    expect(litware).to_contain_text("Request a new admin relationship")
    expect(page.get_by_test_id("report-progress")).to_contain_text("3 of 3 customer(s) done: 1 failed, 2 ok")
    table = page.get_by_test_id("report-table")
    expect(table.locator("tbody tr").filter(has_text="Unassigned objects")).to_have_count(2)
    page.screenshot(path=str(shots / "cross-tenant-01-hygiene.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    saved = download.value
    assert re.fullmatch(r".+_cross-tenant-hygiene_\d{4}-\d\d-\d\d_\d{4}\.csv", saved.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(saved.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["Customer", "Domain", "State", "Finding"]
    assert {r[0] for r in rows[1:]} == {"Contoso", "Woodgrove Bank", "Litware Inc."}
    assert any(r[0] == "Litware Inc." and r[2] == "failed" and "expired" in r[-2] for r in rows[1:])
    context.close()
