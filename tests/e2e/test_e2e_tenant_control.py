"""Tenant control in real pages: an administrator restricts the app to assigned users (Entra's
"Assignment required?"), an unassigned user gets one page saying so, and access follows the
assignment.

The tests share one demo stack and run in order: Contoso's admin onboards first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from intune_assistant.emulator.tenants.model import INTUNE_ADMINISTRATOR, Operator

from .browsing import WIDE, contoso_admin, sign_in_and_onboard


def _operator(stack: Any, role: str) -> Any:
    tenant = stack.demo.tenants["contoso"]
    return next(o for o in tenant.operators if o.role == role and o.enabled and not o.mfa_required)


def _refusals(stack: Any, code: int) -> int:
    return sum(1 for entry in stack.demo.entra.token_log if entry.outcome.endswith(f":{code}"))


def test_unassigned_user_gets_the_access_page_and_works_once_assigned(stack: Any, browser: Any, shots: Path) -> None:
    sign_in_and_onboard(browser, stack).close()
    tenant_id = stack.demo.tenants["contoso"].tenant_id
    reader = _operator(stack, "readOnly")
    entra = stack.demo.entra
    entra.require_assignment(tenant_id)
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.locator("button[name=user]", has_text=reader.user_principal_name).click()
    page.wait_for_url(re.compile(r".*/policies"))
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="You have no access to Intune Assistant").is_visible()
    assert page.get_by_text(
        "Your administrator has not given you access to Intune Assistant in Entra ID (Enterprise applications → "
        "Intune Assistant API → Users and groups)."
    ).is_visible()
    assert re.fullmatch(r"[0-9a-f-]{16,}", page.get_by_test_id("correlation-id").inner_text())
    # No retry loop: the page asked Entra once and offers no "try again".
    assert _refusals(stack, 50105) == 1
    assert page.get_by_role("link", name=re.compile("Try again|Sign in again")).count() == 0
    page.screenshot(path=str(shots / "tenant-control-not-assigned-1280.png"), full_page=True)

    # The administrator assigns the user; the next visit works, with nothing else to do.
    entra.assign_to_app(tenant_id, reader.user_id)
    page.goto(stack.base_url + "/policies")
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)
    entra.require_assignment(tenant_id, required=False)
    context.close()


def test_a_compliant_device_policy_blocks_with_one_sentence_and_entra_s_page(
    stack: Any, browser: Any, shots: Path
) -> None:
    tenant_id = stack.demo.tenants["contoso"].tenant_id
    reader = _operator(stack, "readOnly")
    entra = stack.demo.entra
    entra.require_compliant_device(tenant_id)
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.locator("button[name=user]", has_text=reader.user_principal_name).click()
    page.wait_for_url(re.compile(r".*/policies"))
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="A compliant device is needed").is_visible()
    assert page.locator(".problem-message").inner_text() == (
        "Your organisation's Conditional Access lets Intune Assistant reach Microsoft Graph only from a compliant "
        "device (enrolled in Intune and meeting its compliance policies), and this sign-in did not come from one."
    )
    assert _refusals(stack, 53000) == 1
    page.screenshot(path=str(shots / "tenant-control-compliant-device-1280.png"), full_page=True)

    # Signing in again answers the policy's claims challenge: from this (unmanaged) browser Entra blocks it
    # on its own page.
    page.get_by_role("link", name="Sign in again from a compliant device").click()
    page.wait_for_load_state()
    assert "AADSTS53000" in page.content()
    assert "/policies" not in page.url

    # The administrator lifts the policy: the next visit reads the tenant.
    entra.require_compliant_device(tenant_id, required=False)
    page.goto(stack.base_url + "/policies")
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)
    context.close()


def test_a_non_admin_requests_consent_and_is_onboarded_after_an_admin_approves(
    stack: Any, browser: Any, shots: Path
) -> None:
    fabrikam = stack.demo.tenants["fabrikam"]
    tenant_id = fabrikam.tenant_id
    entra = stack.demo.entra
    entra.revoke_consent(tenant_id)  # a tenant that never consented
    reader = next(o for o in fabrikam.operators if o.role == "readOnly" and o.enabled)
    admin = next(o for o in fabrikam.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.locator("button[name=user]", has_text=reader.user_principal_name).click()
    page.wait_for_url(re.compile(r".*/onboarding$"))
    # Who can consent, and the link to send them.
    roles = page.get_by_test_id("consent-role-needed").inner_text()
    for role in ("Global Administrator", "Privileged Role Administrator", "Cloud Application Administrator"):
        assert role in roles
    assert page.get_by_test_id("admin-link").inner_text() == stack.base_url + "/onboarding"

    def request_approval() -> None:
        page.get_by_role("button", name="Request approval in Entra ID").click()
        page.wait_for_url(re.compile(r".*/adminconsent.*"))
        page.locator("button[name=user]", has_text=reader.user_principal_name).click()

    # Without the workflow Entra refuses; the page says who can consent and gives the link.
    request_approval()
    page.wait_for_url(re.compile(r".*/onboarding/consent.*"))
    assert page.get_by_role("heading", name="Only an administrator can grant consent").is_visible()
    assert "No request for approval was sent" in page.locator(".problem-message").inner_text()
    assert stack.base_url + "/onboarding" in page.get_by_role("alert").inner_text()

    # With the workflow: Entra's "Approval required", a justification, "Request approval", back: pending.
    entra.enable_admin_consent_workflow(tenant_id, [admin.user_id])
    page.goto(stack.base_url + "/onboarding")
    request_approval()
    page.get_by_label("Enter justification for requesting this app").fill("Documenting our Intune tenant")
    page.get_by_role("button", name="Request approval", exact=True).click()
    page.get_by_role("button", name="Return to the application").click()
    page.wait_for_url(re.compile(r".*/onboarding/consent.*"))
    assert page.get_by_role("heading", name="Your request for approval is pending").is_visible()
    page.screenshot(path=str(shots / "tenant-control-consent-request-pending-1280.png"), full_page=True)
    (request,) = entra.consent_requests(tenant_id)
    assert [r.upn for r in request.requests] == [reader.user_principal_name]
    page.goto(stack.base_url + "/onboarding")
    assert page.get_by_test_id("request-pending").is_visible()
    assert stack.registry.get(tenant_id) is None

    # The reviewer approves in Entra; the reader's next sign-in onboards the tenant.
    entra.approve_consent_request(tenant_id, request.id, admin.user_id)
    page.goto(stack.base_url + "/signin?prompt=select_account")
    page.locator("button[name=user]", has_text=reader.user_principal_name).click()
    page.wait_for_selector("[data-testid=policies-table]", timeout=60_000)
    record = stack.registry.get(tenant_id)
    assert record is not None and record.domain == reader.user_principal_name.rsplit("@", 1)[1].lower()
    context.close()


def _sign_in(browser: Any, stack: Any, upn: str) -> Any:
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.locator("button[name=user]", has_text=upn).click()
    page.wait_for_url(re.compile(r".*/policies"))
    return page


def test_an_eligible_admin_sees_which_role_to_activate_and_reads_once_activated(
    stack: Any, browser: Any, shots: Path
) -> None:
    contoso = stack.demo.tenants["contoso"]
    taken = {o.user_id for o in contoso.operators}
    user = next(u for u in contoso.objects["users"] if u["id"] not in taken and u.get("accountEnabled", True))
    # A colleague with no permanent role, eligible for Intune Administrator in PIM.
    contoso.operators.append(Operator(user["id"], user["userPrincipalName"], user["displayName"], "none"))
    entra = stack.demo.entra
    entra.make_eligible(contoso.tenant_id, user["id"], INTUNE_ADMINISTRATOR, days=30)
    page = _sign_in(browser, stack, user["userPrincipalName"])
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(
        "activate Intune Administrator in Privileged Identity Management), then reload"
    )
    page.screenshot(path=str(shots / "tenant-control-pim-eligible-1280.png"), full_page=True)

    entra.activate_role(contoso.tenant_id, user["id"], INTUNE_ADMINISTRATOR, hours=1)
    page.get_by_test_id("refresh-data").click()
    page.get_by_test_id("newer-data").click(timeout=60_000)
    page.wait_for_selector("[data-testid=policies-table] tbody tr", timeout=60_000)
    expect(page.locator("main")).not_to_contain_text("Privileged Identity Management")
    page.context.close()


def test_a_role_expiring_mid_session_stops_the_next_write_and_reads_go_on(
    stack: Any, browser: Any, shots: Path
) -> None:
    contoso = stack.demo.tenants["contoso"]
    admin_context = sign_in_and_onboard(browser, stack)
    admin_page = admin_context.new_page()
    admin_page.goto(stack.base_url + "/tenant")
    activate = admin_page.get_by_role("button", name=re.compile(r"Activate\s+Bulk edits"))
    if activate.count():
        activate.click()
        admin_page.wait_for_url(re.compile(r".*/adminconsent.*"))
        admin_page.locator("button[name=user]", has_text=contoso_admin(stack)).click()
        admin_page.wait_for_url(re.compile(r".*/tenant\?activated=bulk-edit"))
    admin_context.close()

    # The Global Reader activates Intune Administrator for a while (PIM) and signs in.
    reader = _operator(stack, "readOnly")
    entra = stack.demo.entra
    entra.make_eligible(contoso.tenant_id, reader.user_id, INTUNE_ADMINISTRATOR, days=30)
    entra.activate_role(contoso.tenant_id, reader.user_id, INTUNE_ADMINISTRATOR, hours=1)
    page = _sign_in(browser, stack, reader.user_principal_name)
    page.wait_for_selector("[data-testid=policies-table]", timeout=60_000)
    policies = [p for p in contoso.objects["settingsCatalog"] if p["name"].startswith("WIN - ")][:2]

    def rename(policy: dict[str, Any], suffix: str) -> None:
        page.goto(stack.base_url + f"/bulk-edits?object=settingsCatalog/{policy['id']}")
        page.get_by_label("How").select_option("suffix")
        page.get_by_label("Prefix, suffix, text to find, or pattern").fill(suffix)
        page.get_by_test_id("review-rename").click()
        page.wait_for_url(re.compile(r".*/bulk-edits/review"))
        page.get_by_test_id("apply").click()
        page.wait_for_selector("[data-testid=results-table]", timeout=60_000)

    rename(policies[0], " (PIM)")
    assert page.get_by_test_id("count-applied").inner_text() == "1"

    # The activation ends (by the emulator's control, not by waiting): the next write is refused.
    entra.end_role_activation(contoso.tenant_id, reader.user_id, INTUNE_ADMINISTRATOR)
    rename(policies[1], " (PIM)")
    results = page.get_by_test_id("results-table").inner_text()
    assert "activate Intune Administrator in Privileged Identity Management, then reload" in results
    assert not policies[1]["name"].endswith(" (PIM)")
    page.screenshot(path=str(shots / "tenant-control-pim-expired-write-1280.png"), full_page=True)

    # Reads keep working with the role still held (Global Reader).
    page.goto(stack.base_url + "/policies")
    page.wait_for_selector("[data-testid=policies-table] tbody tr", timeout=60_000)
    page.context.close()
