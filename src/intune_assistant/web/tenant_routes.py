"""Tenant settings: the plan, turning optional read and write modules on (incremental admin consent), offboarding.

Activating a module is the act of a user who can grant admin consent: it sends them to Entra's
admin consent for exactly that module's scopes, and the registry records the activation only once
a token with those scopes was issued to them (``onboarding_routes``). Only then does On-Behalf-Of
ask for those scopes for this tenant. Only modules whose pages exist are offered (``modules``).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from intune_assistant.catalog.modules import OPTIONAL_READ_MODULES, module_words

from .consent import ConsentState
from .context import TenantContext, tenant_context, web_state
from .csrf import check_csrf
from .errors import Link, ProblemPage
from .identity_api import can_grant_admin_consent, is_admin
from .modules import modules_in_use, offered_module_scopes
from .onboarding_routes import admin_only, consent_role_needed, to_consent
from .templating import render

router = APIRouter()


@router.get("/tenant", name="tenant_settings", response_class=HTMLResponse)
async def tenant_settings(request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """The tenant's plan, the optional read and write modules offered, their permissions, and who may change them."""
    state = web_state(request)
    plan = state.registry.plan(ctx.record.plan)
    offered = offered_module_scopes(request)
    modules = [
        {
            "name": name,
            "title": module_words(name).title,
            "description": module_words(name).description,
            "why": module_words(name).why,
            "scopes": scopes,
            "active": name in ctx.record.module_names,
        }
        for name, scopes in offered.items()
        if name in plan.activatable
    ]
    activated = request.query_params.get("activated", "")
    return render(
        request,
        "tenant.html",
        {
            "plan": plan,
            "read_modules": [m for m in modules if m["name"] in OPTIONAL_READ_MODULES],
            "modules": [m for m in modules if m["name"] not in OPTIONAL_READ_MODULES],
            "admin": is_admin(ctx.principal),
            "can_activate": can_grant_admin_consent(ctx.principal),
            "scopes": state.policies.scopes(modules_in_use(request, ctx.record.module_names)),
            "activated": module_words(activated).title if activated in offered else "",
            "nav": "tenant",
        },
    )


@router.post("/tenant/modules/{module}/activate", name="module_activate")
async def module_activate(
    module: str, request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]
) -> Response:
    """Ask for admin consent to exactly the module's scopes; activation follows verified consent."""
    await check_csrf(request, ctx.session)
    if not can_grant_admin_consent(ctx.principal):
        raise consent_role_needed(f"Activating {module_words(module).title}")
    state = web_state(request)
    plan = state.registry.plan(ctx.record.plan)
    scopes = offered_module_scopes(request).get(module)
    if module not in plan.activatable or not scopes:
        raise ProblemPage(
            404,
            "This module is not offered",
            "There is no such module on this tenant's plan, or its pages are not available yet.",
            links=[Link("Back to tenant settings", "/tenant", primary=True)],
        )
    consent = ConsentState("module", ctx.principal.tenant_id, scopes, ctx.session.csrf, module=module)
    return to_consent(request, consent)


@router.post("/tenant/modules/{module}/deactivate", name="module_deactivate")
async def module_deactivate(
    module: str, request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]
) -> Response:
    """Stop using a module: its scopes are no longer asked for (consent stays in Entra)."""
    await check_csrf(request, ctx.session)
    if not is_admin(ctx.principal):
        raise admin_only(f"Deactivating {module_words(module).title}")
    state = web_state(request)
    await asyncio.to_thread(state.registry.deactivate_module, ctx.principal.tenant_id, module)
    state.obo.forget(ctx.principal.tenant_id, ctx.principal.user_key)
    state.policies.drop(ctx.principal.tenant_id)
    return RedirectResponse("/tenant", status_code=303)
