"""Routes of the documentation pages (included by ``web.app``).

``/documentation`` (form) and ``/documentation/download`` (the file, built in memory);
``/settings`` (where is a setting configured), ``/settings.csv`` and ``/api/v1/settings``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from intune_assistant.analyses.settings import SettingRow

from .. import api_models
from ..context import web_state
from ..csv_export import content_disposition, export_filename
from ..errors import Link, ProblemPage
from ..templating import render
from ..tenant_data import ApiData, FileData, PageData
from .export import DEFAULT_FORMAT, FORMAT_CHOICES, DocumentRequest, render_document, type_choices
from .settings_view import SETTINGS_TABLE

logger = logging.getLogger(__name__)
router = APIRouter()
api_router = APIRouter()
"""This feature's JSON API routes (mounted under ``/api/v1`` by ``api_v1``)."""


def _wanted(request: Request) -> DocumentRequest:
    keys = [key for key, _, _ in type_choices(web_state(request).catalog)]
    return DocumentRequest.parse(dict(request.query_params), request.query_params.getlist("type"), keys)


# ---------------------------------------------------------------------------------------------
# Documentation


@router.get("/documentation", name="documentation", response_class=HTMLResponse)
async def documentation(request: Request, data: PageData) -> Response:
    """The download form (types, format, assignments, script content)."""
    result = data.inventory
    context: dict[str, Any] = {"nav": "documentation", "formats": FORMAT_CHOICES}
    params = request.query_params
    chosen = _wanted(request)
    context |= {
        "inventory": result,
        "types": type_choices(web_state(request).catalog, result.snapshot),
        "chosen": chosen,
        # The first visit (no parameters) has assignments on; afterwards the URL decides.
        "assignments": chosen.assignments or "format" not in params,
        "format": chosen.fmt if chosen.valid_format else DEFAULT_FORMAT,
    }
    return render(request, "documentation.html", context)


# Rendered documents kept per generation and user (memory: a large tenant's PDF is a few MB).
DOCUMENTS_KEPT = 6


@router.get("/documentation/download", name="documentation_download")
async def documentation_download(request: Request, data: FileData) -> Response:
    """The document as a file download, built in memory from the cached snapshot."""
    wanted = _wanted(request)
    if not wanted.valid_format:
        raise ProblemPage(
            400,
            "Unknown document format",
            f"Choose one of: {', '.join(FORMAT_CHOICES)}.",
            links=[Link("Back to Documentation", "/documentation", primary=True)],
        )
    state = web_state(request)
    try:
        # Kept with the generation (the last few documents): a second download of the same document
        # is not rendered again (seconds of CPU for a large tenant's Word or PDF file).
        body = await data.answer(
            "documentation", wanted, lambda: render_document(data.snapshot, state.catalog, wanted), keep=DOCUMENTS_KEPT
        )
    except Exception as exc:
        logger.error("documentation export failed: %s (%s)", type(exc).__name__, wanted.fmt)
        raise ProblemPage(
            500,
            "The document could not be built",
            f"Writing the {FORMAT_CHOICES[wanted.fmt][0]} failed. Nothing was changed in your tenant.",
            advice="Try another format, or fewer types. If it keeps failing, quote the correlation id below.",
            links=[Link("Back to Documentation", "/documentation?" + request.url.query, primary=True)],
        ) from None
    name = export_filename(data.domain, "documentation", datetime.now(UTC), wanted.extension)
    return Response(body, media_type=wanted.media_type, headers={"Content-Disposition": content_disposition(name)})


# ---------------------------------------------------------------------------------------------
# Settings search


@router.get("/settings", name="settings", response_class=HTMLResponse)
async def settings(request: Request, data: PageData) -> Response:
    """Every configured setting matching the search, a page at a time, sorted as asked."""
    table = await data.analysis(SETTINGS_TABLE)
    page = table.page(table.listing.state(request.query_params))
    context = {"nav": "settings", "inventory": data.inventory, "table": table, "page": page}
    return render(request, "settings.html", context)


@router.get("/settings.csv", name="settings_csv")
async def settings_csv(request: Request, data: FileData) -> Response:
    """Every matching setting (all pages), every visible column with its header."""
    table = await data.analysis(SETTINGS_TABLE)
    return table.csv(table.listing.state(request.query_params), data.domain)


@api_router.get("/settings", name="api_settings", response_model=api_models.Settings)
async def api_settings(request: Request, data: ApiData) -> JSONResponse:
    """Every matching setting as JSON (``q``, ``type``, ``platform``, ``sort`` like the page); 202 while collecting."""
    table = await data.analysis(SETTINGS_TABLE)
    matched = table.select(table.listing.state(request.query_params))
    headers = table.listing.headers()
    return JSONResponse(
        {
            "status": "ready",
            "taken_at": data.inventory.taken_at.isoformat(),
            "columns": headers,
            "matched": len(matched),
            "rows": [_api_row(r, headers, table.listing.cells(r)) for r in matched],
        }
    )


def _api_row(row: SettingRow, headers: list[str], cells: list[str]) -> dict[str, str]:
    values = dict(zip(headers, cells, strict=True))
    return {
        **values,
        "setting_id": row.setting_id,
        "name_source": str(row.name_source),
        "policy_id": row.policy_id,
        "type_key": row.type_key,
    }
