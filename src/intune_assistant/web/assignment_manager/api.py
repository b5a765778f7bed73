"""``/api/v1/assignments/plan`` and ``/api/v1/assignments/apply``: the Assignment manager as JSON (bearer token).

``plan`` takes one input — ``{"input": "csv", "csv": "<text>"}`` (either CSV format), ``{"input":
"form", "object": ["type/id"…], "action", "target", "group", "direction", "filter",
"filter_mode", "intent"}``, ``{"input": "copy", "copy_from": "type/id", "object": […]}`` or
``{"input": "remove-group", "group": "<name or id>"}`` — and answers the plan as JSON with its
sealed ``document`` (when the tenant has the module). ``apply`` takes ``{"document": …}`` back
and answers every item's result and the backup (a snapshot zip, base64). The server keeps
neither.
"""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from intune_assistant.changes import BULK_ASSIGN, Plan
from intune_assistant.changes.apply import ItemStatus
from intune_assistant.changes.document import PlanRefused
from intune_assistant.changes.serialize import plan_to_json
from intune_assistant.snapshot import snapshot_zip

from .. import api_models
from ..context import web_state
from ..errors import api_error
from ..tenant_data import ApiData
from .apply import run_plan
from .documents import open_document, seal
from .inputs import InputError
from .routes import can_apply, plan_from_request

router = APIRouter(prefix="/assignments")

_MAX_VALUES = 5000


async def json_body(request: Request) -> dict[str, Any] | None:
    """The request's JSON object, or None when it is not one."""
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def json_fields(body: dict[str, Any]) -> dict[str, list[str]]:
    """The body's text values as form fields (a list per key, at most 5000 values each)."""
    fields: dict[str, list[str]] = {}
    for key, value in body.items():
        values = value if isinstance(value, list) else [value]
        fields[key] = [v for v in values[:_MAX_VALUES] if isinstance(v, str)]
    return fields


@router.post("/plan", response_model=api_models.Planned)
async def api_plan(request: Request, data: ApiData) -> JSONResponse:
    """The plan for one input, with its sealed document when the tenant may apply it."""
    body = await json_body(request)
    if body is None:
        raise api_error(400, "invalid_request", "send a JSON object with 'input' and its fields")
    kind = str(body.get("input") or "")
    csv_text = body.get("csv")
    upload = csv_text.encode("utf-8") if kind == "csv" and isinstance(csv_text, str) else b""
    try:
        plan, _ = await plan_from_request(data, kind, json_fields(body), upload)
    except InputError as exc:
        raise api_error(400, "invalid_input", f"{exc}; nothing was planned") from None
    applicable = can_apply(request, data) and not plan.empty
    return JSONResponse(
        {
            "status": "ready",
            "plan": plan_to_json(plan),
            "document": seal(request, data, plan) if applicable else None,
            "can_apply": can_apply(request, data),
        }
    )


@router.post("/apply", response_model=api_models.Applied)
async def api_apply(request: Request, data: ApiData) -> JSONResponse:
    """Apply a sealed plan; every item's result and the backup taken before the first write."""
    if not can_apply(request, data):
        raise api_error(403, "module_not_active", "the Assignment manager is not active for this tenant")
    body = await json_body(request)
    document = body.get("document") if body else None
    if not isinstance(document, str):
        raise api_error(400, "invalid_request", "send {'document': '<the plan document>'}")
    try:
        plan = open_document(request, data, document)
    except PlanRefused as exc:
        raise api_error(400, "plan_refused", f"{exc}; nothing was changed") from None
    if plan.module != BULK_ASSIGN:
        raise api_error(400, "plan_refused", f"a plan of the '{plan.module}' module; nothing was changed")
    return await applied_json(request, data, plan)


async def applied_json(request: Request, data: ApiData, plan: Plan) -> JSONResponse:
    """Apply ``plan`` as the user; the answer: counts, every item's result, the backup zip (base64)."""
    report = await run_plan(request, data, plan)
    backup = snapshot_zip(report.backup, web_state(request).catalog) if report.backup is not None else b""
    return JSONResponse(
        {
            "counts": {s.value: report.count(s) for s in ItemStatus},
            "results": [
                {
                    "key": r.key,
                    "type_key": r.object.type_key,
                    "id": r.object.id,
                    "name": r.object.name,
                    "status": r.status.value,
                    "reason": r.reason,
                    "requests": r.requests,
                }
                for r in report.results
            ],
            "backup_zip_base64": base64.b64encode(backup).decode("ascii") if backup else None,
        }
    )
