"""Confirm → progress → results, and what the tenant's audit log says about each changed object.

The reviewed plan travels as a sealed document (``changes/document.py``) in the confirm form:
the server keeps none. Apply opens it only for the user and tenant it was made for, before it
expires, and starts it On-Behalf-Of the user with the module's write scopes as a run in the
background of this process (``runs.py``); the answer is at once a page whose progress updates, then
the per-item results with the backup of every object it touched (taken before the first write) as
a download built in the page — nothing of the plan, its results or the backup is written on the
server, and the run is kept in memory for this user and tenant only, for a while after it ended.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from intune_assistant.changes import BULK_ASSIGN, Plan
from intune_assistant.changes.apply import ApplyReport, ItemResult, ItemStatus, apply_plan
from intune_assistant.changes.document import PlanRefused
from intune_assistant.snapshot import snapshot_zip

from ..audit_log import recent_audit_events
from ..context import TenantContext, tenant_context, web_state
from ..csrf import check_csrf
from ..csv_export import export_filename
from ..errors import Link, ProblemPage
from ..identity_api import OboTokenProvider
from ..modules import modules_in_use
from ..templating import render
from ..tenant_data import FileData, PageData, TenantData
from .documents import open_document
from .routes import can_apply
from .runs import ApplyRun

router = APIRouter()


def _module_needed() -> ProblemPage:
    return ProblemPage(
        403,
        "The Assignment manager is not active for this tenant",
        "Applying changes needs the Assignment manager module. Nothing was changed.",
        advice="An administrator who can grant admin consent activates it in Tenant settings.",
        links=[Link("Tenant settings", "/tenant", primary=True)],
    )


async def run_plan(
    request: Request, data: TenantData, plan: Plan, on_item: Callable[[ItemResult], None] | None = None
) -> ApplyReport:
    """Apply ``plan`` as the signed-in user, with the scopes of this tenant's activated modules."""
    state = web_state(request)
    scopes = state.policies.scopes(modules_in_use(request, data.record.module_names))
    provider = OboTokenProvider(state.obo, data.api_token, data.principal)
    async with state.policies.graph_client(provider, scopes) as client:
        report = await apply_plan(plan, client, catalog=state.catalog, on_item=on_item)
    # The collection no longer shows the tenant as it is: read it again (pages keep the old data meanwhile).
    await state.policies.refresh(
        data.principal, data.api_token, modules_in_use(request, data.record.module_names), data.domain
    )
    return report


@dataclass(frozen=True)
class RunPages:
    """Where a write module's apply pages live and what they are called (the Assignment manager's,
    the bulk edits'): one progress and results page for every module on the write path."""

    section: str
    base: str
    back_url: str
    backup_label: str
    show_changes: bool = False


ASSIGNMENT_RUNS = RunPages(
    "Assignment manager", "/assignment-manager/apply", "/assignment-manager", "assignments-backup"
)


def refused_plan(exc: PlanRefused, pages: RunPages) -> ProblemPage:
    """The page for a plan document apply won't open (forged, expired, another user's...)."""
    return ProblemPage(
        400,
        "This plan can't be applied",
        f"{str(exc)[:1].upper()}{str(exc)[1:]}. Nothing was changed.",
        links=[Link("Make a new plan", pages.back_url, primary=True)],
    )


def start_run(request: Request, data: TenantData, plan: Plan, pages: RunPages) -> Response:
    """Start applying ``plan`` in the background; the answer sends the browser to its progress page."""
    state = web_state(request)
    backup_name = export_filename(data.domain, pages.backup_label, datetime.now(UTC), "zip")

    async def work(run: ApplyRun) -> tuple[ApplyReport, str]:
        report = await run_plan(request, data, plan, run.ended.append)
        backup = ""
        if report.backup is not None:
            backup = base64.b64encode(snapshot_zip(report.backup, state.catalog)).decode("ascii")
        return report, backup

    run = state.apply_runs.start(state.policies.key(data.principal), plan, backup_name, work)
    # Post → redirect → get: reloading the progress page never sends the plan again.
    return RedirectResponse(f"{pages.base}/{run.run_id}", status_code=303)


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
        raise refused_plan(exc, ASSIGNMENT_RUNS) from None
    if plan.module != BULK_ASSIGN:
        # Each module applies only its own plans: the module's activation is what allowed them.
        other = PlanRefused(f"this plan was made by the '{plan.module}' module, not this one")
        raise refused_plan(other, ASSIGNMENT_RUNS)
    return start_run(request, data, plan, ASSIGNMENT_RUNS)


def _run_of(request: Request, ctx: TenantContext, run_id: str, pages: RunPages) -> ApplyRun:
    state = web_state(request)
    run = state.apply_runs.get(state.policies.key(ctx.principal), run_id[:100])
    if run is None:
        raise ProblemPage(
            404,
            "This apply is not known",
            "Its progress and results are shown only to the user who started it, for 30 minutes after it ended.",
            links=[Link(f"Back to the {pages.section}", pages.back_url, primary=True)],
        )
    return run


def _stopped(pages: RunPages) -> ProblemPage:
    return ProblemPage(
        502,
        "The apply stopped before it ended",
        "Some items may have been changed. Make a new plan: its review shows each object as it is now.",
        links=[Link("Make a new plan", pages.back_url, primary=True)],
    )


def run_view(request: Request, ctx: TenantContext, run_id: str, pages: RunPages) -> Response:
    """The apply's progress while it runs; then every item's result, the backup and the audit links."""
    run = _run_of(request, ctx, run_id, pages)
    if run.stopped:
        raise _stopped(pages)
    where = {"nav": pages.back_url.strip("/"), "section": pages.section, "run_base": pages.base,
             "back_url": pages.back_url}  # fmt: skip
    if run.report is None:
        return render(request, "assignment_manager_progress.html", {"run": run, "statuses": ItemStatus, **where})
    report = run.report
    changes = {i.key: "; ".join(i.changes) for i in run.plan.items} if pages.show_changes else {}
    return render(
        request,
        "assignment_manager_results.html",
        {
            "plan": run.plan,
            "report": report,
            "counts": {s.value: report.count(s) for s in ItemStatus},
            "backup": run.backup_zip_b64,
            "backup_name": run.backup_name,
            "changes": changes,
            **where,
        },
    )


def progress_view(request: Request, ctx: TenantContext, run_id: str, pages: RunPages) -> Response:
    """The progress fragment htmx polls; once the apply ended the page reloads itself with the results."""
    run = _run_of(request, ctx, run_id, pages)
    if run.done:
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    return render(request, "_apply_progress.html", {"run": run, "statuses": ItemStatus, "run_base": pages.base})


@router.get("/assignment-manager/apply/{run_id}", name="assignment_manager_run", response_class=HTMLResponse)
async def run_page(request: Request, run_id: str, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """The apply's progress while it runs; then every item's result, the backup and the audit links."""
    return run_view(request, ctx, run_id, ASSIGNMENT_RUNS)


@router.get(
    "/assignment-manager/apply/{run_id}/progress", name="assignment_manager_progress", response_class=HTMLResponse
)
async def run_progress(
    request: Request, run_id: str, ctx: Annotated[TenantContext, Depends(tenant_context)]
) -> Response:
    """The progress fragment htmx polls; once the apply ended the page reloads itself with the results."""
    return progress_view(request, ctx, run_id, ASSIGNMENT_RUNS)


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
    result = await recent_audit_events(request, data)
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
