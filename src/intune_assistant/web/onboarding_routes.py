"""Onboarding (admin consent for the read scopes), consent for missing scopes, offboarding.

Every admin-consent round trip asks for explicit scopes (never ``/.default``, which would grant
write permissions too) and comes back to ``/onboarding/consent`` with the sealed state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from intune_assistant.catalog.modules import OPTIONAL_READ_MODULES, module_words
from intune_assistant.tenants import RegistryError
from intune_assistant.tenants.validation import normalise_domain

from .consent import ConsentState, admin_consent_url, short_reason
from .context import TenantContext, UserContext, safe_next, tenant_context, user_context, web_state
from .csrf import check_csrf
from .errors import Link, ProblemPage
from .identity_api import ConsentRequired, can_grant_admin_consent, is_admin
from .modules import modules_in_use, offered_module_scopes
from .templating import render

router = APIRouter()


def _suggested_domain(request: Request, ctx: UserContext) -> str:
    label = ctx.session.label_of(ctx.principal.tenant_id) or ""
    return label if "." in label else ""


@router.get("/onboarding", name="onboarding", response_class=HTMLResponse)
async def onboarding(request: Request, ctx: Annotated[UserContext, Depends(user_context)]) -> Response:
    """First sign-in from a tenant that is not registered: explain, then ask an admin to consent."""
    state = web_state(request)
    record = await asyncio.to_thread(state.registry.get, ctx.principal.tenant_id)
    request.state.record = record
    if record is not None and record.enabled:
        return RedirectResponse("/policies", status_code=303)
    can_consent = can_grant_admin_consent(ctx.principal)
    requested = None if can_consent or record is not None else _sent_request(request, ctx)
    if requested is not None:
        onboarded = await _onboard_if_approved(request, ctx, requested)
        if onboarded is not None:
            return onboarded
    offered = offered_module_scopes(request)
    return render(
        request,
        "onboarding.html",
        {
            "scopes": state.policies.scopes(frozenset()),
            "optional": [(module_words(m), s) for m, s in offered.items() if m in OPTIONAL_READ_MODULES],
            "domain": _suggested_domain(request, ctx),
            "can_consent": can_consent,
            "request_pending": requested is not None,
            "admin_link": state.settings.base_url.rstrip("/") + "/onboarding",
            "consent_roles": CONSENT_ROLE_NAMES,
            "nav": "onboarding",
        },
    )


# Who can grant tenant-wide admin consent to delegated Graph permissions (Microsoft Learn, "Grant
# tenant-wide admin consent to an application": the prerequisites), in Entra's words.
CONSENT_ROLE_NAMES = (
    "Global Administrator",
    "Privileged Role Administrator",
    "Cloud Application Administrator",
    "Application Administrator",
)


def _sent_request(request: Request, ctx: UserContext) -> dict[str, str] | None:
    """The admin consent request this user sent for this tenant from this browser, if any."""
    data = web_state(request).cookies.load_request(request)
    if data is None or data.get("tid") != ctx.principal.tenant_id or data.get("u") != ctx.principal.user_key:
        return None
    return {"domain": str(data.get("d") or "")}


async def _onboard_if_approved(request: Request, ctx: UserContext, requested: dict[str, str]) -> Response | None:
    """After an approved request, onboard: a fresh token with exactly the read scopes proves the tenant
    consented to them (Entra issues none otherwise); ``None`` while the request is still pending."""
    state = web_state(request)
    scopes = state.policies.scopes(frozenset())
    try:
        await state.obo.graph_token(ctx.session.api_token, ctx.principal, scopes, fresh=True)
    except ConsentRequired:
        return None
    domain = requested["domain"] or _suggested_domain(request, ctx)
    if not domain:
        return None
    await asyncio.to_thread(state.registry.onboard, ctx.principal.tenant_id, domain, state.settings.plan)
    ctx.session.remember(ctx.principal.tenant_id, domain)
    response = RedirectResponse("/policies", status_code=303)
    state.cookies.store(request, response, ctx.session)
    state.cookies.clear_request(request, response)
    return response


@router.post("/onboarding/request", name="onboarding_request")
async def onboarding_request(request: Request, ctx: Annotated[UserContext, Depends(user_context)]) -> Response:
    """A user who cannot consent asks for approval on Entra's admin consent page (the tenant's admin
    consent workflow, where it is on; otherwise Entra refuses and says so)."""
    await check_csrf(request, ctx.session)
    state = web_state(request)
    scopes = state.policies.scopes(frozenset())
    consent = ConsentState(
        "request", ctx.principal.tenant_id, scopes, ctx.session.csrf, domain=_suggested_domain(request, ctx)
    )
    return to_consent(request, consent)


@router.post("/onboarding/start", name="onboarding_start")
async def onboarding_start(request: Request, ctx: Annotated[UserContext, Depends(user_context)]) -> Response:
    """Send an administrator to Entra's admin consent for the read scopes."""
    await check_csrf(request, ctx.session)
    if not can_grant_admin_consent(ctx.principal):
        raise consent_role_needed("Onboarding the tenant")
    state = web_state(request)
    form = await request.form()
    raw_domain = form.get("domain")
    try:
        domain = normalise_domain(raw_domain if isinstance(raw_domain, str) else "")
    except RegistryError as exc:
        raise ProblemPage(
            400,
            "Check the tenant's domain",
            str(exc),
            links=[Link("Back to onboarding", "/onboarding", primary=True)],
        ) from None
    scopes = state.policies.scopes(frozenset())
    consent = ConsentState("onboard", ctx.principal.tenant_id, scopes, ctx.session.csrf, domain=domain)
    return to_consent(request, consent)


