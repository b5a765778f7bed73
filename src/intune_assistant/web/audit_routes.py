"""The Audit page: Intune's audit events for a time range — who changed what, when, with what result.

Read from Graph On-Behalf-Of the signed-in user for the range asked (``days`` in the URL: 1, 7 or
30), never stored: kept in memory with the tenant's current collection for a minute, so paging,
filtering and exporting a range read Graph once. Intune audit events need no optional module (the
default Intune read scopes read them). The product's own writes are events like any other, under
the signed-in user and the app "Intune Assistant".
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from intune_assistant.analyses.audit import AuditRow, ChangedObject, audit_rows, what_changed
from intune_assistant.catalog import Catalog

from . import api_models
from .api_schema import Paging
from .audit_log import audit_events_of_this_minute
from .context import web_state
from .errors import Link, ProblemPage
from .listing import Column, Facet, Listing, Table
from .templating import render
from .tenant_data import ApiData, FileData, PageData, TenantData

router = APIRouter()
api_router = APIRouter()
"""This feature's JSON API routes (mounted under ``/api/v1`` by ``api_v1``)."""
RANGES = {1: "Last 24 hours", 7: "Last 7 days", 30: "Last 30 days"}
DEFAULT_DAYS = 7


def _when(row: AuditRow) -> str:
    return f"{row.when:%Y-%m-%d %H:%M:%S} UTC" if row.when else ""


AUDIT: Listing[AuditRow] = Listing(
    view="audit",
    path="/audit",
    columns=(
        Column("when", "Date", _when, lambda r: (r.when is not None, r.when)),
        Column("actor", "Initiated by", lambda r: r.actor),
        Column("app", "Application", lambda r: r.app),
        Column("activity", "Activity", lambda r: r.activity),
        Column("operation", "Operation", lambda r: r.operation),
        Column("result", "Result", lambda r: r.result),
        Column("objects", "Objects", lambda r: r.object_text),
        Column("type", "Object type", lambda r: ", ".join(r.object_types)),
        Column("component", "Category", lambda r: r.component),
    ),
    default_sort="when",
    default_dir="desc",
    facets=(
        Facet("actor", "Initiated by", lambda r: (r.actor,), any_label="Anyone"),
        Facet("operation", "Operation", lambda r: (r.operation,), any_label="Any operation"),
        Facet("result", "Result", lambda r: (r.result,), any_label="Any result"),
        Facet("type", "Object type", lambda r: r.object_types, any_label="Any object type"),
        Facet("component", "Category", lambda r: (r.component,), any_label="Any category"),
    ),
    # Object ids too, so "this object's changes" is a search.
    search=lambda r: "\n".join([r.actor, r.app, r.activity, r.object_text, *(o.id for o in r.objects), r.component]),
    noun="events",
)


def days_of(request: Request) -> int:
    """The range asked for in the URL (``days``), else the default week."""
    try:
        days = int(request.query_params.get("days", DEFAULT_DAYS))
    except ValueError:
        return DEFAULT_DAYS
    return days if days in RANGES else DEFAULT_DAYS


async def _read(request: Request, data: TenantData, days: int) -> tuple[Table[AuditRow], list[ChangedObject]]:
    catalog: Catalog = web_state(request).catalog
    result = await audit_events_of_this_minute(request, data, days)
    if result.error is not None:
        error = result.error
        role = " Reading it needs an Intune role that can read audit data." if error.status == 403 else ""
        raise ProblemPage(
            error.status or 502,
            "Intune's audit log could not be read",
            f"Microsoft Graph answered {error.status or 'nothing'} ({error.code}): {error.message}.{role}",
            links=[Link("Try again", str(request.url), primary=True)],
        )
    snapshot = data.snapshot

    def build() -> tuple[Table[AuditRow], list[ChangedObject]]:
        rows = audit_rows(result.items, snapshot, catalog)
        return Table(AUDIT, rows), what_changed(rows)

    return await asyncio.to_thread(build)


async def audit_of(request: Request, data: TenantData) -> tuple[int, datetime, Table[AuditRow], list[ChangedObject]]:
    """The events of the range in the URL: read once a minute per range, then served from memory."""
    days = days_of(request)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    since = now - timedelta(days=days)
    table, changed = await data.inventory.derived.fetched("audit", (days, now), lambda: _read(request, data, days))
    return days, since, table, changed


@router.get("/audit", name="audit", response_class=HTMLResponse)
async def audit_page(request: Request, data: PageData) -> Response:
    """Audit events of a time range (search, filters, sort, paging in the URL) and what changed per object."""
    days, since, table, changed = await audit_of(request, data)
    page = table.page(table.listing.state(request.query_params, keep=("days",)))
    context: dict[str, Any] = {
        "domain": data.domain,
        "days": days,
        "ranges": RANGES,
        "since": since,
        "table": table,
        "page": page,
        "changed": changed[:20],
        "changed_total": len(changed),
        "nav": "audit",
    }
    return render(request, "audit.html", context)


@router.get("/audit.csv", name="audit_csv")
async def audit_export(request: Request, data: FileData) -> Response:
    """Every event matching the search and menus, every visible column."""
    _, _, table, _ = await audit_of(request, data)
    return table.csv(table.listing.state(request.query_params, keep=("days",)), data.domain)


@api_router.get("/audit", response_model=api_models.Audit)
async def api_audit(request: Request, data: ApiData) -> JSONResponse:
    """Audit events of the range (``days``: 1, 7 or 30; search, filters, sort, paging as the page) and changes."""
    days, since, table, changed = await audit_of(request, data)
    state = table.listing.state(request.query_params, keep=("days",))
    page = table.page(state)
    body: dict[str, Any] = {
        "status": "ready",
        "since": since.isoformat(),
        "days": days,
        "paging": Paging.of(page).model_dump(),
        "events": [
            {
                "id": r.id,
                "when": r.when.isoformat() if r.when else None,
                "actor": r.actor,
                "app": r.app,
                "activity": r.activity,
                "operation": r.operation,
                "result": r.result,
                "category": r.component,
                "objects": [{"id": o.id, "name": o.name, "type": o.type, "key": o.key} for o in r.objects],
                "correlation_id": r.correlation_id,
            }
            for r in page.rows
        ],
        "changed": [
            {
                "id": c.object.id,
                "name": c.object.name,
                "type": c.object.type,
                "key": c.object.key,
                "changes": c.changes,
                "last": c.last.isoformat() if c.last else None,
                "actors": list(c.actors),
                "deleted": c.deleted,
                "failed": c.failed,
            }
            for c in changed
        ],
    }
    return JSONResponse(body)
