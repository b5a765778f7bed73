"""``create_app``: the web app with every dependency injected; nothing is built at import time."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.identity.dependency import auth_error_handler
from intune_assistant.tenants import Registry

from . import (
    api_v1,
    audit_routes,
    auth_routes,
    conditional_access_routes,
    data_routes,
    devices_routes,
    health_routes,
    onboarding_routes,
    roles_routes,
    tenant_routes,
)
from .analyses import WARM
from .assignment_manager import apply as assignment_manager_apply
from .assignment_manager import routes as assignment_manager_routes
from .assignment_manager.runs import ApplyRuns
from .bulk_edits import routes as bulk_edits_routes
from .comparison import routes as comparison_routes
from .comparison.pickers import COMPARE_OPTIONS
from .context import UserContext, here, live_session, safe_next, user_context, web_state
from .cookies import CookieCipher
from .csrf import release_form
from .customers import routes as customer_routes
from .customers.service import CustomerCache, CustomerList, consent_link
from .deploy import routes as deploy_routes
from .documentation import routes as documentation_routes
from .documentation.settings_view import SETTINGS_TABLE
from .errors import Link, ProblemPage, install_error_handlers, is_api, is_htmx, problem_json, problem_response
from .fair_use import LimitReached
from .headers import SecurityHeadersMiddleware
from .identity_api import (
    ApiTokenValidator,
    AuthError,
    ConsentRequired,
    DeviceNotCompliant,
    GraphTokenUnavailable,
    IdentityConfig,
    InteractionRequired,
    NotAssigned,
    OboClient,
    SessionsRevoked,
    SignInRequired,
)
from .objects import routes as object_routes
from .objects.view import OBJECT_INDEXES
from .origin import same_origin
from .policies import routes as policy_routes
from .policies.service import PolicyService
from .reports import routes as report_routes
from .reports.service import REPORT_SLOTS
from .search import routes as search_routes
from .session import SessionCookies
from .settings import WebSettings
from .signin_client import SignInClient
from .targeting import routes as targeting_routes
from .targeting.lists import CONFLICT_TABLES, FILTERS_TABLE, GROUPS_TABLE
from .templating import STATIC_DIR, make_templates, render
from .tenant_data import install_still_reading_handler

logger = logging.getLogger(__name__)

LIST_TABLES = (SETTINGS_TABLE, GROUPS_TABLE, FILTERS_TABLE, CONFLICT_TABLES, OBJECT_INDEXES, COMPARE_OPTIONS)


@dataclass
class WebState:
    """The services every route reaches through ``request.app.state.web``."""

    settings: WebSettings
    registry: Registry
    identity: IdentityConfig
    obo: OboClient
    validator: ApiTokenValidator
    cookies: SessionCookies
    signin: SignInClient
    catalog: Catalog
    policies: PolicyService
    apply_runs: ApplyRuns = field(default_factory=ApplyRuns)
    """Assignment applies running (or recently ended) in this process, by tenant, user and run id."""
    customers: CustomerCache = field(default_factory=CustomerCache)
    """Partner users' customer lists (GDAP), in memory for a few minutes, by partner tenant and user."""
    report_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(REPORT_SLOTS))
    """Customers this replica collects at once for cross-tenant reports (one request per customer)."""
    report_lists: dict[tuple[str, str], asyncio.Future[CustomerList]] = field(default_factory=dict)
    """Partner customer lists being read for reports: concurrent requests of one user share one read."""


