"""Confirm → apply → results, and what the tenant's audit log says about each changed object.

The reviewed plan travels as a sealed document (``changes/document.py``) in the confirm form:
the server keeps none. Apply opens it only for the user and tenant it was made for, before it
expires, runs it On-Behalf-Of the user with the module's write scopes, and answers the per-item
results with the backup of every object it touched (taken before the first write) as a download
built in the page — nothing of the plan, its results or the backup is written on the server.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from intune_assistant.changes import Plan
from intune_assistant.changes.apply import ApplyReport, ItemStatus, apply_plan
from intune_assistant.changes.document import PlanRefused
from intune_assistant.snapshot import snapshot_zip

from ..context import web_state
from ..csrf import check_csrf
from ..csv_export import export_filename
from ..errors import Link, ProblemPage
from ..identity_api import OboTokenProvider
from ..modules import modules_in_use
from ..templating import render
from ..tenant_data import FileData, PageData, TenantData
from .documents import open_document
from .routes import can_apply

router = APIRouter()

# Audit events older than this are not looked at for an object (the review was minutes ago).
_AUDIT_WINDOW_DAYS = 30


def _module_needed() -> ProblemPage:
    return ProblemPage(
        403,
        "The Assignment manager is not active for this tenant",
        "Applying changes needs the Assignment manager module. Nothing was changed.",
        advice="An administrator who can grant admin consent activates it in Tenant settings.",
        links=[Link("Tenant settings", "/tenant", primary=True)],
    )


async def run_plan(request: Request, data: TenantData, plan: Plan) -> ApplyReport:
    """Apply ``plan`` as the signed-in user, with the scopes of this tenant's activated modules."""
    state = web_state(request)
    scopes = state.policies.scopes(modules_in_use(request, data.record.module_names))
    provider = OboTokenProvider(state.obo, data.api_token, data.principal)
    async with state.policies.graph_client(provider, scopes) as client:
        report = await apply_plan(plan, client, catalog=state.catalog)
    # The collection no longer shows the tenant as it is: read it again (pages keep the old data meanwhile).
    await state.policies.refresh(
        data.principal, data.api_token, modules_in_use(request, data.record.module_names), data.domain
    )
    return report


@router.post("/assignment-manager/apply", name="assignment_manager", response_class=HTMLResponse)
async def apply(request: Request, data: FileData) -> Response:
    """Apply the confirmed plan; the answer is every item's result and the backup to download."""
    await check_csrf(request, data.session)
    if not can_apply(request, data):
        raise _module_needed()
    form = await request.form()
    document = form.get("plan")
    try:
        plan = open_document(request, data, document if isinstance(document, str) else "")
    except PlanRefused as exc:
        raise ProblemPage(
            400,
            "This plan can't be applied",
            f"{str(exc)[:1].upper()}{str(exc)[1:]}. Nothing was changed.",
            links=[Link("Make a new plan", "/assignment-manager", primary=True)],
        ) from None
    report = await run_plan(request, data, plan)
    backup = ""
    if report.backup is not None:
        backup = base64.b64encode(snapshot_zip(report.backup, web_state(request).catalog)).decode("ascii")
    return render(
        request,
        "assignment_manager_results.html",
        {
            "plan": plan,
            "report": report,
            "counts": {s.value: report.count(s) for s in ItemStatus},
            "backup": backup,
            "backup_name": export_filename(data.domain, "assignments-backup", datetime.now(UTC), "zip"),
            "nav": "assignment-manager",
        },
    )


def _events_for(events: list[dict[str, Any]], object_id: str) -> list[dict[str, Any]]:
    found = []
    for event in events:
        resources = event.get("resources")
        if isinstance(resources, list) and any(
            isinstance(r, dict) and r.get("resourceId") == object_id for r in resources
        ):
            found.append(event)
    return sorted(found, key=lambda e: str(e.get("activityDateTime") or ""), reverse=True)


@router.get("/assignment-manager/audit", name="assignment_manager_audit", response_class=HTMLResponse)
async def audit(request: Request, data: PageData) -> Response:
    """What Intune's audit log says about one object: who changed it, when, and how it ended."""
    object_id = request.query_params.get("id", "")[:200]
    name = request.query_params.get("name", "")[:300]
    state = web_state(request)
    record = state.catalog["auditEvents"]
    provider = OboTokenProvider(state.obo, data.api_token, data.principal)
    since = datetime.now(UTC).timestamp() - _AUDIT_WINDOW_DAYS * 86400
    stamp = datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    async with state.policies.graph_client(provider, (record.read_scope,)) as client:
        params = {"$filter": f"activityDateTime gt {stamp}"}
        result = await client.list_all(record.path, version=record.api_version, params=params)
    if result.error is not None:
        error = result.error
        raise ProblemPage(
            error.status or 502,
            "The audit log could not be read",
            f"Graph answered {error.status or 'nothing'} ({error.code}). Nothing was changed.",
            advice="Reading Intune audit events needs an Intune role that can read audit data.",
        )
    events = result.items
    return render(
        request,
        "assignment_manager_audit.html",
        {"events": _events_for(list(events), object_id), "name": name or object_id, "nav": "assignment-manager"},
    )
