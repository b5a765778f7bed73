"""Tenant settings: the plan, write-module activation (incremental admin consent), offboarding.

Activating a write module is an administrator's act: it sends the admin to Entra's admin consent
for exactly that module's write scopes, and the registry records the activation only once consent
came back. Only then does On-Behalf-Of ask for those write scopes for this tenant.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from intune_assistant.catalog.modules import write_scopes

from .consent import ConsentState
from .context import TenantContext, tenant_context, web_state
from .csrf import check_csrf
from .errors import Link, ProblemPage
from .identity_api import is_admin
from .onboarding_routes import admin_only, to_consent
from .templating import render

router = APIRouter()

MODULE_TEXT = {
    "deploy-baseline": ("Deploy baselines", "Create and update policies from a baseline, with a reviewed plan."),
    "bulk-assign": ("Bulk assignment changes", "Change the assignments of many objects at once, read-merge-write."),
    "restore": ("Restore", "Put back objects from a snapshot."),
}


@router.get("/tenant", name="tenant_settings", response_class=HTMLResponse)
async def tenant_settings(request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """The tenant's plan, modules and write scopes, and who may change them."""
    state = web_state(request)
    plan = state.registry.plan(ctx.record.plan)
    by_module = write_scopes(state.catalog)
    modules = [
        {
            "name": name,
            "title": MODULE_TEXT.get(name, (name, ""))[0],
            "description": MODULE_TEXT.get(name, ("", ""))[1],
            "scopes": by_module.get(name, ()),
            "active": name in ctx.record.module_names,
        }
        for name in sorted(plan.write_modules)
    ]
    return render(
        request,
        "tenant.html",
        {
            "plan": plan,
            "modules": modules,
            "admin": is_admin(ctx.principal),
            "scopes": state.policies.scopes(ctx.record.module_names),
            "activated": request.query_params.get("activated", ""),
            "nav": "tenant",
        },
    )


@router.post("/tenant/modules/{module}/activate", name="module_activate")
async def module_activate(
    module: str, request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]
) -> Response:
    """Ask for admin consent to exactly the module's write scopes; activation follows consent."""
    await check_csrf(request, ctx.session)
    if not is_admin(ctx.principal):
        raise admin_only(f"Activating the write module {module!r}")
    state = web_state(request)
    plan = state.registry.plan(ctx.record.plan)
    scopes = write_scopes(state.catalog).get(module)
    if module not in plan.write_modules or not scopes:
        raise ProblemPage(
            404,
            "No such write module on this plan",
            f"{module!r} is not a write module of plan {plan.name!r}.",
            links=[Link("Back to tenant settings", "/tenant", primary=True)],
        )
    consent = ConsentState("module", ctx.principal.tenant_id, scopes, ctx.session.csrf, module=module)
    return to_consent(request, consent)


@router.post("/tenant/modules/{module}/deactivate", name="module_deactivate")
async def module_deactivate(
    module: str, request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]
) -> Response:
    """Stop using a write module: its write scopes are no longer asked for (consent stays in Entra)."""
    await check_csrf(request, ctx.session)
    if not is_admin(ctx.principal):
        raise admin_only(f"Deactivating the write module {module!r}")
    state = web_state(request)
    await asyncio.to_thread(state.registry.deactivate_module, ctx.principal.tenant_id, module)
    state.obo.forget(ctx.principal.tenant_id, ctx.principal.user_key)
    state.policies.drop(ctx.principal.tenant_id)
    return RedirectResponse("/tenant", status_code=303)
