"""``/compare``: policy vs policy, tenant vs baseline, and drift, each with an HTML report download.

Every comparison reads the tenant's cached collection (progress while it runs). Choices live in
the URL for the tenant's own data; uploads (a baseline, an earlier snapshot or export) are POSTs
with the CSRF token, read in memory and forgotten when the answer goes out.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, Response

from intune_assistant.analyses.compare import CompareKind, Comparison, ObjectDiff, status_label
from intune_assistant.render.compare.view import (
    baseline_lists,
    object_status,
    side_headings,
    summary_counts,
    title,
    uncovered,
    visible,
)

from ..context import web_state
from ..csrf import check_csrf
from ..errors import ProblemPage
from ..templating import render
from ..tenant_data import PageData
from . import service
from .forms import read_form
from .pickers import COMPARE_OPTIONS, SIDES, picker

router = APIRouter()

_ID = Annotated[str | None, Query(max_length=200)]
_FLAG = Annotated[str | None, Query(max_length=10)]


def _page(request: Request, mode: str, context: dict[str, Any], *, status_code: int = 200) -> Response:
    base = {"mode": mode, "nav": "compare", "baselines": service.builtin_names()}
    return render(request, "compare.html", {**base, **context}, status_code=status_code)


def result_context(comparison: Comparison, only_differences: bool) -> dict[str, Any]:
    """What ``compare_results.html`` needs to show ``comparison``."""
    baseline = comparison.kind is CompareKind.BASELINE
    # Against a baseline the page shows its lists, not the baseline's policies one by one.
    views = [] if baseline else visible(comparison, only_differences)
    return {
        "comparison": comparison,
        "views": views,
        "lists": baseline_lists(comparison, only_differences) if baseline else [],
        "uncovered": uncovered(comparison),
        "counts": [(words, key, count) for key, count, words in summary_counts(comparison)],
        "only": only_differences,
        "headings": side_headings(comparison),
        "report_title": title(comparison),
        "object_status": _plain_status if comparison.kind is CompareKind.POLICY else object_status,
        "status_label": status_label,
    }


def _plain_status(comparison: Comparison, obj: ObjectDiff) -> str:
    """Two chosen policies always have two names: their status is not "renamed"."""
    return status_label(comparison.kind, obj.status)


@router.get("/compare", name="compare", response_class=HTMLResponse)
async def compare_home(request: Request, data: PageData) -> Response:
    """The three comparisons, each one click away."""
    return _page(request, "home", {"inventory": data.inventory})


@router.get("/compare/policies", name="compare_policies", response_class=HTMLResponse)
async def compare_policies_page(
    request: Request,
    data: PageData,
    left: _ID = None,
    right: _ID = None,
    only: _FLAG = None,
    download: _FLAG = None,
) -> Response:
    """Two policies of the tenant side by side: settings and assignments, by name."""
    result = data.inventory
    catalog = web_state(request).catalog
    options = await data.analysis(COMPARE_OPTIONS)
    params = request.query_params
    context: dict[str, Any] = {
        "inventory": result,
        "pickers": [picker(options, side, params.get(f"{side}_q", ""), params.get(side, "")) for side in SIDES],
        "left": left or "",
        "right": right or "",
    }
    if left and right:
        comparison = service.policy_comparison(result.snapshot, catalog, left, right, data.domain)
        if download == "html":
            return service.report_response(comparison, only_differences=bool(only))
        context.update(result_context(comparison, bool(only)))
        context["links"] = _links("/compare/policies", {"left": left, "right": right}, bool(only))
    return _page(request, "policies", context)


@router.get("/compare/policies/options", name="compare_policy_options", response_class=HTMLResponse)
async def compare_policy_options(request: Request, data: PageData) -> Response:
    """The picker's options for what was typed (htmx swaps them into the side's list)."""
    params = request.query_params
    side = params.get("side", "")
    if side not in SIDES:
        raise ProblemPage(400, "Unknown picker", "Choose the left or the right policy.")
    options = await data.analysis(COMPARE_OPTIONS)
    chosen = picker(options, side, params.get(f"{side}_q", ""), params.get(side, ""))
    return render(request, "_compare_options.html", {"picker": chosen})


@router.get("/compare/baseline", name="compare_baseline", response_class=HTMLResponse)
async def compare_baseline_page(
    request: Request,
    data: PageData,
    baseline: _ID = None,
    only: _FLAG = None,
    download: _FLAG = None,
) -> Response:
    """The tenant checked against a built-in baseline (or the form to upload one)."""
    result = data.inventory
    context: dict[str, Any] = {"inventory": result, "baseline": baseline or ""}
    if baseline:
        snapshot = service.load_builtin(baseline)
        comparison = service.baseline_comparison(
            snapshot, result.snapshot, web_state(request).catalog, baseline, data.domain
        )
        if download == "html":
            return service.report_response(comparison, only_differences=bool(only))
        context.update(result_context(comparison, bool(only)))
        context["links"] = _links("/compare/baseline", {"baseline": baseline}, bool(only))
    return _page(request, "baseline", context)


@router.post("/compare/baseline", name="compare_baseline_upload", response_class=HTMLResponse)
async def compare_baseline_upload(request: Request, data: PageData) -> Response:
    """The tenant checked against an uploaded baseline (zip of an export folder, or one JSON)."""
    form = await read_form(request, "baseline")
    await check_csrf(request, data.session)
    result = data.inventory
    catalog = web_state(request).catalog
    snapshot = await form.snapshot(catalog, snapshot_only=False)
    comparison = service.baseline_comparison(snapshot, result.snapshot, catalog, form.filename, data.domain)
    if form.download:
        return service.report_response(comparison, only_differences=form.only)
    context = {"inventory": result, "baseline": "", "uploaded": form.filename}
    return _page(request, "baseline", {**context, **result_context(comparison, form.only)})


@router.get("/compare/drift", name="compare_drift", response_class=HTMLResponse)
async def compare_drift_page(request: Request, data: PageData) -> Response:
    """The form to upload an earlier snapshot of this tenant."""
    return _page(request, "drift", {"inventory": data.inventory})


@router.post("/compare/drift", name="compare_drift_upload", response_class=HTMLResponse)
async def compare_drift_upload(request: Request, data: PageData) -> Response:
    """What changed since an uploaded snapshot or export (what the CLI's compare imports); types either
    side could not read are not compared."""
    form = await read_form(request, "drift")
    await check_csrf(request, data.session)
    result = data.inventory
    catalog = web_state(request).catalog
    before = await form.snapshot(catalog, snapshot_only=False)
    comparison = service.drift_comparison(before, result.snapshot, catalog, form.filename)
    if form.download:
        return service.report_response(comparison, only_differences=form.only)
    context = {"inventory": result, "uploaded": form.filename}
    return _page(request, "drift", {**context, **result_context(comparison, form.only)})


def _links(path: str, params: dict[str, str], only: bool) -> dict[str, str]:
    """The toggle (all / only differences) and download links of a GET result."""
    flag = {"only": "1"} if only else {}
    return {
        "toggle": path + "?" + urlencode({**params, **({} if only else {"only": "1"})}),
        "download": path + "?" + urlencode({**params, **flag, "download": "html"}),
    }
