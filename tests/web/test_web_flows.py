"""Sign-in, onboarding, consent, module activation, sign-out, MFA and GDAP through the emulator."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from intune_assistant.catalog.modules import default_read_scopes, write_scopes
from intune_assistant.web.session import HOST_PREFIX, SESSION_COOKIE


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    """Graph is asked about revoked sign-in sessions on every request here (60 s apart by default)."""
    return {"sessions_check_s": 0}


OBO = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _obo_entries(web, tenant_id: str):  # type: ignore[no-untyped-def]
    return [e for e in web.demo.entra.token_log if e.tenant_id == tenant_id and "bearer" in e.grant_type]


async def test_first_sign_in_onboards_through_admin_consent_then_shows_policies(web) -> None:
    contoso = web.tenant("contoso")
    upn = web.upn("contoso")
    signed_in = await web.sign_in(upn)
    assert signed_in.status_code == 303
    # The frontend asked only for the API's scope, never Graph.
    sign_ins = [e for e in web.demo.entra.token_log if e.grant_type == "authorization_code"]
    assert sign_ins and all(not any("graph" in s.lower() or ".Read" in s for s in e.scopes) for e in sign_ins)
    assert (await web.client.get("/policies")).headers["location"] == "/onboarding"
    page = await web.client.get("/onboarding")
    assert "DeviceManagementConfiguration.Read.All" in page.text and "ReadWrite" not in page.text
    assert 'value="contoso.onmicrosoft.com"' in page.text
    started = await web.client.post(
        "/onboarding/start", data={"csrf_token": web.csrf(), "domain": "contoso.onmicrosoft.com"}
    )
    query = parse_qs(urlsplit(started.headers["location"]).query)
    asked = set(query["scope"][0].split())
    assert asked == {f"https://graph.microsoft.com/{s}" for s in default_read_scopes(web.demo.catalog)}
    assert "ReadWrite" not in query["scope"][0] and ".default" not in query["scope"][0]
    assert web.registry.get(contoso.tenant_id) is None
    done = await web.consent(started, upn)
    assert done.headers["location"] == "/policies"
    record = web.registry.get(contoso.tenant_id)
    assert record is not None and record.domain == "contoso.onmicrosoft.com" and record.plan == "self-hosted"
    page = await web.wait_for_policies()
    assert "WIN - Defender Antivirus - Standard" in page.text or "Showing 1–50" in page.text
    assert 'data-testid="tenant-in-use">contoso.onmicrosoft.com<' in page.text
    # Graph was called On-Behalf-Of the admin with read scopes only.
    entries = _obo_entries(web, contoso.tenant_id)
    assert entries and all(e.outcome == "ok" for e in entries)
    assert all(not any("ReadWrite" in s for s in e.scopes) for e in entries)


async def test_consent_state_from_another_session_is_refused(web) -> None:
    upn = web.upn("contoso")
    await web.sign_in(upn)
    started = await web.client.post("/onboarding/start", data={"csrf_token": web.csrf(), "domain": "contoso.com"})
    answer = web.browser.sign_in(started.headers["location"], upn)
    # Signing in again rotates the session's CSRF token: the earlier consent state no longer matches.
    await web.sign_in(upn)
    refused = await web.client.get("/onboarding/consent", params=answer)
    assert refused.status_code == 400 and "does not belong to this session" in refused.text
    assert web.registry.get(web.tenant("contoso").tenant_id) is None


async def test_read_only_operator_sees_policies_but_cannot_activate_a_write_module(web) -> None:
    await web.onboarded_admin()
    web.forget_browser()
    reader = web.upn("contoso", "readOnly")
    assert (await web.sign_in(reader)).status_code == 303
    page = await web.wait_for_policies()
    assert "Policies" in page.text and "policies-table" in page.text
    refused = await web.client.post("/tenant/modules/bulk-assign/activate", data={"csrf_token": web.csrf()})
    assert refused.status_code == 403
    assert "A role that can grant admin consent is needed" in refused.text and "Correlation id" in refused.text
    assert not web.registry.get(web.tenant("contoso").tenant_id).modules
    offboard = await web.client.post("/tenant/offboard", data={"csrf_token": web.csrf()})
    assert offboard.status_code == 403 and web.registry.get(web.tenant("contoso").tenant_id) is not None


async def test_activating_a_write_module_asks_exactly_its_write_scopes_for_that_tenant_only(web) -> None:
    contoso, fabrikam = web.tenant("contoso"), web.tenant("fabrikam")
    # Fabrikam is onboarded too, and never activates anything.
    await web.onboarded_admin("fabrikam")
    await web.wait_for_policies()
    web.forget_browser()
    upn = await web.onboarded_admin("contoso")
    await web.wait_for_policies()
    wanted = write_scopes(web.demo.catalog)["bulk-assign"]
    started = await web.client.post("/tenant/modules/bulk-assign/activate", data={"csrf_token": web.csrf()})
    location = started.headers["location"]
    assert location.startswith(f"{web.emulator.base_url}/{contoso.tenant_id}/v2.0/adminconsent?")
    asked = parse_qs(urlsplit(location).query)["scope"][0].split()
    assert asked == [f"https://graph.microsoft.com/{s}" for s in wanted]
    # Until consent comes back, nothing is active and no write scope was requested.
    assert not web.registry.get(contoso.tenant_id).modules
    assert all(not any("ReadWrite" in s for s in e.scopes) for e in web.demo.entra.token_log)
    done = await web.consent(started, upn)
    assert done.headers["location"] == "/tenant?activated=bulk-assign"
    assert web.registry.get(contoso.tenant_id).module_names == frozenset({"bulk-assign"})
    assert set(wanted) <= set(web.demo.entra.consented_scopes(contoso.tenant_id))
    before = len(web.demo.entra.token_log)
    await web.wait_for_policies()
    new = [e for e in web.demo.entra.token_log[before:] if "bearer" in e.grant_type]
    assert new and all(e.tenant_id == contoso.tenant_id for e in new)
    assert all(set(wanted) <= {s.rpartition("/")[2] for s in e.scopes} for e in new)
    # Fabrikam's Graph tokens never carried a write scope.
    assert all(not any("ReadWrite" in s for s in e.scopes) for e in _obo_entries(web, fabrikam.tenant_id))
    assert _obo_entries(web, fabrikam.tenant_id)


async def test_revoked_consent_shows_a_grant_consent_page_for_the_missing_scopes(web) -> None:
    await web.onboarded_admin()
    tenant_id = web.tenant("contoso").tenant_id
    web.demo.entra.revoke_consent(tenant_id)
    page = await web.client.get("/policies")
    assert page.status_code == 403
    assert "Grant consent" in page.text and "DeviceManagementConfiguration.Read.All" in page.text
    started = await web.client.post(
        "/consent/start",
        data={"csrf_token": web.csrf(), "scope": ["DeviceManagementConfiguration.Read.All"], "next": "/policies"},
    )
    scope = parse_qs(urlsplit(started.headers["location"]).query)["scope"][0]
    assert scope == "https://graph.microsoft.com/DeviceManagementConfiguration.Read.All"
    # Scopes the tenant is not meant to have are never asked for, whatever the form says.
    forged = await web.client.post(
        "/consent/start", data={"csrf_token": web.csrf(), "scope": ["Group.ReadWrite.All"], "next": "/policies"}
    )
    assert "ReadWrite" not in parse_qs(urlsplit(forged.headers["location"]).query)["scope"][0]


async def test_disabled_user_gets_a_clear_sign_in_required_page(web) -> None:
    await web.onboarded_admin()
    operator = next(o for o in web.tenant("contoso").operators if o.role == "admin" and o.enabled)
    operator.enabled = False
    try:
        page = await web.client.get("/policies")
    finally:
        operator.enabled = True
    assert page.status_code == 401
    assert "Access to the tenant was refused" in page.text and "disabled" in page.text
    assert "Sign in again" in page.text and page.headers["x-correlation-id"] in page.text


async def test_sign_out_clears_cookies_forgets_tokens_and_ends_the_entra_session(web) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    service = web.app.state.web.policies
    assert service.kept()
    response = await web.client.post("/signout", data={"csrf_token": web.csrf()})
    assert response.status_code == 303
    location = response.headers["location"]
    tenant_id = web.tenant("contoso").tenant_id
    assert location.startswith(f"{web.emulator.base_url}/{tenant_id}/oauth2/v2.0/logout?")
    assert parse_qs(urlsplit(location).query)["post_logout_redirect_uri"] == ["https://testserver/"]
    name = web.app.state.web.cookies.session_name
    assert name == HOST_PREFIX + SESSION_COOKIE  # served over HTTPS
    cleared = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert cleared and all('=""' in h or "Max-Age=0" in h for h in cleared)
    assert name not in web.client.cookies
    assert not service.kept() and not web.obo._tokens
    again = await web.client.get("/policies")
    assert again.status_code == 303 and again.headers["location"].startswith("/signin")


async def test_mfa_user_goes_back_through_sign_in_with_the_claims_challenge(web) -> None:
    await web.onboarded_admin()
    web.forget_browser()
    upn = web.upn("contoso", mfa=True)
    await web.sign_in(upn)
    challenged = await web.client.get("/policies")
    assert challenged.status_code == 303
    location = challenged.headers["location"]
    assert "/oauth2/v2.0/authorize?" in location and "claims=" in location
    answer = web.browser.sign_in(location, upn)
    assert (await web.deliver(answer)).headers["location"] == "/policies"
    page = await web.wait_for_policies()
    assert "policies-table" in page.text


async def test_partner_technician_signs_in_to_a_customer_and_switches_tenants(web) -> None:
    await web.onboarded_admin("contoso")
    web.forget_browser()
    await web.onboarded_admin("fabrikam")
    web.forget_browser()
    technician = "aiko.kowalski@northwind-msp.onmicrosoft.com"
    await web.sign_in(technician, tenant=web.tenant("contoso").domain)
    page = await web.wait_for_policies()
    assert "partner technician" in page.text
    assert 'data-testid="tenant-in-use">contoso.onmicrosoft.com<' in page.text
    switch = await web.client.get("/signin", params={"tenant": web.tenant("fabrikam").domain})
    answer = web.browser.sign_in(switch.headers["location"], technician)
    await web.deliver(answer)
    page = await web.wait_for_policies()
    assert 'data-testid="tenant-in-use">fabrikam.onmicrosoft.com<' in page.text
    # Both tenants are in the switcher; switching back is a silent sign-in.
    assert "contoso.onmicrosoft.com" in page.text
    back = await web.client.get("/tenants/switch", params={"tenant": web.tenant("contoso").tenant_id})
    assert "prompt=none" in back.headers["location"]


async def test_an_unusable_token_renews_silently_with_prompt_none(web) -> None:
    await web.onboarded_admin()
    cookies = web.app.state.web.cookies
    session = cookies.load(_Req(web))
    session.api_token = session.api_token[:-6] + "AAAAAA"  # signature no longer verifies: 401

    from starlette.responses import Response

    response = Response()
    cookies.store(_Req(web), response, session)
    value = response.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    web.client.cookies.clear()
    web.client.cookies.set(cookies.session_name, value)
    renew = await web.client.get("/policies?q=x")
    assert renew.status_code == 303
    assert renew.headers["location"].startswith("/signin?") and "prompt=none" in renew.headers["location"]


async def test_json_api_serves_policies_to_a_bearer_token(web) -> None:
    await web.onboarded_admin()
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    me = await web.client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json()["tenant_id"] == tenant.tenant_id
    for _ in range(200):
        response = await web.client.get("/api/v1/policies?q=defender", headers=headers)
        if response.status_code == 200:
            break
    body = response.json()
    assert body["status"] == "ready" and body["rows"]
    assert all("defender" in " ".join(r.values()).lower() for r in body["rows"])


class _Req:
    def __init__(self, web) -> None:  # type: ignore[no-untyped-def]
        self.cookies = {c.name: c.value for c in web.client.cookies.jar}


async def test_admin_offboards_the_tenant_and_deactivates_modules(web) -> None:
    await web.onboarded_admin()
    tenant_id = web.tenant("contoso").tenant_id
    web.registry.activate_module(tenant_id, "restore")
    deactivated = await web.client.post("/tenant/modules/restore/deactivate", data={"csrf_token": web.csrf()})
    assert deactivated.headers["location"] == "/tenant" and not web.registry.get(tenant_id).modules
    page = await web.client.post("/tenant/offboard", data={"csrf_token": web.csrf()})
    assert page.status_code == 200 and "was offboarded" in page.text
    assert web.registry.get(tenant_id) is None
    assert (await web.client.get("/policies")).headers["location"] == "/onboarding"


def test_return_addresses_stay_on_this_site() -> None:
    from intune_assistant.web.context import safe_next

    assert safe_next("/policies?q=a") == "/policies?q=a"
    for bad in ("https://evil.example/", "//evil.example", "/\\evil.example", "policies", "/x\r\nSet-Cookie: a", None):
        assert safe_next(bad) == "/policies"


async def test_silent_renewal_refused_by_entra_falls_back_to_an_interactive_sign_in(web) -> None:
    start = await web.client.get("/signin", params={"prompt": "none", "next": "/policies?q=x"})
    answer = web.browser.sign_in(start.headers["location"])  # no Entra session: login_required
    assert answer["error"] == "login_required"
    back = await web.deliver(answer)
    assert back.status_code == 303
    location = back.headers["location"]
    assert location.startswith("/signin?") and "prompt=select_account" in location and "%2Fpolicies%3Fq%3Dx" in location


async def test_revocation_stops_the_next_page_load_even_with_data_already_shown(web) -> None:
    # DESIGN §2.7: removing consent stops the product at the next request, with a clear message.
    await web.onboarded_admin()
    await web.wait_for_policies()  # data collected and cached for this user
    web.demo.entra.revoke_consent(web.tenant("contoso").tenant_id)
    page = await web.client.get("/policies")
    assert page.status_code == 403 and "Grant consent" in page.text


async def test_a_disabled_user_is_stopped_at_the_next_page_load(web) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    tenant = web.tenant("contoso")
    admin = next(o for o in tenant.operators if o.user_principal_name == web.upn("contoso"))
    admin.enabled = False
    page = await web.client.get("/policies")
    assert page.status_code in (401, 403) and "sign in" in page.text.lower()


async def test_revoked_sign_in_sessions_stop_the_next_page_and_signing_in_again_works(web) -> None:
    upn = await web.onboarded_admin()
    assert "Reading the tenant" not in (await web.wait_for_policies()).text
    tenant = web.tenant("contoso")
    admin = next(o for o in tenant.operators if o.user_principal_name == upn)
    # Revoke-MgUserSignInSession mid-session: the cached data must not be served any more.
    web.demo.entra.revoke_sessions(tenant.tenant_id, admin.user_id)
    page = await web.client.get("/policies")
    assert page.status_code == 401 and "ended your sign-in sessions" in page.text, page.text[:500]
    again = await web.client.get("/policies")
    assert again.status_code in (303, 401) and 'data-testid="policies-table"' not in again.text
    # A new sign-in (Entra's own session ended too: the account is picked again) works at once.
    assert (await web.sign_in(upn)).status_code == 303
    fresh = await web.wait_for_policies()
    assert fresh.status_code == 200 and "Reading the tenant" not in fresh.text
