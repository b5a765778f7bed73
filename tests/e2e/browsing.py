"""What several browser tests do first: sign in as Contoso's admin, onboard the tenant, turn modules on."""

from __future__ import annotations

import re
from typing import Any

WIDE = {"width": 1280, "height": 860}


def contoso_admin(stack: Any, tenant_name: str = "contoso") -> str:
    """The UPN of Contoso's (or another demo tenant's) admin (enabled, no MFA prompt)."""
    tenant = stack.demo.tenants[tenant_name]
    return str(
        next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required).user_principal_name
    )


def sign_in_and_onboard(
    browser: Any, stack: Any, *, modules: tuple[str, ...] = (), tenant_name: str = "contoso"
) -> Any:
    """A new browser context signed in as Contoso's admin (or ``tenant_name``'s), the tenant onboarded
    and its Policies shown.

    ``modules``: modules to turn on in Tenant settings (admin consent on Entra's page) unless they
    are on already: optional read modules for pages that read managed devices or Intune roles, or
    write modules.
    """
    admin = contoso_admin(stack, tenant_name)
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True, accept_downloads=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.locator("button[name=user]", has_text=admin).click()
    page.wait_for_url(re.compile(r".*/(onboarding|policies)$"))
    if page.url.endswith("/onboarding"):
        page.get_by_role("button", name="Grant admin consent").click()
        page.wait_for_url(re.compile(r".*/adminconsent.*"))
        page.locator("button[name=user]", has_text=admin).click()
        page.wait_for_url(re.compile(r".*/policies"))
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)
    for module in modules:
        page.goto(stack.base_url + "/tenant")
        activate = page.locator(f"form[action='/tenant/modules/{module}/activate'] button")
        if activate.count():
            activate.click()
            page.wait_for_url(re.compile(r".*/adminconsent.*"))
            page.locator("button[name=user]", has_text=admin).click()
            page.wait_for_url(re.compile(r".*/tenant\?activated=.*"))
            # New scopes mean a new read of the tenant: wait for it, as the first one.
            page.goto(stack.base_url + "/policies")
            page.wait_for_selector("[data-testid=policies-table]", timeout=60_000)
    page.close()
    return context
