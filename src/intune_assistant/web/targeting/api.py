"""JSON API of the targeting module: ``/api/assignments`` and ``/api/troubleshoot`` (Bearer token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from intune_assistant.analyses.assignments import to_jsonable

from ..api_routes import BearerContext, bearer_context
from ..context import web_state
from ..errors import ProblemPage
from ..policies.service import CollectJob
from .assignments import AssignmentQuery, match
from .data import Tenant, analyse
from .troubleshoot import TroubleshootQuery, answer

router = APIRouter(prefix="/api")

Bearer = Annotated[BearerContext, Depends(bearer_context)]


async def _tenant(request: Request, ctx: BearerContext) -> Tenant | JSONResponse:
    """The tenant's analyses, or a 202 answer while its collection runs."""
    state = web_state(request)
    record = state.registry.get(ctx.principal.tenant_id)
    if record is None or not record.enabled:
        raise ProblemPage(403, "tenant_not_onboarded", "This tenant is not onboarded (or is disabled).")
    result = await state.policies.start(ctx.principal, ctx.token, record.module_names, record.domain)
    if isinstance(result, CollectJob):
        return JSONResponse({"status": "collecting", "percent": result.percent}, status_code=202)
    return analyse(result, state.catalog, record.domain)


@router.get("/assignments")
async def api_assignments(request: Request, ctx: Bearer) -> JSONResponse:
    """Every assignment (filtered like the page: q, type, platform, target, filter, tag); 202 while collecting."""
    tenant = await _tenant(request, ctx)
    if isinstance(tenant, JSONResponse):
        return tenant
    matched = match(tenant.overview, AssignmentQuery.parse(dict(request.query_params)))
    body: dict[str, Any] = {
        "status": "ready",
        "taken_at": tenant.snapshot.taken_at.isoformat(),
        "policies": to_jsonable(matched.policies),
        "gaps": to_jsonable(tenant.overview.gaps),
    }
    return JSONResponse(body)


@router.get("/troubleshoot")
async def api_troubleshoot(request: Request, ctx: Bearer) -> JSONResponse:
    """Verdicts (with reason chains) for ``user`` and/or ``device``, and the device's resultant settings."""
    query = TroubleshootQuery.parse(dict(request.query_params))
    if not query.asked:
        raise ProblemPage(400, "subject_missing", "Give user=UPN, device=NAME, or both.")
    tenant = await _tenant(request, ctx)
    if isinstance(tenant, JSONResponse):
        return tenant
    result = answer(tenant, query)
    if result.error is not None:
        raise ProblemPage(404, "subject_not_found", result.error)
    body: dict[str, Any] = {
        "status": "ready",
        "taken_at": tenant.snapshot.taken_at.isoformat(),
        "effective": to_jsonable(result.effective),
        "resultant": to_jsonable(result.resultant) if result.resultant is not None else None,
        "what_if": to_jsonable(result.whatif) if result.whatif is not None else None,
    }
    return JSONResponse(body)
