"""What the user sees when something goes wrong: a page saying what to do, with a correlation id.

Never a stack trace. Logs name the error's type, the path and the correlation id, never a token
or Graph data (DESIGN §2.4): exception messages are not logged because they may quote either.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from types import FrameType
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from .csrf import CsrfError
from .headers import SECURITY_HEADERS
from .origin import CrossOriginError
from .templating import render

logger = logging.getLogger(__name__)


@dataclass
class Link:
    """A button or link on a problem page."""

    label: str
    href: str
    primary: bool = False


class ProblemPage(Exception):
    """Stop the request and show a page: what happened, what to do, and links to do it.

    The JSON API answers the same problem as RFC 9457 problem details: ``code`` names it for
    programs (its ``type`` is ``PROBLEM_TYPE`` + code; default: from the status) and
    ``extensions`` adds members such as ``missing_scope``.
    """

    def __init__(
        self,
        status: int,
        title: str,
        message: str,
        *,
        advice: str = "",
        links: list[Link] | None = None,
        headers: dict[str, str] | None = None,
        code: str = "",
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(title)
        self.status, self.title, self.message, self.advice = status, title, message, advice
        self.links = links or []
        # Extra response headers (``Retry-After`` on a 503).
        self.headers = headers or {}
        self.code = code or _STATUS_CODES.get(status, "error")
        self.extensions = extensions or {}


PROBLEM_JSON = "application/problem+json"
"""RFC 9457's media type: every error of the JSON API is answered in it."""

PROBLEM_TYPE = "urn:intune-assistant:problem:"
"""The prefix of every problem's ``type``; the codes are listed in docs/api.md."""

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_parameters",
    429: "limit_reached",
    500: "internal_error",
    502: "upstream_error",
    503: "unavailable",
}


def api_error(status: int, code: str, message: str, **extensions: Any) -> ProblemPage:
    """An API problem to raise: ``code`` for programs, ``message`` (the ``detail``) for people."""
    return ProblemPage(status, HTTPStatus(status).phrase, message, code=code, extensions=extensions)


