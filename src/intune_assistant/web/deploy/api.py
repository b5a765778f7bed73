"""``/api/v1/deploy/...`` and ``/api/v1/restore/...``: Deploy and Restore as JSON (bearer token).

``/api/v1/deploy/plan`` takes ``{"source": "builtin:NAME"}``, ``{"source": "tenant:<id>"}`` (another
tenant the user can read) or ``{"file_base64", "filename"}`` (an
export, backup or snapshot: a zip or one JSON file, as the page uploads it) with ``"assign"``
(``none``, ``source`` or ``group``) and ``"group"``; ``/api/v1/restore/plan`` takes ``{"file_base64",
"filename", "only": [names]}``. Both answer the plan as JSON with its sealed ``document`` (when the
tenant has the module). ``.../apply`` takes ``{"document", "items": [keys]}`` back (no ``items``:
all) and answers every item's result and the backup (a snapshot zip, base64). The server keeps
none of it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from intune_assistant.changes.document import PlanRefused
from intune_assistant.changes.serialize import plan_to_json

from .. import api_models
from ..assignment_manager.api import applied_json, json_body
from ..assignment_manager.documents import open_document, seal
from ..comparison.uploads import MAX_UPLOAD_BYTES
from ..context import web_state
from ..errors import api_error
from ..tenant_data import ApiData, TenantData, api_data
from . import golden, sources
from .planning import PlanInputError, deploy_options, plan_into, restore_options, ticked
from .routes import DEPLOY_PAGE, MAX_ITEMS, RESTORE_PAGE, WritePage, can_apply, current_data

router = APIRouter()


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return value.strip() if isinstance(value, str) else ""


def _file(body: dict[str, Any]) -> tuple[bytes, str]:
    encoded = body.get("file_base64")
    if not isinstance(encoded, str) or not encoded:
        return b"", ""
    if len(encoded) > (MAX_UPLOAD_BYTES // 3 + 1) * 4:
        raise PlanInputError(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise PlanInputError("'file_base64' is not base64") from None
    return data, _text(body, "filename")[:200] or "upload.zip"


async def _planned(request: Request, data: TenantData, page: WritePage, body: dict[str, Any]) -> JSONResponse:
    catalog = web_state(request).catalog
    try:
        content, filename = _file(body)
        if page is RESTORE_PAGE:
            only = body.get("only") if isinstance(body.get("only"), list) else []
            names = "\n".join(n for n in (only or [])[:MAX_ITEMS] if isinstance(n, str))
            source = await sources.uploaded(content, filename, catalog)
            options = restore_options(names)
        else:
            choice = _text(body, "source") or ("upload" if content else "")
            if choice.startswith(golden.PREFIX):
                source, _ = await golden.golden_snapshot(request, data, choice)
            else:
                source, _ = await sources.deploy_source(
                    sources.SourceForm({"source": choice}, filename, content), catalog
                )
            options = deploy_options(_text(body, "assign"), _text(body, "group"))
        data = await current_data(request, data, api_data)
        plan = await asyncio.to_thread(plan_into, source, data.snapshot, options, catalog)
    except PlanInputError as exc:
        raise api_error(400, "invalid_input", f"{exc}; nothing was planned") from None
    allowed = can_apply(request, data, page.module)
    return JSONResponse(
        {
            "status": "ready",
            "plan": plan_to_json(plan),
            "document": seal(request, data, plan) if allowed and not plan.empty else None,
            "can_apply": allowed,
        }
    )


async def _applied(request: Request, data: TenantData, page: WritePage) -> JSONResponse:
    if not can_apply(request, data, page.module):
        raise api_error(403, "module_not_active", f"{page.title} is not active for this tenant")
    body = await json_body(request) or {}
    document = body.get("document")
    if not isinstance(document, str):
        raise api_error(400, "invalid_request", "send {'document': '<the plan document>'}")
    try:
        plan = open_document(request, data, document)
    except PlanRefused as exc:
        raise api_error(400, "plan_refused", f"{exc}; nothing was changed") from None
    if plan.module != page.module:
        raise api_error(400, "plan_refused", f"a plan of the '{plan.module}' module; nothing was changed")
    items = body.get("items")
    if isinstance(items, list):
        try:
            plan = ticked(plan, [i for i in items[:MAX_ITEMS] if isinstance(i, str)])
        except PlanInputError as exc:
            raise api_error(400, "invalid_input", f"{exc}; nothing was changed") from None
    return await applied_json(request, data, plan)


@router.post("/deploy/plan", response_model=api_models.Planned)
async def api_deploy_plan(request: Request, data: ApiData) -> JSONResponse:
    """The deploy plan for a built-in baseline or an uploaded export, with its sealed document."""
    body = await json_body(request)
    if body is None:
        raise api_error(400, "invalid_request", "send a JSON object with 'source' or 'file_base64'")
    return await _planned(request, data, DEPLOY_PAGE, body)


@router.post("/deploy/apply", response_model=api_models.Applied)
async def api_deploy_apply(request: Request, data: ApiData) -> JSONResponse:
    """Apply a sealed deploy plan (all its items, or those listed); every item's result."""
    return await _applied(request, data, DEPLOY_PAGE)


@router.post("/restore/plan", response_model=api_models.Planned)
async def api_restore_plan(request: Request, data: ApiData) -> JSONResponse:
    """The restore plan for an uploaded backup or snapshot, with its sealed document."""
    body = await json_body(request)
    if body is None:
        raise api_error(400, "invalid_request", "send a JSON object with 'file_base64' and 'filename'")
    return await _planned(request, data, RESTORE_PAGE, body)


@router.post("/restore/apply", response_model=api_models.Applied)
async def api_restore_apply(request: Request, data: ApiData) -> JSONResponse:
    """Apply a sealed restore plan (all its items, or those listed); every item's result."""
    return await _applied(request, data, RESTORE_PAGE)
