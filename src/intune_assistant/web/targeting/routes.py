"""Routes of the targeting pages (included by ``web.app``): assignments, groups, filters,
troubleshoot and conflicts, plus their JSON API. Every page reads the tenant's one collection;
while it runs the page shows progress and reloads itself when the data is ready.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from intune_assistant.analyses.assignments import assignments_csv, filter_view, group_view
from intune_assistant.analyses.troubleshoot import VERDICT_LABELS

from ..analyses import CONFLICTS, SETTINGS_BY_POLICY, TARGETING, TROUBLESHOOT_OBJECTS
from ..csv_export import BOM, content_disposition, export_filename
from ..errors import ProblemPage
from ..templating import render
from ..tenant_data import FileData, PageData
from . import api
from .assignments import AssignmentQuery, choices, match
from .filters import FILTER_ROWS, preview
from .groups import GROUP_ROWS, matching_groups, members
from .troubleshoot import ACTIONS, GROUP_NAMES, SUBJECTS, TroubleshootQuery, answer

router = APIRouter()
router.include_router(api.router)


def _not_found(what: str) -> ProblemPage:
    return ProblemPage(404, f"{what} not found", f"This tenant has no such {what.lower()} in the data read.")


@router.get("/assignments", name="assignments", response_class=HTMLResponse)
async def assignments_page(request: Request, data: PageData) -> Response:
    """Every assignable object with its targets, grouped by policy, filtered by the URL."""
    tenant = await data.analysis(TARGETING)
    query = AssignmentQuery.parse(dict(request.query_params))
    return render(
        request,
        "targeting_assignments.html",
        {
            "tenant": tenant,
            "query": query,
            "matched": match(tenant.overview, query),
            "choices": choices(tenant.overview),
            "nav": "assignments",
        },
    )


@router.get("/assignments.csv", name="assignments_csv")
async def assignments_export(request: Request, data: FileData) -> Response:
    """The matching assignments as the CSV the bulk-change module reads back."""
    tenant = await data.analysis(TARGETING)
    query = AssignmentQuery.parse(dict(request.query_params))
    body = (BOM + assignments_csv(match(tenant.overview, query).rows)).encode("utf-8")
    name = export_filename(data.domain, "assignments", datetime.now(UTC))
    return Response(
        body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": content_disposition(name)}
    )


@router.get("/groups", name="groups", response_class=HTMLResponse)
async def groups_page(request: Request, data: PageData) -> Response:
    """Every group with member counts, nesting and dynamic rule."""
    tenant = await data.analysis(TARGETING)
    q = (request.query_params.get("q") or "").strip()[:200]
    rows = matching_groups(await data.analysis(GROUP_ROWS), q)
    return render(request, "targeting_groups.html", {"tenant": tenant, "rows": rows, "q": q, "nav": "groups"})


@router.get("/groups/{group_id}", name="group", response_class=HTMLResponse)
async def group_page(request: Request, group_id: str, data: PageData) -> Response:
    """One group: members, parents and children, dynamic rule, and where it is assigned."""
    tenant = await data.analysis(TARGETING)
    if group_id not in tenant.directory.groups:
        raise _not_found("Group")
    view, found = await data.answer(
        "group",
        group_id,
        lambda: (group_view(tenant.overview, tenant.directory, group_id), members(tenant.directory, group_id)),
    )
    return render(request, "targeting_group.html", {"tenant": tenant, "view": view, "members": found, "nav": "groups"})


@router.get("/filters", name="filters", response_class=HTMLResponse)
async def filters_page(request: Request, data: PageData) -> Response:
    """Every assignment filter: rule, platform and how often it is used."""
    tenant = await data.analysis(TARGETING)
    rows = await data.analysis(FILTER_ROWS)
    return render(request, "targeting_filters.html", {"tenant": tenant, "rows": rows, "nav": "filters"})


@router.get("/filters/{filter_id}", name="filter", response_class=HTMLResponse)
async def filter_page(request: Request, filter_id: str, data: PageData) -> Response:
    """One filter: rule, platform, where used, and which devices match it."""
    tenant = await data.analysis(TARGETING)
    if filter_id not in tenant.directory.filters:
        raise _not_found("Filter")
    view, devices = await data.answer(
        "filter",
        filter_id,
        lambda: (filter_view(tenant.overview, tenant.directory, filter_id), preview(tenant.directory, filter_id)),
    )
    return render(
        request, "targeting_filter.html", {"tenant": tenant, "view": view, "preview": devices, "nav": "filters"}
    )


@router.get("/troubleshoot", name="troubleshoot", response_class=HTMLResponse)
async def troubleshoot_page(request: Request, data: PageData) -> Response:
    """Verdicts with reasons for a user and/or device, resultant settings, and a what-if."""
    tenant = await data.analysis(TARGETING)
    query = TroubleshootQuery.parse(dict(request.query_params))
    prepared, by_policy = await data.analysis(TROUBLESHOOT_OBJECTS), await data.analysis(SETTINGS_BY_POLICY)
    result = await data.answer("troubleshoot", query.subject_key, lambda: answer(tenant, query, prepared, by_policy))
    context: dict[str, Any] = {
        "tenant": tenant,
        "query": query,
        "answer": result,
        "subjects": await data.analysis(SUBJECTS),
        "groups": await data.analysis(GROUP_NAMES),
        "actions": ACTIONS,
        "labels": {v.value: label for v, label in VERDICT_LABELS.items()},
        "nav": "troubleshoot",
    }
    return render(request, "targeting_troubleshoot.html", context)


@router.get("/conflicts", name="conflicts", response_class=HTMLResponse)
async def conflicts_page(request: Request, data: PageData) -> Response:
    """Tenant-wide conflicting settings, duplicate policies and deprecated settings."""
    tenant = await data.analysis(TARGETING)
    report = await data.analysis(CONFLICTS)
    return render(request, "targeting_conflicts.html", {"tenant": tenant, "report": report, "nav": "conflicts"})
