"""``/api/v1/bulk-edits/plan`` and ``/api/v1/bulk-edits/apply``: bulk edits as JSON (bearer token).

``plan`` takes ``{"action": "rename", "object": ["type/id"…], "rule": "prefix|suffix|replace|regex",
"text", "replacement"}``, ``{"action": "duplicate", "object": […], "new_name"`` (one object) or the
rule's fields, ``"assignments": true|false}``, ``{"action": "delete", "object": […]}`` or
``{"action": "members", "group", "member_action": "add|remove", "members": "<one per line, or CSV>",
"member": [ids…]}`` (``member``: users or devices by id, Intune device ids included, as the Devices
page ticks them) and answers the plan as JSON with its sealed ``document`` (when the tenant has the
module) and, for a delete, the ``confirm`` phrase. ``apply`` takes ``{"document", "confirm"}`` back
and answers every item's result and the backup (a snapshot zip, base64). The server keeps neither.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from intune_assistant.changes.deletes import ConfirmationMismatch, check_confirmation, confirmation_phrase
from intune_assistant.changes.document import PlanRefused
from intune_assistant.changes.edits import BULK_EDIT
from intune_assistant.changes.model import Operation
from intune_assistant.changes.serialize import plan_to_json

from .. import api_models
from ..analyses import TARGETING
from ..assignment_manager.api import applied_json, json_body, json_fields
from ..assignment_manager.documents import open_document, seal
from ..errors import api_error
from ..tenant_data import ApiData
from .routes import InputRefused, can_apply, plan_input

router = APIRouter(prefix="/bulk-edits")


@router.post("/plan", response_model=api_models.BulkEditPlanned)
async def api_plan(request: Request, data: ApiData) -> JSONResponse:
    """The plan for one bulk edit, with its sealed document when the tenant may apply it."""
    body = await json_body(request)
    if body is None:
        raise api_error(400, "invalid_request", "send a JSON object with 'action' and its fields")
    tenant = await data.analysis(TARGETING)
    fields = json_fields(body)
    # A duplicate copies the assignments only when asked to, with JSON's true.
    fields["assignments"] = ["on"] if body.get("assignments") is True else []
    try:
        plan = await asyncio.to_thread(plan_input, fields, "", tenant)
    except InputRefused as exc:
        raise api_error(400, "invalid_input", f"{exc}; nothing was planned") from None
    allowed = can_apply(request, data)
    deletes = any(i.operation == Operation.DELETE for i in plan.items)
    return JSONResponse(
        {
            "status": "ready",
            "plan": plan_to_json(plan),
            "document": seal(request, data, plan) if allowed and not plan.empty else None,
            "confirm": confirmation_phrase(plan) if deletes else None,
            "can_apply": allowed,
        }
    )


@router.post("/apply", response_model=api_models.Applied)
async def api_apply(request: Request, data: ApiData) -> JSONResponse:
    """Apply a sealed bulk-edit plan (a delete only with its ``confirm`` phrase); every item's result."""
    if not can_apply(request, data):
        raise api_error(403, "module_not_active", "Bulk edits are not active for this tenant")
    body = await json_body(request) or {}
    document, typed = body.get("document"), body.get("confirm")
    if not isinstance(document, str):
        raise api_error(400, "invalid_request", "send {'document': '<the plan document>'}")
    try:
        plan = open_document(request, data, document)
    except PlanRefused as exc:
        raise api_error(400, "plan_refused", f"{exc}; nothing was changed") from None
    if plan.module != BULK_EDIT:
        raise api_error(400, "plan_refused", "this plan was made by another module; nothing was changed")
    try:
        check_confirmation(plan, typed if isinstance(typed, str) else None)
    except ConfirmationMismatch as exc:
        raise api_error(400, "confirmation_needed", f"{exc}; nothing was changed") from None
    return await applied_json(request, data, plan)
