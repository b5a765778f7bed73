"""``/api/v1/compare/*``: the comparisons as JSON for a bearer token (as ``/api/v1/policies``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse

from intune_assistant.render.compare import comparison_data

from .. import api_models
from ..context import web_state
from ..tenant_data import ApiData
from . import service

router = APIRouter(prefix="/compare")


@router.get("/baseline", response_model=api_models.Comparison)
async def api_compare_baseline(
    request: Request,
    data: ApiData,
    baseline: Annotated[str, Query(max_length=200)] = service.DEFAULT_BASELINE,
    only: Annotated[str | None, Query(max_length=10)] = None,
) -> JSONResponse:
    """The tenant against a built-in baseline; 202 while the tenant is being read."""
    state = web_state(request)
    snapshot = service.load_builtin(baseline)
    comparison = service.baseline_comparison(snapshot, data.snapshot, state.catalog, baseline, data.domain)
    body = comparison_data(comparison, only_differences=bool(only))
    return JSONResponse({"status": "ready", "taken_at": data.inventory.taken_at.isoformat(), **body})
