"""JSON API of the targeting module: ``/api/v1/assignments`` and ``/api/v1/troubleshoot`` (Bearer token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from intune_assistant.analyses.assignments import to_jsonable

from .. import api_models
from ..analyses import SETTINGS_BY_POLICY, TARGETING, TROUBLESHOOT_OBJECTS
from ..errors import api_error
from ..tenant_data import ApiData
from .assignments import AssignmentQuery, match
from .troubleshoot import TroubleshootQuery, answer

router = APIRouter()


@router.get("/assignments", response_model=api_models.Assignments)
async def api_assignments(request: Request, data: ApiData) -> JSONResponse:
    """Every assignment (filtered like the page: q, type, platform, target, filter, tag); 202 while collecting."""
    tenant = await data.analysis(TARGETING)
    matched = match(tenant.overview, AssignmentQuery.parse(dict(request.query_params)))
    body: dict[str, Any] = {
        "status": "ready",
        "taken_at": tenant.snapshot.taken_at.isoformat(),
        "policies": to_jsonable(matched.policies),
        "gaps": to_jsonable(tenant.overview.gaps),
    }
    return JSONResponse(body)


@router.get("/troubleshoot", response_model=api_models.Troubleshoot)
async def api_troubleshoot(request: Request, data: ApiData) -> JSONResponse:
    """Verdicts (with reason chains) for ``user`` and/or ``device``, and the device's resultant settings."""
    query = TroubleshootQuery.parse(dict(request.query_params))
    if not query.asked:
        raise api_error(400, "subject_missing", "Give user=UPN, device=NAME, or both.")
    tenant = await data.analysis(TARGETING)
    prepared, by_policy = await data.analysis(TROUBLESHOOT_OBJECTS), await data.analysis(SETTINGS_BY_POLICY)
    result = await data.answer("troubleshoot", query.subject_key, lambda: answer(tenant, query, prepared, by_policy))
    if result.error is not None:
        raise api_error(404, "subject_not_found", result.error)
    body: dict[str, Any] = {
        "status": "ready",
        "taken_at": tenant.snapshot.taken_at.isoformat(),
        "effective": to_jsonable(result.effective),
        "resultant": to_jsonable(result.resultant) if result.resultant is not None else None,
        "what_if": to_jsonable(result.whatif) if result.whatif is not None else None,
    }
    return JSONResponse(body)
