"""Same-origin check on every state-changing request, beside the CSRF token.

Browsers say where a request comes from: ``Sec-Fetch-Site`` (``same-origin`` when a page of this
app sent it) and ``Origin`` (this app's scheme, host and port). A state-changing request (any
method but GET, HEAD and OPTIONS) must carry ``Sec-Fetch-Site: same-origin``, or, from a browser
without Fetch Metadata, an ``Origin`` equal to the app's public origin; a request with neither is
refused too (OWASP's recommendation), so a page elsewhere cannot make the browser change anything
even if a CSRF token leaked.

Two kinds of request pass without it, each for a reason the route enumeration test checks:
Entra ID's ``form_post`` answer to ``/auth/callback`` arrives cross-site by protocol (that page
only relays it to this origin and changes nothing), and a request with an ``Authorization``
header authenticates with a bearer token, which a browser never attaches on its own (a page
elsewhere would need a CORS preflight, which this app never grants).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

__all__ = ["CROSS_SITE_PATHS", "CrossOriginError", "same_origin"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Answers Entra ID posts from its own origin (response_mode=form_post).
CROSS_SITE_PATHS = frozenset({"/auth/callback"})


class CrossOriginError(Exception):
    """A state-changing request that did not come from a page of this app."""


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` as browsers send it in ``Origin`` (default ports left out)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


async def same_origin(request: Request) -> None:
    """A dependency of every route: raise ``CrossOriginError`` for a state change from elsewhere."""
    if request.method in SAFE_METHODS or request.url.path in CROSS_SITE_PATHS:
        return
    if request.headers.get("authorization"):
        return
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        if site != "same-origin":
            raise CrossOriginError(f"Sec-Fetch-Site: {site}")
        return
    origin = request.headers.get("origin")
    expected = origin_of(request.app.state.web.settings.base_url)
    if origin is None or origin.lower() != expected:
        raise CrossOriginError("no Origin" if origin is None else "foreign Origin")
