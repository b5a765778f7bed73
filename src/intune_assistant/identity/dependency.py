"""FastAPI glue: a dependency that turns ``Authorization: Bearer …`` into a ``Principal``.

``bearer_principal(validator)`` raises ``AuthError``; ``install_auth_error_handler(app)`` makes
such errors answer ``{"error": {"code", "message"}}`` with the right status and
``WWW-Authenticate`` header (without it they still get the status and header, see ``errors``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .errors import AuthError
from .principal import Principal

__all__ = [
    "auth_error_handler",
    "auth_error_response",
    "bearer_principal",
    "bearer_token",
    "install_auth_error_handler",
]


class _Validates(Protocol):
    async def validate(self, token: str, *, expected_tenant: str | None = None) -> Principal: ...


def bearer_token(request: Request) -> str:
    """The bearer token of ``request``'s ``Authorization`` header; 401 ``AuthError`` if absent."""
    header = request.headers.get("authorization")
    if not header:
        raise AuthError(401, "missing_token", "Sign in first: the request has no access token.")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError.invalid("The Authorization header must be 'Bearer <access token>'.")
    return token.strip()


def bearer_principal(
    validator: _Validates,
    *,
    expected_tenant: Callable[[Request], str | None] | None = None,
) -> Callable[[Request], Awaitable[Principal]]:
    """A FastAPI dependency: the validated ``Principal`` of the request's bearer token.

    ``expected_tenant(request)`` may name the tenant the user selected (the tenant switcher); a
    token of another tenant is then refused with 403 ``tenant_mismatch``. The principal is also
    put on ``request.state.principal``.
    """

    async def principal(request: Request) -> Principal:
        token = bearer_token(request)
        wanted = expected_tenant(request) if expected_tenant is not None else None
        found = await validator.validate(token, expected_tenant=wanted)
        request.state.principal = found
        return found

    return principal


def auth_error_response(error: AuthError) -> JSONResponse:
    """The JSON answer for ``error``: ``{"error": {"code", "message"}}``, status and challenge."""
    return JSONResponse(
        {"error": {"code": error.code, "message": error.message}},
        status_code=error.status,
        headers={"WWW-Authenticate": error.www_authenticate, "Cache-Control": "no-store"},
    )


async def auth_error_handler(request: Request, exc: Exception) -> Response:
    """Starlette/FastAPI exception handler for ``AuthError``."""
    if not isinstance(exc, AuthError):  # registered for AuthError only; be safe anyway
        raise exc
    return auth_error_response(exc)


def install_auth_error_handler(app: Starlette) -> None:
    """Register ``auth_error_handler`` on a FastAPI/Starlette ``app``."""
    app.add_exception_handler(AuthError, auth_error_handler)
