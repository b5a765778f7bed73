"""A tenant on a plan with limits, in real pages: no write module to activate, a collection past the
plan's hourly limit gives a page saying when it resets, and a partner cannot onboard more customers
than its plan allows.

One stack for the module, configured with a "trial" plan (read only, one collection per hour, two
customers per partner).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from intune_assistant.catalog.modules import WRITE_MODULES

from .browsing import WIDE, sign_in_and_onboard

WEB_SETTINGS = {
    "plan": "trial",
    "plans": [{"name": "trial", "quotas": {"collections_per_hour": 1, "tenants_per_partner": 2}}],
}


def test_a_trial_tenant_cannot_activate_a_write_module_and_meets_its_collection_limit(
    stack: Any, browser: Any, shots: Path
) -> None:
    context = sign_in_and_onboard(browser, stack)  # the onboarding read is the hour's one collection
    page = context.new_page()
    page.goto(stack.base_url + "/tenant")
    assert "plan trial" in page.locator("main").inner_text()
    assert "This tenant's plan (trial) includes no write module" in page.get_by_test_id("no-write-modules").inner_text()
    # Optional read modules may still be turned on; no write module can be.
    activate = page.get_by_role("button", name=re.compile(r"^Activate"))
    offered = {activate.nth(i).get_attribute("data-module") for i in range(activate.count())}
    assert not offered & set(WRITE_MODULES), offered
    tenant_id = stack.demo.tenants["contoso"].tenant_id

    page.goto(stack.base_url + "/policies")
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)
    page.get_by_test_id("refresh-data").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="This tenant reached its plan's limit").is_visible()
    message = page.locator(".problem-message").inner_text()
    assert "read this tenant 1 time in the last hour" in message
    assert re.search(r"The next read is possible at \d\d:\d\d UTC \(in (59|60) min\)", message), message
    assert page.get_by_test_id("correlation-id").inner_text()
    page.screenshot(path=str(shots / "fair-use-limit-1280.png"), full_page=True)
    # The data already read stays available.
    page.get_by_role("link", name="Back to Policies").click()
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)
    assert not stack.registry.get(tenant_id).modules
    context.close()


def test_a_partner_cannot_onboard_more_customers_than_its_plan_allows(stack: Any, browser: Any, shots: Path) -> None:
    partner = stack.demo.tenants["partner"]
    admin = next(o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.locator("button[name=user]", has_text=admin.user_principal_name).click()
    page.wait_for_url(re.compile(r".*/onboarding$"))
    page.get_by_role("button", name="Grant admin consent").click()
    page.wait_for_url(re.compile(r".*/adminconsent.*"))
    page.locator("button[name=user]", has_text=admin.user_principal_name).click()
    page.wait_for_url(re.compile(r".*/policies"))

    page.goto(stack.base_url + "/customers")
    expect(page.get_by_test_id("customer-limit")).to_have_text(
        "Your plan lets this partner tenant have 2 customers onboarded at once: 0 are onboarded."
    )
    for name in ("Contoso", "Fabrikam", "Woodgrove Bank"):
        page.get_by_label(f"Onboard {name}").check()
    page.get_by_test_id("onboard-selected").click()
    expect(page.get_by_role("heading", name="Your plan's customer limit is reached")).to_be_visible()
    expect(page.locator(".problem-message")).to_have_text(
        "Your partner tenant's plan lets it have 2 customers onboarded at once; 0 are onboarded and you chose 3 "
        "more. Nothing was changed."
    )
    expect(page.get_by_role("alert")).to_contain_text("does not reset with time")
    page.screenshot(path=str(shots / "fair-use-customer-limit-1280.png"), full_page=True)
    assert stack.registry.customers_of(partner.tenant_id) == ()

    page.get_by_role("link", name="Back to Customers").click()
    for name in ("Contoso", "Fabrikam"):
        page.get_by_label(f"Onboard {name}").check()
    page.get_by_test_id("onboard-selected").click()
    expect(page.get_by_test_id("onboarded-notice")).to_contain_text("2 customer(s) onboarded")
    expect(page.get_by_test_id("customer-limit")).to_contain_text("2 are onboarded")
    page.get_by_label("Onboard Woodgrove Bank").check()
    page.get_by_test_id("onboard-selected").click()
    expect(page.locator(".problem-message")).to_contain_text("2 are onboarded and you chose 1 more")
    assert len(stack.registry.customers_of(partner.tenant_id)) == 2
    context.close()
