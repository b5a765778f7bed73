"""Roles in a real browser: reached from the navigation, it shows each planted finding with its
reason, filters who can do what through the URL, opens a member group, exports what it shows, and
Troubleshoot shows the user's roles."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.e2e.browsing import sign_in_and_onboard


def test_roles_show_the_planted_findings_and_who_can_do_what(stack: Any, browser: Any, shots: Path) -> None:
    planted = stack.demo.tenants["contoso"].planted
    (reader,) = planted["readOnlyAdmins"]
    (narrower,) = planted["narrowerRoleFits"]
    page = sign_in_and_onboard(browser, stack, modules=("intune-roles",)).new_page()
    page.goto(stack.base_url + "/policies")
    page.get_by_role("navigation").get_by_role("link", name="Roles").click()
    page.wait_for_url(re.compile(r".*/roles$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Roles")
    findings = page.get_by_test_id("finding-row")
    for kind, subject in (
        ("MANY_GLOBAL_ADMINS", "Global Administrator"),
        ("READ_ONLY_ADMIN", reader),
        ("NARROWER_ROLE_FITS", narrower),
        ("IDLE_SCOPE_TAG", "Kiosk"),
        ("EMPTY_ROLE_GROUP", planted["emptyRoleGroups"][0]),
    ):
        row = page.locator(f'[data-testid=finding-row][data-kind="{kind}"]')
        expect(row).to_have_count(1)
        expect(row.locator("th")).to_have_text(subject)
        expect(row.locator("[data-status]")).to_have_text("⚠ Found")
    expect(findings.filter(has_text="all reads (Get BitLockerRecoveryKey)")).to_have_count(1)
    page.screenshot(path=str(shots / "roles-01-1280.png"), full_page=True)

    # Who can do what: the source menu filters on the server and lands in the URL.
    page.get_by_label("Source").select_option("Entra role")
    page.wait_for_url(re.compile(r".*/roles\?.*source=Entra"))
    grants = page.get_by_test_id("grant-row")
    expect(grants.filter(has_text=reader)).to_have_count(1)
    expect(grants.filter(has_text="Help Desk Operator")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("grant-row").filter(has_text=reader)).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    name = download.value.suggested_filename
    assert name.startswith("contoso.onmicrosoft.com_roles_") and name.endswith(".csv")
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert lines[0][:3] == ["Account", "Role", "Source"] and {line[2] for line in lines[1:]} == {"Entra role"}

    # A member group opens its group page.
    page.get_by_test_id("assignment-row").filter(has_text="contractors").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r".*/groups/.+"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Legacy VPN Users")

    # Troubleshoot for the admin a narrower role fits: both roles with where they come from.
    page.goto(stack.base_url + "/roles?q=" + narrower)
    page.get_by_test_id("grant-row").first.get_by_role("link", name=narrower).click()
    page.wait_for_url(re.compile(r".*/troubleshoot\?user=.+"))
    roles = page.get_by_test_id("troubleshoot-role")
    expect(roles.filter(has_text="Intune Administrator")).to_have_count(1)
    expect(roles.filter(has_text="(Intune role)")).not_to_have_count(0)
    page.context.close()
