"""Compare in Chromium: tenant vs the built-in baseline, policy vs policy, and the HTML report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

WIDE = {"width": 1280, "height": 860}


def test_admin_compares_baseline_and_policies(stack: Any, browser: Any, shots: Path) -> None:
    tenant = stack.demo.tenants["contoso"]
    admin = str(
        next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required).user_principal_name
    )
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True, accept_downloads=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.wait_for_url(re.compile(r"https://localhost:\d+/organizations/"))
    page.locator("button[name=user]", has_text=admin).click()
    page.wait_for_url(re.compile(r".*/(onboarding|policies)$"))
    if page.url.endswith("/onboarding"):
        page.get_by_role("button", name="Grant admin consent").click()
        page.wait_for_url(re.compile(r".*/adminconsent.*"))
        page.locator("button[name=user]", has_text=admin).click()
        page.wait_for_url(re.compile(r".*/policies"))

    page.get_by_role("link", name="Compare", exact=True).click()
    page.wait_for_url(re.compile(r".*/compare$"))
    page.get_by_role("link", name="Tenant vs baseline").first.click()
    page.get_by_role("button", name="Compare with baseline").click(timeout=30_000)
    page.wait_for_selector("[data-testid=score-overall]", timeout=30_000)
    # The lists a baseline comparison is for: configured differently, conflicting, missing.
    for status in ("differs", "conflicting", "missing"):
        assert page.locator(f"[data-testid=baseline-list][data-status={status}] tbody tr").count() > 0
    assert "baseline=builtin%3Awindows-security" in page.url or "baseline=builtin:windows-security" in page.url
    page.screenshot(path=str(shots / "compare-baseline-1280.png"), full_page=False)

    page.get_by_role("link", name="Policy vs policy").click()
    page.wait_for_selector("[data-testid=policy-picker]", timeout=30_000)
    # Search as you type: the pickers list the first matches of what was typed, from the server.
    page.get_by_label("Find the left policy").fill("Defender Antivirus")
    expect(page.locator("#left option:not([disabled])").filter(has_not_text="Defender")).to_have_count(0)
    labels = [o for o in page.locator("#left option").all_inner_texts() if o.startswith("WIN - Defender Antivirus")]
    page.select_option("#left", label=labels[0])
    page.get_by_label("Find the right policy").fill("Defender Antivirus")
    expect(page.locator("#right option:not([disabled])").filter(has_not_text="Defender")).to_have_count(0)
    page.select_option("#right", label=labels[1])
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_selector("[data-testid=settings-table]", timeout=30_000)
    assert re.search(r"[?&]left=[^&]+.*&right=", page.url)
    page.screenshot(path=str(shots / "compare-policies-1280.png"), full_page=False)

    with page.expect_download() as info:
        page.get_by_test_id("download-html").click()
    download = info.value
    assert re.fullmatch(
        r"contoso\.onmicrosoft\.com_compare-policy_\d{4}-\d{2}-\d{2}_\d{4}\.html", download.suggested_filename
    )
    assert labels[1].rsplit(" (", 1)[0] in Path(download.path()).read_text("utf-8")
    context.close()
