"""Jinja2 templates (autoescaped) and the context every page shares (user, tenant, CSRF token)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .listing import PAGE_SIZES
from .navigation import NAV_ITEMS
from .objects.links import object_url

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")


def make_templates() -> Jinja2Templates:
    """The template set; HTML autoescaping is on for every ``.html`` template."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.autoescape = True
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    templates.env.globals["page_sizes"] = PAGE_SIZES
    templates.env.globals["object_url"] = object_url
    return templates


def page_context(request: Request) -> dict[str, Any]:
    """What the layout needs, from what the request's dependencies put on ``request.state``."""
    state = request.state
    session = getattr(state, "session", None)
    principal = getattr(state, "principal", None)
    record = getattr(state, "record", None)
    tenant_label = None
    if session is not None:
        tenant_label = (record.domain if record is not None else None) or session.label_of(session.tenant_id)
    return {
        "request": request,
        "correlation_id": getattr(state, "correlation_id", ""),
        "session": session,
        "principal": principal,
        "record": record,
        "tenant_label": tenant_label,
        "csrf_token": session.csrf if session is not None else "",
        "nav": getattr(state, "nav", ""),
        # When the page's data was read and whether a refresh runs (set by the tenant-data dependency).
        "data_status": getattr(state, "data_status", None),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "nav_items": NAV_ITEMS,
        # A partner's onboarded customers (registry records) for the tenant switcher, else None.
        "customer_menu": getattr(state, "customer_menu", None),
    }


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render ``name`` with the shared page context plus ``context``."""
    templates: Jinja2Templates = request.app.state.templates
    merged = {**page_context(request), **(context or {})}
    response: HTMLResponse = templates.TemplateResponse(request, name, merged, status_code=status_code)
    return response
