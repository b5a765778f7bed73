"""A tenant on a plan with limits, in real pages: no write module to activate, and a collection
past the plan's hourly limit gives a page saying when it resets.

One stack for the module, configured with a "trial" plan (read only, one collection per hour).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from intune_assistant.catalog.modules import WRITE_MODULES

from .browsing import sign_in_and_onboard

WEB_SETTINGS = {
    "plan": "trial",
    "plans": [{"name": "trial", "quotas": {"collections_per_hour": 1}}],
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
