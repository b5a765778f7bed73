"""``/policies``: the table (search, sort, paging in the URL), progress while collecting, CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from ..context import TenantContext, tenant_context, web_state
from ..csv_export import content_disposition, export_filename, to_csv
from ..templating import render
from ..tenant_data import FileData, PageData
from .query import PAGE_SIZES, SORTS, ListQuery, apply, paginate
from .rows import PolicyRow, view_types

router = APIRouter()

# The visible columns, in order: header and the text shown (and exported).
COLUMNS: tuple[tuple[str, str], ...] = tuple((key, header) for key, (header, _) in SORTS.items())


def row_values(row: PolicyRow) -> list[str]:
    """A row's visible cells as text, in ``COLUMNS`` order."""
    return [row.name, row.type_label, row.platform, row.assignments_text, row.modified_text, row.scope_tags_text]


@router.get("/policies", name="policies", response_class=HTMLResponse)
async def policies(request: Request, data: PageData) -> Response:
    """Every configuration object of the tenant (progress while it is first read)."""
    state = web_state(request)
    query = ListQuery.parse(dict(request.query_params), state.settings.page_size)
    result = data.inventory
    types = [(r.key, r.label) for r in view_types(state.catalog)]
    matched = apply(result.rows, query)
    page = paginate(matched, query, len(result.rows))
    context = {
        "inventory": result,
        "page": page,
        "query": query,
        "columns": COLUMNS,
        "types": types,
        "page_sizes": PAGE_SIZES,
        "nav": "policies",
        "row_values": row_values,
    }
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "results":
        return render(request, "_policies_results.html", context)
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
    query = ListQuery.parse(dict(request.query_params), state.settings.page_size)
    body = to_csv([header for _, header in COLUMNS], (row_values(r) for r in apply(data.inventory.rows, query)))
    name = export_filename(data.domain, "policies", datetime.now(UTC))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(name)},
    )
