"""Routes of the targeting pages (included by ``web.app``): assignments, groups, filters,
troubleshoot and conflicts, plus their JSON API. Every page reads the tenant's one collection;
while it runs the page shows progress and reloads itself when the data is ready.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from intune_assistant.analyses.assignments import FilterView, GroupView, assignments_csv, filter_view, group_view
from intune_assistant.analyses.conflicts import ConflictPair, SettingConflict
from intune_assistant.analyses.troubleshoot import VERDICT_LABELS

from ..analyses import SETTING_ROWS, SETTINGS_BY_POLICY, TARGETING, TROUBLESHOOT_OBJECTS, Tenant
from ..csv_export import BOM, content_disposition, export_filename
from ..errors import ProblemPage
from ..listing import Table
from ..roles_routes import ROLES_OF_SNAPSHOT, user_roles
from ..templating import render
from ..tenant_data import FileData, PageData, TenantData
from .assignments import SORTS, AssignmentQuery, choices, match
from .filters import DeviceOutcome, Preview, preview
from .groups import Member
from .lists import (
    CONFLICT_TABLES,
    CONFLICT_VIEWS,
    FILTERS_TABLE,
    GROUPS_TABLE,
    PAIRS,
    RESULTANT,
    TROUBLESHOOT_KEEP,
    TROUBLESHOOT_VIEWS,
    members_table,
    pairs_of,
    preview_table,
    resultant_table,
    verdicts_table,
)
from .troubleshoot import ACTIONS, GROUP_NAMES, SUBJECTS, Answer, TroubleshootQuery, answer

router = APIRouter()


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
            "sorts": dict(SORTS),
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
    table = await data.analysis(GROUPS_TABLE)
    page = table.page(table.listing.state(request.query_params))
    return render(request, "targeting_groups.html", {"tenant": tenant, "table": table, "page": page, "nav": "groups"})


@router.get("/groups.csv", name="groups_csv")
async def groups_export(request: Request, data: FileData) -> Response:
    """Every group matching the search, every visible column."""
    table = await data.analysis(GROUPS_TABLE)
    return table.csv(table.listing.state(request.query_params), data.domain)


async def _group(data: TenantData, group_id: str) -> tuple[Tenant, GroupView, Table[Member]]:
    """The group's view and its members' table (computed once per generation and group)."""
    tenant = await data.analysis(TARGETING)
    if group_id not in tenant.directory.groups:
        raise _not_found("Group")
    view, table = await data.answer(
        "group",
        group_id,
        lambda: (group_view(tenant.overview, tenant.directory, group_id), members_table(tenant, group_id)),
    )
    return tenant, view, table


@router.get("/groups/{group_id}.csv", name="group_members_csv")
async def group_members_export(request: Request, group_id: str, data: FileData) -> Response:
    """A group's direct members matching the search."""
    _, _, table = await _group(data, group_id)
    return table.csv(table.listing.state(request.query_params), data.domain)


@router.get("/groups/{group_id}", name="group", response_class=HTMLResponse)
async def group_page(request: Request, group_id: str, data: PageData) -> Response:
    """One group: members, parents and children, dynamic rule, and where it is assigned."""
    tenant, view, table = await _group(data, group_id)
    page = table.page(table.listing.state(request.query_params, path=f"/groups/{quote(group_id, safe='')}"))
    return render(
        request,
        "targeting_group.html",
        {"tenant": tenant, "view": view, "table": table, "page": page, "nav": "groups"},
    )


@router.get("/filters", name="filters", response_class=HTMLResponse)
async def filters_page(request: Request, data: PageData) -> Response:
    """Every assignment filter: rule, platform and how often it is used."""
    tenant = await data.analysis(TARGETING)
    table = await data.analysis(FILTERS_TABLE)
    page = table.page(table.listing.state(request.query_params))
    return render(request, "targeting_filters.html", {"tenant": tenant, "table": table, "page": page, "nav": "filters"})


