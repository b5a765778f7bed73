"""``/deploy`` and ``/restore``: choose a source → review the plan → tick what to apply → apply → results.

Deploy puts a built-in baseline, an uploaded export (IntuneCD, IntuneManagement, portal JSON, a
snapshot) or another tenant the user can read (``golden.py``) into this tenant; Restore puts a
backup back (the zip every apply offers is one), the objects named or all. Both plan with
``changes/deploy.py`` over the tenant's collection, so anyone signed in may review; applying needs
the module. The plan travels sealed in the review's form (nothing of it, nor of the upload, is kept
on the server) and apply runs on the write path's shared progress and results pages
(``assignment_manager/apply.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from intune_assistant.changes import Plan
from intune_assistant.changes.deploy import DEPLOY, RESTORE, AssignMode
from intune_assistant.changes.document import PlanRefused

from ..assignment_manager.apply import RunPages, progress_view, refused_plan, run_view, start_run
from ..assignment_manager.documents import open_document, seal
from ..comparison.service import builtin_names
from ..comparison.uploads import MAX_UPLOAD_BYTES
from ..context import TenantContext, tenant_context, web_state
from ..csrf import check_csrf
from ..errors import Link, ProblemPage
from ..modules import modules_in_use
from ..templating import render
from ..tenant_data import FileData, PageData, TenantData, file_data
from . import golden, sources
from .planning import (
    PlanInputError,
    deploy_options,
    operation_counts,
    plan_into,
    rejected_groups,
    restore_options,
    ticked,
    unchanged_count,
)

router = APIRouter()

# Items a review may list (and apply may take back ticked): the form parser's field limit.
MAX_ITEMS = 5000


@dataclass(frozen=True)
class WritePage:
    """One of the two pages: its module, words and where its apply pages live."""

    module: str
    title: str
    base: str
    runs: RunPages


DEPLOY_PAGE = WritePage(DEPLOY, "Deploy", "/deploy", RunPages("Deploy", "/deploy/apply", "/deploy", "deploy-backup",
                                                              show_changes=True))  # fmt: skip
RESTORE_PAGE = WritePage(RESTORE, "Restore", "/restore", RunPages("Restore", "/restore/apply", "/restore",
                                                                  "restore-backup", show_changes=True))  # fmt: skip


def can_apply(request: Request, data: TenantData, module: str) -> bool:
    """Whether this tenant has ``module`` activated (and this version offers it)."""
    return module in modules_in_use(request, data.record.module_names)


def _refused(page: WritePage, message: str) -> ProblemPage:
    return ProblemPage(
        400,
        "Nothing could be planned",
        message[:1].upper() + message[1:] + ". Nothing was changed, and nothing of the file was kept.",
        advice="Correct the choice and try again.",
        links=[Link(f"Back to {page.title}", page.base, primary=True)],
    )


async def current_data(
    request: Request, data: TenantData, again: Callable[[Request], Awaitable[TenantData]] = file_data
) -> TenantData:
    """The tenant's data as it is now: a read running since the last apply is waited for (bounded)
    and its result fetched ``again``, so a plan made just after an apply sees what it wrote."""
    state = web_state(request)
    job = state.policies.job(data.principal)
    if job is not None and not job.done:
        await state.policies.wait(job, state.settings.export_wait_s)
    return data if state.policies.cached(data.principal) is data.inventory else await again(request)


def _plan_context(request: Request, data: TenantData, page: WritePage, plan: Plan, source: str) -> dict[str, Any]:
    allowed = can_apply(request, data, page.module)
    return {
        "plan": plan,
        "page": page,
        "source_label": source,
        "counts": operation_counts(plan),
        "unchanged": unchanged_count(plan),
        "rejected": rejected_groups(plan),
        "can_apply": allowed,
        "too_many": len(plan.items) > MAX_ITEMS,
        "document": seal(request, data, plan) if plan.items and allowed else "",
        "nav": page.base.strip("/"),
    }


@router.get("/deploy", name="deploy", response_class=HTMLResponse)
async def deploy_page(request: Request, data: PageData) -> Response:
    """Choose the source (a built-in baseline, an uploaded export or another tenant the user can read)
    and what to do with assignments."""
    groups = sorted({str(g.get("displayName") or "") for g in data.snapshot.read_objects("groups") or ()} - {""},
                    key=str.casefold)  # fmt: skip
    return render(
        request,
        "deploy.html",
        {
            "baselines": builtin_names(),
            "tenants": await golden.other_tenants(request, data),
            "groups": groups,
            "modes": AssignMode,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            "can_apply": can_apply(request, data, DEPLOY),
            "nav": "deploy",
        },
    )


@router.post("/deploy/review", name="deploy_review", response_class=HTMLResponse)
async def deploy_review(request: Request, data: FileData) -> Response:
    """The plan: per object create, update (setting by setting), unchanged, refused or not deployable."""
    try:
        form = await sources.read_source_form(request)
        await check_csrf(request, data.session)
        catalog = web_state(request).catalog
        if form.field("source").startswith(golden.PREFIX) and not form.data:
            source, label = await golden.golden_snapshot(request, data, form.field("source"))
        else:
            source, label = await sources.deploy_source(form, catalog)
        options = deploy_options(form.field("assign"), form.field("group"))
        data = await current_data(request, data)
        plan = await asyncio.to_thread(plan_into, source, data.snapshot, options, catalog)
    except PlanInputError as exc:
        raise _refused(DEPLOY_PAGE, str(exc)) from None
    return render(request, "deploy_review.html", _plan_context(request, data, DEPLOY_PAGE, plan, label))


@router.get("/restore", name="restore", response_class=HTMLResponse)
async def restore_page(request: Request, data: PageData) -> Response:
    """Upload a backup or snapshot; name the objects to restore, or restore all."""
    return render(
        request,
        "restore.html",
        {"max_mb": MAX_UPLOAD_BYTES // (1024 * 1024), "can_apply": can_apply(request, data, RESTORE), "nav": "restore"},
    )


@router.post("/restore/review", name="restore_review", response_class=HTMLResponse)
async def restore_review(request: Request, data: FileData) -> Response:
    """The plan: deleted objects recreated with their assignments, changed ones set back, the rest unchanged."""
    try:
        form = await sources.read_source_form(request)
        await check_csrf(request, data.session)
        catalog = web_state(request).catalog
        source = await sources.uploaded(form.data, form.filename, catalog)
        data = await current_data(request, data)
        plan = await asyncio.to_thread(plan_into, source, data.snapshot, restore_options(form.field("only")), catalog)
    except PlanInputError as exc:
        raise _refused(RESTORE_PAGE, str(exc)) from None
    return render(request, "deploy_review.html", _plan_context(request, data, RESTORE_PAGE, plan, form.filename))


async def _apply(request: Request, data: TenantData, page: WritePage) -> Response:
    form = await request.form(max_fields=MAX_ITEMS + 10)
    await check_csrf(request, data.session)
    if not can_apply(request, data, page.module):
        raise ProblemPage(
            403,
            f"{page.title} is not active for this tenant",
            f"Applying needs the {page.title} module. Nothing was changed.",
            advice="An administrator who can grant admin consent activates it in Tenant settings.",
            links=[Link("Tenant settings", "/tenant", primary=True)],
        )
    document = form.get("plan")
    try:
        plan = open_document(request, data, document if isinstance(document, str) else "")
    except PlanRefused as exc:
        raise refused_plan(exc, page.runs) from None
    if plan.module != page.module:
        # Each module applies only its own plans: the module's activation is what allowed them.
        raise refused_plan(PlanRefused(f"this plan was made by the '{plan.module}' module, not this one"), page.runs)
    try:
        chosen = ticked(plan, [v for v in form.getlist("item") if isinstance(v, str)])
    except PlanInputError as exc:
        raise ProblemPage(
            400,
            "Nothing was applied",
            f"{str(exc)[:1].upper()}{str(exc)[1:]}. Nothing was changed.",
            advice="Go back to the review, change the ticks and apply again.",
            links=[Link(f"Back to {page.title}", page.base, primary=True)],
        ) from None
    return start_run(request, data, chosen, page.runs)


@router.post("/deploy/apply", name="deploy_apply", response_class=HTMLResponse)
async def deploy_apply(request: Request, data: FileData) -> Response:
    """Apply the ticked items of the reviewed deploy plan; the answer is the progress page."""
    return await _apply(request, data, DEPLOY_PAGE)


@router.post("/restore/apply", name="restore_apply", response_class=HTMLResponse)
async def restore_apply(request: Request, data: FileData) -> Response:
    """Apply the ticked items of the reviewed restore plan; the answer is the progress page."""
    return await _apply(request, data, RESTORE_PAGE)


Context = Annotated[TenantContext, Depends(tenant_context)]


@router.get("/deploy/apply/{run_id}", name="deploy_run", response_class=HTMLResponse)
async def deploy_run(request: Request, run_id: str, ctx: Context) -> Response:
    """The deploy's progress while it runs; then every item's result."""
    return run_view(request, ctx, run_id, DEPLOY_PAGE.runs)


@router.get("/deploy/apply/{run_id}/progress", name="deploy_progress", response_class=HTMLResponse)
async def deploy_progress(request: Request, run_id: str, ctx: Context) -> Response:
    """The progress fragment htmx polls."""
    return progress_view(request, ctx, run_id, DEPLOY_PAGE.runs)


@router.get("/restore/apply/{run_id}", name="restore_run", response_class=HTMLResponse)
async def restore_run(request: Request, run_id: str, ctx: Context) -> Response:
    """The restore's progress while it runs; then every item's result."""
    return run_view(request, ctx, run_id, RESTORE_PAGE.runs)


@router.get("/restore/apply/{run_id}/progress", name="restore_progress", response_class=HTMLResponse)
async def restore_progress(request: Request, run_id: str, ctx: Context) -> Response:
    """The progress fragment htmx polls."""
    return progress_view(request, ctx, run_id, RESTORE_PAGE.runs)
