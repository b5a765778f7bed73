"""``/assignment-manager``: pick what to change, review the plan (before/after per object), then apply.

Input and review only read the tenant's collection, so anyone signed in may plan; the review says
what applying needs (the module activated by an administrator, and Intune rights to write). The
plan is computed from the collected snapshot with the one write path (``changes``); nothing of it
is kept on the server.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import HTMLResponse, Response

from intune_assistant.analyses.assignments import APP_INTENTS
from intune_assistant.changes import ObjectKey, Plan
from intune_assistant.changes.checks import plan_bulk_assignments
from intune_assistant.changes.commercial_csv import commercial_csv
from intune_assistant.changes.objects import AssignableObjects

from ..analyses import TARGETING, Tenant
from ..comparison.forms import parse_in_memory
from ..csrf import check_csrf
from ..csv_export import BOM, content_disposition, export_filename
from ..derived import Analysis
from ..errors import Link, ProblemPage
from ..modules import modules_in_use
from ..templating import render
from ..tenant_data import FileData, PageData, TenantData
from .documents import seal
from .inputs import InputError, read_changes
from .inputs import Request as InputRequest

router = APIRouter()

MODULE = "bulk-assign"
OBJECTS: Analysis[AssignableObjects] = Analysis(
    "assignable objects", lambda derived: AssignableObjects.of(derived.snapshot, derived.catalog)
)
"""Every object whose assignments can be changed, by name (the pickers and name look-ups)."""


def _selected(values: list[str], objects: AssignableObjects) -> list[Any]:
    found = []
    for value in dict.fromkeys(values):
        type_key, _, object_id = value.partition("/")
        ref = objects.get(ObjectKey(type_key, object_id))
        if ref is not None:
            found.append(ref)
    return found


def _context(tenant: Tenant, objects: AssignableObjects) -> dict[str, Any]:
    groups = sorted({str(g.get("displayName") or "") for g in tenant.directory.groups.values()} - {""})
    filters = sorted(
        ((f.get("displayName") or f_id, f_id) for f_id, f in tenant.directory.filters.items()),
        key=lambda pair: str(pair[0]).casefold(),
    )
    return {
        "objects": objects,
        "groups": groups,
        "filters": filters,
        "intents": APP_INTENTS,
        "nav": "assignment-manager",
    }


@router.get("/assignment-manager", name="assignment_manager_input", response_class=HTMLResponse)
async def input_page(request: Request, data: PageData) -> Response:
    """Upload a CSV, or pick objects and a target, copy assignments, or remove a group everywhere."""
    tenant = await data.analysis(TARGETING)
    objects = await data.analysis(OBJECTS)
    query = request.query_params.get("q", "")[:200]
    selected = _selected(request.query_params.getlist("object")[:500], objects)
    results = objects.search(query) if query.strip() else []
    return render(
        request,
        "assignment_manager.html",
        {**_context(tenant, objects), "q": query, "selected": selected, "results": results},
    )


@router.get("/assignment-manager/desired-state.csv", name="assignment_manager_desired_state")
async def desired_state(request: Request, data: FileData) -> Response:
    """Every assignment as the commercial tool's desired-state CSV (semicolons), valid input as written."""
    tenant = await data.analysis(TARGETING)
    body = (BOM + commercial_csv(tenant.overview.rows)).encode("utf-8")
    name = export_filename(data.domain, "desired-assignments", datetime.now(UTC))
    headers = {"Content-Disposition": content_disposition(name)}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


async def _read_form(request: Request) -> tuple[FormData, bytes]:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        try:
            form = await parse_in_memory(request)
        except ValueError as exc:
            raise _refused(str(exc)) from None
        upload = form.get("file")
        body = await upload.read() if isinstance(upload, UploadFile) else b""
        return form, body
    return await request.form(), b""


def _refused(message: str) -> ProblemPage:
    return ProblemPage(
        400,
        "Nothing could be planned",
        message[:1].upper() + message[1:] + ". Nothing was changed.",
        advice="Correct the input and try again.",
        links=[Link("Back to the Assignment manager", "/assignment-manager", primary=True)],
    )


def can_apply(request: Request, data: TenantData) -> bool:
    """Whether this tenant has the Assignment manager activated (and this version offers it)."""
    return MODULE in modules_in_use(request, data.record.module_names)


async def plan_from_request(
    data: TenantData, kind: str, fields: dict[str, list[str]], upload: bytes
) -> tuple[Plan, Tenant]:
    """The plan for one submitted input, computed off the event loop; ``InputError`` if unreadable."""
    tenant = await data.analysis(TARGETING)
    objects = await data.analysis(OBJECTS)
    asked = InputRequest(kind, fields, upload)

    def compute() -> Plan:
        changes, refused = read_changes(asked, tenant.snapshot, tenant.catalog, objects, tenant.directory)
        return plan_bulk_assignments(
            tenant.snapshot, changes, refused, catalog=tenant.catalog, directory=tenant.directory
        )

    return await asyncio.to_thread(compute), tenant


@router.post("/assignment-manager/review", name="assignment_manager_review", response_class=HTMLResponse)
async def review(request: Request, data: FileData) -> Response:
    """The plan: per object before → after, counts, warnings and every refused row with its reason."""
    form, upload = await _read_form(request)
    await check_csrf(request, data.session)
    fields = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
    kind = str(form.get("input") or "")
    try:
        plan, _ = await plan_from_request(data, kind, fields, upload)
    except InputError as exc:
        raise _refused(str(exc)) from None
    finally:
        await form.close()
    return render(
        request,
        "assignment_manager_review.html",
        {
            "plan": plan,
            "can_apply": can_apply(request, data),
            "document": seal(request, data, plan) if plan.items and can_apply(request, data) else "",
            "nav": "assignment-manager",
        },
    )
