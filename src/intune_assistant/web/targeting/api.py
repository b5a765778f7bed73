"""JSON API of the targeting module: ``/api/v1/assignments`` and ``/api/v1/troubleshoot`` (Bearer token).

Each answer's JSON is encoded once per generation and question, in a worker thread, and kept with the
generation (the last few per kind): serializing thousands of rows took 0.4–0.8 s of the event loop
per call, which under load held up every other user's pages."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from intune_assistant.analyses.assignments import to_jsonable

from .. import api_models
from ..analyses import SETTINGS_BY_POLICY, TARGETING, TROUBLESHOOT_OBJECTS
from ..errors import api_error
from ..tenant_data import ApiData
from .assignments import AssignmentQuery, match
from .troubleshoot import TroubleshootQuery, answer

router = APIRouter()


def _encoded(body: dict[str, Any]) -> bytes:
    # What JSONResponse would send, made once in a worker thread and kept with the generation.
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


@router.get("/assignments", response_model=api_models.Assignments)
async def api_assignments(request: Request, data: ApiData) -> Response:
    """Every assignment (filtered like the page: q, type, platform, target, filter, tag); 202 while collecting."""
    tenant = await data.analysis(TARGETING)
    query = replace(AssignmentQuery.parse(dict(request.query_params)), page=1)

    def build() -> bytes:
        matched = match(tenant.overview, query)
        return _encoded(
            {
                "status": "ready",
                "taken_at": tenant.snapshot.taken_at.isoformat(),
                "policies": to_jsonable(matched.policies),
                "gaps": to_jsonable(tenant.overview.gaps),
            }
        )

    return Response(await data.answer("assignments json", query, build, keep=32), media_type="application/json")


@router.get("/troubleshoot", response_model=api_models.Troubleshoot)
async def api_troubleshoot(request: Request, data: ApiData) -> Response:
    """Verdicts (with reason chains) for ``user`` and/or ``device``, and the device's resultant settings."""
    query = TroubleshootQuery.parse(dict(request.query_params))
    if not query.asked:
        raise api_error(400, "subject_missing", "Give user=UPN, device=NAME, or both.")
    tenant = await data.analysis(TARGETING)
    prepared, by_policy = await data.analysis(TROUBLESHOOT_OBJECTS), await data.analysis(SETTINGS_BY_POLICY)
    result = await data.answer("troubleshoot", query.subject_key, lambda: answer(tenant, query, prepared, by_policy))
    if result.error is not None:
        raise api_error(404, "subject_not_found", result.error)

    def build() -> bytes:
        return _encoded(
            {
                "status": "ready",
                "taken_at": tenant.snapshot.taken_at.isoformat(),
                "effective": to_jsonable(result.effective),
                "resultant": to_jsonable(result.resultant) if result.resultant is not None else None,
                "what_if": to_jsonable(result.whatif) if result.whatif is not None else None,
            }
        )

    body = await data.answer("troubleshoot json", query.subject_key, build, keep=32)
    return Response(body, media_type="application/json")
