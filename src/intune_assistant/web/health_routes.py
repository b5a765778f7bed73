"""The Tenant health page: certificates, tokens and connectors with expiry, state and verdict.

Read from the tenant's one collection like every page; the list is searchable, sortable, filtered
by verdict and type in the URL, and exported as CSV, all on the server.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from intune_assistant.analyses.health import SEVERITY, HealthItem, HealthReport, tenant_health

from .derived import Analysis, Derived
from .listing import Column, Facet, Listing, Table
from .templating import render
from .tenant_data import FileData, PageData

router = APIRouter()


def _date(item: HealthItem) -> str:
    return f"{item.expires:%Y-%m-%d}" if item.expires else ""


HEALTH: Listing[HealthItem] = Listing(
    view="tenant-health",
    path="/health",
    columns=(
        Column("verdict", "Verdict", lambda i: i.verdict.value, lambda i: (SEVERITY[i.verdict], i.name.casefold())),
        Column("type", "Type", lambda i: i.kind),
        Column("name", "Name", lambda i: i.name),
        Column("expires", "Expires", _date, lambda i: (i.expires is None, i.expires)),
        Column(
            "days",
            "Days left",
            lambda i: str(i.days_left) if i.days_left is not None else "",
            lambda i: (i.days_left is None, i.days_left),
            numeric=True,
        ),
        Column("state", "State", lambda i: i.state),
        Column(
            "sync",
            "Last sync",
            lambda i: f"{i.last_sync:%Y-%m-%d %H:%M} UTC" if i.last_sync else "",
            lambda i: (i.last_sync is None, i.last_sync),
        ),
        Column("why", "Why", lambda i: i.reason, sortable=False),
    ),
    default_sort="verdict",
    facets=(
        Facet("verdict", "Verdict", lambda i: (i.verdict.value,), any_label="All verdicts"),
        Facet("type", "Type", lambda i: (i.kind,), any_label="All types"),
    ),
    noun="items",
)


def _health(derived: Derived) -> tuple[HealthReport, Table[HealthItem]]:
    report = tenant_health(derived.snapshot, derived.catalog)
    return report, Table(HEALTH, list(report.items))


HEALTH_TABLE: Analysis[tuple[HealthReport, Table[HealthItem]]] = Analysis("tenant health", _health)
"""Every certificate, token and connector with its verdict as of the collection."""


@router.get("/health", name="tenant_health", response_class=HTMLResponse)
async def health_page(request: Request, data: PageData) -> Response:
    """Tenant health: what expires or stopped syncing, worst first."""
    report, table = await data.analysis(HEALTH_TABLE)
    page = table.page(table.listing.state(request.query_params))
    context = {"domain": data.domain, "report": report, "table": table, "page": page, "nav": "health"}
    return render(request, "tenant_health.html", context)


@router.get("/health.csv", name="tenant_health_csv")
async def health_export(request: Request, data: FileData) -> Response:
    """Every item matching the search and menus, every visible column."""
    _, table = await data.analysis(HEALTH_TABLE)
    return table.csv(table.listing.state(request.query_params), data.domain)
