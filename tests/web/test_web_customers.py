"""An MSP's partner admin lists its GDAP customers, onboards some and works in them (issue 16).

Everything runs through the emulator: GDAP relationships and customers read from Graph in the
partner tenant, consent checked by asking Entra for a token from each customer, and every Graph
call for a customer made with a token issued by that customer (the transport below reads ``tid``).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from intune_assistant.catalog.modules import write_scopes


class TokenTenants(httpx.AsyncBaseTransport):
    """Records, per Graph request, its path and the ``tid`` of the bearer token it carried."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("authorization", "").partition(" ")[2]
        claims = jwt.decode(token, options={"verify_signature": False}) if token else {}
        self.seen.append((request.url.path, str(claims.get("tid", ""))))
        return await self.inner.handle_async_request(request)


@pytest.fixture
def graph_transport(graph_transport: httpx.AsyncBaseTransport) -> TokenTenants:
    return TokenTenants(graph_transport)


def _row(page: str, tenant_id: str) -> str:
    found = re.search(rf'<tr data-tenant="{tenant_id}".*?</tr>', page, re.S)
    assert found, f"no row for {tenant_id}"
    return html.unescape(found.group(0))


async def _partner_admin(web: Any) -> str:
    upn = web.upn("partner")
    await web.sign_in(upn)
    done = await web.onboard(upn, web.tenant("partner").domain)
    assert done.status_code == 303, done.text
    return str(upn)


async def _onboard(web: Any, *names: str) -> httpx.Response:
    tenants = [web.tenant(n).tenant_id for n in names]
    return await web.client.post("/customers/onboard", data={"csrf_token": web.csrf(), "tenant": tenants})


async def test_partner_admin_sees_five_customers_with_reasons_and_onboards_three(web) -> None:
    await _partner_admin(web)
    page = await web.client.get("/customers")
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="customer-row"') == 5
    litware = _row(page.text, web.tenant("litware").tenant_id)
    assert "expired on" in litware and "Request a new admin relationship" in litware
    adatum = _row(page.text, web.tenant("adatum").tenant_id)
    assert "has not granted admin consent" in adatum and "Send the consent link" in adatum
    link = re.search(r'href="([^"]+)" data-testid="consent-link"', adatum)
    assert link and parse_qs(urlsplit(link.group(1)).query)["tenant"] == [web.tenant("adatum").tenant_id]
    woodgrove = _row(page.text, web.tenant("woodgrove").tenant_id)
    assert "Global Reader" in woodgrove and "Ready to onboard" in woodgrove
    assert 'Assignment manager <span class="muted">— needs Intune Administrator' in woodgrove
    contoso = _row(page.text, web.tenant("contoso").tenant_id)
    assert "Intune Administrator, Global Reader" in contoso and "Northwind - Escalation Engineers" in contoso

    refused = await _onboard(web, "litware")
    assert refused.status_code == 409 and "expired" in refused.text and "Nothing was changed" in refused.text
    done = await _onboard(web, "contoso", "fabrikam", "woodgrove")
    assert done.status_code == 303, done.text
    partner = web.tenant("partner").tenant_id
    stored = {(r.tenant_id, r.domain, r.managed_by) for r in web.registry.customers_of(partner)}
    assert stored == {
        (web.tenant(n).tenant_id, web.tenant(n).domain, partner) for n in ("contoso", "fabrikam", "woodgrove")
    }
    listed = await web.client.get("/customers?show=onboarded&q=wood")
    assert listed.text.count('data-testid="customer-row"') == 1 and "Woodgrove" in listed.text


async def test_switching_reads_each_customer_with_its_own_token(web, graph_transport) -> None:
    await _partner_admin(web)
    assert (await _onboard(web, "contoso", "woodgrove")).status_code == 303
    menu = await web.client.get("/customers")
    assert 'data-testid="customer-menu"' in menu.text and web.tenant("woodgrove").domain in menu.text
    for name in ("contoso", "woodgrove"):
        tenant = web.tenant(name)
        switched = await web.client.get("/customers/switch", params={"tenant": tenant.tenant_id})
        assert switched.status_code == 303 and switched.headers["location"] == "/policies"
        graph_transport.seen.clear()
        page = await web.wait_for_policies()
        assert page.status_code == 200 and tenant.domain in page.text, page.text[:2000]
        intune = [tid for path, tid in graph_transport.seen if "/deviceManagement/" in path or "$batch" in path]
        assert intune and set(intune) == {tenant.tenant_id}
    # A later page in the customer, the customer list no longer in memory: the page asks Entra for
    # tokens from this customer only, never one per customer.
    web.app.state.web.customers.entries.clear()
    logged = len(web.demo.entra.token_log)
    assert (await web.client.get("/policies")).status_code == 200
    asked = {e.tenant_id for e in web.demo.entra.token_log[logged:]}
    assert asked == {web.tenant("partner").tenant_id, web.tenant("woodgrove").tenant_id}
    home = await web.client.get("/customers/switch")
    assert home.status_code == 303
    assert (await web.client.get("/tenant")).status_code == 200