def problem_json(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """An RFC 9457 problem details answer (``application/problem+json``) with the correlation id."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
        "correlation_id": _cid(request),
        **extensions,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


@dataclass
class Redirect(Exception):
    """Stop the request and send the browser to ``url`` (htmx requests get ``HX-Redirect``)."""

    url: str
    cookies: list[tuple[str, str]] = field(default_factory=list)


def is_htmx(request: Request) -> bool:
    """True when htmx made the request (it swaps fragments, so redirects go through headers)."""
    return request.headers.get("HX-Request") == "true"


def redirect(request: Request, url: str, status_code: int = 303) -> Response:
    """A redirect that also works for htmx requests."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=status_code)


def is_api(request: Request) -> bool:
    """True for the JSON API, which answers problems as JSON."""
    return request.url.path.startswith("/api/")


def problem_response(request: Request, problem: ProblemPage) -> Response:
    """The problem as a page, or as JSON for the API."""
    if is_api(request):
        extensions = {"advice": problem.advice, **problem.extensions} if problem.advice else problem.extensions
        return problem_json(
            request,
            problem.status,
            problem.code,
            problem.title,
            problem.message,
            headers=problem.headers,
            **extensions,
        )
    response = render(request, "problem.html", {"problem": problem}, status_code=problem.status)
    response.headers.update(problem.headers)
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers for problems, redirects, CSRF, HTTP errors and anything unexpected."""

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProblemPage)
        return problem_response(request, exc)

    async def on_redirect(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Redirect)
        return redirect(request, exc.url)

    async def on_csrf(request: Request, exc: Exception) -> Response:
        logger.warning("CSRF check failed on %s (correlation %s)", request.url.path, _cid(request))
        return problem_response(
            request,
            ProblemPage(
                403,
                "This form has expired",
                "The request did not carry this browser session's security token, so nothing was changed.",
                code="csrf_failed",
                advice="Go back, reload the page and try again. If you signed out or in meanwhile, start over.",
                links=[Link("Back to Policies", "/policies", primary=True)],
            ),
        )

    async def on_cross_origin(request: Request, exc: Exception) -> Response:
        logger.warning("cross-origin %s refused: %s (correlation %s)", request.method, exc, _cid(request))
        return problem_response(
            request,
            ProblemPage(
                403,
                "This request came from another site",
                "Your browser said the request was sent by a page that is not Intune Assistant, so nothing "
                "was changed.",
                code="cross_origin",
                advice="If you clicked something on another site, that site tried to act as you here. Open "
                "Intune Assistant directly and try again from its own page.",
                links=[Link("Back to Policies", "/policies", primary=True)],
            ),
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        titles = {404: "Page not found", 405: "Not allowed here"}
        return problem_response(
            request,
            ProblemPage(
                exc.status_code,
                titles.get(exc.status_code, "Request refused"),
                "There is nothing at this address." if exc.status_code == 404 else "The request could not be served.",
                code=_STATUS_CODES.get(exc.status_code, "request_refused"),
                links=[Link("Go to Policies", "/policies", primary=True)],
            ),
        )

    async def on_validation(request: Request, exc: Exception) -> Response:
        if is_api(request):
            assert isinstance(exc, RequestValidationError)
            # Where and why, never the value sent (it may quote tenant data).
            errors = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                for e in exc.errors()
            ]
            invalid = ProblemPage(
                422,
                "Some parameters are not valid",
                "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors),
                code="invalid_parameters",
                extensions={"errors": errors},
            )
            return problem_response(request, invalid)
        return problem_response(
            request,
            ProblemPage(
                400,
                "Some values in the address are not valid",
                "A search, sort or page parameter was not understood.",
                links=[Link("Open Policies without filters", "/policies", primary=True)],
            ),
        )

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        # The type, the route's template and where it was raised; never the exception's text or the
        # concrete path, which may quote a token or tenant data (ids, search terms).
        logger.error(
            "unexpected %s on %s %s at %s (correlation %s)",
            type(exc).__name__,
            request.method,
            route_template(request),
            raised_at(exc),
            _cid(request),
        )
        # Starlette answers unhandled errors outside the middleware stack: add the headers here.
        response = problem_response(
            request,
            ProblemPage(
                500,
                "Something went wrong on our side",
                "The request failed unexpectedly. Nothing was changed in your tenant.",
                advice="Try again in a moment. If it keeps failing, quote the correlation id below to your support.",
                links=[Link("Go to Policies", "/policies", primary=True)],
            ),
        )
        response.headers.update(SECURITY_HEADERS)
        response.headers["X-Correlation-Id"] = _cid(request)
        response.headers["Cache-Control"] = "no-store"
        return response

    app.add_exception_handler(ProblemPage, on_problem)
    app.add_exception_handler(Redirect, on_redirect)
    app.add_exception_handler(CsrfError, on_csrf)
    app.add_exception_handler(CrossOriginError, on_cross_origin)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_unexpected)


def route_template(request: Request) -> str:
    """The matched route's path template (``/groups/{group_id}``), never the concrete path."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "(no route)"


def raised_at(exc: BaseException) -> str:
    """``module:function:line`` where ``exc`` was raised, and the product's last frame if elsewhere."""
    frames = list(traceback.walk_tb(exc.__traceback__))
    if not frames:
        return "(unknown)"

    def where(frame: FrameType, line: int) -> str:
        return f"{frame.f_globals.get('__name__', '?')}:{frame.f_code.co_name}:{line}"

    innermost = where(*frames[-1])
    ours = next(
        (
            where(f, n)
            for f, n in reversed(frames)
            if str(f.f_globals.get("__name__", "")).startswith("intune_assistant")
        ),
        None,
    )
    return innermost if ours is None or ours == innermost else f"{innermost} (from {ours})"


def _ours(frame: FrameType) -> bool:
    return str(frame.f_globals.get("__name__", "")).startswith("intune_assistant.")


def _cid(request: Request) -> str:
    return str(getattr(request.state, "correlation_id", ""))