@router.get("/filters.csv", name="filters_csv")
async def filters_export(request: Request, data: FileData) -> Response:
    """Every filter matching the search, every visible column."""
    table = await data.analysis(FILTERS_TABLE)
    return table.csv(table.listing.state(request.query_params), data.domain)


async def _filter(data: TenantData, filter_id: str) -> tuple[Tenant, FilterView, Preview, Table[DeviceOutcome]]:
    """The filter's uses, its device preview and the preview's table (once per generation and filter)."""
    tenant = await data.analysis(TARGETING)
    if filter_id not in tenant.directory.filters:
        raise _not_found("Filter")

    def compute() -> tuple[FilterView, Preview, Table[DeviceOutcome]]:
        result = preview(tenant.directory, filter_id)
        return filter_view(tenant.overview, tenant.directory, filter_id), result, preview_table(result)

    view, result, table = await data.answer("filter", filter_id, compute)
    return tenant, view, result, table


@router.get("/filters/{filter_id}.csv", name="filter_devices_csv")
async def filter_devices_export(request: Request, filter_id: str, data: FileData) -> Response:
    """The filter preview's devices matching the search and outcome."""
    *_, table = await _filter(data, filter_id)
    return table.csv(table.listing.state(request.query_params), data.domain)


@router.get("/filters/{filter_id}", name="filter", response_class=HTMLResponse)
async def filter_page(request: Request, filter_id: str, data: PageData) -> Response:
    """One filter: rule, platform, where used, and which devices match it."""
    tenant, view, result, table = await _filter(data, filter_id)
    page = table.page(table.listing.state(request.query_params, path=f"/filters/{quote(filter_id, safe='')}"))
    return render(
        request,
        "targeting_filter.html",
        {"tenant": tenant, "view": view, "preview": result, "table": table, "page": page, "nav": "filters"},
    )


def _troubleshoot_view(request: Request) -> str:
    show = request.query_params.get("show", "")
    return show if show in TROUBLESHOOT_VIEWS else TROUBLESHOOT_VIEWS[0]


async def _troubleshoot(data: TenantData, query: TroubleshootQuery, show: str) -> tuple[Tenant, Answer, Table[Any]]:
    """The subject's answer and the list shown (verdicts or resultant settings), once per generation and question."""
    tenant = await data.analysis(TARGETING)
    prepared, by_policy = await data.analysis(TROUBLESHOOT_OBJECTS), await data.analysis(SETTINGS_BY_POLICY)
    result = await data.answer("troubleshoot", query.subject_key, lambda: answer(tenant, query, prepared, by_policy))
    if show == "settings" and result.resultant is not None:
        settings = result.resultant.settings
        return tenant, result, await data.answer("resultant", query.subject_key, lambda: resultant_table(settings))
    effective = result.effective
    items = () if effective is None else effective.items if query.show_all else effective.relevant()
    table = await data.answer("verdicts", query, lambda: verdicts_table(items))
    return tenant, result, table


@router.get("/troubleshoot", name="troubleshoot", response_class=HTMLResponse)
async def troubleshoot_page(request: Request, data: PageData) -> Response:
    """Verdicts with reasons for a user and/or device, resultant settings, and a what-if."""
    query = TroubleshootQuery.parse(dict(request.query_params))
    show = _troubleshoot_view(request)
    tenant, result, table = await _troubleshoot(data, query, show)
    if table.listing is not RESULTANT:
        show = "verdicts"
    context: dict[str, Any] = {
        "tenant": tenant,
        "query": query,
        "answer": result,
        "show": show,
        "groups": await data.analysis(GROUP_NAMES),
        "actions": ACTIONS,
        "labels": {v.value: label for v, label in VERDICT_LABELS.items()},
        "nav": "troubleshoot",
        "table": table,
        "page": table.page(table.listing.state(request.query_params, keep=TROUBLESHOOT_KEEP)),
        "user_roles": user_roles(await data.analysis(ROLES_OF_SNAPSHOT), data.snapshot, query.user),
    }
    return render(request, "targeting_troubleshoot.html", context)


