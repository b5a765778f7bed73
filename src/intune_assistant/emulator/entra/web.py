"""HTTP helpers shared by the endpoints: forms, JSON and HTML responses, redirects, base URL."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .errors import EntraError

__all__ = [
    "base_url",
    "basic_credentials",
    "html_response",
    "json_error",
    "json_response",
    "read_form",
    "redirect_with",
]

# Pages are static HTML with inline styles only; no script runs except form_post's auto-submit,
# which gets a per-response nonce. No form-action: browsers apply it to the redirect that follows
# the sign-in form, which goes to the client's redirect URI.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def base_url(request: Request, pinned: str | None) -> str:
    """``https://host:port`` for issuers and endpoint URLs: ``pinned`` or the request's own."""
    if pinned:
        return pinned.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (first value of each name).

    Entra's endpoints take only that encoding, so no multipart parser is needed.
    """
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    form: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        form.setdefault(name, value)
    return form


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """``(client_id, client_secret)`` from an HTTP Basic header (RFC 6749 §2.3.1: form-encoded)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None
    return unquote_plus(user), unquote_plus(password)


def correlation_id(request: Request) -> str:
    """The client's ``client-request-id`` (MSAL sends one) or a new id."""
    value = request.headers.get("client-request-id", "")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.uuid4())


def json_response(body: Mapping[str, Any], status: int = 200) -> Response:
    """JSON with Entra's no-store caching headers."""
    return Response(
        json.dumps(body),
        status_code=status,
        media_type="application/json; charset=utf-8",
        headers=dict(_NO_STORE),
    )


def json_error(error: EntraError, request: Request, now: float) -> Response:
    """An Entra-shaped JSON error."""
    body = error.body(str(uuid.uuid4()), correlation_id(request), now)
    return Response(
        json.dumps(body),
        status_code=error.status,
        media_type="application/json; charset=utf-8",
        headers=dict(_NO_STORE),
    )


def html_response(content: str, status: int = 200, *, script_nonce: str | None = None) -> HTMLResponse:
    """An HTML page with restrictive security headers."""
    csp = _CSP + (f"; script-src 'nonce-{script_nonce}'" if script_nonce else "")
    headers = {
        **_NO_STORE,
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    return HTMLResponse(content, status_code=status, headers=headers)


def redirect_with(uri: str, params: Mapping[str, str | None], *, fragment: bool = False) -> RedirectResponse:
    """302 to ``uri`` with ``params`` added to its query (or set as the fragment)."""
    clean = {k: v for k, v in params.items() if v is not None}
    parts = urlsplit(uri)
    if fragment:
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, urlencode(clean)))
    else:
        query = "&".join(q for q in (parts.query, urlencode(clean)) if q)
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    return RedirectResponse(target, status_code=302, headers=dict(_NO_STORE))
