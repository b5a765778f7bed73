"""Per-request context: who is signed in (validated API token), and which onboarded tenant.

Every page runs these dependencies: the API token from the session cookie is validated on every
request (a revoked or expired token stops the product at once, DESIGN §2.7), then the tenant is
looked up in the registry. Results go on ``request.state`` for the layout and error pages.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from starlette.requests import Request

from intune_assistant.tenants import TenantRecord

from .errors import Link, ProblemPage, Redirect
from .identity_api import AuthError, Principal
from .session import BrowserSession

if TYPE_CHECKING:
    from .app import WebState


@dataclass
class UserContext:
    """A signed-in user: the browser session and the validated principal."""

    session: BrowserSession
    principal: Principal


@dataclass
class TenantContext(UserContext):
    """A signed-in user of an onboarded, enabled tenant."""

    record: TenantRecord


def web_state(request: Request) -> WebState:
    """The app's injected services."""
    state: WebState = request.app.state.web
    return state


def safe_next(value: str | None, default: str = "/policies") -> str:
    """A local path to return to; anything else (another host, ``//x``, ``\\x``) becomes ``default``."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or any(c in value for c in "\r\n"):
        return default
    return value


def here(request: Request) -> str:
    """The current path and query, for coming back after a sign-in round trip."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def signin_url(*, next_url: str, tenant: str | None = None, prompt: str | None = None) -> str:
    """``/signin`` with its parameters."""
    params = {"next": next_url}
    if tenant:
        params["tenant"] = tenant
    if prompt:
        params["prompt"] = prompt
    return "/signin?" + urlencode(params, quote_via=quote)


async def live_session(request: Request) -> BrowserSession | None:
    """The request's browser session, or ``None``: no cookie, a cookie tampered with or sealed with
    another key, or a session that signed out (on any replica: the registry says so)."""
    state = web_state(request)
    session = state.cookies.load(request)
    if session is None:
        return None
    # SQLAlchemy is synchronous: a worker thread keeps the event loop free for other requests.
    ended = await asyncio.to_thread(state.registry.session_ended, session.marker)
    return None if ended else session


async def user_context(request: Request) -> UserContext:
    """The signed-in user, or a redirect to sign in (silently when only the token expired)."""
    state = web_state(request)
    session = await live_session(request)
    request.state.session = session
    if session is None:
        raise Redirect(signin_url(next_url=here(request)))
    try:
        principal = await state.validator.validate(session.api_token, expected_tenant=session.tenant_id)
    except AuthError as exc:
        if exc.status == 401:
            # Expired (or otherwise unusable) token: renew without a prompt through Entra's SSO
            # session; the callback falls back to an interactive sign-in if that is refused.
            raise Redirect(signin_url(next_url=here(request), tenant=session.tenant_id, prompt="none")) from None
        raise ProblemPage(
            exc.status,
            "Access refused",
            exc.message,
            advice="Your account or tenant may not use Intune Assistant. Ask your administrator, or sign in "
            "with another account.",
            links=[Link("Sign in with another account", "/signin?prompt=select_account", primary=True)],
        ) from None
    request.state.principal = principal
    return UserContext(session, principal)


async def tenant_context(request: Request) -> TenantContext:
    """The signed-in user of an onboarded, enabled tenant; unknown tenants go to onboarding.

    A partner user who switched to a GDAP customer gets the customer's record and themselves as
    Entra names them there (``Principal.in_customer``, with their GDAP roles), so every Graph
    token of the request is issued by the customer.
    """
    user = await user_context(request)
    if user.session.customer:
        return await _customer_context(request, user)
    # SQLAlchemy is synchronous: a worker thread keeps the event loop free for other requests.
    record = await asyncio.to_thread(web_state(request).registry.get, user.principal.tenant_id)
    if record is None:
        raise Redirect("/onboarding")
    request.state.record = record
    await _customer_menu(request, user.principal)
    if not record.enabled:
        raise ProblemPage(
            403,
            "This tenant is disabled in Intune Assistant",
            f"{record.domain} is registered but disabled, so no data is read from it.",
            advice="Ask whoever runs your Intune Assistant service to enable the tenant again.",
        )
    return TenantContext(user.session, user.principal, record)


async def _customer_menu(request: Request, principal: Principal) -> None:
    """The partner's onboarded customers for the tenant switcher (none for a technician token)."""
    if principal.is_partner_technician:
        return
    customers = await asyncio.to_thread(web_state(request).registry.customers_of, principal.tenant_id)
    request.state.customer_menu = customers


async def _customer_context(request: Request, user: UserContext) -> TenantContext:
    """The partner user's context in the customer they switched to, if they can still use it."""
    # Imported here: the customer service builds on this module's helpers.
    from .customers.service import usable_customer

    customer = await usable_customer(request, user.principal, user.session.api_token, user.session.customer)
    if customer is None:
        raise ProblemPage(
            403,
            "This customer cannot be used now",
            "The customer is not onboarded by your partner tenant, or your GDAP access to it ended.",
            advice="Open Customers to see the reason and the fix for each customer.",
            links=[Link("Customers", "/customers", primary=True), Link("Your own tenant", "/customers/switch")],
        )
    record = await asyncio.to_thread(web_state(request).registry.get, customer.tenant_id)
    if record is None:
        raise Redirect("/customers")
    request.state.record = record
    acting = user.principal.in_customer(customer.tenant_id, customer.roles)
    request.state.principal = acting
    request.state.partner_principal = user.principal
    await _customer_menu(request, user.principal)
    if not record.enabled:
        raise ProblemPage(
            403,
            "This tenant is disabled in Intune Assistant",
            f"{record.domain} is registered but disabled, so no data is read from it.",
            advice="Ask whoever runs your Intune Assistant service to enable the tenant again.",
        )
    return TenantContext(user.session, acting, record)
