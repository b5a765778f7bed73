"""``/objects/{type}/{id}``: one object's page (the tenant comes from the session, so the URL is stable)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from ..analyses import CONFLICTS
from ..context import web_state
from ..errors import Link, ProblemPage
from ..templating import render
from ..tenant_data import PageData
from .view import OBJECT_INDEXES, conflicts_involving, object_page

router = APIRouter()


@router.get("/objects/{type_key}/{object_id}", name="object", response_class=HTMLResponse)
async def object_view(request: Request, type_key: str, object_id: str, data: PageData) -> Response:
    """Readable settings, assignments, scope tags, conflicts, last modified and the admin-center link."""
    # Groups and filters have pages of their own (members and nesting; rule and device preview).
    if type_key == "groups":
        return Response(status_code=303, headers={"Location": "/groups/" + quote(object_id, safe="")})
    if type_key == "assignmentFilters":
        return Response(status_code=303, headers={"Location": "/filters/" + quote(object_id, safe="")})
    indexes = await data.analysis(OBJECT_INDEXES)
    view = object_page(indexes, data.snapshot, web_state(request).catalog, type_key, object_id)
    if view is None:
        raise ProblemPage(
            404,
            "Object not found",
            "This tenant's data has no such object: it may have been deleted since the link was made, or its "
            "type could not be read.",
            links=[Link("Policies", "/policies", primary=True)],
        )
    report = await data.analysis(CONFLICTS)
    return render(
        request,
        "object.html",
        {
            "view": view,
            "conflicts": conflicts_involving(report.conflicts, type_key, object_id),
            "nav": "policies",
        },
    )
