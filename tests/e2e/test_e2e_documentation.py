"""Real clicks: download the documentation as HTML, and search the settings for BitLocker."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

WIDE = {"width": 1280, "height": 860}


def _signed_in_admin(stack: Any, browser: Any) -> tuple[Any, Any]:
    """A browser context of Contoso's admin, onboarded (consent only when not yet onboarded)."""
    tenant = stack.demo.tenants["contoso"]
    admin = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
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
    return context, page


def test_admin_downloads_documentation_and_searches_settings(stack: Any, browser: Any, shots: Path) -> None:
    context, page = _signed_in_admin(stack, browser)
    page.get_by_role("link", name="Documentation").click()
    page.wait_for_selector("[data-testid=documentation-form]", timeout=30_000)
    page.get_by_label("Format").select_option("html")
    page.screenshot(path=str(shots / "10-documentation-light-1280.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_test_id("download-documentation").click()
    download = download_info.value
    assert re.fullmatch(
        r"contoso\.onmicrosoft\.com_documentation_\d{4}-\d{2}-\d{2}_\d{4}\.html", download.suggested_filename
    )
    assert "WIN - Defender Antivirus - Standard" in Path(download.path()).read_text(encoding="utf-8")

    page.get_by_role("link", name="Settings", exact=True).click()
    page.wait_for_selector("[data-testid=settings-table]", timeout=30_000)
    page.get_by_label("Search settings").fill("BitLocker")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r".*/settings\?q=BitLocker"))
    page.wait_for_selector("[data-testid=result-count]:has-text('filtered from')")
    rows = page.locator("[data-testid=settings-table] tbody tr").all_inner_texts()
    # A legacy property matches by its id (bitLockerEncryptDevice) under the admin center's label "Encrypt devices".
    assert rows and all("bitlocker" in r.lower() or "encrypt" in r.lower() for r in rows)
    assert "Encrypt devices" in "\n".join(rows)
    assert "Require Device Encryption" in "\n".join(rows)
    page.screenshot(path=str(shots / "11-settings-bitlocker-light-1280.png"), full_page=True)
    context.close()
