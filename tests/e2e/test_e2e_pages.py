"""Real clicks: the top bar's search opens a policy, a group, a user and a device; a policy's page;
every conflicting pair page by page; a sorted, paged list that keeps its state through a reload."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.e2e.browsing import sign_in_and_onboard


def _find(page: Any, words: str) -> None:
    """Search from the top bar (typing and Enter, like an admin)."""
    box = page.get_by_label("Find by name in this tenant")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q="))


def test_top_bar_search_opens_a_policy_a_group_a_user_and_a_device(stack: Any, browser: Any, shots: Path) -> None:
    tenant = stack.demo.tenants["contoso"]
    users = {u["id"]: u for u in tenant.objects["users"]}
    device = next(
        d
        for d in tenant.objects["managedDevices"]
        if d.get("operatingSystem") == "Windows" and d.get("userId") in users
    )
    user = users[device["userId"]]
    page = sign_in_and_onboard(browser, stack, modules=("managed-devices",)).new_page()
    page.goto(stack.base_url + "/groups")

    _find(page, "BitLocker Require")
    page.screenshot(path=str(shots / "pages-01-search-1280.png"), full_page=False)
    page.get_by_test_id("search-policy").get_by_role("link", name="WIN - BitLocker - Require Encryption").click()
    page.wait_for_url(re.compile(r".*/objects/settingsCatalog/.+"))
    expect(page.get_by_test_id("object-name")).to_have_text("WIN - BitLocker - Require Encryption")

    _find(page, "Windows Corporate")
    page.get_by_test_id("search-group").get_by_role("link", name="Windows Corporate Devices").click()
    page.wait_for_url(re.compile(r".*/groups/.+"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Windows Corporate Devices")

    _find(page, user["displayName"])
    page.get_by_test_id("search-user").get_by_role("link", name=user["displayName"]).first.click()
    page.wait_for_url(re.compile(r".*/troubleshoot\?user=.+"))
    expect(page.get_by_test_id("subject")).to_contain_text(user["userPrincipalName"])
    assert page.get_by_test_id("verdicts").locator("tbody tr").count() > 0

    _find(page, device["deviceName"])
    page.get_by_test_id("search-device").get_by_role("link", name=device["deviceName"]).click()
    page.wait_for_url(re.compile(r".*/troubleshoot\?device=.+"))
    expect(page.get_by_test_id("subject")).to_contain_text(device["deviceName"])
    page.context.close()


def test_top_bar_shows_results_as_you_type(stack: Any, browser: Any, shots: Path) -> None:
    page = sign_in_and_onboard(browser, stack, modules=("managed-devices",)).new_page()
    page.goto(stack.base_url + "/groups")
    box = page.get_by_label("Find by name in this tenant")
    box.press_sequentially("BitLocker Req")
    results = page.get_by_test_id("topbar-results")
    expect(results.get_by_role("link", name="WIN - BitLocker - Require Encryption")).to_be_visible()
    page.screenshot(path=str(shots / "pages-00-search-as-you-type-1280.png"), full_page=False)
    assert page.url.endswith("/groups")  # nothing left the page yet
    results.get_by_role("link", name="WIN - BitLocker - Require Encryption").click()
    page.wait_for_url(re.compile(r".*/objects/settingsCatalog/.+"))
    expect(page.get_by_test_id("object-name")).to_have_text("WIN - BitLocker - Require Encryption")
    # Enter still opens the search page with every result (the form works without the results too).
    _find(page, "Windows Corporate")
    expect(page.get_by_test_id("search-group")).to_contain_text("Windows Corporate Devices")
    page.context.close()


def test_a_policy_page_shows_settings_and_assignments(stack: Any, browser: Any, shots: Path) -> None:
    page = sign_in_and_onboard(browser, stack, modules=("managed-devices",)).new_page()
    page.goto(stack.base_url + "/policies?q=BitLocker")
    page.get_by_role("link", name="WIN - BitLocker - Require Encryption").click()
    page.wait_for_url(re.compile(r".*/objects/settingsCatalog/.+"))
    settings = page.get_by_test_id("object-settings")
    expect(settings).to_contain_text("Require Device Encryption")
    assert settings.locator("tbody tr").count() > 0
    assignments = page.get_by_test_id("object-assignments")
    assert assignments.locator("[data-mode=include]").count() > 0
    page.screenshot(path=str(shots / "pages-02-policy-1280.png"), full_page=True)
    # A group of the assignments opens its panel, and the policy is listed there by name.
    assignments.locator("a[href^='/groups/']").first.click()
    page.wait_for_url(re.compile(r".*/groups/.+"))
    expect(page.get_by_test_id("group-assignments")).to_contain_text("WIN - BitLocker - Require Encryption")
    page.context.close()


def test_conflicts_pages_through_every_pair(stack: Any, browser: Any, shots: Path) -> None:
    page = sign_in_and_onboard(browser, stack, modules=("managed-devices",)).new_page()
    page.goto(stack.base_url + "/conflicts")
    page.get_by_role("link", name=re.compile("Overlapping pairs")).click()  # sort by pairs …
    page.wait_for_url(re.compile(r".*sort=pairs&dir=asc"))
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Overlapping pairs")
    page.get_by_role("link", name=re.compile("Overlapping pairs")).click()  # … most first
    page.wait_for_url(re.compile(r".*sort=pairs&dir=desc"))
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Overlapping pairs")
    page.get_by_test_id("conflict-link").first.click()
    page.wait_for_url(re.compile(r".*/conflicts/setting\?id=.+"))
    total = int(
        re.search(
            r"\((\d+)\)", page.get_by_role("heading", name=re.compile("Every overlapping pair")).inner_text()
        ).group(1)
    )
    page.get_by_label("Rows per page").select_option("25")
    page.wait_for_url(re.compile(r".*per=25"))
    expect(page.get_by_test_id("result-count")).to_contain_text(f"Showing 1–{min(25, total)} of {total}")
    seen = page.get_by_test_id("pairs").locator("tbody tr").count()
    while page.get_by_role("link", name="Next", exact=True).count():
        page.get_by_role("link", name="Next", exact=True).click()
        page.wait_for_url(re.compile(r".*page=\d+"))
        expect(page.get_by_test_id("result-count")).to_contain_text(f"Showing {seen + 1}–")
        seen += page.get_by_test_id("pairs").locator("tbody tr").count()
    assert total > 0 and seen == total
    page.screenshot(path=str(shots / "pages-03-conflict-pairs-1280.png"), full_page=False)
    page.context.close()


def test_a_sorted_paged_list_keeps_its_state_after_reload(stack: Any, browser: Any) -> None:
    page = sign_in_and_onboard(browser, stack, modules=("managed-devices",)).new_page()
    page.goto(stack.base_url + "/settings")
    page.get_by_label("Search settings").fill("allow")
    page.wait_for_url(re.compile(r".*q=allow"))
    expect(page.get_by_test_id("result-count")).to_contain_text("filtered from")
    page.get_by_label("Rows per page").select_option("25")
    page.wait_for_url(re.compile(r".*per=25"))
    expect(page.get_by_test_id("result-count")).to_contain_text("Showing 1–25")
    page.get_by_role("link", name="Policy", exact=True).click()
    page.wait_for_url(re.compile(r".*sort=policy&dir=asc"))
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Policy")
    page.get_by_role("link", name="Next", exact=True).click()
    page.wait_for_url(re.compile(r".*page=2"))
    expect(page.get_by_test_id("result-count")).to_contain_text("Showing 26–50")
    before = page.get_by_test_id("settings-table").locator("tbody tr").all_inner_texts()
    count = page.get_by_test_id("result-count").inner_text()
    page.reload()
    expect(page.get_by_label("Search settings")).to_have_value("allow")
    expect(page.get_by_label("Rows per page")).to_have_value("25")
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Policy")
    assert page.get_by_test_id("result-count").inner_text() == count and count.startswith("Showing 26–50")
    assert page.get_by_test_id("settings-table").locator("tbody tr").all_inner_texts() == before
    policies = [row.split("\t")[2] for row in before]
    assert policies == sorted(policies, key=str.casefold)
    page.context.close()