async def test_a_customer_that_cannot_be_used_explains_itself_on_switch(web) -> None:
    await _partner_admin(web)
    refused = await web.client.get("/customers/switch", params={"tenant": web.tenant("adatum").tenant_id})
    assert refused.status_code == 404 and "Not an onboarded customer" in refused.text
    web.registry.onboard_customer(
        web.tenant("litware").tenant_id, web.tenant("litware").domain, "self-hosted", web.tenant("partner").tenant_id
    )
    expired = await web.client.get("/customers/switch", params={"tenant": web.tenant("litware").tenant_id})
    assert (
        expired.status_code == 403 and "expired" in expired.text and "Request a new admin relationship" in expired.text
    )


async def test_a_read_only_gdap_role_reads_but_writes_are_refused(web) -> None:
    await _partner_admin(web)
    woodgrove = web.tenant("woodgrove")
    assert (await _onboard(web, "woodgrove")).status_code == 303
    # Woodgrove's own administrator activated the Assignment manager (consent to its write scopes).
    web.registry.activate_module(woodgrove.tenant_id, "bulk-assign")
    web.demo.entra.grant_consent(woodgrove.tenant_id, write_scopes(web.demo.catalog)["bulk-assign"])
    await web.client.get("/customers/switch", params={"tenant": woodgrove.tenant_id})
    page = await web.wait_for_policies()
    assert page.status_code == 200 and "partner technician" in page.text
    policy = next(p for p in woodgrove.objects["settingsCatalog"] if p.get("assignments"))
    before = [dict(a) for a in policy["assignments"]]
    group = next(g for g in woodgrove.objects["groups"] if g.get("members") is not None)
    review = await web.client.post(
        "/assignment-manager/review",
        data={
            "csrf_token": web.csrf(),
            "input": "form",
            "object": f"settingsCatalog/{policy['id']}",
            "action": "add",
            "target": "group",
            "group": group["id"],
            "direction": "include",
        },
    )
    assert review.status_code == 200, review.text
    plan = html.unescape(re.search(r'name="plan" value="([^"]+)"', review.text).group(1))
    started = await web.client.post("/assignment-manager/apply", data={"csrf_token": web.csrf(), "plan": plan})
    assert started.status_code == 303, started.text
    run = started.headers["location"]
    for _ in range(2000):
        fragment = await web.client.get(run + "/progress", headers={"HX-Request": "true"})
        if fragment.headers.get("HX-Refresh") == "true":
            break
    result = await web.client.get(run)
    assert 'data-testid="count-failed">1<' in result.text and "403" in result.text
    live = next(p for p in woodgrove.objects["settingsCatalog"] if p["id"] == policy["id"])
    assert live["assignments"] == before


async def test_customer_consent_never_asks_for_the_partner_scope(web) -> None:
    upn = web.upn("adatum")
    await web.sign_in(upn)
    started = await web.client.post(
        "/onboarding/start", data={"csrf_token": web.csrf(), "domain": web.tenant("adatum").domain}
    )
    assert started.status_code == 303
    location = started.headers["location"]
    assert "DelegatedAdminRelationship" not in location
    consent_page = web.browser.client.get(location)
    assert "DelegatedAdminRelationship" not in consent_page.text
    done = await web.consent(started, upn)
    assert done.status_code == 303 and done.headers["location"] == "/policies"
    # The customer's own tokens never carry it either.
    scopes = web.app.state.web.policies.scopes(frozenset())
    assert not any("DelegatedAdminRelationship" in s for s in scopes)


async def test_json_api_lists_customers_for_a_partner_member_only(web) -> None:
    await _partner_admin(web)
    session = web.app.state.web.cookies.load(_Cookies(web.client.cookies))
    answer = await web.client.get("/api/v1/customers", headers={"Authorization": f"Bearer {session.api_token}"})
    assert answer.status_code == 200, answer.text
    by_name = {c["name"]: c for c in answer.json()["customers"]}
    assert by_name["Litware Inc."]["problem"]["code"] == "expired"
    assert by_name["Adatum Corporation"]["consent"] == "missing"
    assert by_name["Contoso"]["usable"] and by_name["Contoso"]["domain"] == web.tenant("contoso").domain


class _Cookies:
    def __init__(self, cookies: httpx.Cookies) -> None:
        self.cookies = {c.name: c.value for c in cookies.jar}