@router.post("/consent/start", name="consent_start")
async def consent_start(request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """Grant missing scopes: only scopes this tenant is meant to have (read + activated modules)."""
    await check_csrf(request, ctx.session)
    state = web_state(request)
    form = await request.form()
    allowed = state.policies.scopes(modules_in_use(request, ctx.record.module_names))
    asked = [s.rpartition("/")[2] for s in form.getlist("scope") if isinstance(s, str)]
    scopes = tuple(s for s in allowed if s.lower() in {a.lower() for a in asked}) or allowed
    next_value = form.get("next")
    consent = ConsentState(
        "scopes",
        ctx.principal.tenant_id,
        scopes,
        ctx.session.csrf,
        next_url=safe_next(next_value if isinstance(next_value, str) else None),
    )
    return to_consent(request, consent)


def to_consent(request: Request, consent: ConsentState) -> Response:
    """Redirect to Entra's admin consent for ``consent``'s tenant and scopes, with its sealed state."""
    state = web_state(request)
    url = admin_consent_url(
        state.identity,
        consent.tenant_id,
        consent.scopes,
        state.settings.consent_redirect_uri,
        consent.seal(state.cookies.cipher),
    )
    return RedirectResponse(url, status_code=303)


@router.get("/onboarding/consent", name="consent_callback")
async def consent_callback(
    request: Request,
    ctx: Annotated[UserContext, Depends(user_context)],
    state_value: Annotated[str | None, Query(alias="state", max_length=8000)] = None,
    admin_consent: Annotated[str | None, Query(max_length=10)] = None,
    tenant: Annotated[str | None, Query(max_length=100)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
    error_description: Annotated[str | None, Query(max_length=4000)] = None,
) -> Response:
    """Entra's answer to admin consent: onboard, activate the module, or go back where we were."""
    state = web_state(request)
    consent = ConsentState.open(state.cookies.cipher, state_value)
    if consent is None or consent.csrf != ctx.session.csrf or consent.tenant_id != ctx.principal.tenant_id:
        raise ProblemPage(
            400,
            "This consent answer does not belong to this session",
            "It expired, or it was started in another browser session or for another tenant. Nothing was changed.",
            links=[Link("Start again", "/onboarding" if consent is None else "/tenant", primary=True)],
        )
    if error and consent.kind == "request":
        return await _request_answer(request, ctx, consent, error_description)
    if error:
        raise ProblemPage(
            403,
            "Consent was not granted",
            short_reason(error_description) or error,
            advice="Admin consent needs a Global Administrator, Privileged Role Administrator, Cloud "
            "Application Administrator or Application Administrator of this tenant. Ask one of them to "
            "sign in here and grant it, or send them to this page.",
            links=[Link("Try again", "/onboarding" if consent.kind == "onboard" else "/tenant", primary=True)],
        )
    if admin_consent != "True" or (tenant and tenant.lower() != consent.tenant_id.lower()):
        raise ProblemPage(
            400,
            "Consent answer not understood",
            "Entra ID's answer did not confirm consent for this tenant. Nothing was changed.",
            links=[Link("Try again", "/onboarding", primary=True)],
        )
    # New scopes take effect with new Graph tokens; the cached ones (and data) go.
    state.obo.forget(ctx.principal.tenant_id, ctx.principal.user_key)
    state.policies.drop(ctx.principal.tenant_id, ctx.principal.user_key)
    if consent.kind in ("onboard", "request"):
        # (A "request" answered with consent: the user could consent after all; same proof as onboarding.)
        await verify_consent(request, ctx, state.policies.scopes(frozenset()), "Onboarding the tenant")
        await asyncio.to_thread(state.registry.onboard, consent.tenant_id, consent.domain, state.settings.plan)
        ctx.session.remember(consent.tenant_id, consent.domain)
        response = RedirectResponse("/policies", status_code=303)
        state.cookies.store(request, response, ctx.session)
        return response
    if consent.kind == "module":
        record = await asyncio.to_thread(state.registry.get, consent.tenant_id)
        scopes = offered_module_scopes(request).get(consent.module)
        if record is None or scopes is None:
            raise ProblemPage(
                409,
                "The module was not activated",
                "This tenant is not onboarded, or the module is not offered. Nothing was changed.",
                links=[Link("Back to tenant settings", "/tenant", primary=True)],
            )
        title = module_words(consent.module).title
        await verify_consent(request, ctx, scopes, f"Activating {title}")
        try:
            await asyncio.to_thread(state.registry.activate_module, consent.tenant_id, consent.module)
        except RegistryError as exc:
            raise ProblemPage(409, f"{title} was not activated", str(exc)) from None
        return RedirectResponse("/tenant?activated=" + consent.module, status_code=303)
    return RedirectResponse(safe_next(consent.next_url), status_code=303)


async def _request_answer(
    request: Request, ctx: UserContext, consent: ConsentState, description: str | None
) -> Response:
    """Entra's answer to "Request approval": pending (AADSTS90095), or who can consent when it was not sent."""
    state = web_state(request)
    link = state.settings.base_url.rstrip("/") + "/onboarding"
    if "AADSTS90095" not in (description or ""):
        raise ProblemPage(
            403,
            "Only an administrator can grant consent",
            (short_reason(description) or "Entra ID did not take a request for approval.")
            + " No request for approval was sent: this tenant does not let users request admin consent (its admin "
            "consent workflow is off), or you returned without requesting it.",
            advice=f"Ask a {', '.join(CONSENT_ROLE_NAMES[:-1])} or {CONSENT_ROLE_NAMES[-1]} of your tenant to "
            f"onboard it: send them {link} — they sign in there and grant admin consent.",
            links=[Link("Back to onboarding", "/onboarding", primary=True)],
        )
    # The answer's query string is not signed. Remember the request only while the tenant has not
    # consented: onboarding later then needs consent granted after it (an approval), and a forged
    # answer cannot re-onboard a tenant an administrator offboarded while its consent stays in Entra.
    try:
        await state.obo.graph_token(
            ctx.session.api_token, ctx.principal, state.policies.scopes(frozenset()), fresh=True
        )
    except ConsentRequired:
        pass
    else:
        raise ProblemPage(
            409,
            "This tenant already granted consent",
            "Entra ID already has this tenant's admin consent for Intune Assistant, so there is nothing to approve.",
            advice=f"An administrator onboards the tenant: send them {link}.",
            links=[Link("Back to onboarding", "/onboarding", primary=True)],
        )
    response = render(request, "consent_request_pending.html", {"admin_link": link, "nav": "onboarding"})
    state.cookies.store_request(
        request, response, {"tid": consent.tenant_id, "u": ctx.principal.user_key, "d": consent.domain}
    )
    return response


async def verify_consent(request: Request, ctx: UserContext, scopes: Sequence[str], what: str) -> None:
    """Prove consent before recording it: the query string of Entra's answer is not signed.

    Only a user whose directory role can grant tenant-wide consent is believed, and only once a
    fresh On-Behalf-Of token with exactly ``scopes`` was issued for this user in this tenant —
    which Entra does only when the tenant has consented to every one of them.
    """
    if not can_grant_admin_consent(ctx.principal):
        raise consent_role_needed(what)
    try:
        await web_state(request).obo.graph_token(ctx.session.api_token, ctx.principal, scopes, fresh=True)
    except ConsentRequired as exc:
        missing = ", ".join(s.rpartition("/")[2] for s in exc.scopes) or ", ".join(scopes)
        raise ProblemPage(
            403,
            "Consent was not granted",
            f"Entra ID has no admin consent of this tenant for: {missing}. Nothing was changed.",
            advice="Grant admin consent on Entra ID's page (not only the answer's address): start again and "
            "sign in there as a Global Administrator, Privileged Role Administrator, Cloud Application "
            "Administrator or Application Administrator of this tenant.",
            links=[Link("Start again", "/onboarding" if what.startswith("Onboarding") else "/tenant", primary=True)],
        ) from None


def consent_role_needed(what: str) -> ProblemPage:
    """The 403 page for a user whose directory roles cannot grant admin consent."""
    return ProblemPage(
        403,
        "A role that can grant admin consent is needed",
        f"{what} is recorded only for a user who can grant tenant-wide admin consent in Entra ID. "
        "Your account's directory roles cannot. Nothing was changed.",
        advice="Ask a Global Administrator, Privileged Role Administrator, Cloud Application Administrator or "
        "Application Administrator of this tenant to sign in to Intune Assistant and do it.",
        links=[Link("Back to Policies", "/policies", primary=True)],
    )


@router.post("/tenant/offboard", name="offboard")
async def offboard(request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """Remove the tenant from the registry (administrators only)."""
    await check_csrf(request, ctx.session)
    if not is_admin(ctx.principal):
        raise admin_only("Offboarding the tenant")
    state = web_state(request)
    await asyncio.to_thread(state.registry.offboard, ctx.principal.tenant_id)
    state.obo.forget(ctx.principal.tenant_id, ctx.principal.user_key)
    state.policies.drop(ctx.principal.tenant_id)
    request.state.record = None
    return render(request, "offboarded.html", {"domain": ctx.record.domain})


def admin_only(what: str) -> ProblemPage:
    """The 403 page for a read-only operator asking for an administrator's action."""
    return ProblemPage(
        403,
        "An administrator role is needed",
        f"{what} is reserved for administrators of this tenant. Your account can see the tenant's "
        "configuration but not change what Intune Assistant may do.",
        advice="Ask an Intune Administrator or Global Administrator of the tenant to do it.",
        links=[Link("Back to Policies", "/policies", primary=True)],
    )