def create_app(
    settings: WebSettings,
    *,
    registry: Registry,
    identity: IdentityConfig,
    obo: OboClient | None = None,
    validator: ApiTokenValidator | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    catalog: Catalog | None = None,
) -> FastAPI:
    """The web app and JSON API.

    ``registry``: onboarded tenants (the only persisted data). ``identity``: the two app
    registrations and Entra's host. ``obo``/``validator`` default to the identity module's;
    ``transport`` reaches Graph in-process in tests (default: HTTPS to ``identity.graph_base_url``).
    """
    catalog = catalog or default_catalog()
    obo = obo or OboClient(identity)
    if validator is None:
        validator = ApiTokenValidator(identity, tenant_check=_registry_check(registry))
    cipher = CookieCipher(settings.key_bytes())
    app = FastAPI(
        title="Intune Assistant",
        docs_url=None,
        redoc_url=None,
        openapi_url=api_v1.OPENAPI_URL,
        version="1",
        # Every state-changing request must come from this app's own pages (besides its CSRF token).
        dependencies=[Depends(same_origin), Depends(release_form)],
    )
    app.state.templates = make_templates()
    app.state.web = WebState(
        settings=settings,
        registry=registry,
        identity=identity,
        obo=obo,
        validator=validator,
        cookies=SessionCookies(cipher, secure=settings.secure_cookies, flow_lifetime_s=settings.flow_lifetime_s),
        signin=SignInClient(identity),
        catalog=catalog,
        policies=PolicyService(
            catalog,
            identity,
            obo,
            transport=transport,
            ttl_s=settings.cache_minutes * 60,
            keep_s=settings.cache_keep_minutes * 60,
            sessions_check_s=settings.sessions_check_s,
            # The heavy analyses, then the lists' tables over them: no page waits after a collection.
            warm=(*WARM, *LIST_TABLES),
        ),
    )
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)
    install_still_reading_handler(app)
    _install_identity_handlers(app)
    _install_limit_handler(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    # Pages stay out of the OpenAPI document: it describes the JSON API alone.
    for pages in (
        auth_routes.router,
        onboarding_routes.router,
        tenant_routes.router,
        policy_routes.router,
        documentation_routes.router,
        targeting_routes.router,
        object_routes.router,
        search_routes.router,
        comparison_routes.router,
        assignment_manager_routes.router,
        assignment_manager_apply.router,
        bulk_edits_routes.router,
        deploy_routes.router,
        health_routes.router,
        roles_routes.router,
        conditional_access_routes.router,
        devices_routes.router,
        audit_routes.router,
        customer_routes.router,
        report_routes.router,
        data_routes.router,
    ):
        app.include_router(pages, include_in_schema=False)
    app.include_router(api_v1.api_router())
    api_v1.install_openapi(app)

    @app.get("/", response_class=HTMLResponse, name="home", include_in_schema=False)
    async def home(request: Request) -> Response:
        """Signed in: to Policies. Signed out: the sign-in page."""
        session = await live_session(request)
        if session is not None:
            return Response(status_code=303, headers={"Location": "/policies"})
        return render(request, "signin.html", {"nav": "signin"})

    @app.get("/tenants/switch", name="tenant_switch", include_in_schema=False)
    async def tenant_switch(request: Request, ctx: Annotated[UserContext, Depends(user_context)]) -> Response:
        """Switch to another tenant: a silent sign-in into it (GDAP customers included)."""
        tenant = (request.query_params.get("tenant") or "").strip()
        if not tenant:
            return Response(status_code=303, headers={"Location": "/policies"})
        return await auth_routes.start_sign_in(
            request,
            tenant=tenant,
            prompt="none" if any(t.tenant_id == tenant for t in ctx.session.tenants) else None,
            login_hint=ctx.principal.username or None,
            next_url=safe_next(request.query_params.get("next")),
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Liveness for load balancers (no dependency is touched)."""
        return {"status": "ok"}

    return app


def _registry_check(registry: Registry) -> Callable[[str], Awaitable[None]]:
    """Tenant check for token validation: a tenant disabled in the registry is refused outright.

    Unknown tenants pass, so their first sign-in reaches onboarding (the identity module's
    ``registry_tenant_check`` would refuse them); pages and the JSON API then require an
    onboarded tenant themselves.
    """

    async def check(tenant_id: str) -> None:
        record = await asyncio.to_thread(registry.get, tenant_id)
        if record is not None and not record.enabled:
            raise AuthError.forbidden(
                "tenant_disabled",
                f"Intune Assistant is disabled for your organisation (tenant {tenant_id}). Contact the "
                "service's operator to enable it again.",
            )

    return check


def _install_identity_handlers(app: FastAPI) -> None:
    """What the identity module's exceptions become: a consent page, a sign-in, or a clear page."""

    async def on_consent(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ConsentRequired)
        if is_api(request):
            return problem_json(
                request,
                403,
                "consent_required",
                "Consent is needed",
                "Intune Assistant may not yet use these Microsoft Graph permissions in your tenant: an administrator "
                "grants them on the onboarding page.",
                missing_scope=list(exc.scopes),
            )
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        if getattr(request.state, "partner_principal", None) is not None:
            # A GDAP customer: its own administrator consents (the partner's session cannot).
            return problem_response(request, _customer_consent_problem(request, exc.tenant_id))
        return render(
            request,
            "consent_required.html",
            {"scopes": [s.rpartition("/")[2] for s in exc.scopes], "next": here(request), "nav": ""},
            status_code=403,
        )

    async def on_interaction(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InteractionRequired)
        if is_api(request):
            return problem_json(
                request,
                401,
                "interaction_required",
                "Sign in again",
                exc.message,
                headers={"WWW-Authenticate": exc.www_authenticate},
            )
        session = getattr(request.state, "session", None)
        return await auth_routes.start_sign_in(
            request,
            tenant=session.tenant_id if session is not None else None,
            next_url=here(request) if not is_htmx(request) else "/policies",
            claims=exc.claims or None,
        )

    async def on_sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        logger.info("Graph access refused for the signed-in user (correlation %s)", _cid(request))
        _forget(request)
        if is_htmx(request):
            response = Response(status_code=200, headers={"HX-Refresh": "true"})
        else:
            response = _sign_in_again_page(request, exc)
        if isinstance(exc, SessionsRevoked):
            # Entra ended the user's sessions: this browser session ends too, on every replica.
            await auth_routes.end_session_here(request, response)
        return response

    def _sign_in_again_page(request: Request, exc: SignInRequired) -> Response:
        return problem_response(
            request,
            ProblemPage(
                401,
                "Access to the tenant was refused",
                exc.message or "Entra ID refused to let Intune Assistant act for you.",
                code="sign_in_required",
                advice="Sign in again. If this persists, your account may be disabled, or your administrator "
                "may have removed Intune Assistant's consent: ask them to re-grant it (onboarding).",
                links=[
                    Link("Sign in again", "/signin?prompt=select_account", primary=True),
                    Link("Onboarding and consent", "/onboarding"),
                    *_customer_links(request),
                ],
            ),
        )

    async def on_not_assigned(request: Request, exc: Exception) -> Response:
        # Only an administrator can fix this: one page, no "try again" (signing in again fails the same way).
        assert isinstance(exc, NotAssigned)
        logger.info("the signed-in user is not assigned to the app (correlation %s)", _cid(request))
        _forget(request)
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        return problem_response(
            request,
            ProblemPage(
                403,
                "You have no access to Intune Assistant",
                exc.message,
                code="not_assigned",
                advice="Ask an administrator of your tenant to assign you (or a group you belong to) to the app, "
                "then sign in again. Quote the correlation id below if they need to find this sign-in.",
                links=[Link("Sign in with another account", "/signin?prompt=select_account")],
            ),
        )

    async def on_device_not_compliant(request: Request, exc: Exception) -> Response:
        # Signing in again helps only from a compliant device: explain first, then offer that sign-in
        # with the challenge (from this device Entra blocks it on its own page).
        assert isinstance(exc, DeviceNotCompliant)
        if is_api(request):
            return problem_json(
                request,
                401,
                "device_not_compliant",
                "A compliant device is needed",
                exc.message,
                headers={"WWW-Authenticate": exc.www_authenticate},
            )
        _forget(request)
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        query = urlencode({"tenant": exc.tenant_id, "claims": exc.claims, "next": here(request)})
        return problem_response(
            request,
            ProblemPage(
                403,
                "A compliant device is needed",
                exc.message,
                advice="Open Intune Assistant on a device that is enrolled in Intune and compliant (the Company "
                "Portal shows its state), then sign in again there. If this device should be compliant, ask your "
                "administrator.",
                links=[Link("Sign in again from a compliant device", f"/signin?{query}", primary=True)],
            ),
        )

    async def on_auth_error(request: Request, exc: Exception) -> Response:
        # The JSON API's refused tokens: problem details with the challenge (pages catch AuthError themselves).
        assert isinstance(exc, AuthError)
        if not is_api(request):
            return await auth_error_handler(request, exc)
        extensions = {"missing_scope": [exc.required_scope]} if exc.required_scope else {}
        return problem_json(
            request,
            exc.status,
            exc.code,
            "Not signed in" if exc.status == 401 else "Not allowed",
            exc.message,
            headers={"WWW-Authenticate": exc.www_authenticate, "Cache-Control": "no-store"},
            **extensions,
        )

    app.add_exception_handler(AuthError, on_auth_error)

    async def on_unavailable(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, GraphTokenUnavailable)
        logger.warning("no Graph token (correlation %s)", _cid(request))
        _forget(request)
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        return problem_response(
            request,
            ProblemPage(
                503,
                "Microsoft Graph is not reachable for now",
                exc.message,
                code="graph_unavailable",
                advice="Try again in a few minutes. If it persists, quote the correlation id to your support.",
                links=[Link("Try again", here(request), primary=True)],
            ),
        )

    app.add_exception_handler(GraphTokenUnavailable, on_unavailable)
    app.add_exception_handler(ConsentRequired, on_consent)
    app.add_exception_handler(InteractionRequired, on_interaction)
    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(NotAssigned, on_not_assigned)
    app.add_exception_handler(DeviceNotCompliant, on_device_not_compliant)


def _install_limit_handler(app: FastAPI) -> None:
    """A plan's fair-use limit reached: one page saying which limit and when it resets."""

    async def on_limit(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LimitReached)
        wait_s = max(1, math.ceil((exc.resets_at - datetime.now(UTC)).total_seconds()))
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        return problem_response(
            request,
            ProblemPage(
                429,
                "This tenant reached its plan's limit",
                f"Intune Assistant read this tenant {exc.limit} time{'' if exc.limit == 1 else 's'} in the last hour, "
                f"the most its plan allows "
                f"({exc.what}). The next read is possible at {exc.resets_at:%H:%M} UTC (in {math.ceil(wait_s / 60)} "
                "min).",
                advice="Data already read stays available on its pages meanwhile. If the limit is too low for your "
                "work, ask the service's operator about another plan.",
                links=[Link("Back to Policies", "/policies", primary=True)],
                headers={"Retry-After": str(wait_s)},
            ),
        )

    app.add_exception_handler(LimitReached, on_limit)


def _customer_links(request: Request) -> list[Link]:
    """For a partner user in a GDAP customer: where each customer's state and the own tenant are."""
    if getattr(request.state, "partner_principal", None) is None:
        return []
    return [Link("Customers (reason and fix)", "/customers"), Link("Your own tenant", "/customers/switch")]


def _customer_consent_problem(request: Request, tenant_id: str) -> ProblemPage:
    return ProblemPage(
        403,
        "This customer has not granted consent to Intune Assistant",
        f"Entra ID issues no token for tenant {tenant_id} until its administrator grants admin consent.",
        advice=f"Send this link to a Global Administrator of the customer: {consent_link(request, tenant_id)}",
        links=_customer_links(request),
    )


def _forget(request: Request) -> None:
    """Drop the user's failed collection so the next visit starts over (after they acted)."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        web_state(request).policies.drop(principal.tenant_id, principal.user_key)


def _cid(request: Request) -> str:
    return str(getattr(request.state, "correlation_id", ""))


__all__ = ["WebState", "create_app"]
