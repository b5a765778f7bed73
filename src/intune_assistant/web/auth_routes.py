"""Sign-in, the sign-in callback, silent renewal and sign-out (the frontend role).

``/signin`` starts MSAL's auth-code flow for the API scope only and keeps the flow in a
short-lived encrypted cookie. Entra answers with ``form_post``: a cross-site POST to
``/auth/callback``, which browsers send without SameSite=Lax cookies, so that page only relays the
answer to ``/auth/complete`` from this origin (a same-site POST that carries the flow cookie).
The API token then goes into the encrypted session cookie and nowhere else.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from intune_assistant.tenants import RegistryError

from .consent import short_reason
from .context import live_session, safe_next, signin_url, web_state
from .csrf import check_csrf
from .errors import Link, ProblemPage
from .identity_api import AuthError
from .session import BrowserSession
from .templating import render

logger = logging.getLogger(__name__)
router = APIRouter()

_PROMPTS = ("none", "login", "select_account")
# What Entra answers to prompt=none when the user must interact: fall back to a visible sign-in.
_INTERACTIVE_ERRORS = ("login_required", "interaction_required", "consent_required", "account_selection_required")
_ANSWER_FIELDS = ("code", "state", "client_info", "session_state", "error", "error_description", "error_uri")


@router.get("/signin", name="signin")
async def signin(
    request: Request,
    tenant: Annotated[str | None, Query(max_length=253)] = None,
    prompt: Annotated[str | None, Query(max_length=20)] = None,
    login_hint: Annotated[str | None, Query(max_length=320)] = None,
    domain_hint: Annotated[str | None, Query(max_length=253)] = None,
    next: Annotated[str | None, Query(max_length=2000)] = None,
    claims: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """Leave for Entra ID's sign-in (optionally into one tenant, e.g. a GDAP customer; ``claims``: a
    Conditional Access challenge to answer, which Entra itself validates)."""
    return await start_sign_in(
        request,
        tenant=(tenant or "").strip() or None,
        prompt=prompt if prompt in _PROMPTS else None,
        login_hint=login_hint,
        domain_hint=domain_hint,
        next_url=safe_next(next),
        claims=(claims or "").strip() or None,
    )


async def start_sign_in(
    request: Request,
    *,
    tenant: str | None,
    next_url: str,
    prompt: str | None = None,
    login_hint: str | None = None,
    domain_hint: str | None = None,
    claims: str | None = None,
) -> Response:
    """Begin an auth-code flow and redirect the browser to Entra ID (htmx: ``HX-Redirect``)."""
    state = web_state(request)
    try:
        authority = state.signin.authority(tenant)
    except ValueError:
        raise ProblemPage(400, "Not a tenant", "Give a tenant ID or a domain such as contoso.com.") from None
    try:
        flow = await state.signin.start(
            authority=authority,
            redirect_uri=state.settings.redirect_uri,
            prompt=prompt,
            login_hint=login_hint,
            domain_hint=domain_hint,
            claims=claims,
        )
    except (ValueError, OSError) as exc:
        logger.warning("sign-in could not start: %s (correlation %s)", type(exc).__name__, _cid(request))
        raise ProblemPage(
            503,
            "Sign-in is not reachable",
            "Intune Assistant could not reach Entra ID to start the sign-in.",
            advice="Try again in a moment. If you gave a tenant, check its ID or domain.",
            links=[Link("Try again", "/signin", primary=True)],
        ) from None
    target = str(flow["auth_uri"])
    response: Response
    if request.headers.get("HX-Request") == "true":
        response = Response(status_code=200, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    state.cookies.store_flow(
        request,
        response,
        {"flow": flow, "authority": authority, "next": next_url, "silent": prompt == "none", "tenant": tenant},
    )
    return response


@router.post("/auth/callback", name="auth_callback", response_class=HTMLResponse)
async def auth_callback(request: Request) -> Response:
    """Entra's ``form_post`` answer: relay it to ``/auth/complete`` from this origin."""
    form = await request.form()
    fields = {name: str(form[name]) for name in _ANSWER_FIELDS if isinstance(form.get(name), str)}
    return render(request, "relay.html", {"fields": fields})


