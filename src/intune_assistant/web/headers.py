"""Security headers on every response, a correlation id per request, and its server time.

The Content-Security-Policy allows scripts and styles from this origin only (no inline script, no
``eval``), so injected markup cannot run code; ``frame-ancestors 'none'`` stops click-jacking.
"""

from __future__ import annotations

import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        # Sign-in and admin consent leave through redirects, which form-action also governs in
        # some browsers: allow https destinations (Entra ID) besides this origin.
        "form-action 'self' https:",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def new_correlation_id() -> str:
    """A random id to quote to support; it links nothing but what the server logged for the request."""
    return str(uuid.uuid4())


class SecurityHeadersMiddleware:
    """Adds the security headers, ``Cache-Control``, ``X-Correlation-Id`` and ``Server-Timing``.

    ``Server-Timing: app;dur=MS`` is the time from the request's arrival to its answer's start:
    browsers' developer tools show it, and ``benchmarks/pages.py`` reads it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = new_correlation_id()
        started = time.perf_counter()
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                headers["X-Correlation-Id"] = correlation_id
                headers["Server-Timing"] = f"app;dur={1000 * (time.perf_counter() - started):.1f}"
                # Pages hold tenant data: never cached by the browser or a proxy.
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
