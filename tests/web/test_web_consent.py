"""Consent is verified, not trusted: the callback's query string proves nothing on its own.

Onboarding and module activation are recorded only for a user whose directory role can grant admin
consent, and only after an On-Behalf-Of token with exactly the needed scopes was issued to them.
A module is offered only once its page exists.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from intune_assistant.emulator.tenants.model import INTUNE_ADMINISTRATOR
from intune_assistant.web.consent import ConsentState, admin_consent_url


def _forged_answer(web: Any, kind: str, **fields: Any) -> dict[str, str]:
    """What a forged callback carries: a valid sealed state for this session, and ``admin_consent=True``."""
    tenant_id = web.tenant("contoso").tenant_id
    state = ConsentState(kind, tenant_id, ("Group.Read.All",), web.csrf(), **fields)
    sealed = state.seal(web.app.state.web.cookies.cipher)
    return {"admin_consent": "True", "tenant": tenant_id, "state": sealed}


def _state_of(started: Any) -> str:
    return parse_qs(urlsplit(started.headers["location"]).query)["state"][0]


async def test_read_only_operator_forging_the_consent_answer_changes_nothing(web) -> None:
    tenant_id = web.tenant("contoso").tenant_id
    # The case: the admin offboards; consent stays in Entra ID; a reader tries to re-onboard.
    await web.onboarded_admin()
    assert (await web.client.post("/tenant/offboard", data={"csrf_token": web.csrf()})).status_code == 200
    assert web.registry.get(tenant_id) is None and web.demo.entra.consented_scopes(tenant_id)
    web.forget_browser()
    await web.sign_in(web.upn("contoso", "readOnly"))
    page = await web.client.get("/onboarding")
    assert 'data-testid="consent-role-needed"' in page.text and "/onboarding/start" not in page.text
    start = await web.client.post("/onboarding/start", data={"csrf_token": web.csrf(), "domain": "contoso.com"})
    assert start.status_code == 403 and web.registry.get(tenant_id) is None
    forged = await web.client.get("/onboarding/consent", params=_forged_answer(web, "onboard", domain="evil.com"))
    assert forged.status_code == 403
    assert "A role that can grant admin consent is needed" in forged.text and "Nothing was changed" in forged.text
    assert web.registry.get(tenant_id) is None


async def test_read_only_operator_forging_a_module_activation_changes_nothing(web) -> None:
    tenant_id = web.tenant("contoso").tenant_id
    await web.onboarded_admin()
    web.forget_browser()
    await web.sign_in(web.upn("contoso", "readOnly"))
    settings = await web.client.get("/tenant")
    assert "Assignment manager" in settings.text and ">Activate<" not in settings.text
    forged = await web.client.get("/onboarding/consent", params=_forged_answer(web, "module", module="bulk-assign"))
    assert forged.status_code == 403 and "Nothing was changed" in forged.text
    assert not web.registry.get(tenant_id).modules


async def test_admin_who_never_consented_cannot_onboard_with_a_forged_answer(web) -> None:
    tenant_id = web.tenant("contoso").tenant_id
    web.demo.entra.revoke_consent(tenant_id)  # the demo tenants start consented; this one never did
    upn = web.upn("contoso")
    await web.sign_in(upn)
    started = await web.client.post(
        "/onboarding/start", data={"csrf_token": web.csrf(), "domain": "contoso.onmicrosoft.com"}
    )
    # Entra ID is never visited: the answer is typed in by hand.
    answer = {"admin_consent": "True", "tenant": tenant_id, "state": _state_of(started)}
    forged = await web.client.get("/onboarding/consent", params=answer)
    assert forged.status_code == 403
    assert "Consent was not granted" in forged.text and "DeviceManagementConfiguration.Read.All" in forged.text
    assert web.registry.get(tenant_id) is None and web.demo.entra.consented_scopes(tenant_id) == ()
    # The same admin granting consent on Entra ID's page onboards the tenant.
    done = await web.onboard(upn, "contoso.onmicrosoft.com")
    assert done.headers["location"] == "/policies" and web.registry.get(tenant_id) is not None


async def test_admin_who_never_consented_cannot_activate_a_module_with_a_forged_answer(web) -> None:
    tenant_id = web.tenant("contoso").tenant_id
    upn = await web.onboarded_admin()
    started = await web.client.post("/tenant/modules/bulk-assign/activate", data={"csrf_token": web.csrf()})
    answer = {"admin_consent": "True", "tenant": tenant_id, "state": _state_of(started)}
    forged = await web.client.get("/onboarding/consent", params=answer)
    assert forged.status_code == 403 and "Consent was not granted" in forged.text
    assert "Group.ReadWrite.All" in forged.text
    assert not web.registry.get(tenant_id).modules
    assert not any("ReadWrite" in s for s in web.demo.entra.consented_scopes(tenant_id))
    again = await web.client.post("/tenant/modules/bulk-assign/activate", data={"csrf_token": web.csrf()})
    done = await web.consent(again, upn)
    assert done.headers["location"] == "/tenant?activated=bulk-assign"
    assert web.registry.get(tenant_id).module_names == frozenset({"bulk-assign"})
    page = await web.client.get(done.headers["location"])
    assert "<strong>Assignment manager</strong> is active" in page.text


async def test_intune_administrator_cannot_onboard_even_through_entra(web) -> None:
    tenant_id = web.tenant("contoso").tenant_id
    web.demo.entra.revoke_consent(tenant_id)
    upn = web.upn("contoso")
    admin = next(o for o in web.tenant("contoso").operators if o.user_principal_name == upn)
    admin.wids = (INTUNE_ADMINISTRATOR,)  # Intune rights, but no role that can grant consent
    await web.sign_in(upn)
    assert (await web.client.post("/onboarding/start", data={"csrf_token": web.csrf()})).status_code == 403
    # Sent to Entra ID's consent page anyway, Entra refuses as it does for this role.
    state = _forged_answer(web, "onboard", domain="contoso.com")["state"]
    settings = web.app.state.web.settings
    url = admin_consent_url(web.identity, tenant_id, ("Group.Read.All",), settings.consent_redirect_uri, state)
    answer = web.browser.sign_in(url, upn)
    assert answer["error"] == "consent_required" and web.demo.entra.consented_scopes(tenant_id) == ()
    refused = await web.client.get("/onboarding/consent", params=answer)
    assert refused.status_code == 403 and web.registry.get(tenant_id) is None
    forged = await web.client.get("/onboarding/consent", params=_forged_answer(web, "onboard", domain="contoso.com"))
    assert forged.status_code == 403 and web.registry.get(tenant_id) is None


def test_a_write_module_is_offered_only_when_the_app_serves_its_page() -> None:
    from fastapi import APIRouter, FastAPI

    from intune_assistant.web.modules import offered_modules

    bare = FastAPI()
    assert offered_modules(bare) == ()
    router = APIRouter()
    router.add_api_route("/assignment-manager/apply", lambda: "page", methods=["POST"], name="assignment_manager")
    bare.include_router(router)  # nested the way the app includes its pages
    assert offered_modules(bare) == ("bulk-assign",)


def _without_pages(routes: list[Any], prefixes: tuple[str, ...]) -> None:
    """Drop this app's routes (and included routers) under ``prefixes``; the routers themselves are
    shared by every app of the test session, so only this app's list changes."""

    def paths(route: Any) -> list[str]:
        inner = getattr(route, "original_router", None)
        return [p for r in inner.routes for p in paths(r)] if inner is not None else [getattr(route, "path", "")]

    routes[:] = [r for r in routes if not all(p.startswith(prefixes) for p in paths(r))]


