"""Audit in a real browser: the week's events without any optional module, What changed opening an
object's page, a filter through the URL, and the 30-day range."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.e2e.browsing import sign_in_and_onboard


def test_audit_shows_the_week_filters_and_opens_changed_objects(stack: Any, browser: Any, shots: Path) -> None:
    tenant = stack.demo.tenants["contoso"]
    since = (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S")
    week = [e for e in [*tenant.audit_history, *tenant.audit_events] if e["activityDateTime"] >= since]
    page = sign_in_and_onboard(browser, stack).new_page()
    page.goto(stack.base_url + "/policies")
    page.get_by_role("navigation").get_by_role("link", name="Audit").click()
    page.wait_for_url(re.compile(r".*/audit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
    expect(page.locator("#list-results")).to_contain_text(f"of {len(week)} events")
    page.screenshot(path=str(shots / "audit-01-week.png"), full_page=True)

    actor = week[-1]["actor"]["userPrincipalName"]
    page.get_by_label("Initiated by", exact=True).select_option(actor)
    page.wait_for_url(re.compile(r".*/audit\?.*actor=.+"))
    rows = page.get_by_test_id("audit-row")
    mine = sum(e["actor"]["userPrincipalName"] == actor for e in week)
    expect(page.locator("#list-results")).to_contain_text(f"of {mine} events")
    expect(rows.first).to_contain_text(actor)

    page.get_by_role("link", name="Last 30 days").click()
    page.wait_for_url(re.compile(r".*/audit\?days=30$"))
    changed = page.get_by_test_id("changed-row").filter(has=page.locator("a[href^='/objects/']")).first
    name = changed.locator("a[href^='/objects/']").inner_text()
    changed.locator("a[href^='/objects/']").click()
    page.wait_for_url(re.compile(r".*/objects/.+"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    page.context.close()
