"""The data shown and its refresh: ``/data/status`` (the banner htmx polls) and ``/data/refresh``.

Every tenant page carries a banner saying when its data was read; a refresh reads the tenant again
in the background while pages keep showing the data they have (UX rule 14).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .context import TenantContext, safe_next, tenant_context, web_state
from .csrf import check_csrf
from .errors import is_htmx
from .modules import modules_in_use
from .templating import render
from .tenant_data import collections_per_hour

router = APIRouter()


def _shown(request: Request) -> int:
    """The generation the page on screen shows (``shown=``), or 0."""
    value = request.query_params.get("shown") or ""
    return int(value) if value.isdigit() and len(value) < 10 else 0


@router.get("/data/status", name="data_status", response_class=HTMLResponse)
async def data_status(request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """The banner: when the data was read, the refresh's progress, and whether newer data is ready."""
    status = web_state(request).policies.status(ctx.principal)
    if status is None:
        # Nothing kept any more (expired, signed out elsewhere): reloading shows what is there.
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    context = {
        "data_status": status,
        "shown": _shown(request) or status.generation,
        "back": safe_next(request.query_params.get("next")),
    }
    return render(request, "_data_status.html", context)


@router.post("/data/refresh", name="data_refresh")
async def data_refresh(request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """Read the tenant again now; the page the user came from keeps its data meanwhile."""
    await check_csrf(request, ctx.session)
    form = await request.form()
    back = safe_next(str(form.get("next") or ""))
    state = web_state(request)
    modules = modules_in_use(request, ctx.record.module_names)
    await state.policies.refresh(
        ctx.principal,
        ctx.session.api_token,
        modules,
        ctx.record.domain,
        per_hour=collections_per_hour(request, ctx.record),
    )
    if is_htmx(request):
        status = state.policies.status(ctx.principal)
        if status is None:
            return Response(status_code=200, headers={"HX-Redirect": back})
        return render(request, "_data_status.html", {"data_status": status, "shown": status.generation, "back": back})
    return RedirectResponse(back, status_code=303)