async def test_modules_without_pages_are_not_offered_and_add_no_scope(web) -> None:
    tenant_id = web.tenant("contoso").tenant_id
    # A version of the app without the Deploy and Restore pages (every module has its page today).
    _without_pages(web.app.router.routes, ("/deploy", "/restore"))
    await web.onboarded_admin()
    web.registry.activate_module(tenant_id, "restore")  # activated before its pages were withdrawn
    settings = await web.client.get("/tenant")
    assert "Assignment manager" in settings.text and ">Activate<" in settings.text
    assert "/tenant/modules/restore/activate" not in settings.text and "Deploy baselines" not in settings.text
    for module in ("restore", "deploy-baseline"):
        refused = await web.client.post(f"/tenant/modules/{module}/activate", data={"csrf_token": web.csrf()})
        assert refused.status_code == 404 and "not offered" in refused.text
    before = len(web.demo.entra.token_log)
    await web.wait_for_policies()
    new = [e for e in web.demo.entra.token_log[before:] if "bearer" in e.grant_type]
    assert new and not any("ReadWrite" in s for e in new for s in e.scopes)


async def test_a_forged_request_answer_cannot_re_onboard_an_offboarded_tenant(web) -> None:
    tenant_id = web.tenant("contoso").tenant_id
    await web.onboarded_admin()
    assert (await web.client.post("/tenant/offboard", data={"csrf_token": web.csrf()})).status_code == 200
    web.forget_browser()
    await web.sign_in(web.upn("contoso", "readOnly"))
    state = ConsentState("request", tenant_id, ("Group.Read.All",), web.csrf(), domain="contoso.com")
    answer = {
        "state": state.seal(web.app.state.web.cookies.cipher),
        "error": "consent_required",
        "error_description": "AADSTS90095: Admin consent is required.",
    }
    forged = await web.client.get("/onboarding/consent", params=answer)
    assert forged.status_code == 409 and "This tenant already granted consent" in forged.text
    page = await web.client.get("/onboarding")
    assert 'data-testid="request-pending"' not in page.text
    assert web.registry.get(tenant_id) is None
