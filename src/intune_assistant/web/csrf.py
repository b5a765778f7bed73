"""CSRF protection: a synchronizer token kept in the encrypted session cookie.

Every state-changing request (POST) must carry the session's token, as the form field
``csrf_token`` or the ``X-CSRF-Token`` header (htmx sends it from ``hx-headers``). An attacker's
page can make the browser send the cookie but cannot read the token inside it. The sign-in
callback is the exception: MSAL's ``state`` (bound to the flow cookie) protects it.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

from starlette.datastructures import FormData
from starlette.requests import Request

from .session import BrowserSession

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


class CsrfError(Exception):
    """The request's CSRF token is missing or wrong."""


async def check_csrf(request: Request, session: BrowserSession | None) -> None:
    """Raise ``CsrfError`` unless the request carries ``session``'s token."""
    if session is None:
        raise CsrfError("no session")
    sent = request.headers.get(HEADER)
    if sent is None:
        # An upload form is parsed in memory by its own parser, which leaves it in request.state.
        parsed = getattr(request.state, "form", None)
        form = parsed if isinstance(parsed, FormData) else await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent.encode(), session.csrf.encode()):
        raise CsrfError("token mismatch")


async def release_form(request: Request) -> AsyncIterator[None]:
    """A dependency of every route: close the files of a form the route parsed, when it ends.

    Starlette spools a multipart file part to a temporary file; a route that reads its form with
    ``request.form()`` (or the CSRF check) would otherwise leave it open until garbage collection.
    """
    try:
        yield
    finally:
        parsed = getattr(request.state, "form", None)
        if isinstance(parsed, FormData):  # an upload form parsed in memory (comparison/forms.py)
            await parsed.close()
        await request.close()
