"""``/policies``: the table (search, sort, paging in the URL), progress while collecting, CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from ..context import TenantContext, tenant_context, web_state
from ..templating import render
from ..tenant_data import FileData, PageData
from .query import policies_of

router = APIRouter()


@router.get("/policies", name="policies", response_class=HTMLResponse)
async def policies(request: Request, data: PageData) -> Response:
    """Every configuration object of the tenant (progress while it is first read)."""
    state = web_state(request)
    table = await policies_of(data, state.catalog)
    page = table.page(table.listing.state(request.query_params, default_per=state.settings.page_size))
    context = {"inventory": data.inventory, "table": table, "page": page, "nav": "policies"}
    return render(request, "policies.html", context)


@router.get("/policies/progress", name="policies_progress", response_class=HTMLResponse)
async def policies_progress(request: Request, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """The progress fragment htmx polls; once the data is ready the page reloads itself."""
    job = web_state(request).policies.job(ctx.principal)
    if job is None or job.done:
        # Ready (or failed): the full page shows the table (or what to do).
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    return render(request, "_progress.html", {"job": job})


@router.get("/policies.csv", name="policies_csv")
async def policies_csv(request: Request, data: FileData) -> Response:
    """Every row matching the search (all pages), every visible column with its header."""
    state = web_state(request)
    table = await policies_of(data, state.catalog)
    return table.csv(table.listing.state(request.query_params, default_per=state.settings.page_size), data.domain)
