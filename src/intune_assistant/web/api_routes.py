"""The JSON API's own routes (``/api/v1/me``, ``/api/v1/policies``): the API token as ``Authorization: Bearer``.

Clients (scripts, other front ends) obtain the API token for ``access_as_user`` themselves; the
tenant must be onboarded. Problems are JSON with a correlation id, never a page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from intune_assistant.identity.dependency import bearer_token

from . import api_models
from .context import web_state
from .identity_api import Principal
from .policies.query import policies_of
from .tenant_data import ApiData

router = APIRouter()


class BearerContext:
    """A validated bearer token and its principal."""

    def __init__(self, token: str, principal: Principal) -> None:
        self.token, self.principal = token, principal


async def bearer_context(request: Request) -> BearerContext:
    """Validate ``Authorization: Bearer``; ``AuthError`` (401/403 with ``WWW-Authenticate``) otherwise."""
    token = bearer_token(request)
    principal = await web_state(request).validator.validate(token)
    request.state.principal = principal
    return BearerContext(token, principal)


@router.get("/me", response_model=api_models.Me)
async def me(ctx: Annotated[BearerContext, Depends(bearer_context)]) -> dict[str, Any]:
    """Who the token belongs to and whether the tenant is onboarded."""
    return {
        "tenant_id": ctx.principal.tenant_id,
        "display_name": ctx.principal.display_name,
        "username": ctx.principal.username,
        "partner_technician": ctx.principal.is_partner_technician,
    }


@router.get("/policies", response_model=api_models.Policies)
async def api_policies(request: Request, data: ApiData) -> JSONResponse:
    """Every configuration object (search/sort like the page); 202 while collecting."""
    result = data.inventory
    table = await policies_of(data, web_state(request).catalog)
    headers = table.listing.headers()
    return JSONResponse(
        {
            "status": "ready",
            "taken_at": result.taken_at.isoformat(),
            "columns": headers,
            "rows": [
                dict(zip(headers, table.listing.cells(r), strict=True))
                for r in table.select(table.listing.state(request.query_params))
            ],
            "unknown_types": [
                {
                    "type": p.type_label,
                    "status": p.status.value,
                    "reason": p.reason,
                    "cause": p.cause,
                    "kind": p.problem.kind.value if p.problem is not None else "not_collected",
                    "request_id": p.request_id,
                }
                for p in result.problems
            ],
        }
    )