@router.post("/auth/complete", name="auth_complete")
async def auth_complete(request: Request) -> Response:
    """Redeem the code (MSAL checks state, PKCE, nonce), validate the token, start the session."""
    state = web_state(request)
    pending = state.cookies.load_flow(request)
    form = await request.form()
    answer = {name: str(form[name]) for name in _ANSWER_FIELDS if isinstance(form.get(name), str)}
    if pending is None or not isinstance(pending.get("flow"), dict):
        raise ProblemPage(
            400,
            "This sign-in has expired",
            "The sign-in took too long or was started in another browser window.",
            links=[Link("Sign in again", "/signin", primary=True)],
        )
    next_url = safe_next(pending.get("next"))
    tenant = pending.get("tenant") if isinstance(pending.get("tenant"), str) else None
    if "error" in answer:
        if pending.get("silent") and answer["error"] in _INTERACTIVE_ERRORS:
            response = RedirectResponse(
                signin_url(next_url=next_url, tenant=tenant, prompt="select_account"), status_code=303
            )
            state.cookies.clear_flow(request, response)
            return response
        raise _sign_in_refused(answer.get("error_description") or answer["error"])
    try:
        result = await state.signin.finish(str(pending["authority"]), pending["flow"], answer)
    except ValueError:
        # MSAL: the state does not match the flow (a replayed or forged answer).
        raise ProblemPage(
            400,
            "This sign-in answer does not belong to this browser",
            "Nothing was signed in.",
            links=[Link("Sign in again", "/signin", primary=True)],
        ) from None
    token = result.get("access_token")
    if not isinstance(token, str):
        raise _sign_in_refused(str(result.get("error_description") or result.get("error") or "no token"))
    try:
        principal = await state.validator.validate(token)
    except AuthError as exc:
        raise ProblemPage(
            exc.status,
            "Access refused",
            exc.message,
            advice="Your account or tenant may not use Intune Assistant. Ask your administrator.",
            links=[Link("Sign in with another account", "/signin?prompt=select_account", primary=True)],
        ) from None
    label = await _tenant_label(
        request, principal.tenant_id, principal.username, principal.is_partner_technician, tenant
    )
    previous = await live_session(request)
    session = BrowserSession(api_token=token, tenant_id=principal.tenant_id)
    if previous is not None and previous.tenants and _same_user(previous, principal.username):
        session.tenants = list(previous.tenants)
    session.user = principal.username
    session.remember(principal.tenant_id, label)
    response = RedirectResponse(next_url, status_code=303)
    state.cookies.clear_flow(request, response)
    state.cookies.store(request, response, session)
    return response


@router.get("/signout", name="signout_page", response_class=HTMLResponse)
async def signout_page(request: Request) -> Response:
    """A confirmation page (signing out is a POST, so another site cannot sign the user out)."""
    session = await live_session(request)
    request.state.session = session
    if session is None:
        return RedirectResponse("/", status_code=303)
    return render(request, "signout.html")


@router.post("/signout", name="signout")
async def signout(request: Request) -> Response:
    """Clear the cookies, forget cached Graph tokens and data, and sign out at Entra ID."""
    state = web_state(request)
    session = await live_session(request)
    await check_csrf(request, session)
    assert session is not None
    try:
        principal = await state.validator.validate(session.api_token, expected_tenant=session.tenant_id)
    except AuthError:
        principal = None
    # Every replica refuses this session from now on, until its token would have expired anyway.
    await asyncio.to_thread(state.registry.end_session, session.marker, _token_end(session.api_token))
    if principal is not None:
        state.obo.forget(principal.tenant_id, principal.user_key)
        state.policies.drop(principal.tenant_id, principal.user_key)
    response = RedirectResponse(
        state.signin.logout_url(session.tenant_id, state.settings.post_logout_uri), status_code=303
    )
    state.cookies.clear(request, response)
    return response


async def end_session_here(request: Request, response: Response) -> None:
    """End the request's browser session on every replica and clear its cookies on ``response``
    (Entra ended the user's sessions itself: no sign-out at Entra is needed)."""
    state = web_state(request)
    session = getattr(request.state, "session", None)
    if session is not None:
        await asyncio.to_thread(state.registry.end_session, session.marker, _token_end(session.api_token))
    state.cookies.clear(request, response)


def _token_end(token: str) -> datetime:
    """When ``token`` surely stops being accepted (its ``exp`` plus more than the validator's 60 s
    leeway); a token whose expiry cannot be read counts as living the longest lifetime Entra issues
    (28 hours, a token of a client capable of continuous access evaluation)."""
    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.InvalidTokenError:
        exp = None
    if isinstance(exp, int | float):
        return datetime.fromtimestamp(exp, UTC) + timedelta(minutes=5)
    return datetime.now(UTC) + timedelta(hours=28)


def _same_user(previous: BrowserSession, username: str) -> bool:
    return bool(previous.user) and previous.user.lower() == username.lower()


async def _tenant_label(request: Request, tenant_id: str, username: str, technician: bool, asked: str | None) -> str:
    try:
        record = await asyncio.to_thread(web_state(request).registry.get, tenant_id)
    except RegistryError:
        record = None
    if record is not None:
        return record.domain
    if asked and "." in asked:
        return asked.lower()
    if not technician and "@" in username:
        return username.rsplit("@", 1)[1].lower()
    return tenant_id


def _sign_in_refused(description: str) -> ProblemPage:
    reason = short_reason(description)
    return ProblemPage(
        401,
        "Sign-in did not complete",
        reason or "Entra ID did not sign you in.",
        advice="Try again, or sign in with another account. If Entra ID says your account is disabled or "
        "has no access to this tenant, ask your administrator.",
        links=[Link("Sign in again", "/signin?prompt=select_account", primary=True)],
    )


def _cid(request: Request) -> str:
    return str(getattr(request.state, "correlation_id", ""))
