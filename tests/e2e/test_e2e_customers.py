"""An MSP in a real browser: the partner admin signs in, sees the GDAP customers with the reason and
fix of those that cannot be used, onboards three, and switches into one (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.e2e.browsing import WIDE


def test_partner_admin_onboards_customers_and_switches(stack: Any, browser: Any, shots: Path) -> None:
    tenants = stack.demo.tenants
    partner = tenants["partner"]
    admin = next(o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True)
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

    # The partner's own tenant is read first (its progress page reloads itself): then Customers.
    page.goto(stack.base_url + "/customers")
    rows = page.get_by_test_id("customer-row")
    expect(rows).to_have_count(5)
    expect(rows.filter(has_text="Litware")).to_contain_text("expired on")
    expect(rows.filter(has_text="Litware")).to_contain_text("Request a new admin relationship")
    expect(rows.filter(has_text="Adatum")).to_contain_text("has not granted admin consent")
    expect(rows.filter(has_text="Adatum").get_by_test_id("consent-link")).to_be_visible()
    page.screenshot(path=str(shots / "customers-01-1280.png"), full_page=True)

    for name in ("Contoso", "Fabrikam", "Woodgrove Bank"):
        page.get_by_label(f"Onboard {name}").check()
    page.get_by_test_id("onboard-selected").click()
    expect(page.get_by_test_id("onboarded-notice")).to_contain_text("3 customer(s) onboarded")

    page.get_by_test_id("customers-search").fill("contoso")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    rows.first.get_by_test_id("switch-link").click()
    page.wait_for_url(re.compile(r".*/policies"))
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)
    expect(page.get_by_test_id("tenant-in-use")).to_have_text(tenants["contoso"].domain)

    # The switcher lists the onboarded customers; switching back and on is one click each.
    page.locator("#tenant-menu summary").click()
    menu = page.get_by_test_id("customer-menu")
    expect(menu.get_by_role("link", name=tenants["woodgrove"].domain)).to_be_visible()
    menu.get_by_role("link", name=tenants["woodgrove"].domain).click()
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)
    expect(page.get_by_test_id("tenant-in-use")).to_have_text(tenants["woodgrove"].domain)
    page.screenshot(path=str(shots / "customers-02-switched.png"), full_page=True)
    context.close()
