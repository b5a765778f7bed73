"""The JSON API's one entry point: every API router, under ``/api/v1`` (the only place the version is named).

Each feature keeps its API routes in its own router without a prefix; this module mounts them
under ``API_PREFIX`` and declares, once for every operation, the answers they share: the 202
while the tenant is first read and the problem details (RFC 9457) of every error.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI

from . import api_routes, audit_routes, conditional_access_routes, devices_routes, roles_routes
from .api_schema import SHARED_RESPONSES, problems_as_problem_json
from .assignment_manager import api as assignment_manager_api
from .bulk_edits import api as bulk_edits_api
from .comparison import api as comparison_api
from .customers import routes as customer_routes
from .deploy import api as deploy_api
from .documentation import routes as documentation_routes
from .reports import routes as report_routes
from .targeting import api as targeting_api

API_PREFIX = "/api/v1"
"""The version of the JSON API in every path; a breaking change gets a new one beside it."""

OPENAPI_URL = f"{API_PREFIX}/openapi.json"
"""The OpenAPI document: every operation of the API, and nothing else."""


def api_router() -> APIRouter:
    """Every JSON API route, under ``API_PREFIX``."""
    router = APIRouter(prefix=API_PREFIX, responses=SHARED_RESPONSES)
    for feature in (
        api_routes.router,
        documentation_routes.api_router,
        targeting_api.router,
        comparison_api.router,
        assignment_manager_api.router,
        bulk_edits_api.router,
        deploy_api.router,
        roles_routes.api_router,
        conditional_access_routes.api_router,
        devices_routes.api_router,
        audit_routes.api_router,
        customer_routes.api_router,
        report_routes.api_router,
    ):
        router.include_router(feature)
    return router


def install_openapi(app: FastAPI) -> None:
    """Serve the API's OpenAPI document with every error answer as ``application/problem+json``.

    Page routes are included with ``include_in_schema=False``, so the document is the API alone.
    """
    generate = app.openapi

    def document() -> dict[str, Any]:
        return problems_as_problem_json(generate())

    app.openapi = document  # type: ignore[method-assign]
