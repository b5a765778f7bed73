"""``/api/compare/*``: the comparisons as JSON for a bearer token (as ``/api/policies``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import JSONResponse

from intune_assistant.render.compare import comparison_data

from ..api_routes import BearerContext, bearer_context
from ..context import web_state
from ..errors import ProblemPage
from ..policies.service import CollectJob
from . import service

router = APIRouter(prefix="/api/compare")


@router.get("/baseline")
async def api_compare_baseline(
    request: Request,
    ctx: Annotated[BearerContext, Depends(bearer_context)],
    baseline: Annotated[str, Query(max_length=200)] = service.DEFAULT_BASELINE,
    only: Annotated[str | None, Query(max_length=10)] = None,
) -> JSONResponse:
    """The tenant against a built-in baseline; 202 while the tenant is being read."""
    state = web_state(request)
    record = state.registry.get(ctx.principal.tenant_id)
    if record is None or not record.enabled:
        raise ProblemPage(403, "tenant_not_onboarded", "This tenant is not onboarded (or is disabled).")
    snapshot = service.load_builtin(baseline)
    result = await state.policies.start(ctx.principal, ctx.token, record.module_names, record.domain)
    if isinstance(result, CollectJob):
        return JSONResponse({"status": "collecting", "percent": result.percent}, status_code=202)
    comparison = service.baseline_comparison(snapshot, result.snapshot, state.catalog, baseline, record.domain)
    data = comparison_data(comparison, only_differences=bool(only))
    return JSONResponse({"status": "ready", "taken_at": result.taken_at.isoformat(), **data})
