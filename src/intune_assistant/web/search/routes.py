"""``/search``: the top bar's search over the cached snapshot, results grouped by kind."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from ..analyses import SETTING_ROWS, TARGETING
from ..listing import Table
from ..templating import render
from ..tenant_data import PageData, TenantData
from .index import Hit, build_index, grouped

router = APIRouter()

# Hits per kind in the top bar's results as you type (the search page shows more, and all of them).
LIVE_PER_KIND = 3


async def _index(data: TenantData) -> Table[Hit]:
    """The collection's search index, built once per generation."""
    tenant = await data.analysis(TARGETING)
    settings = await data.analysis(SETTING_ROWS)
    rows = data.inventory.rows
    return await data.answer("search index", "all", lambda: build_index(tenant, rows, settings))


@router.get("/search/live", name="search_live", response_class=HTMLResponse)
async def search_live(request: Request, data: PageData) -> Response:
    """The first hits of each kind for what is typed in the top bar (htmx shows them under the box)."""
    table = await _index(data)
    list_state = table.listing.state(request.query_params, path="/search")
    groups = grouped(table, list_state, per_kind=LIVE_PER_KIND) if list_state.q else []
    return render(request, "_search_live.html", {"groups": groups, "state": list_state})


@router.get("/search", name="search", response_class=HTMLResponse)
async def search_page(request: Request, data: PageData) -> Response:
    """Policies, groups, users, devices, filters and settings whose name holds every word searched."""
    table = await _index(data)
    list_state = table.listing.state(request.query_params)
    context: dict[str, object] = {"table": table, "state": list_state, "nav": "find"}
    if list_state.q:
        if list_state.facet("kind"):
            context["page"] = table.page(list_state)
        else:
            context["groups"] = grouped(table, list_state)
    return render(request, "search.html", context)
