"""The shapes every JSON API operation shares: problem details, the collecting answer, paging.

Declared as pydantic models so the OpenAPI document names them; ``api_v1`` attaches them to
every operation once.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import PROBLEM_JSON
from .listing import Page


class FieldError(BaseModel):
    """One parameter that was not valid: where and why (never the value sent)."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details: the answer of every API error (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="urn:intune-assistant:problem:<code>; the codes are listed in docs/api.md")
    title: str = Field(description="A short summary for people")
    status: int = Field(description="The HTTP status, repeated")
    detail: str = Field(description="What happened and what to do")
    instance: str = Field(description="The path asked for")
    code: str = Field(description="The problem's code (the last part of type), for programs")
    correlation_id: str = Field(description="Quote it to support; also in the X-Correlation-Id header")
    advice: str | None = Field(default=None, description="What to do next, when there is more to say")
    missing_scope: list[str] | None = Field(
        default=None, description="The permissions (scopes) that are missing: the API's scope or Graph's"
    )
    errors: list[FieldError] | None = Field(default=None, description="422: every parameter that was not valid")


class Collecting(BaseModel):
    """202: the tenant is being read for the first time; ask again in a few seconds."""

    status: str = Field(description="Always 'collecting'", pattern="^collecting$")
    percent: int = Field(description="How much of the tenant is read so far", ge=0, le=100)


class Paging(BaseModel):
    """Where a page of a list stands: every list endpoint answers it as ``paging``."""

    page: int = Field(description="This page, from 1", ge=1)
    per: int = Field(description="Rows per page", ge=1)
    pages: int = Field(description="How many pages match", ge=0)
    matched: int = Field(description="Rows matching the search and filters", ge=0)
    total: int = Field(description="Rows before the search and filters", ge=0)
    next: str | None = Field(description="The next page's path and query, or null on the last page")

    @classmethod
    def of(cls, page: Page[Any]) -> Paging:
        """Where ``page`` stands, with the link to the next one (same search, filters and sort)."""
        state = page.state
        return cls(
            page=page.page,
            per=state.per,
            pages=page.pages,
            matched=page.matched,
            total=page.total,
            next=state.url(page=page.page + 1) if page.page < page.pages else None,
        )


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


SHARED_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": Collecting, "description": "The tenant is being read for the first time: ask again shortly"},
    400: _problem("The request was not understood (its body or a parameter): nothing was done"),
    401: _problem("No valid bearer token (missing, forged, expired, or another sign-in is needed)"),
    403: _problem("The token is valid but not allowed here (scope, role, tenant, module or consent)"),
    404: _problem("Nothing at this address, or the subject asked about was not found"),
    422: _problem("A parameter is not valid"),
    429: _problem("The tenant's plan limit is reached (Retry-After says when)"),
    500: _problem("Something went wrong on the server; nothing was changed"),
    502: _problem("Microsoft Graph answered with an error"),
    503: _problem("Microsoft Graph is not reachable for now (Retry-After)"),
}
"""The answers every operation may give besides its own 200, declared once for the whole API."""


def problems_as_problem_json(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with every error answer's schema under ``application/problem+json``.

    FastAPI files an extra response's model under the route's own media type (JSON); the API
    really answers errors as problem details, so the document says so.
    """
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in {"4", "5"} and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return document
