"""The Customers page, onboarding customers, switching to one, and the JSON list.

Only a member of a partner tenant (signed in to their own, onboarded tenant) reaches these: a
technician's token issued by a customer cannot read the partner's relationships, and the partner
scope is never asked of a customer.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from intune_assistant.customers.model import Customer
from intune_assistant.customers.read import GdapUnreadable
from intune_assistant.customers.serialize import customer_json
from intune_assistant.identity.dependency import bearer_token
from intune_assistant.tenants import CustomerLimitReached, RegistryError

from .. import api_models
from ..consent import ConsentState
from ..context import UserContext, safe_next, user_context, web_state
from ..csrf import check_csrf
from ..errors import Link, ProblemPage, Redirect, api_error
from ..identity_api import ConsentRequired, Principal, is_admin
from ..onboarding_routes import to_consent
from ..templating import render
from .service import partner_customers, partner_scopes

router = APIRouter()
api_router = APIRouter()
"""This feature's JSON API routes (mounted under ``/api/v1`` by ``api_v1``)."""


async def partner_context(request: Request) -> UserContext:
    """A member of an onboarded tenant, in that tenant (a switched-to customer is left for this page)."""
    user = await user_context(request)
    if user.principal.is_partner_technician:
        raise ProblemPage(
            403,
            "Customers are listed from your partner tenant",
            "You are signed in to a customer tenant as a partner technician; its GDAP relationships belong to "
            "your partner tenant.",
            advice="Sign in to your own (partner) tenant to see and onboard its customers.",
            links=[Link("Sign in to your tenant", "/signin?prompt=select_account", primary=True)],
        )
    record = await asyncio.to_thread(web_state(request).registry.get, user.principal.tenant_id)
    if record is None:
        raise Redirect("/onboarding")
    request.state.record = record
    request.state.customer_menu = await asyncio.to_thread(web_state(request).registry.customers_of, record.tenant_id)
    return user


def _matches(customer: Customer, query: str) -> bool:
    text = f"{customer.name} {customer.domain or ''} {customer.tenant_id}".lower()
    return all(word in text for word in query.lower().split())


async def _listed(request: Request, ctx: UserContext, *, fresh: bool = False) -> tuple[list[Customer], list[str]]:
    try:
        listed = await partner_customers(request, ctx.principal, ctx.session.api_token, fresh=fresh)
    except GdapUnreadable as exc:
        raise ProblemPage(
            502 if exc.error.status is None or exc.error.status >= 500 else 403,
            "The GDAP relationships could not be read",
            exc.error.describe(),
            advice="Relationships are read in your partner tenant with DelegatedAdminRelationship.Read.All. If "
            "your account has no Partner Center role that may read them, ask your partner administrator.",
            links=[Link("Try again", "/customers", primary=True)],
        ) from None
    return listed.customers, listed.gaps