@router.get("/troubleshoot/suggestions", name="troubleshoot_suggestions", response_class=HTMLResponse)
async def troubleshoot_suggestions(request: Request, data: PageData) -> Response:
    """The users or devices whose name holds what was typed (htmx fills the field's suggestions)."""
    field = "device" if request.query_params.get("field") == "device" else "user"
    subjects = await data.analysis(SUBJECTS)
    names = subjects.users if field == "user" else subjects.devices
    found = names.matching(request.query_params.get(field, ""))
    return render(request, "_troubleshoot_suggestions.html", {"names": found})


@router.get("/troubleshoot.csv", name="troubleshoot_csv")
async def troubleshoot_export(request: Request, data: FileData) -> Response:
    """The subject's verdicts (or resultant settings) matching the search and filters, one line each."""
    query = TroubleshootQuery.parse(dict(request.query_params))
    _, result, table = await _troubleshoot(data, query, _troubleshoot_view(request))
    if result.effective is None:
        raise ProblemPage(
            400, "No subject to export", result.error or "Choose a user or a device on the Troubleshoot page first."
        )
    return table.csv(table.listing.state(request.query_params, keep=TROUBLESHOOT_KEEP), data.domain)


def _show(request: Request) -> str:
    show = request.query_params.get("show", "")
    return show if show in CONFLICT_VIEWS else CONFLICT_VIEWS[0]


@router.get("/conflicts", name="conflicts", response_class=HTMLResponse)
async def conflicts_page(request: Request, data: PageData) -> Response:
    """Tenant-wide conflicting settings, duplicate policies and deprecated settings, one list at a time."""
    tenant = await data.analysis(TARGETING)
    tables = await data.analysis(CONFLICT_TABLES)
    show = _show(request)
    table = tables.table(show)
    page = table.page(table.listing.state(request.query_params, keep=("show",)))
    context = {"tenant": tenant, "report": tables.report, "show": show, "table": table, "page": page}
    return render(request, "targeting_conflicts.html", {**context, "nav": "conflicts"})


@router.get("/conflicts.csv", name="conflicts_csv")
async def conflicts_export(request: Request, data: FileData) -> Response:
    """Every conflicting setting (or duplicate, or deprecated setting) matching the search."""
    table = (await data.analysis(CONFLICT_TABLES)).table(_show(request))
    return table.csv(table.listing.state(request.query_params, keep=("show",)), data.domain)


_PAIR_KEEP = ("id", "platform")


async def _pairs(request: Request, data: TenantData) -> tuple[SettingConflict, Table[ConflictPair]]:
    """Every overlapping pair of the conflicting setting in the URL (once per generation and setting)."""
    tenant = await data.analysis(TARGETING)
    rows = await data.analysis(SETTING_ROWS)
    key = (request.query_params.get("id", "")[:500], request.query_params.get("platform", "")[:100])
    found = await data.answer("conflict pairs", key, lambda: pairs_of(tenant, rows, *key))
    if found is None:
        raise _not_found("Conflicting setting")
    return found


@router.get("/conflicts/setting", name="conflict_pairs", response_class=HTMLResponse)
async def conflict_pairs_page(request: Request, data: PageData) -> Response:
    """Every overlapping pair of policies of one conflicting setting, a page at a time."""
    tenant = await data.analysis(TARGETING)
    conflict, table = await _pairs(request, data)
    page = table.page(PAIRS.state(request.query_params, keep=_PAIR_KEEP))
    return render(
        request,
        "targeting_conflict.html",
        {"tenant": tenant, "conflict": conflict, "table": table, "page": page, "nav": "conflicts"},
    )


@router.get("/conflicts/setting.csv", name="conflict_pairs_csv")
async def conflict_pairs_export(request: Request, data: FileData) -> Response:
    """Every overlapping pair of one conflicting setting matching the search."""
    _, table = await _pairs(request, data)
    return table.csv(PAIRS.state(request.query_params, keep=_PAIR_KEEP), data.domain)
