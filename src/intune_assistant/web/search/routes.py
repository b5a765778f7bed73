"""``/search``: the top bar's search over the cached snapshot, results grouped by kind."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from ..analyses import SETTING_ROWS, TARGETING
from ..templating import render
from ..tenant_data import PageData
from .index import build_index, grouped

router = APIRouter()


@router.get("/search", name="search", response_class=HTMLResponse)
async def search_page(request: Request, data: PageData) -> Response:
    """Policies, groups, users, devices, filters and settings whose name holds every word searched."""
    tenant = await data.analysis(TARGETING)
    settings = await data.analysis(SETTING_ROWS)
    rows = data.inventory.rows
    table = await data.answer("search index", "all", lambda: build_index(tenant, rows, settings))
    list_state = table.listing.state(request.query_params)
    context: dict[str, object] = {"table": table, "state": list_state, "nav": "find"}
    if list_state.q:
        if list_state.facet("kind"):
            context["page"] = table.page(list_state)
        else:
            context["groups"] = grouped(table, list_state)
    return render(request, "search.html", context)