@router.get("/customers", name="customers", response_class=HTMLResponse)
async def customers_page(
    request: Request,
    ctx: Annotated[UserContext, Depends(partner_context)],
    q: Annotated[str, Query(max_length=200)] = "",
    show: Annotated[str, Query(max_length=20)] = "all",
    refresh: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """Every customer of the partner: relationship, roles by group, modules, consent, onboarding."""
    try:
        customers, gaps = await _listed(request, ctx, fresh=bool(refresh))
    except ConsentRequired:
        return render(
            request,
            "customers_consent.html",
            {"scopes": partner_scopes(request)[:1], "nav": "customers"},
            status_code=403,
        )
    shown = [c for c in customers if (show != "onboarded" or c.onboarded) and (not q or _matches(c, q))]
    return render(
        request,
        "customers.html",
        {
            "customers": shown,
            "total": len(customers),
            "gaps": gaps,
            "q": q,
            "show": show,
            "admin": is_admin(ctx.principal),
            "done": request.query_params.get("onboarded", ""),
            "limit": await asyncio.to_thread(web_state(request).registry.customer_limit, ctx.principal.tenant_id),
            "onboarded": len(request.state.customer_menu),
            "nav": "customers",
        },
    )


@router.post("/customers/consent", name="customers_consent")
async def customers_consent(request: Request, ctx: Annotated[UserContext, Depends(partner_context)]) -> Response:
    """Admin consent in the partner tenant for exactly the partner scope (never asked of customers)."""
    await check_csrf(request, ctx.session)
    consent = ConsentState(
        "scopes", ctx.principal.tenant_id, partner_scopes(request), ctx.session.csrf, next_url="/customers"
    )
    return to_consent(request, consent)


@router.post("/customers/onboard", name="customers_onboard")
async def customers_onboard(request: Request, ctx: Annotated[UserContext, Depends(partner_context)]) -> Response:
    """Register the selected customers as managed by this partner (tenant id and domain only)."""
    await check_csrf(request, ctx.session)
    if not is_admin(ctx.principal):
        raise ProblemPage(
            403,
            "An administrator role is needed",
            "Onboarding customers is reserved for administrators of your partner tenant. Nothing was changed.",
            advice="Ask a Global Administrator or Intune Administrator of your partner tenant to do it.",
            links=[Link("Back to Customers", "/customers", primary=True)],
        )
    form = await request.form()
    chosen = {str(v).lower() for v in form.getlist("tenant") if isinstance(v, str)}
    if not chosen:
        raise ProblemPage(
            400,
            "Choose the customers to onboard",
            "No customer was selected. Nothing was changed.",
            links=[Link("Back to Customers", "/customers", primary=True)],
        )
    state = web_state(request)
    customers, _ = await _listed(request, ctx, fresh=True)
    by_id = {c.tenant_id: c for c in customers}
    refused = [
        f"{by_id[t].name if t in by_id else t}: {_why_not(by_id.get(t))}"
        for t in sorted(chosen)
        if t not in by_id or not by_id[t].can_onboard
    ]
    if refused:
        raise ProblemPage(
            409,
            "Some customers cannot be onboarded",
            " ".join(refused) + " Nothing was changed.",
            links=[Link("Back to Customers", "/customers", primary=True)],
        )
    partner = ctx.principal.tenant_id
    limit = await asyncio.to_thread(state.registry.customer_limit, partner)
    onboarded = len(await asyncio.to_thread(state.registry.customers_of, partner))
    if limit is not None and onboarded + len(chosen) > limit:
        raise customer_limit_page(limit, onboarded, len(chosen), done=0)
    plan = state.settings.plan
    for done, tenant_id in enumerate(sorted(chosen)):
        customer = by_id[tenant_id]
        assert customer.domain is not None
        try:
            await asyncio.to_thread(state.registry.onboard_customer, tenant_id, customer.domain, plan, partner)
        except CustomerLimitReached as exc:
            # Another session onboarded for this partner meanwhile: the registry's count decides.
            state.customers.drop(partner)
            raise customer_limit_page(exc.limit, exc.onboarded, len(chosen) - done, done=done) from None
        except RegistryError as exc:
            raise ProblemPage(409, f"{customer.name} was not onboarded", str(exc)) from None
    state.customers.drop(ctx.principal.tenant_id)
    return RedirectResponse(f"/customers?onboarded={len(chosen)}", status_code=303)


def customer_limit_page(limit: int, onboarded: int, asked: int, *, done: int) -> ProblemPage:
    """The page for a partner whose plan allows no more onboarded customers, and how that changes."""
    changed = "Nothing was changed." if done == 0 else f"{done} of the selected customers were onboarded before it."
    return ProblemPage(
        403,
        "Your plan's customer limit is reached",
        f"Your partner tenant's plan lets it have {limit} customer{'' if limit == 1 else 's'} onboarded at once; "
        f"{onboarded} {'is' if onboarded == 1 else 'are'} onboarded and you chose {asked} more. {changed}",
        advice="This limit does not reset with time: a place frees up as soon as an onboarded customer is "
        "offboarded (Tenant settings of that customer → Offboard), or when the service's operator moves your "
        "partner tenant to a plan with more customers.",
        links=[Link("Back to Customers", "/customers", primary=True)],
    )


def _why_not(customer: Customer | None) -> str:
    if customer is None:
        return "not a customer of your partner tenant."
    if customer.problem is not None:
        return customer.problem.reason
    if customer.onboarded:
        return "already onboarded."
    if customer.managed_by_other:
        return "managed by another partner tenant."
    return "its domain could not be read."


@router.get("/customers/switch", name="customers_switch")
async def customers_switch(
    request: Request,
    ctx: Annotated[UserContext, Depends(partner_context)],
    tenant: Annotated[str, Query(max_length=100)] = "",
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """Work in an onboarded customer (tokens from its authority), or back in the own tenant."""
    target = tenant.strip().lower()
    state = web_state(request)
    if target and target != ctx.principal.tenant_id:
        # Read afresh: a switch is rare, and must see a relationship that just ended or was renewed.
        customers, _ = await _listed(request, ctx, fresh=True)
        customer = next_customer(customers, target)
        if customer is None or not customer.onboarded:
            raise ProblemPage(
                404,
                "Not an onboarded customer",
                "That tenant is not a customer your partner tenant onboarded.",
                links=[Link("Customers", "/customers", primary=True)],
            )
        if customer.problem is not None:
            raise ProblemPage(
                403,
                f"{customer.name} cannot be used now",
                customer.problem.reason,
                advice=customer.problem.fix,
                links=[Link("Customers", "/customers", primary=True)],
            )
    ctx.session.customer = target if target != ctx.principal.tenant_id else ""
    response = RedirectResponse(safe_next(next), status_code=303)
    state.cookies.store(request, response, ctx.session)
    return response


def next_customer(customers: list[Customer], tenant_id: str) -> Customer | None:
    """The customer with ``tenant_id`` (lower-case), if listed."""
    return next((c for c in customers if c.tenant_id == tenant_id), None)


@api_router.get("/customers", name="api_customers", response_model=api_models.Customers)
async def api_customers(request: Request) -> Response:
    """The partner's customers (bearer API token of a member of the partner tenant)."""
    state = web_state(request)
    token = bearer_token(request)
    principal: Principal = await state.validator.validate(token)
    if principal.is_partner_technician:
        raise api_error(403, "partner_tenant_only", "Customers are read from your own (partner) tenant.")
    record = await asyncio.to_thread(state.registry.get, principal.tenant_id)
    if record is None or not record.enabled:
        raise api_error(403, "tenant_not_onboarded", "This tenant is not onboarded (or is disabled).")
    try:
        listed = await partner_customers(request, principal, token)
    except GdapUnreadable as exc:
        raise api_error(502, exc.error.code, exc.error.describe()) from exc
    return JSONResponse({"customers": [customer_json(c) for c in listed.customers], "gaps": listed.gaps})
