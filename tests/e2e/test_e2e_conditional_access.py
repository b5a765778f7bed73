"""Conditional Access in a real browser: reached from the navigation, the planted gaps and the
policies in words; the state menu in the URL; the what-if form blocks a sign-in from a blocked
country and names the policy; Troubleshoot shows the policies that cover its user."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.e2e.browsing import sign_in_and_onboard


def test_conditional_access_overview_and_what_if(stack: Any, browser: Any, shots: Path) -> None:
    planted = stack.demo.tenants["contoso"].planted
    page = sign_in_and_onboard(browser, stack).new_page()
    page.goto(stack.base_url + "/policies")
    page.get_by_role("navigation").get_by_role("link", name="Conditional Access").click()
    page.wait_for_url(re.compile(r".*/conditional-access$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Conditional Access")
    findings = page.get_by_test_id("ca-finding")
    for kind, key in (("MANY_EXCLUDED", "caManyExcluded"), ("BREAK_GLASS", "caBreakGlassMissing")):
        expect(findings.and_(page.locator(f"[data-kind={kind}]"))).to_contain_text(planted[key][0])
    rows = page.get_by_test_id("ca-row")
    expect(rows.filter(has_text="CA001 - Require MFA for admins")).to_contain_text("Global Administrator")
    page.screenshot(path=str(shots / "ca-01-overview-1280.png"), full_page=True)

    page.get_by_label("State").select_option("Off")
    page.wait_for_url(re.compile(r".*/conditional-access\?.*state=Off"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("CA008 - Require MFA to register devices")

    page.get_by_role("link", name="What if… a user signs in").click()
    page.wait_for_url(re.compile(r".*/conditional-access/whatif$"))
    users = {
        u["userPrincipalName"] for u in stack.demo.tenants["contoso"].objects["users"] if u["userType"] == "Member"
    }
    upn = sorted(u for u in users if not u.startswith("break.glass"))[0]
    page.get_by_label("User (UPN)").fill(upn)
    page.get_by_label("App", exact=True).fill("Office 365 Exchange Online")
    page.get_by_label("Device platform").select_option("windows")
    page.get_by_label("Location").fill("KP")
    page.get_by_label("Client app").select_option("browser")
    page.get_by_label("Directory roles the user holds").select_option("none")
    page.get_by_role("button", name="What if").click()
    page.wait_for_url(re.compile(r".*/conditional-access/whatif\?user=.*location=KP.*"))
    expect(page.get_by_test_id("ca-access")).to_contain_text("Blocked")
    expect(page.get_by_test_id("ca-access")).to_contain_text("CA005 - Block access from blocked countries")
    blocker = page.get_by_test_id("ca-verdict-row").filter(has_text="CA005")
    expect(blocker.locator("[data-verdict]")).to_have_text("✔ Targeted")
    page.screenshot(path=str(shots / "ca-02-whatif-1280.png"), full_page=True)

    page.get_by_role("navigation").get_by_role("link", name="Troubleshoot").click()
    page.get_by_label("User (UPN)").fill("break.glass@contoso.onmicrosoft.com")
    page.get_by_role("button", name="Troubleshoot").click()
    ca_rows = page.get_by_test_id("ca-user-row")
    expect(ca_rows.filter(has_text="CA010 - Require MFA for Azure management").locator("[data-verdict]")).to_have_text(
        "✔ Targeted"
    )
    expect(ca_rows.filter(has_text="CA005").locator("[data-verdict]")).to_have_text("✖ Excluded")
    page.context.close()
